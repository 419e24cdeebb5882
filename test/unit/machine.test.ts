import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromServer, wire } from '../support/fake-session';
import { expectReleased, options, run } from '../support/machine-run';

afterEach(() => vi.useRealTimers());

describe('session machine: the way in', () => {
  it('acquires the microphone first, opens the socket only when it is ready', () => {
    const s = run();
    s.actor.send({ type: 'START' });
    expect(s.value()).toBe('{"session":"microphone"}');
    expect(s.contexts).toHaveLength(1);
    expect(s.microphone.live).toBe(true);
    expect(s.socket.starts).toBe(0);
    s.microphone.send({ type: 'mic.ready' });
    expect(s.value()).toBe('{"session":{"online":"connecting"}}');
    expect(s.socket.live).toBe(true);
    expect(s.socket.input?.url).toContain('api_key=pk_live_SECRET123');
    expect(s.playback.starts).toBe(0);
  });

  it('is connected on the initiation metadata, with the playback in the announced format', () => {
    const s = run();
    s.actor.send({ type: 'START' });
    s.microphone.send({ type: 'mic.ready' });
    s.socket.send(fromServer(wire.metadata('conv_7', 'pcm_24000')));
    expect(s.value()).toBe('{"session":{"online":{"connected":{"playing":"listening"}}}}');
    expect(s.context().conversationId).toBe('conv_7');
    expect(s.playback.live).toBe(true);
    expect(s.playback.input?.format).toBe('pcm_24000');
  });

  it('opens the audio uplink only on the initiation metadata', () => {
    const s = run();
    s.actor.send({ type: 'START' });
    s.microphone.send({ type: 'mic.ready' });
    expect(s.socket.received).toEqual([]);
    s.socket.send(fromServer(wire.ping(1)));
    expect(s.socket.received).toEqual([]);
    s.socket.send(fromServer(wire.metadata()));
    expect(s.socket.received.map((c) => c.type)).toEqual(['socket.openUplink']);
    // Both audio actors share the one uplink the socket actor arms.
    expect(s.microphone.input?.uplink).toBe(s.socket.input?.uplink);
  });
});

describe('session machine: speaking and interruptions', () => {
  it('follows the playback worklet for agentSpeaking, not the server', () => {
    const s = run();
    s.connect();
    s.socket.send(fromServer(wire.audio(1)));
    expect(s.value()).toContain('listening');
    expect(s.playback.received).toEqual([{ type: 'playback.enqueue', eventId: 1, byteLength: 4, alignment: { chars: [], starts: [] }, at: expect.any(Number) }]);
    s.playback.send({ type: 'playback.started' });
    expect(s.value()).toContain('agentSpeaking');
    expect(s.actor.getSnapshot().hasTag('speaking')).toBe(true);
    s.playback.send({ type: 'playback.drained' });
    expect(s.value()).toContain('listening');
  });

  it('notes the flush on interruption (the relay made it), fires the event, and plays the next response', () => {
    const s = run();
    s.connect();
    s.socket.send(fromServer(wire.audio(5, 'BQUFBQ==')));
    s.playback.send({ type: 'playback.started' });
    s.socket.send(fromServer(wire.interruption(8)));
    expect(s.value()).toContain('interrupted');
    expect(s.playback.received.at(-1)).toEqual({ type: 'playback.flush', generation: 1 });
    expect(s.emitted.map((e) => e.type)).toContain('interruption');
    // The new response (late chunks of the cut-off one never reach the page: see the socket tests).
    s.socket.send(fromServer(wire.audio(8, 'CAgICA==')));
    s.socket.send(fromServer(wire.audio(9, 'CQkJCQ==')));
    expect(s.playback.received.filter((c) => c.type === 'playback.enqueue')).toHaveLength(3);
    expect(s.context().lastAudioId).toBe(9);
    // A drained report after the flush does not leave `interrupted`; new audio playing does.
    s.playback.send({ type: 'playback.drained' });
    expect(s.value()).toContain('interrupted');
    s.playback.send({ type: 'playback.started' });
    expect(s.value()).toContain('agentSpeaking');
  });

  it('leaves `interrupted` for `listening` when the user turn is transcribed', () => {
    const s = run();
    s.connect();
    s.socket.send(fromServer(wire.interruption(3)));
    s.socket.send(fromServer(wire.user('wait')));
    expect(s.value()).toContain('listening');
    expect(s.context().transcript.map((t) => t.text)).toEqual(['wait']);
  });
});

