/**
 * The documented `PerfVoice` class: a thin shell over the session machine. Everything observable
 * (status, mode, transcript, lifecycle events) is derived from the machine's snapshots.
 */
import { createActor, type Actor, type SnapshotFrom } from 'xstate';
import { createMeters } from './audio/meters';
import { canRoute, devices, route } from './audio/output';
import { createUplink } from './uplink';
import { audioBlocked, PerfVoiceError } from './errors';
import { sessionMachine, type SessionEmitted } from './machine';
import { resolveOptions } from './options';
import { toState } from './state';
import type { Mode, PerfVoiceEvent, PerfVoiceEventMap, PerfVoiceOptions, PerfVoiceState, PerfVoiceStats, Status } from './types';

const EVENTS: readonly PerfVoiceEvent[] = [
  'transcript',
  'connected',
  'disconnected',
  'status',
  'error',
  'interruption',
  'message',
  'tentativeTranscript',
  'correction',
  'toolCall',
  'toolResult',
];

type Listener = (...args: never[]) => void;

/**
 * A real-time spoken conversation with a Perf voice agent.
 *
 * ```js
 * const voice = new PerfVoice({ apiKey: 'pk_live_...', agentId: 'agent_...' });
 * voice.on('transcript', (role, text) => console.log(role, text));
 * button.onclick = () => voice.start();
 * ```
 */
export class PerfVoice {
  readonly #actor: Actor<typeof sessionMachine>;
  readonly #meters = createMeters();
  readonly #listeners = new Map<PerfVoiceEvent, Set<Listener>>();
  readonly #subscribers = new Set<(state: PerfVoiceState) => void>();
  #state: PerfVoiceState;
  #pending: { resolve: () => void; reject: (error: Error) => void } | null = null;

