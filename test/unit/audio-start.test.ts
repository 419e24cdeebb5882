// @vitest-environment jsdom
// Audio that will not start (autoplay policy, no output device), resumeAudio(), and how the
// worklet module is loaded (self-hosted URL, Blob URL, data: URL) and fails under a strict CSP.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor, setup } from 'xstate';
import { PerfVoice, PerfVoiceError } from '../../core/index';
import { audioStateActor } from '../../core/actors/audio-state';
import { loadWorklets } from '../../core/audio/worklet-loader';
import { readable } from '../../core/errors';
import { OPTIONS, fakeVoice, fromServer, wire } from '../support/fake-session';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A fake voice whose AudioContext does not run by itself. */
function blockedVoice() {
  const v = fakeVoice({}, { audioRuns: false });
  const errors: PerfVoiceError[] = [];
  v.voice.on('error', (error) => errors.push(error as PerfVoiceError));
  return { ...v, errors };
}

const audioRegion = (voice: PerfVoice) => (voice.actor.getSnapshot().value as { session?: { audio: { context: string } } }).session?.audio.context;

describe('an AudioContext that does not run', () => {
  it('is a state of its own after 2 s: audioBlocked, one audio_blocked error, and the session still connects', async () => {
    vi.useFakeTimers();
    const v = blockedVoice();
    const started = v.voice.start();
    expect(audioRegion(v.voice)).toBe('starting');
    expect(v.voice.getSnapshot().audioBlocked).toBe(false);
    vi.advanceTimersByTime(1999);
    expect(v.errors).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(audioRegion(v.voice)).toBe('blocked');
    expect(v.voice.getSnapshot().audioBlocked).toBe(true);
    expect(v.errors.map((e) => [e.name, e.code])).toEqual([['PerfVoiceError', 'audio_blocked']]);
    expect(v.errors[0].message).toMatch(/resumeAudio\(\) from a click/);
    // Not the error that ends a session: the state's error stays clear.
    expect(v.voice.getSnapshot().error).toBeNull();
    v.microphone.send({ type: 'mic.ready' });
    v.socket.send(fromServer(wire.metadata('conv_b')));
    await expect(started).resolves.toBeUndefined();
    expect(v.voice.status).toBe('connected');
    expect(v.voice.getSnapshot().audioBlocked).toBe(true);
    // Mode stays honest: nothing plays while blocked.
    expect(v.voice.mode).toBe('listening');
  });

  it('is blocked at once when the engine says audio needs a gesture, and runs when the context does', () => {
    const v = blockedVoice();
    void v.voice.start().catch(() => {});
    v.audioState.send({ type: 'audio.blocked' });
    expect(v.voice.getSnapshot().audioBlocked).toBe(true);
    expect(v.errors).toHaveLength(1);
    v.audioState.send({ type: 'audio.running' });
    expect(audioRegion(v.voice)).toBe('running');
    expect(v.voice.getSnapshot().audioBlocked).toBe(false);
    v.voice.stop();
    expect(v.voice.getSnapshot().audioBlocked).toBe(false);
    expect(v.audioState.live).toBe(false);
  });

  it('goes back to starting when a running context is suspended, and is blocked if it stays so', () => {
    vi.useFakeTimers();
    const v = fakeVoice();
    void v.voice.start().catch(() => {});
    expect(audioRegion(v.voice)).toBe('running');
    v.audioState.send({ type: 'audio.suspended' });
    expect(audioRegion(v.voice)).toBe('starting');
    vi.advanceTimersByTime(2000);
    expect(v.voice.getSnapshot().audioBlocked).toBe(true);
    v.voice.stop();
  });

  it('reports nothing when the context starts in time', () => {
    vi.useFakeTimers();
    const v = blockedVoice();
    void v.voice.start().catch(() => {});
    vi.advanceTimersByTime(500);
    v.audioState.send({ type: 'audio.running' });
    vi.advanceTimersByTime(5000);
    expect(v.errors).toEqual([]);
    expect(audioRegion(v.voice)).toBe('running');
    v.voice.stop();
  });
});

