/**
 * `perfvoice/vue`: the session state as a readonly shallow ref, fed by the core's `subscribe` and
 * cleaned up with the component (or effect scope). SSR-safe: nothing touches a browser API until
 * `start()`.
 */
import { computed, customRef, getCurrentScope, onScopeDispose, shallowReadonly, shallowRef, type ComputedRef, type Ref, type ShallowRef } from 'vue';
import { PerfVoice, type Mode, type PerfVoiceOptions, type PerfVoiceState, type Status, type TranscriptTurn } from 'perfvoice';
import { SILENT, watchLevels, type Levels } from './levels';

export type { Levels };

/** What `usePerfVoice` returns. */
export interface UsePerfVoice {
  /** The whole state object, replaced on every change. */
  readonly state: Readonly<ShallowRef<PerfVoiceState>>;
  /** Connection status. */
  readonly status: ComputedRef<Status>;
  /** `speaking` while agent audio plays. */
  readonly mode: ComputedRef<Mode>;
  /** The conversation so far. */
  readonly transcript: ComputedRef<readonly TranscriptTurn[]>;
  /** Starts the conversation (call from a click). */
  start(): Promise<void>;
  /** Ends the conversation. */
  stop(): void;
  /** Mutes or unmutes the microphone. */
  setMuted(muted: boolean): void;
  /** Agent playback volume, 0 to 1. */
  setVolume(volume: number): void;
  /**
   * Microphone and agent levels (`levels.input`, `levels.output`, 0..1), updated once per
   * animation frame while a session runs, from the first time something reads it until the scope
   * is disposed: no loop of your own.
   */
  readonly levels: Readonly<Ref<Levels>>;
  /** The underlying voice, for events (`voice.on`). */
  readonly voice: PerfVoice;
}

/**
 * Use in `<script setup>` (or any effect scope). Given options, the voice is created here and
 * stopped when the scope is disposed; a voice passed in is only unsubscribed from.
 */
export function usePerfVoice(source: PerfVoiceOptions | PerfVoice): UsePerfVoice {
  const owned = !(source instanceof PerfVoice);
  const voice = owned ? new PerfVoice(source) : source;
  const state = shallowRef(voice.getSnapshot());
  const unsubscribe = voice.subscribe((next) => {
    state.value = next;
  });
  // The loop starts on the first read (a template that shows the levels), not before.
  let stopLevels: (() => void) | undefined;
  const levels = customRef<Levels>((track, trigger) => {
    let value = SILENT;
    return {
      get() {
        track();
        stopLevels ??= watchLevels(voice, (next) => {
          value = next;
          trigger();
        });
        return value;
      },
      set() {},
    };
  });
  if (getCurrentScope()) {
    onScopeDispose(() => {
      unsubscribe();
      stopLevels?.();
      if (owned) voice.stop();
    });
  }
  return {
    voice,
    levels,
    state: shallowReadonly(state),
    status: computed(() => state.value.status),
    mode: computed(() => state.value.mode),
    transcript: computed(() => state.value.transcript),
    start: () => voice.start(),
    stop: () => voice.stop(),
    setMuted: (muted) => voice.setMuted(muted),
    setVolume: (volume) => voice.setVolume(volume),
  };
}
