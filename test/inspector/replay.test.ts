// Replaying traces through the session machine: a recorded session, or a bug report's trace,
// reaches the same state after every event.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeVoice, fromServer, wire } from '../support/fake-session';
import { expectReplays, loadTrace, replay } from '../support/trace';
import { recordSession, parseTrace, type SessionTrace } from '../../inspector/index';

afterEach(() => vi.useRealTimers());

/** Records a conversation driven through fakes, and returns its trace. */
function recorded(drive: (fake: ReturnType<typeof fakeVoice>) => void): SessionTrace {
  const fake = fakeVoice();
  const recorder = recordSession(fake.voice);
  drive(fake);
  return recorder.trace();
}

const conversation = (fake: ReturnType<typeof fakeVoice>) => {
  const server = (message: unknown) => fake.socket.send(fromServer(message));
  void fake.voice.start().catch(() => {});
  fake.microphone.send({ type: 'mic.ready' });
  server(wire.metadata('conv_1', 'pcm_24000'));
  server(wire.ping(1));
  fake.voice.sendUserMessage('hello');
  server(wire.agent('Hello there.'));
  server(wire.audio(1));
  fake.playback.send({ type: 'playback.started' });
  server(wire.interruption(2));
  server(wire.audio(1)); // stale
  server(wire.user('wait'));
  server(wire.audio(3));
  fake.playback.send({ type: 'playback.started' });
  fake.voice.setVolume(0.5);
  fake.playback.send({ type: 'playback.drained' });
  server(wire.ping(2));
  fake.voice.stop();
};

describe('replayTrace', () => {
  it('reproduces every state of a recorded conversation, and the frames the machine sent', () => {
    const trace = recorded(conversation);
    const result = expectReplays(trace);
    expect(result.states).toEqual(trace.entries.flatMap((e) => (e.kind === 'event' ? [e.state] : [])));
    expect(result.states).toEqual(
      expect.arrayContaining(['session.connection.online.connected.playing.agentSpeaking, session.audio.context.running', 'session.connection.online.connected.playing.interrupted, session.audio.context.running', 'session.connection.online.connected.playing.listening, session.audio.context.running']),
    );
    expect(result.sent).toEqual(['{"type":"user_message","text":"hello"}']);
    expect(result.commands.map((c) => `${c.target}:${c.command.type}`)).toEqual([
      'socket:socket.openUplink',
      'socket:socket.send',
      'playback:playback.turn',
      'playback:playback.flush',
      'playback:playback.volume',
    ]);
    expect(result.finalState).toBe('disconnected');
  });

  it('reads the trace as exported: JSON text', () => {
    const trace = recorded(conversation);
    expect(replay(JSON.stringify(trace, null, 2)).mismatches).toEqual([]);
  });

  it('replays a connect timeout: the machine’s own delayed event is in the trace', () => {
    vi.useFakeTimers();
    const trace = recorded((fake) => {
      void fake.voice.start().catch(() => {});
      fake.microphone.send({ type: 'mic.ready' });
      vi.advanceTimersByTime(15000);
    });
    const timeout = trace.entries.find((e) => e.kind === 'event' && e.source === 'machine');
    expect(timeout).toMatchObject({ event: { type: 'xstate.after.connectTimeout.perfvoice.session.connection.online.connecting' }, state: 'disconnected' });
    const result = expectReplays(trace);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'connect_timeout' })]);
  });

  it('replays failures carrying errors (the microphone unplugged)', () => {
    const trace = recorded((fake) => {
      void fake.voice.start().catch(() => {});
      fake.microphone.send({ type: 'mic.ready' });
      fake.socket.send(fromServer(wire.metadata()));
      const error = Object.assign(new Error('The microphone stopped (device unplugged or permission revoked).'), { name: 'PerfVoiceError', code: 'microphone_ended' });
      fake.microphone.send({ type: 'mic.failed', error });
    });
    expect(trace.entries.find((e) => e.kind === 'event' && e.event.type === 'mic.failed')).toMatchObject({
      event: { error: { name: 'PerfVoiceError', code: 'microphone_ended' } },
    });
    const result = expectReplays(trace);
    expect(result.errors).toEqual([{ name: 'PerfVoiceError', code: 'microphone_ended', message: expect.stringContaining('microphone stopped') }]);
  });

  it('reports where a replay diverges from the trace', () => {
    const trace = recorded(conversation);
    const index = trace.entries.findIndex((e) => e.kind === 'event' && e.event.type === 'server.interruption');
    const entry = trace.entries[index];
    if (entry.kind === 'event') entry.state = 'session.connection.online.connected.playing.listening, session.audio.context.running';
    expect(replay(trace).mismatches).toEqual([
      { index, event: { type: 'server.interruption', eventId: 2, generation: 1 }, expected: 'session.connection.online.connected.playing.listening, session.audio.context.running', actual: 'session.connection.online.connected.playing.interrupted, session.audio.context.running' },
    ]);
  });

  it('refuses what it cannot replay: other formats, other versions, traces begun mid-session', () => {
    expect(() => replay('{"format":"har"}')).toThrow(/Not a perfvoice trace/);
    expect(() => parseTrace({ format: 'perfvoice-trace', version: 2, entries: [] })).toThrow(/Unsupported perfvoice trace version 2/);
    const fake = fakeVoice();
    void fake.voice.start().catch(() => {});
    const trace = recordSession(fake.voice).trace();
    expect(() => replay(trace)).toThrow(/begins in "session.connection.microphone, session.audio.context.running"/);
  });
});

// Bug reports: a trace exported from the inspector, saved in test/inspector/traces/, is a test.
describe('saved traces', () => {
  const files = readdirSync(join(import.meta.dirname, 'traces')).filter((file) => file.endsWith('.trace.json'));
  it('has at least one, recorded in real Chromium', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(`${file} replays to the recorded states`, () => {
      expectReplays(loadTrace(file));
    });
  }
});