describe('resumeAudio()', () => {
  it('resumes the context synchronously (inside the click) and resolves once audio runs', async () => {
    const v = blockedVoice();
    void v.voice.start().catch(() => {});
    v.audioState.send({ type: 'audio.blocked' });
    const resumed = v.voice.resumeAudio();
    expect(v.audioState.received).toEqual([{ type: 'audio.resume' }]);
    v.audioState.send({ type: 'audio.running' });
    await expect(resumed).resolves.toBeUndefined();
    v.voice.stop();
  });

  it('resolves at once when audio already runs', async () => {
    const v = fakeVoice();
    void v.voice.start().catch(() => {});
    await expect(v.voice.resumeAudio()).resolves.toBeUndefined();
    v.voice.stop();
  });

  it('rejects with not_active without a session, audio_blocked when audio still does not run 3 s later, stopped when the session ends', async () => {
    const v = blockedVoice();
    await expect(v.voice.resumeAudio()).rejects.toMatchObject({ code: 'not_active', message: expect.stringMatching(/call start\(\) first/) });
    vi.useFakeTimers();
    void v.voice.start().catch(() => {});
    const late = v.voice.resumeAudio();
    vi.advanceTimersByTime(3000);
    await expect(late).rejects.toMatchObject({ code: 'audio_blocked', message: expect.stringMatching(/output device/) });
    const ended = v.voice.resumeAudio();
    v.voice.stop();
    await expect(ended).rejects.toMatchObject({ code: 'stopped' });
  });
});

/** A stand-in AudioContext with what the audio-state actor uses. */
function fakeContext(state: AudioContextState) {
  const target = new EventTarget();
  return Object.assign(target, {
    state,
    resume: vi.fn(() => Promise.resolve()),
    set(next: AudioContextState) {
      this.state = next;
      target.dispatchEvent(new Event('statechange'));
    },
  });
}

describe('the audio-state actor', () => {
  /** Runs the actor under a parent machine that records what it reports. */
  function run(context: ReturnType<typeof fakeContext>) {
    const events: string[] = [];
    const parent = setup({ actors: { watch: audioStateActor } }).createMachine({
      invoke: { id: 'watch', src: 'watch', input: { audio: context as unknown as AudioContext } },
      on: { '*': { actions: ({ event }) => events.push(event.type) } },
    });
    const actor = createActor(parent).start();
    const child = actor.getSnapshot().children.watch!;
    return { events, actor, child };
  }

  it('reports running on statechange, resumes synchronously on command, and removes its listener', async () => {
    const context = fakeContext('suspended');
    const remove = vi.spyOn(context, 'removeEventListener');
    const { events, actor, child } = run(context);
    await Promise.resolve();
    expect(events).toEqual([]);
    child.send({ type: 'audio.resume' });
    expect(context.resume).toHaveBeenCalledTimes(1);
    context.set('running');
    expect(events).toEqual(['audio.running']);
    context.set('suspended');
    expect(events).toEqual(['audio.running', 'audio.suspended']);
    actor.stop();
    expect(remove).toHaveBeenCalledWith('statechange', expect.any(Function));
    context.set('running');
    expect(events).toEqual(['audio.running', 'audio.suspended']);
  });

  it('reports a context that already runs, and a blocked one when getAutoplayPolicy says so', async () => {
    const running = run(fakeContext('running'));
    await Promise.resolve();
    expect(running.events).toEqual(['audio.running']);
    running.actor.stop();
    Object.assign(navigator, { getAutoplayPolicy: () => 'disallowed' });
    try {
      const blocked = run(fakeContext('suspended'));
      await Promise.resolve();
      expect(blocked.events).toEqual(['audio.blocked']);
      blocked.actor.stop();
    } finally {
      delete (navigator as { getAutoplayPolicy?: unknown }).getAutoplayPolicy;
    }
  });
});

