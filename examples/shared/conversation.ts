// What the four examples share for the two-way conversation: the one client tool the agent may
// call (setAccentColor), the hint that tells the user how to make it call it, and the small
// helpers around errors and notes. Nothing here renders HTML: every value ends up as text.
import type { ClientTool, EndedBy, PerfVoice, TranscriptTurn } from 'perfvoice';

/** The CSS custom property holding the page's accent colour (buttons and status use it). */
export const ACCENT_PROPERTY = '--accent';

/** What to type for the agent to call the tool. */
export const TOOL_EXAMPLE = '/tool setAccentColor {"color":"#e63946"}';

/** Values `CSS.supports('color', …)` accepts that are no colour of their own. */
const NOT_A_COLOUR = /^(inherit|initial|unset|revert|revert-layer)$|\b(var|env|attr)\s*\(/i;

/**
 * A client tool: sets the page's accent colour. `color` must be a CSS colour (`#e63946`,
 * `rgb(230, 57, 70)`, `tomato`...); anything else throws, and the agent is told why.
 */
export const setAccentColor: ClientTool = ({ color }) => {
  const value = typeof color === 'string' ? color.trim() : '';
  if (!value || value.length > 100 || NOT_A_COLOUR.test(value) || !CSS.supports('color', value)) {
    throw new Error(`${JSON.stringify(color ?? null)} is not a CSS colour`);
  }
  document.documentElement.style.setProperty(ACCENT_PROPERTY, value);
  return `accent colour set to ${value}`;
};

/** The client tools of every example: pass as the `clientTools` option. */
export const clientTools: Record<string, ClientTool> = { setAccentColor };

/**
 * Shows the errors that do not end the session (a malformed frame, a server warning) as a
 * passing note: `show(text)` with the message, then `show('')` after `ms`. The error that ends a
 * session is `state.error` (the alert), and `audio_blocked` has its own button: neither is a note.
 * Returns the function that stops it.
 */
export function showPassingErrors(voice: PerfVoice, show: (text: string) => void, ms = 6000): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const off = voice.on('error', (error) => {
    if ((error as { code?: string }).code === 'audio_blocked') return;
    // The state is updated once the event's step is done: read it on the next task.
    setTimeout(() => {
      if (voice.getSnapshot().error === error) return;
      clearTimeout(timer);
      show(error.message);
      timer = setTimeout(() => show(''), ms);
    });
  });
  return () => {
    off();
    clearTimeout(timer);
  };
}

/**
 * Sends typed text to the agent (`sendUserMessage`); returns whether it went. Blank text is not
 * sent, and a session that ended in the meantime is reported through `fail`.
 */
export function sendTyped(voice: PerfVoice, text: string, fail: (message: string) => void = () => {}): boolean {
  if (!text.trim()) return false;
  try {
    voice.sendUserMessage(text);
    return true;
  } catch (error) {
    fail((error as Error).message);
    return false;
  }
}

/** Rates the latest agent turn (`sendFeedback`); a rating that is no longer possible is ignored. */
export function rate(voice: PerfVoice, like: boolean): void {
  if (voice.getSnapshot().canSendFeedback) voice.sendFeedback(like);
}

/**
 * Tells the agent the user is typing (`sendUserActivity`), at most once per `everyMs`, so it holds
 * off talking. Returns the function to call on each input event.
 */
export function typingNotifier(voice: PerfVoice, everyMs = 2000): () => void {
  let last = -Infinity;
  return () => {
    const now = performance.now();
    if (voice.status !== 'connected' || now - last < everyMs) return;
    last = now;
    voice.sendUserActivity();
  };
}

/** Starts the session's audio from a click when the browser kept it from running. */
export function enableAudio(voice: PerfVoice): void {
  voice.resumeAudio().catch(() => {}); // still blocked: state.audioBlocked keeps the button up
}

/** Index of the latest agent turn (where the rating buttons go), or -1. */
export function latestAgentTurn(transcript: readonly TranscriptTurn[]): number {
  for (let i = transcript.length - 1; i >= 0; i--) if (transcript[i].role === 'agent') return i;
  return -1;
}

/** A note on how the last session ended, when the user may wonder ('' otherwise). */
export const describeEnding = (endedBy: EndedBy | null): string => (endedBy === 'agent' ? 'The agent ended the conversation.' : '');