describe('session machine: transcript', () => {
  it('merges consecutive agent responses, starts a new turn after an interruption or a user turn', () => {
    const s = run();
    s.connect();
    s.socket.send(fromServer(wire.agent('Hello.')));
    s.socket.send(fromServer(wire.agent('How can I help?')));
    s.socket.send(fromServer(wire.interruption(2)));
    s.socket.send(fromServer(wire.agent('Sure')));
    s.socket.send(fromServer(wire.user('Thanks')));
    s.socket.send(fromServer(wire.agent('Bye')));
    expect(s.context().transcript.map(({ role, text }) => [role, text])).toEqual([
      ['agent', 'Hello. How can I help?'],
      ['agent', 'Sure'],
      ['user', 'Thanks'],
      ['agent', 'Bye'],
    ]);
    expect(s.emitted.filter((e) => e.type === 'transcript')).toHaveLength(5);
  });

  it('applies an agent_response_correction to the turn it corrects', () => {
    const s = run();
    s.connect();
    s.socket.send(fromServer(wire.agent('The weather today is sunny and warm')));
    s.socket.send(fromServer(wire.interruption(2)));
    s.socket.send(fromServer(wire.user('stop')));
    s.socket.send(fromServer(wire.correction('The weather today is sunny and warm', 'The weather today is')));
    expect(s.context().transcript.map((t) => t.text)).toEqual(['The weather today is', 'stop']);
  });

  it('drops an agent turn corrected to nothing (interrupted before a word was heard)', () => {
    const s = run();
    s.connect();
    s.socket.send(fromServer(wire.agent('Hello there')));
    s.socket.send(fromServer(wire.interruption(2)));
    s.socket.send(fromServer(wire.correction('Hello there', '')));
    s.socket.send(fromServer(wire.user('hi')));
    expect(s.context().transcript.map((t) => [t.role, t.text])).toEqual([['user', 'hi']]);
  });
});

