/**
 * The path of microphone chunks to the wire. Chunks are the one high-rate flow of a session, so
 * they skip the machine: the capture actor hands each finished frame to `send`, which the socket
 * actor sets only when the machine tells it the session is connected (and clears when the socket
 * goes). Before the initiation metadata `send` is null and chunks are dropped.
 */
export interface Uplink {
  /** Sends one audio chunk frame; null while no audio may leave. */
  send: ((frame: string) => void) | null;
  /** Chunks and bytes sent this session. */
  chunks: number;
  bytes: number;
}

export const createUplink = (): Uplink => ({ send: null, chunks: 0, bytes: 0 });
