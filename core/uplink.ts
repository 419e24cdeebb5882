/**
 * The audio paths between the audio actors and the socket's relay. Chunks and agent audio are the
 * high-rate flows of a session, so they skip the machine (and, on the worker path, the page's
 * thread): the microphone actor lends the capture worklet's output as a port (`capture`), the
 * socket actor takes the playback worklet's input port (`playback`), and the relay moves the
 * audio between them and the wire.
 */
export interface Uplink {
  /** Set by the microphone actor: a new port on which the capture worklet posts its chunk frames. */
  capture: (() => MessagePort) | null;
  /** Set by the socket actor: hands it a capture port made after it started (a rebuilt context's). */
  mic: ((port: MessagePort) => void) | null;
  /** Set by the socket actor: hands it the playback worklet's port for agent audio and flushes. */
  playback: ((port: MessagePort) => void) | null;
  /** Chunks and bytes sent this session (counted by the relay, reported once a second). */
  chunks: number;
  bytes: number;
}

export const createUplink = (): Uplink => ({ capture: null, mic: null, playback: null, chunks: 0, bytes: 0 });