describe('session machine: every way out releases everything', () => {
  it('stop() while waiting for the microphone', () => {
    const s = run();
    s.actor.send({ type: 'START' });
    s.actor.send({ type: 'STOP' });
    expectReleased(s);
    expect(s.context().failure?.message).toMatch(/stop\(\) was called/);
  });

  it('stop() while connecting', () => {
    const s = run();
    s.actor.send({ type: 'START' });
    s.microphone.send({ type: 'mic.ready' });
    s.actor.send({ type: 'STOP' });
    expectReleased(s);
    expect(s.context().failure).toMatchObject({ code: 'stopped' });
  });

  it('stop() while connected: no failure, close 1000', () => {
    const s = run();
    s.connect();
    s.actor.send({ type: 'STOP' });
    expectReleased(s);
    expect(s.context().failure).toBeNull();
    expect(s.context().close).toEqual({ code: 1000, reason: '' });
  });

  it('microphone denied', () => {
    const s = run();
    s.actor.send({ type: 'START' });
    const denied = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    s.microphone.send({ type: 'mic.failed', error: denied });
    expectReleased(s);
    expect(s.socket.starts).toBe(0);
    expect(s.context().failure).toBe(denied);
    expect(s.emitted).toContainEqual({ type: 'error', error: denied });
  });

  it('microphone track ended mid-session', () => {
    const s = run();
    s.connect();
    s.microphone.send({ type: 'mic.failed', error: new Error('ended') });
    expectReleased(s);
  });

  it('socket fails to open', () => {
    const s = run();
    s.actor.send({ type: 'START' });
    s.microphone.send({ type: 'mic.ready' });
    s.socket.send({ type: 'socket.closed', code: 1006, reason: '', opened: false });
    expectReleased(s);
    expect(s.context().failure?.message).toMatch(/^WebSocket connection failed/);
  });

  it('server closes before the metadata (e.g. bad credentials, 1008)', () => {
    const s = run();
    s.actor.send({ type: 'START' });
    s.microphone.send({ type: 'mic.ready' });
    s.socket.send({ type: 'socket.closed', code: 1008, reason: 'invalid api key pk_live_SECRET123', opened: true });
    expectReleased(s);
    expect(s.context().failure?.message).toMatch(/^WebSocket connection failed \(closed with code 1008/);
    expect(s.context().failure?.message).not.toContain('SECRET123');
    expect(s.context().close).toEqual({ code: 1008, reason: 'invalid api key [redacted]' });
  });

  for (const code of [1000, 1002, 1006, 1008, 1011]) {
    it(`server closes an established session with ${code}`, () => {
      const s = run();
      s.connect();
      s.socket.send({ type: 'socket.closed', code, reason: 'bye', opened: true });
      expectReleased(s);
      expect(s.context().close).toEqual({ code, reason: 'bye' });
      expect(s.context().failure).toBeNull();
      const errors = s.emitted.filter((e) => e.type === 'error');
      expect(errors).toHaveLength(code === 1000 ? 0 : 1);
    });
  }

  it('no metadata within connectTimeoutMs', () => {
    vi.useFakeTimers();
    const s = run();
    s.actor.send({ type: 'START' });
    s.microphone.send({ type: 'mic.ready' });
    vi.advanceTimersByTime(14999);
    expect(s.value()).toContain('connecting');
    vi.advanceTimersByTime(1);
    expectReleased(s);
    expect(s.context().failure).toMatchObject({ code: 'connect_timeout' });
  });

  it('playback fails', () => {
    const s = run();
    s.connect();
    s.playback.send({ type: 'playback.failed', error: new Error('worklet crashed') });
    expectReleased(s);
  });

  it('starts again cleanly after an ending', () => {
    const s = run();
    s.connect();
    s.socket.send(fromServer(wire.agent('hi')));
    s.actor.send({ type: 'STOP' });
    s.connect();
    expect(s.context().transcript).toEqual([]);
    expect(s.context().conversationId).toBe('conv_7');
    expect(s.contexts).toHaveLength(2);
    expect(s.contexts[0].closed).toBe(true);
    expect(s.contexts[1].closed).toBe(false);
  });
});

describe('session machine: malformed and unknown server input', () => {
  it('reports invalid frames as errors and unknown types as messages, staying connected, with no fatal error in the state', () => {
    const s = run();
    s.connect();
    s.socket.send(fromServer('not json'));
    s.socket.send({ type: 'server.invalid', reason: 'binary frame' });
    s.socket.send(fromServer({ type: 'agent_chat_response_part', text_response_part: { text: 'Hi' } }));
    s.socket.send(fromServer({ type: 'error', error_event: { code: 1002, message: 'LLM timeout' } }));
    expect(s.value()).toContain('connected');
    expect(s.emitted.map((e) => e.type)).toEqual(['error', 'error', 'message', 'error']);
    expect((s.emitted[3] as unknown as { error: Error }).error.message).toBe('Server error 1002: LLM timeout');
    // Not one of them ended the session: the state's error is for the error that does.
    expect(s.context().error).toBeNull();
  });
});

describe('session machine: mute and volume', () => {
  it('keeps mute and volume across states and forwards them to live actors', () => {
    const s = run();
    s.actor.send({ type: 'SET_MUTED', muted: true });
    s.actor.send({ type: 'SET_VOLUME', volume: 0.5 });
    s.connect();
    expect(s.microphone.input?.muted).toBe(true);
    expect(s.playback.input?.volume).toBe(0.5);
    s.actor.send({ type: 'SET_MUTED', muted: false });
    s.actor.send({ type: 'SET_VOLUME', volume: 0.25 });
    expect(s.microphone.received).toEqual([{ type: 'mic.mute', muted: false }]);
    expect(s.playback.received).toEqual([{ type: 'playback.volume', volume: 0.25 }]);
  });
});
