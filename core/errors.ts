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
  /** The server closed an established session with a code other than 1000. */
  | 'connection_lost'
  /** The microphone track ended mid-session (unplugged, permission revoked). */
  | 'microphone_ended'
  /** The microphone or the audio graph could not be set up (other than a permission denial). */
  | 'audio_unavailable'
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

/** Removes a secret from text that came from elsewhere (e.g. a server's close reason). */
export const redact = (text: string, secret: string): string =>
  secret ? text.split(secret).join('[redacted]') : text;
