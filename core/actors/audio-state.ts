/**
 * The audio-state actor: watches whether the session's AudioContext is running, for as long as
 * the session lives. A context that never runs (autoplay policy, start() outside a user gesture,
 * no output device) would otherwise make a session that says `connected` and is silent both ways.
 * It also resumes the context when told to, synchronously, so that a call from a click handler
 * counts as a user gesture.
 */
import { fromCallback } from 'xstate';

export type AudioStateEvent =
  /** The context is running: audio flows both ways. */
  | { type: 'audio.running' }
  /** It stopped running (suspended by the engine or the page, or interrupted by the OS). */
  | { type: 'audio.suspended' }
  /** The engine says at once that audio needs a gesture (Firefox's `getAutoplayPolicy`). */
  | { type: 'audio.blocked' };

export type AudioStateCommand = { type: 'audio.resume' };

export interface AudioStateInput {
  audio: AudioContext | null;
}

export const audioStateActor = fromCallback<AudioStateCommand, AudioStateInput, AudioStateEvent>(
  ({ input: { audio }, sendBack, receive }) => {
    // No context at all is the microphone actor's error to report (audio_unavailable).
    if (!audio) return;
    let live = true;
    const check = () => {
      if (live) sendBack({ type: audio.state === 'running' ? 'audio.running' : 'audio.suspended' });
    };
    audio.addEventListener('statechange', check);
    // Reported a tick later, so that the machine has finished entering the state.
    queueMicrotask(() => {
      const policy = (navigator as { getAutoplayPolicy?: (type: string) => string }).getAutoplayPolicy;
      if (audio.state === 'running') check();
      else if (live && policy?.call(navigator, 'audiocontext') === 'disallowed') sendBack({ type: 'audio.blocked' });
    });
    receive(() => {
      audio.resume().catch(() => {});
    });
    return () => {
      live = false;
      audio.removeEventListener('statechange', check);
    };
  },
);
