/**
 * Choosing the device the session's AudioContext plays through. Only `AudioContext.setSinkId`
 * (Chromium 110+) is used: routing through an `<audio>` element (which Firefox can point at a
 * device) would put a media element's buffering between playback and the speakers, and every
 * interruption would be heard that much later.
 */

/** An AudioContext that can choose its output (Chromium). */
type Routable = AudioContext & { setSinkId(deviceId: string): Promise<void>; readonly sinkId: string | object };

/** Whether this engine lets a page choose an AudioContext's output device. */
export const canRoute = (): boolean => typeof AudioContext != 'undefined' && 'setSinkId' in AudioContext.prototype;

/** Plays `audio` through `deviceId` ('' or undefined: the system default); the browser's promise. */
export const route = (audio: AudioContext, deviceId = ''): Promise<void> => (audio as Routable).setSinkId(deviceId);

/** The output device `audio` plays through now ('' for the system default, or where it cannot choose). */
export const sinkOf = (audio: AudioContext): string => {
  const id = (audio as Partial<Routable>).sinkId;
  return typeof id == 'string' ? id : '';
};

/** The devices of `kind` the browser offers; [] where there is no media access (an insecure page). */
export const devices = async (kind: MediaDeviceKind): Promise<MediaDeviceInfo[]> =>
  ((await navigator.mediaDevices?.enumerateDevices()) ?? []).filter((device) => device.kind === kind);
