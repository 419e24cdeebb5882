/**
 * `perfvoice/svelte`: a readable store of the session state. The core's `subscribe` already keeps
 * the store contract (called at once, returns the unsubscriber); this adds ownership: a voice the
 * store created is stopped when its last subscriber leaves.
 */
import { PerfVoice, type PerfVoiceOptions, type PerfVoiceState } from 'perfvoice';
import { SILENT, watchLevels, type Levels } from './levels';

export type { Levels };

/** A Svelte readable store of the session state, with the session's controls. */
export interface PerfVoiceStore {
  /** The store contract: `$voice` in components (Svelte 4 and 5). */
  subscribe(run: (state: PerfVoiceState) => void): () => void;
  /** Starts the conversation (call from a click). */
  start(): Promise<void>;
  /** Ends the conversation. */
  stop(): void;
  /** Mutes or unmutes the microphone. */
  setMuted(muted: boolean): void;
  /** Agent playback volume, 0 to 1. */
  setVolume(volume: number): void;
  /**
   * Microphone and agent levels (`$levels.input`, `$levels.output`, 0..1), updated once per
   * animation frame while a session runs and the store has subscribers: no loop of your own.
   */
  readonly levels: { subscribe(run: (levels: Levels) => void): () => void };
  /** The underlying voice, for events (`voice.on`). */
  readonly voice: PerfVoice;
}

/** Wraps an existing voice (left alone when unused) or creates one from options (stopped when unused). */
export function createPerfVoice(source: PerfVoiceOptions | PerfVoice): PerfVoiceStore {
  const owned = !(source instanceof PerfVoice);
  const voice = owned ? new PerfVoice(source) : source;
  let subscribers = 0;
  const listeners = new Set<(levels: Levels) => void>();
  let levels = SILENT;
  let stopLevels = () => {};
  return {
    voice,
    levels: {
      subscribe(run) {
        const listener = (next: Levels) => run(next);
        listeners.add(listener);
        if (listeners.size === 1) {
          stopLevels = watchLevels(voice, (next) => {
            levels = next;
            for (const each of [...listeners]) each(next);
          });
        }
        run(levels);
        return () => {
          if (listeners.delete(listener) && !listeners.size) {
            stopLevels();
            levels = SILENT;
          }
        };
      },
    },
    subscribe(run) {
      subscribers++;
      const unsubscribe = voice.subscribe(run);
      return () => {
        unsubscribe();
        if (--subscribers === 0 && owned) voice.stop();
      };
    },
    start: () => voice.start(),
    stop: () => voice.stop(),
    setMuted: (muted) => voice.setMuted(muted),
    setVolume: (volume) => voice.setVolume(volume),
  };
}
