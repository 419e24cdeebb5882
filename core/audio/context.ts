/** Opening and closing the session's single AudioContext. */

/**
 * Opens an AudioContext at the device rate (resampling is ours, so every browser agrees), and
 * resumes it at once: this runs synchronously inside start(), within the user gesture.
 * Returns null where Web Audio is missing; the microphone actor then reports a clear error.
 */
export function openAudioContext(): AudioContext | null {
  try {
    // Every browser with AudioWorklet (which we need) has the unprefixed constructor.
    const context = new AudioContext({ latencyHint: 'interactive' });
    if (context.state === 'suspended') context.resume().catch(() => {});
    return context;
  } catch {
    return null;
  }
}

/** Closes a context; a context that is already closed (or failed to close) is fine. */
export function closeAudioContext(context: AudioContext | null): void {
  if (context && context.state !== 'closed') context.close().catch(() => {});
}