describe('loading the worklet module', () => {
  /** A context whose addModule refuses the URLs `refuse` matches (as a CSP would). */
  function context(refuse: (url: string) => boolean) {
    const tried: string[] = [];
    const audioWorklet = {
      addModule: vi.fn(async (url: string) => {
        tried.push(url.startsWith('data:') ? 'data:' : url.startsWith('blob:') ? 'blob:' : url);
        if (refuse(url)) throw new DOMException(`Refused to load ${url}`, 'AbortError');
      }),
    };
    return { context: { audioWorklet } as unknown as BaseAudioContext, tried };
  }

  it('tries the given URL, then a Blob URL, then a data: URL, and stops at the first that loads', async () => {
    let n = 0;
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:test/${++n}`);
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const self = context(() => false);
    await loadWorklets(self.context, '/assets/processors.js');
    expect(self.tried).toEqual(['/assets/processors.js']);
    const strict = context((url) => !url.startsWith('data:'));
    await loadWorklets(strict.context, '/missing.js');
    expect(strict.tried).toEqual(['/missing.js', 'blob:', 'data:']);
    const none = context((url) => url.startsWith('data:'));
    await loadWorklets(none.context);
    expect(none.tried).toEqual(['blob:']);
    expect(revoke).toHaveBeenCalledTimes(3);
  });

  it('fails with audio_blocked_by_csp and one sentence that names the fix, not the data: URL', async () => {
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => 'blob:test/x');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const error = await loadWorklets(context(() => true).context).catch((e: PerfVoiceError) => e);
    expect(error).toBeInstanceOf(PerfVoiceError);
    expect(error).toMatchObject({ code: 'audio_blocked_by_csp' });
    expect((error as Error).message).toBe(
      "The page's Content-Security-Policy blocks the audio worklet: self-host perfvoice/worklets/processors.js and pass its URL as the workletUrl option.",
    );
    const given = await loadWorklets(context(() => true).context, '/pv/processors.js').catch((e: Error) => e);
    expect((given as Error).message).toMatch(/^The audio worklet could not be loaded from workletUrl \(\/pv\/processors\.js\)/);
    expect((given as Error).message.length).toBeLessThan(260);
    expect((given as Error).message).not.toContain('data:');
  });

  it('validates workletUrl at construction', () => {
    expect(() => new PerfVoice({ ...OPTIONS, workletUrl: '' })).toThrow(/workletUrl must be the URL of perfvoice\/worklets\/processors\.js/);
    expect(() => new PerfVoice({ ...OPTIONS, workletUrl: 42 as never })).toThrow(TypeError);
    expect(new PerfVoice({ ...OPTIONS, workletUrl: '/assets/processors.js' }).status).toBe('disconnected');
  });
});

describe('browser errors without a message', () => {
  it('get a sentence that says what to do, and keep their name', () => {
    const overconstrained = new DOMException('', 'OverconstrainedError');
    expect(readable(overconstrained)).toBe(overconstrained);
    expect(overconstrained.name).toBe('OverconstrainedError');
    expect(overconstrained.message).toMatch(/No microphone matches inputDeviceId/);
    const vague = readable(new DOMException('Invalid constraint', 'OverconstrainedError'));
    expect(vague.message).toMatch(/^No microphone matches inputDeviceId/);
    const odd = readable(new DOMException('', 'SecurityError'));
    expect(odd.message).toBe('The microphone could not be opened (SecurityError).');
    const said = new DOMException('Permission denied', 'NotAllowedError');
    expect(readable(said).message).toBe('Permission denied');
    const frozen = Object.freeze(new Error(''));
    expect(readable(frozen)).toMatchObject({ code: 'audio_unavailable', message: 'The microphone could not be opened (Error).' });
  });
});
