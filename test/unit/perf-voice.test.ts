// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PerfVoice, PerfVoiceError } from '../../core/index';
import { OPTIONS, fakeVoice, fromServer, wire } from '../support/fake-session';

afterEach(() => vi.restoreAllMocks());

/** Runs a fake voice to `connected`; returns its start() promise. */
function connect(v: ReturnType<typeof fakeVoice>, id = 'conv_1') {
  const started = v.voice.start();
  v.microphone.send({ type: 'mic.ready' });
  v.socket.send(fromServer(wire.metadata(id)));
  return started;
}

describe('new PerfVoice(options)', () => {
  it('rejects missing or malformed options with a TypeError that says what to do', () => {
    const make = (options: unknown) => () => new PerfVoice(options as never);
    expect(make({ agentId: 'a' })).toThrow(
      new TypeError('PerfVoice: apiKey is required (your project API key, pk_live_...), or a signedUrl from your server.'),
    );
    expect(make({ apiKey: 'k' })).toThrow(TypeError);
    expect(make({ apiKey: '', agentId: 'a' })).toThrow(/apiKey is required/);
    expect(make({ apiKey: 'k', agentId: 'a', wsUrl: 'https://api.withperf.pro/v1' })).toThrow(/wsUrl must be a ws: or wss: URL/);
    expect(make({ apiKey: 'k', agentId: 'a', wsUrl: 'not a url' })).toThrow(TypeError);
    expect(make({ apiKey: 'k', agentId: 'a', chunkSize: 100 })).toThrow(/chunkSize/);
    expect(make({ apiKey: 'k', agentId: 'a', chunkSize: 512.5 })).toThrow(/chunkSize/);
    expect(make({ apiKey: 'k', agentId: 'a', connectTimeoutMs: 0 })).toThrow(/connectTimeoutMs/);
    expect(make(undefined)).toThrow(TypeError);
  });

  it('accepts ws: and wss: URLs and any chunk size from 128', () => {
    expect(new PerfVoice({ ...OPTIONS, wsUrl: 'wss://x.test/a', chunkSize: 128 }).status).toBe('disconnected');
    expect(new PerfVoice({ ...OPTIONS, wsUrl: 'ws://x.test/a', chunkSize: 4096 }).conversationId).toBeNull();
  });

  it('never puts the API key in a construction error', () => {
    try {
      new PerfVoice({ apiKey: 'pk_live_SECRET123', agentId: 'a', wsUrl: 'http://x?api_key=pk_live_SECRET123' });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('SECRET123');
    }
  });
});

