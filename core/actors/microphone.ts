/**
 * The microphone actor: owns the MediaStream, its source node, a level analyser and the capture
 * worklet for as long as the session lives. It reports `mic.ready` once audio is flowing into the
 * worklet; each finished chunk (a JSON text frame) goes to the relay on a port the uplink lends,
 * and the relay drops it unless the session is connected.
 *
 * Microphones come and go: when the track ends (a headset unplugged), when the system default
 * changes while the session uses the default, or on `setInputDevice`, another stream is opened and
 * connected before the old one is let go (make before break), and the session goes on.
 */
import { fromCallback } from 'xstate';
import { PerfVoiceError, readable } from '../errors';
import { analyserLevel, type Meters } from '../audio/meters';
import type { Uplink } from '../uplink';
import { loadWorklets } from '../audio/worklet-loader';
import { CAPTURE_PROCESSOR } from '../audio/worklets/names';
import type { CaptureCommand, CaptureOptions } from '../audio/worklets/capture.processor';

export type MicrophoneEvent =
  | { type: 'mic.ready' }
  /** Another microphone streams now (`deviceId`: the one asked for, undefined for the system default). */
  | { type: 'mic.switched'; deviceId: string | undefined }
  /** A microphone asked for by `setInputDevice` could not be opened: the session keeps the one it has. */
  | { type: 'mic.unavailable'; error: Error }
  /** getUserMedia was refused or failed, no microphone could replace an ended one, or the audio graph could not be built. */
  | { type: 'mic.failed'; error: Error };

export type MicrophoneCommand = { type: 'mic.mute'; muted: boolean } | { type: 'mic.device'; deviceId: string | undefined };

export interface MicrophoneInput {
  audio: AudioContext | null;
  chunkSize: number;
  deviceId: string | undefined;
  workletUrl: string | undefined;
  muted: boolean;
  /** Hold back the agent's voice heard again by the microphone (see audio/dsp/echo.ts). */
  guard: boolean;
  meters: Meters;
  uplink: Uplink;
}

export const microphoneActor = fromCallback<MicrophoneCommand, MicrophoneInput, MicrophoneEvent>(
  ({ input, sendBack, receive }) => {
    const { audio, meters } = input;
    let live = true;
    let deviceId = input.deviceId;
    let stream: MediaStream | undefined;
    let source: MediaStreamAudioSourceNode | undefined;
    let node: AudioWorkletNode | undefined;
    let analyser: AnalyserNode | undefined;
    const devices = navigator.mediaDevices;

    // Browser errors keep their name; an empty or vague message gets one that says what to do.
    const open = (id: string | undefined) =>
      devices
        .getUserMedia({
          audio: {
            // The echo of all the page's audio (the agent's voice is Web Audio), not only other tabs'
            // and calls', where the engine can; engines that only know true/false read it as true.
            echoCancellation: 'all' as never,
            noiseSuppression: true,
            autoGainControl: true,
            channelCount: 1,
            ...(id ? { deviceId: { exact: id } } : {}),
          },
        })
        .catch((error: Error) => {
          throw readable(error);
        });
    const release = (media?: MediaStream) =>
      media?.getTracks().forEach((track) => {
        track.onended = null;
        track.stop();
      });
    // The new stream feeds the worklet before the old one is let go: no more of a gap than opening it took.
    const attach = (media: MediaStream) => {
      const next = audio!.createMediaStreamSource(media);
      next.connect(node!);
      next.connect(analyser!);
      source?.disconnect();
      if (stream !== media) release(stream);
      source = next;
      stream = media;
      // `onended`, not a listener: what every engine fires when a device goes (and what tests can fire).
      media.getAudioTracks()[0].onended = () => swap(undefined, true);
    };
    /** Opens `id` (undefined: the system default) in place of the current microphone. */
    const swap = (id: string | undefined, lost?: boolean) =>
      open(id).then(
        (media) => {
          if (!live) return release(media);
          attach(media);
          deviceId = id;
          sendBack({ type: 'mic.switched', deviceId: id });
        },
        (error: Error) => {
          // An ended microphone that nothing replaces ends the session; a switch that fails does not.
          if (!live) return;
          if (lost) sendBack({ type: 'mic.failed', error: new PerfVoiceError('microphone_ended', `The microphone stopped and no other could be opened (${error.message})`) });
          else sendBack({ type: 'mic.unavailable', error });
        },
      );
    // On the system default, a new default (a headset plugged in) is followed.
    const follow = async () => {
      const settings = stream?.getAudioTracks()[0]?.getSettings();
      const inputs = (await devices.enumerateDevices()).filter((device) => device.kind === 'audioinput');
      const current = inputs.find((device) => device.deviceId === 'default') ?? inputs[0];
      // Chromium's default entry is named 'default' (its group tells the device); WebKit gives no groupId.
      const key = settings?.groupId ? 'groupId' : 'deviceId';
      if (live && !deviceId && current && settings?.[key] && current[key] !== settings[key]) swap(undefined);
    };

    (async () => {
      if (!audio) throw new PerfVoiceError('audio_unavailable', 'This browser has no Web Audio (AudioContext).');
      if (!devices?.getUserMedia) {
        throw new PerfVoiceError(
          'audio_unavailable',
          'Microphone access is not available: serve the page over https (or localhost) in a current browser.',
        );
      }
      const first = deviceId;
      // Held from here, so that cleanup releases it whatever fails next (a worklet the CSP refuses).
      const media = (stream = await open(first));
      if (!live) return release(media);
      await loadWorklets(audio, input.workletUrl);
      if (!live) return release(media);
      const options: CaptureOptions = { chunkSize: input.chunkSize, muted: input.muted, guard: input.guard };
      const capture = (node = new AudioWorkletNode(audio, CAPTURE_PROCESSOR, {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        channelCount: 1,
        channelCountMode: 'explicit',
        processorOptions: options,
      }));
      // The relay asks for a port of its own each time a socket starts; a socket already open (this
      // microphone is on a rebuilt context) gets one now.
      const { uplink } = input;
      uplink.capture = () => {
        const { port1, port2 } = new MessageChannel();
        capture.port.postMessage(port1 satisfies CaptureCommand, [port1]);
        return port2;
      };
      uplink.mic?.(uplink.capture());
      analyser = audio.createAnalyser();
      analyser.fftSize = 1024;
      attach(media);
      // Some engines only run nodes that reach the destination; the capture node outputs silence.
      node.connect(audio.destination);
      meters.input = analyserLevel(analyser);
      devices.addEventListener('devicechange', follow);
      sendBack({ type: 'mic.ready' });
      // Another microphone was asked for while this one was opening.
      if (deviceId !== first) swap(deviceId);
    })().catch((error: Error) => {
      if (live) sendBack({ type: 'mic.failed', error });
    });

    receive((command) => {
      if (command.type !== 'mic.device') node?.port.postMessage({ muted: command.muted } satisfies CaptureCommand);
      else if (node) swap(command.deviceId);
      else deviceId = command.deviceId;
    });

    return () => {
      live = false;
      meters.input = null;
      input.uplink.capture = null;
      devices?.removeEventListener('devicechange', follow);
      source?.disconnect();
      if (node) {
        node.port.close();
        node.disconnect();
      }
      release(stream);
    };
  },
);
