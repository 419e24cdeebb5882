/**
 * Live session metrics, computed from what the machine sees (events, commands, its context):
 * nothing is added to the SDK's hot paths to get them.
 */

/** One user turn: the end of the user's speech, and how long until the agent's first audio. */
export interface TurnLatency {
  /** When the `user_transcript` arrived (ms since the recording began). */
  at: number;
  /** From the `user_transcript` arrival to the arrival of the next agent audio that plays (ms). */
  ms: number;
}

/** What the panel shows, and what a trace keeps at export time. Counters are per session. */
export interface InspectorMetrics {
  /** The machine's state (dotted path). */
  state: string;
  /** Microphone level, 0..1 (as `voice.getInputLevel()`). */
  inputLevel: number;
  /** Agent playback level, 0..1 (as `voice.getOutputLevel()`). */
  outputLevel: number;
  /**
   * Estimated agent audio waiting to play, in ms: the duration of the audio received since
   * playback started, minus the time it has been playing (see {@link createQueueEstimate}).
   */
  queueMs: number;
  /** Microphone audio sent: `user_audio_chunk` frames, bytes of PCM16 in them, bytes on the wire. */
  sent: { chunks: number; bytes: number; wireBytes: number };
  /**
   * Agent audio received: `chunks` are the relay's records (one frame, or the frames of up to
   * 250 ms merged), stale ones dropped after an interruption (older traces), bytes of audio.
   */
  received: { chunks: number; bytes: number; stale: number };
  /** `ping_ms` of the last ping (the server's round-trip estimate), null when it sent none. */
  pingMs: number | null;
  /** Pings answered this session (by the relay, at once, on the thread it runs on). */
  pongs: number;
  /** Where the socket and the real-time audio run (`worker` or `main`), null before a socket. */
  audioThread: string | null;
  /** The playback jitter buffer: underruns (count, ms of silence in all) and its current target (ms). */
  jitter: { underruns: number; underrunMs: number; targetMs: number };
  /** Interruptions this session. */
  interruptions: number;
  /** End of user speech → first agent audio, per turn, oldest first. */
  turns: TurnLatency[];
}

/** Metrics of a session that has not started. */
export const emptyMetrics = (state = 'disconnected'): InspectorMetrics => ({
  state,
  inputLevel: 0,
  outputLevel: 0,
  queueMs: 0,
  sent: { chunks: 0, bytes: 0, wireBytes: 0 },
  received: { chunks: 0, bytes: 0, stale: 0 },
  pingMs: null,
  pongs: 0,
  audioThread: null,
  jitter: { underruns: 0, underrunMs: 0, targetMs: 0 },
  interruptions: 0,
  turns: [],
});

/** Duration in ms of `bytes` of agent audio in a Perf format (`pcm_<rate>`: PCM16; `ulaw_8000`: 1 byte a sample). */
export function audioMs(bytes: number, format: string): number {
  const rate = Number(format.slice(format.indexOf('_') + 1)) || 16000;
  return ((bytes / (format.startsWith('ulaw') ? 1 : 2)) / rate) * 1000;
}

/** The playback queue estimate: see {@link createQueueEstimate}. */
export interface QueueEstimate {
  /** Estimated ms of audio waiting at `now`. */
  depth(now: number): number;
  /** Audio of `ms` duration was handed to playback. */
  add(now: number, ms: number): void;
  /** The playback worklet reported sound (`playback.started`): the queue drains in real time. */
  started(now: number): void;
  /** The queue is empty: drained, flushed by an interruption, or the session ended. */
  empty(now: number): void;
}

/**
 * The playback queue depth, estimated without asking the worklet: audio handed to playback adds
 * its duration; while the worklet reports sound (from `playback.started` until `playback.drained`)
 * the queue shrinks with the clock; a drain, a flush or the end of the session empties it.
 */
export function createQueueEstimate(): QueueEstimate {
  let queued = 0;
  let asOf = 0;
  let playing = false;
  const depth = (now: number) => (playing ? Math.max(0, queued - (now - asOf)) : queued);
  const settle = (now: number) => {
    queued = depth(now);
    asOf = now;
  };
  return {
    depth,
    add(now, ms) {
      settle(now);
      queued += ms;
    },
    started(now) {
      settle(now);
      playing = true;
    },
    empty(now) {
      queued = 0;
      asOf = now;
      playing = false;
    },
  };
}