describe('start()', () => {
  it('fires status connecting, status connected, then connected(conversationId), then resolves', async () => {
    const v = fakeVoice();
    let resolvedAt = -1;
    const started = connect(v, 'conv_42').then(() => (resolvedAt = v.events.length));
    await started;
    expect(v.events).toEqual([['status', 'connecting'], ['status', 'connected'], ['connected', 'conv_42']]);
    expect(resolvedAt).toBe(3);
    expect(v.voice.status).toBe('connected');
    expect(v.voice.conversationId).toBe('conv_42');
  });

  it('rejects with "Already connecting" and "Already connected" while active', async () => {
    const v = fakeVoice();
    const started = v.voice.start();
    await expect(v.voice.start()).rejects.toMatchObject({ message: 'Already connecting', code: 'already_active' });
    v.microphone.send({ type: 'mic.ready' });
    v.socket.send(fromServer(wire.metadata()));
    await started;
    const again = v.voice.start();
    await expect(again).rejects.toBeInstanceOf(PerfVoiceError);
    await expect(again).rejects.toMatchObject({ message: 'Already connected', code: 'already_active' });
  });

  it('rejects with the browser NotAllowedError when the mic is denied, and opens no socket', async () => {
    const v = fakeVoice();
    const started = v.voice.start();
    const denied = new DOMException('Permission denied', 'NotAllowedError');
    v.microphone.send({ type: 'mic.failed', error: denied });
    await expect(started).rejects.toBe(denied);
    expect(v.socket.starts).toBe(0);
    expect(v.events).toEqual([['status', 'connecting'], ['error', denied], ['status', 'disconnected'], ['disconnected', 1000, 'Permission denied', 'error']]);
  });

  it('rejects with "WebSocket connection failed..." when the socket fails', async () => {
    const v = fakeVoice();
    const started = v.voice.start();
    v.microphone.send({ type: 'mic.ready' });
    v.socket.send({ type: 'socket.closed', code: 1006, reason: '', opened: false });
    await expect(started).rejects.toThrow(/^WebSocket connection failed/);
    expect(v.voice.status).toBe('disconnected');
    expect(v.events.at(-1)).toEqual(['disconnected', 1006, '', 'error']);
  });

  it('rejects with a connect_timeout error when no metadata comes in time', async () => {
    vi.useFakeTimers();
    try {
      const v = fakeVoice({ connectTimeoutMs: 500 });
      const started = v.voice.start();
      v.microphone.send({ type: 'mic.ready' });
      vi.advanceTimersByTime(500);
      await expect(started).rejects.toMatchObject({ code: 'connect_timeout' });
      await expect(started).rejects.toThrow(/within 500 ms/);
      expect(v.microphone.live || v.socket.live).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('stop()', () => {
  it('during connecting: start() rejects with a clear "stopped" error, and everything is released', async () => {
    const v = fakeVoice();
    const started = v.voice.start();
    v.microphone.send({ type: 'mic.ready' });
    v.voice.stop();
    await expect(started).rejects.toMatchObject({ code: 'stopped', message: 'stop() was called before the session was established.' });
    expect(v.microphone.live || v.socket.live || v.playback.live).toBe(false);
    expect(v.contexts[0].closed).toBe(true);
    expect(v.events).toEqual([['status', 'connecting'], ['status', 'disconnected'], ['disconnected', 1000, '', 'user']]);
  });

  it('while connected: disconnected(1000, "") and conversationId back to null', async () => {
    const v = fakeVoice();
    await connect(v);
    v.voice.stop();
    expect(v.events.slice(-2)).toEqual([['status', 'disconnected'], ['disconnected', 1000, '', 'user']]);
    expect(v.voice.conversationId).toBeNull();
  });

  it('is harmless when already disconnected', () => {
    const v = fakeVoice();
    v.voice.stop();
    expect(v.events).toEqual([]);
  });
});

describe('events', () => {
  it('delivers transcript, interruption and message with the documented arguments', async () => {
    const v = fakeVoice();
    await connect(v);
    v.socket.send(fromServer(wire.agent('Hi there')));
    v.socket.send(fromServer(wire.user('Hello')));
    v.socket.send(fromServer(wire.interruption(3)));
    const info = { type: 'agent_chat_response_part', text_response_part: { text: 'Hi' } };
    v.socket.send(fromServer(info));
    expect(v.events.slice(3)).toEqual([['transcript', 'agent', 'Hi there'], ['transcript', 'user', 'Hello'], ['interruption'], ['message', info]]);
  });

  it('off() and the function on() returns both remove a listener', async () => {
    const v = fakeVoice();
    const a = vi.fn();
    const b = vi.fn();
    v.voice.on('transcript', a);
    const offB = v.voice.on('transcript', b);
    v.voice.off('transcript', a);
    offB();
    await connect(v);
    v.socket.send(fromServer(wire.agent('x')));
    expect(a).not.toHaveBeenCalled();
    expect(b).not.toHaveBeenCalled();
  });

  it('rejects unknown event names with a list of the real ones', () => {
    const v = fakeVoice();
    expect(() => (v.voice.on as (event: string, callback: () => void) => void)('transcripts', () => {})).toThrow(/unknown event "transcripts".*transcript, connected/);
  });

  it('survives a listener that throws: later listeners still run, the session goes on', async () => {
    const v = fakeVoice();
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    v.voice.on('transcript', () => {
      throw new Error('app bug');
    });
    v.voice.on('status', () => {
      throw new Error('status bug');
    });
    const after = vi.fn();
    v.voice.on('transcript', after);
    await connect(v);
    v.socket.send(fromServer(wire.agent('one')));
    v.socket.send(fromServer(wire.agent('two')));
    expect(after).toHaveBeenCalledTimes(2);
    expect(v.voice.status).toBe('connected');
    expect(v.voice.getSnapshot().transcript[0].text).toBe('one two');
    expect(report).toHaveBeenCalledWith('[perfvoice] a "transcript" listener threw:', expect.any(Error));
    expect(report).toHaveBeenCalledWith('[perfvoice] a "status" listener threw:', expect.any(Error));
  });
});

describe('subscribe() and getSnapshot()', () => {
  it('calls the listener at once and on every change, with immutable state objects', async () => {
    const v = fakeVoice();
    const states: ReturnType<PerfVoice['getSnapshot']>[] = [];
    const unsubscribe = v.voice.subscribe((state) => states.push(state));
    expect(states).toHaveLength(1);
    expect(states[0]).toMatchObject({ status: 'disconnected', mode: 'listening', conversationId: null, error: null, isMuted: false, transcript: [] });
    await connect(v);
    v.playback.send({ type: 'playback.started' });
    v.socket.send(fromServer(wire.interruption(2)));
    expect(states.map((s) => [s.status, s.mode, s.isInterrupted])).toEqual([
      ['disconnected', 'listening', false],
      ['connecting', 'listening', false],
      ['connected', 'listening', false],
      ['connected', 'speaking', false],
      ['connected', 'listening', true],
    ]);
    expect(Object.isFrozen(states[2])).toBe(true);
    unsubscribe();
    v.voice.setMuted(true);
    expect(states).toHaveLength(5);
    expect(v.voice.getSnapshot().isMuted).toBe(true);
  });

  it('keeps the same object while nothing observable changes (pings)', async () => {
    const v = fakeVoice();
    await connect(v);
    const { getSnapshot, subscribe } = v.voice; // bound: usable as useSyncExternalStore(subscribe, getSnapshot)
    const before = getSnapshot();
    const listener = vi.fn();
    subscribe(listener);
    v.socket.send(fromServer(wire.ping(1)));
    expect(getSnapshot()).toBe(before);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

describe('setMuted, setVolume, levels, mode', () => {
  it('validates and clamps the volume', async () => {
    const v = fakeVoice();
    expect(() => v.voice.setVolume(NaN)).toThrow(TypeError);
    await connect(v);
    v.voice.setVolume(3);
    v.voice.setVolume(-1);
    expect(v.playback.received).toEqual([
      { type: 'playback.volume', volume: 1 },
      { type: 'playback.volume', volume: 0 },
    ]);
  });

  it('reads 0 levels when nothing is capturing or playing', () => {
    const v = fakeVoice();
    expect(v.voice.getInputLevel()).toBe(0);
    expect(v.voice.getOutputLevel()).toBe(0);
    expect(v.voice.mode).toBe('listening');
  });

  it('is not speaking while the audio is suspended mid-response (nothing is audible), and is again once it runs', async () => {
    const v = fakeVoice();
    await connect(v);
    v.playback.send({ type: 'playback.started' });
    expect(v.voice.mode).toBe('speaking');
    v.audioState.send({ type: 'audio.suspended' });
    expect(v.voice.mode).toBe('listening');
    v.audioState.send({ type: 'audio.running' });
    expect(v.voice.mode).toBe('speaking');
  });
});

describe('secrets', () => {
  it('never shows the API key in any event, error or console line', async () => {
    const lines: unknown[][] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args));
    }
    const v = fakeVoice();
    v.voice.on('transcript', () => {
      throw new Error('listener');
    });
    // connection failure with the key echoed in the close reason
    let started = v.voice.start();
    v.microphone.send({ type: 'mic.ready' });
    v.socket.send({ type: 'socket.closed', code: 1008, reason: 'bad key pk_live_SECRET123', opened: true });
    await started.catch((error) => lines.push([error.message]));
    // server error echoing the key, malformed input, abnormal close
    await connect(v);
    v.socket.send(fromServer({ type: 'error', error_event: { code: 1008, message: 'key pk_live_SECRET123 revoked' } }));
    v.socket.send(fromServer('garbage'));
    v.socket.send(fromServer(wire.agent('hi')));
    v.socket.send({ type: 'socket.closed', code: 1011, reason: 'pk_live_SECRET123', opened: true });
    // timeout
    started = v.voice.start();
    v.voice.stop();
    await started.catch((error) => lines.push([error.message]));
    const text = JSON.stringify([v.events, lines], (_, value) => (value instanceof Error ? `${value.name}: ${value.message}` : value));
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('SECRET123');
  });
});
