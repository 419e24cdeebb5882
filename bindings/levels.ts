/**
 * Microphone and agent levels for the bindings: read once per animation frame, and only while a
 * session runs and someone listens; published only when a level changed, so an idle page neither
 * runs a frame loop nor re-renders.
 */
import type { PerfVoice } from 'perfvoice';

/** Microphone (`input`) and agent playback (`output`) levels, 0..1 (see `getInputLevel`). */
export interface Levels {
  readonly input: number;
  readonly output: number;
}

export const SILENT: Levels = Object.freeze({ input: 0, output: 0 });

/**
 * Calls `publish` with the levels whenever they change, once per animation frame at most, while
 * the voice's session runs (back to {@link SILENT} when it ends). Returns the function that stops it.
 * The first frame is a frame away, never during the call: a render that starts it is not re-entered.
 */
export function watchLevels(voice: PerfVoice, publish: (levels: Levels) => void): () => void {
  let frame = 0;
  let last = SILENT;
  const tick = () => {
    const input = voice.getInputLevel();
    const output = voice.getOutputLevel();
    if (input !== last.input || output !== last.output) publish((last = Object.freeze({ input, output })));
    frame = requestAnimationFrame(tick);
  };
  const unsubscribe = voice.subscribe(({ status }) => {
    if (status !== 'disconnected') {
      frame ||= requestAnimationFrame(tick);
      return;
    }
    cancelAnimationFrame(frame);
    frame = 0;
    if (last !== SILENT) publish((last = SILENT));
  });
  return () => {
    unsubscribe();
    cancelAnimationFrame(frame);
    frame = 0;
  };
}
