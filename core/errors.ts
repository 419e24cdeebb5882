/** What went wrong, for code that branches on errors rather than reading messages. */
export type PerfVoiceErrorCode =
  /** `start()` while a session is connecting or connected. */
  | 'already_active'
  /** The WebSocket could not be opened, or closed before the agent was ready. */
  | 'connection_failed'
  /** The socket opened but no `conversation_initiation_metadata` came within `connectTimeoutMs`. */
  | 'connect_timeout'
  /** `stop()` was called before the session was established. */
  | 'stopped'
  /**
   * An established session's connection ended other than by a 1000 close: the server closed it
   * with another code, it dropped (1006), it went silent for `inactivityTimeoutMs` after pinging,
   * or the browser went offline.
   */
  | 'connection_lost'
  /**
   * The microphone track ended mid-session (unplugged, permission revoked) and no other microphone
   * could be opened in its place (one that can is used, and the session goes on).
   */
  | 'microphone_ended'
  /**
   * Not fatal: the audio output asked for cannot be used (the browser cannot choose one, or the
   * device is gone); the system default plays.
   */
  | 'output_unavailable'
  /** The microphone or the audio graph could not be set up (other than a permission denial). */
  | 'audio_unavailable'
  /**
   * The page's Content-Security-Policy refused every way of loading the audio worklet: self-host
   * `perfvoice/worklets/processors.js` and pass its URL as `workletUrl`.
   */
  | 'audio_blocked_by_csp'
  /**
   * `audioThread: 'worker'` was asked for and no Worker could be started (a Content-Security-Policy
   * without `worker-src blob:`): self-host `perfvoice/worklets/relay.js` as `workerUrl`, or leave
   * `audioThread` unset to fall back to the main thread.
   */
  | 'worker_unavailable'
  /**
   * Not fatal: the browser has not started the session's audio (autoplay policy, no output
   * device). The state's `audioBlocked` is true until `resumeAudio()`, called from a click, starts it.
   */
  | 'audio_blocked'
  /** `resumeAudio()` was called with no session to resume. */
  | 'not_active'
  /** A `send…()` method was called while no conversation is connected (nothing is queued). */
  | 'not_connected'
  /** `sendFeedback()` with no unrated agent response (see `state.canSendFeedback`). */
  | 'feedback_unavailable'
  /** The server sent an `error` message. */
  | 'server_error'
  /** The server sent a frame that breaks the protocol; it was ignored. */
  | 'invalid_message'
  /** More than the playback bound (120 s) of agent audio was queued; the oldest was dropped. */
  | 'playback_overflow';

/**
 * Errors raised by the SDK itself. Browser errors (e.g. the `NotAllowedError` DOMException of a
 * denied microphone) are passed through unchanged so `err.name` checks keep working.
 */
export class PerfVoiceError extends Error {
  /** A stable identifier of the failure. */
  readonly code: PerfVoiceErrorCode;

  constructor(code: PerfVoiceErrorCode, message: string) {
    super(message);
    this.name = 'PerfVoiceError';
    this.code = code;
  }
}

/**
 * The session's audio does not run (autoplay policy, no output device): said once when it is
 * noticed, and again when resumeAudio() did not start it.
 */
export const audioBlocked = () =>
  new PerfVoiceError(
    'audio_blocked',
    'The browser has not started audio (autoplay policy or no output device): call voice.resumeAudio() from a click or tap.',
  );

/** Removes a secret from text that came from elsewhere (e.g. a server's close reason). */
export const redact = (text: string, secret: string): string =>
  secret ? text.split(secret).join('[redacted]') : text;

/** What to tell the user when the browser rejects getUserMedia without a message of its own. */
const MIC_MESSAGES: Record<string, string> = {
  NotAllowedError: 'Microphone access was denied: allow it in the browser\'s site settings.',
  NotFoundError: 'No microphone was found: connect one, or check inputDeviceId.',
  NotReadableError: 'The microphone could not be opened: another application may be using it.',
  OverconstrainedError:
    'No microphone matches inputDeviceId: pick a deviceId from navigator.mediaDevices.enumerateDevices().',
};

/**
 * Gives a browser error with an empty message (Chromium's `OverconstrainedError` for a bad
 * `inputDeviceId`, for one) a sentence that says what to do; an `OverconstrainedError` always
 * gets one (the engines' "Invalid constraint" does not say which). The error object itself is
 * kept, so `err.name` checks work as before.
 */
export function readable(error: Error): Error {
  if (error?.message && error.name !== 'OverconstrainedError') return error;
  const message = MIC_MESSAGES[error?.name] ?? `The microphone could not be opened (${error?.name ?? 'unknown error'}).`;
  try {
    Object.defineProperty(error, 'message', { value: message, configurable: true });
    if (error.message === message) return error;
  } catch {
    // a frozen error: replaced below
  }
  return new PerfVoiceError('audio_unavailable', message);
}