  /**
   * @throws TypeError when `apiKey` or `agentId` is missing, or `wsUrl` is not a `ws:`/`wss:` URL.
   * Touches no browser API: safe to construct during server-side rendering.
   */
  constructor(options: PerfVoiceOptions, internals: { machine?: typeof sessionMachine } = {}) {
    const resolved = resolveOptions(options);
    this.#actor = createActor(internals.machine ?? sessionMachine, {
      input: { options: resolved, meters: this.#meters, uplink: createUplink() },
      inspect: options.inspect,
    });
    this.#state = toState(this.#actor.getSnapshot());
    // Each emitted event carries its listener's arguments as its fields, in order (see SessionEmitted).
    this.#actor.on('*', ({ type, ...args }: SessionEmitted) => this.#emit(type, ...(Object.values(args) as [never])));
    this.#actor.subscribe({
      next: () => this.#update(),
      error: (error) => console.error('[perfvoice] internal error', error),
    });
    this.#actor.start();
  }

  /**
   * Starts a conversation: asks for the microphone, opens the WebSocket and resolves when the agent
   * is ready. Call it from a click or tap handler (browsers allow audio only after a user gesture).
   *
   * Rejects with the browser's `NotAllowedError` when the microphone is denied (no socket is
   * opened then), a `PerfVoiceError` whose message begins `WebSocket connection failed` when the
   * socket fails, `Already connecting` / `Already connected` when a session is active, a
   * `connect_timeout` error when the agent is not ready within `connectTimeoutMs`, and a `stopped`
   * error when `stop()` is called first.
   */
  start(): Promise<void> {
    const { status } = this.#state;
    if (status !== 'disconnected') {
      return Promise.reject(new PerfVoiceError('already_active', status === 'connecting' ? 'Already connecting' : 'Already connected'));
    }
    const started = new Promise<void>((resolve, reject) => {
      this.#pending = { resolve, reject };
    });
    // Synchronous: the AudioContext is created and resumed here, inside the caller's user gesture.
    this.#actor.send({ type: 'START' });
    return started;
  }

  /** Ends the conversation at once: stops playback, releases the microphone, closes the socket. */
  stop(): void {
    this.#actor.send({ type: 'STOP' });
  }

  /**
   * Starts the session's audio when the browser kept it from running (`state.audioBlocked`, an
   * `error` event with code `audio_blocked`): call it from a click or tap handler, which the
   * browser counts as the user's permission to play sound. Audio then flows both ways, with no
   * restart. Resolves once the audio runs; rejects with a `not_active` error when no session is
   * active, and an `audio_blocked` error when the audio still does not run 3 s later (no output
   * device, or not called from a gesture).
   */
  resumeAudio(): Promise<void> {
    if (this.#state.status === 'disconnected') {
      return Promise.reject(new PerfVoiceError('not_active', 'resumeAudio() needs an active session: call start() first.'));
    }
    // Synchronous, like start(): the context is resumed inside the caller's user gesture.
    this.#actor.send({ type: 'RESUME_AUDIO' });
    return new Promise((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        subscription.unsubscribe();
        settle();
      };
      const check = (snapshot: SnapshotFrom<typeof sessionMachine>) => {
        if (snapshot.matches({ session: { audio: { context: 'running' } } })) done(resolve);
        else if (!snapshot.matches('session')) done(() => reject(new PerfVoiceError('stopped', 'The session ended before its audio started.')));
      };
      const subscription = this.#actor.subscribe(check);
      const timer = setTimeout(() => done(() => reject(audioBlocked())), 3000);
      check(this.#actor.getSnapshot());
    });
  }

  /**
   * Sends typed text to the agent, answered like speech. Only while connected.
   * @throws PerfVoiceError `not_connected` otherwise (nothing is queued); TypeError for non-text.
   */
  sendUserMessage(text: string): void {
    this.#send('user_message', text);
  }

  /**
   * Tells the agent something it should know (what the user is looking at, say) without
   * interrupting it or expecting a reply. Only while connected; throws like `sendUserMessage`.
   */
  sendContextualUpdate(text: string): void {
    this.#send('contextual_update', text);
  }

  /** Tells the agent the user is busy (typing, say): it should hold off talking. Only while connected. */
  sendUserActivity(): void {
    this.#send('user_activity');
  }

  /**
   * Rates the latest agent response, once per response (see `state.canSendFeedback`).
   * @throws PerfVoiceError `not_connected` with no session, `feedback_unavailable` when there is
   * no agent response to rate or it was already rated.
   */
  sendFeedback(like: boolean): void {
    this.#send();
    if (!this.#state.canSendFeedback) {
      throw new PerfVoiceError('feedback_unavailable', 'There is no unrated agent response: wait for state.canSendFeedback.');
    }
    this.#actor.send({ type: 'FEEDBACK', like: !!like });
  }

  /** The server's latest voice-activity score, 0..1 (0 when it sends none, or no session). */
  getVadScore(): number {
    return this.#meters.vad;
  }

  /** Live figures of the session's audio: where it runs, the jitter buffer, what was sent. */
  getStats(): PerfVoiceStats {
    const { context } = this.#actor.getSnapshot();
    const { underruns, underrunMs, longestUnderrunMs, targetMs } = this.#meters.playback;
    const { chunks, bytes } = context.uplink;
    return { audioThread: context.audioThread, underruns, underrunMs, longestUnderrunMs, bufferTargetMs: targetMs, sentChunks: chunks, sentBytes: bytes };
  }

  /**
   * What the user has heard so far of the current agent turn, character by character, from the
   * server's `alignment` timings and the playback position; '' when the server sends no alignment.
   * Cheap: read it every animation frame for a karaoke-style display.
   */
  getHeardText(): string {
    return this.#meters.heard?.() ?? '';
  }

  /** Sends a client message of `type` (with `text`) while connected. */
  #send(type?: string, text?: string): void {
    if (this.#state.status !== 'connected') {
      throw new PerfVoiceError('not_connected', 'No conversation is connected: call start() and wait for it to resolve.');
    }
    if (arguments.length > 1 && typeof text !== 'string') throw new TypeError('PerfVoice: text must be a string.');
    if (type) this.#actor.send({ type: 'SEND', data: JSON.stringify(text === undefined ? { type } : { type, text }) });
  }

  /** Adds an event listener. Returns a function that removes it. */
  on<E extends PerfVoiceEvent>(event: E, callback: PerfVoiceEventMap[E]): () => void {
    if (!EVENTS.includes(event)) throw new TypeError(`PerfVoice: unknown event "${event}". Events: ${EVENTS.join(', ')}.`);
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(callback);
    return () => this.off(event, callback);
  }

  /** Removes an event listener added with `on`. */
  off<E extends PerfVoiceEvent>(event: E, callback: PerfVoiceEventMap[E]): void {
    this.#listeners.get(event)?.delete(callback);
  }

  /**
   * The XState actor running the session, for inspection and debugging tools (e.g.
   * `voice.actor.system.inspect(observer)`, or `perfvoice/inspector`). Read-only use only.
   */
  get actor(): Actor<typeof sessionMachine> {
    return this.#actor;
  }

  /** Current status: 'disconnected', 'connecting' or 'connected'. */
  get status(): Status {
    return this.#state.status;
  }

  /** Current session ID (null unless connected). */
  get conversationId(): string | null {
    return this.#state.conversationId;
  }

  /** 'speaking' while agent audio is playing, else 'listening'. */
  get mode(): Mode {
    return this.#state.mode;
  }

  /**
   * Calls `listener` at once with the current state and again on every change; returns the
   * unsubscribe function. This is the Svelte store contract, and React's `useSyncExternalStore`
   * subscribe (it is bound: pass `voice.subscribe` as is).
   */
  readonly subscribe = (listener: (state: PerfVoiceState) => void): (() => void) => {
    const entry = (state: PerfVoiceState) => listener(state);
    this.#subscribers.add(entry);
    this.#call('subscribe', entry, [this.#state]);
    return () => void this.#subscribers.delete(entry);
  };

  /** The current state object (the same object until something changes). Bound. */
  readonly getSnapshot = (): PerfVoiceState => this.#state;

  /** Mutes or unmutes the microphone. While muted, silence is still streamed, as servers expect. */
  setMuted(muted: boolean): void {
    this.#actor.send({ type: 'SET_MUTED', muted: !!muted });
  }

  /** Sets the agent's playback volume, 0 (silent) to 1 (full). */
  setVolume(volume: number): void {
    if (typeof volume !== 'number' || Number.isNaN(volume)) throw new TypeError('PerfVoice: volume must be a number from 0 to 1.');
    this.#actor.send({ type: 'SET_VOLUME', volume: Math.min(1, Math.max(0, volume)) });
  }

  /**
   * Switches the microphone to `deviceId` (from `getInputDevices()`; undefined: the system
   * default). Mid-session the new one streams before the old one is released, and the session
   * goes on; one that cannot be opened is reported through the `error` event (the browser's error,
   * e.g. `OverconstrainedError`) and the session keeps the microphone it has. Between sessions it
   * sets the microphone the next `start()` opens.
   */
  setInputDevice(deviceId?: string): void {
    this.#actor.send({ type: 'SET_INPUT_DEVICE', deviceId: deviceId || undefined });
  }

  /**
   * The microphones the browser offers (`navigator.mediaDevices.enumerateDevices()`). Their labels
   * are empty until the page has had microphone permission (after a first `start()`); [] where
   * there is no media access (an insecure page).
   */
  getInputDevices(): Promise<MediaDeviceInfo[]> {
    return devices('audioinput');
  }

  /** The audio outputs the browser offers, as `getInputDevices()` does for microphones. */
  getOutputDevices(): Promise<MediaDeviceInfo[]> {
    return devices('audiooutput');
  }

  /**
   * Whether `setOutputDevice()` and `outputDeviceId` can choose where the agent plays: true in
   * Chromium-based browsers (`AudioContext.setSinkId`), false in Firefox and Safari, which play
   * through the system default.
   */
  get canSelectOutput(): boolean {
    return canRoute();
  }

  /**
   * Plays the agent through `deviceId` (from `getOutputDevices()`; undefined: the system default),
   * at once mid-session, and in the sessions that follow. Resolves once the browser has switched;
   * rejects with the browser's `NotFoundError` for a device it does not have (nothing changes
   * then), and with a `PerfVoiceError` `output_unavailable` where `canSelectOutput` is false.
   */
  async setOutputDevice(deviceId?: string): Promise<void> {
    if (!canRoute()) {
      throw new PerfVoiceError('output_unavailable', 'This browser cannot choose the audio output (canSelectOutput is false): the system default plays.');
    }
    const { audio } = this.#actor.getSnapshot().context;
    // The session's own context, switched here so that the caller awaits the browser's answer;
    // the machine records the choice for the sessions to come.
    if (audio) await route(audio, deviceId);
    this.#actor.send({ type: 'SET_OUTPUT_DEVICE', deviceId: deviceId || undefined });
  }

  /** Microphone level now, 0..1 (dB scale: 0 at -60 dBFS, 1 at full scale); 0 when not capturing. */
  getInputLevel(): number {
    return this.#meters.input?.() ?? 0;
  }

  /** Agent playback level now, 0..1 (same scale as `getInputLevel`); 0 when silent. */
  getOutputLevel(): number {
    return this.#meters.output?.() ?? 0;
  }

  #update(): void {
    const previous = this.#state;
    const snapshot = this.#actor.getSnapshot();
    const state = toState(snapshot, previous);
    if (state === previous) return;
    this.#state = state;
    if (state.status !== previous.status) {
      this.#emit('status', state.status);
      const pending = this.#pending;
      if (state.status === 'connected') {
        this.#emit('connected', state.conversationId as string);
        this.#pending = null;
        pending?.resolve();
      } else if (state.status === 'disconnected') {
        const { close, failure } = snapshot.context;
        this.#emit('disconnected', close?.code ?? 1000, close?.reason ?? '', state.endedBy ?? 'user');
        this.#pending = null;
        pending?.reject(failure ?? new PerfVoiceError('stopped', 'The session ended before it was established.'));
      }
    }
    for (const subscriber of [...this.#subscribers]) this.#call('subscribe', subscriber, [state]);
  }

  #emit<E extends PerfVoiceEvent>(event: E, ...args: Parameters<PerfVoiceEventMap[E]>): void {
    const set = this.#listeners.get(event);
    if (set) for (const listener of [...set]) this.#call(event, listener, args);
  }

  /** A listener that throws must not break the session: report it and carry on. */
  #call(name: string, listener: Listener, args: unknown[]): void {
    try {
      (listener as (...a: unknown[]) => void)(...args);
    } catch (error) {
      console.error(`[perfvoice] a "${name}" listener threw:`, error);
    }
  }
}
