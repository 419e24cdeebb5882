// The recorder and the trace format, on a PerfVoice whose resources are fakes.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { fakeVoice, fromServer, wire } from '../support/fake-session';
import { recordSession, stateKey, parseTrace, TRACE_FORMAT, TRACE_VERSION, type SessionTrace } from '../../inspector/index';

const KEY = 'pk_live_SECRET123'; // fakeVoice's API key

/** A controllable clock for the recorder. */
function clock() {
  let now = 1000;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/** A voice, a recorder on it, and a scripted conversation to drive it. */
function setup() {
  const fake = fakeVoice();
  const time = clock();
  const recorder = recordSession(fake.voice, { now: time.now });
  const server = (message: unknown) => fake.socket.send(fromServer(message));
  const connect = () => {
    void fake.voice.start().catch(() => {});
    time.advance(20);
    fake.microphone.send({ type: 'mic.ready' });
    time.advance(30);
    server(wire.metadata('conv_42'));
  };
  /** Microphone chunks, as the real socket actor counts them on the uplink. */
  const micChunks = (count: number) => {
    const uplink = fake.socket.input!.uplink;
    uplink.chunks += count;
    uplink.bytes += count * 5484;
  };
  return { ...fake, time, recorder, server, connect, micChunks };
}

afterEach(() => vi.useRealTimers());

describe('the inspect option', () => {
  it('hands the machine snapshots and events to an XState inspector', () => {
    const seen: InspectionEvent[] = [];
    const fake = fakeVoice({ inspect: (event) => seen.push(event) });
    void fake.voice.start().catch(() => {});
    fake.microphone.send({ type: 'mic.ready' });
    fake.socket.send(fromServer(wire.metadata('conv_9')));
    const root = fake.voice.actor;
    const events = seen.filter((e) => e.type === '@xstate.event' && e.actorRef === root).map((e) => (e as { event: { type: string } }).event.type);
    expect(events).toEqual(['xstate.init', 'START', 'audio.running', 'mic.ready', 'server.metadata']);
    const states = seen
      .filter((e) => e.type === '@xstate.snapshot' && e.actorRef === root)
      .map((e) => stateKey((e as unknown as { snapshot: { value: never } }).snapshot.value));
    expect(states).toEqual(['disconnected', 'session.connection.microphone, session.audio.context.starting', 'session.connection.microphone, session.audio.context.running', 'session.connection.online.connecting, session.audio.context.running', 'session.connection.online.connected.playing.listening, session.audio.context.running']);
    // The child actors are announced too: an inspector sees the whole system.
    const actors = seen.filter((e) => e.type === '@xstate.actor').map((e) => (e.actorRef as unknown as { id: string }).id);
    expect(actors).toEqual(expect.arrayContaining(['microphone', 'socket', 'playback']));
  });
});

describe('recordSession', () => {
  it('records every machine event with its sender and the state it led to', () => {
    const s = setup();
    s.connect();
    s.voice.stop();
    const trace = s.recorder.trace();
    const events = trace.entries.filter((e) => e.kind === 'event');
    expect(events.map((e) => [e.source, e.event.type, e.state])).toEqual([
      ['app', 'START', 'session.connection.microphone, session.audio.context.starting'],
      ['audioState', 'audio.running', 'session.connection.microphone, session.audio.context.running'],
      ['microphone', 'mic.ready', 'session.connection.online.connecting, session.audio.context.running'],
      ['socket', 'server.metadata', 'session.connection.online.connected.playing.listening, session.audio.context.running'],
      ['app', 'STOP', 'disconnected'],
    ]);
    expect(events.map((e) => e.t)).toEqual([0, 0, 20, 50, 50]);
    expect(trace.final).toMatchObject({ state: 'disconnected', status: 'disconnected' });
  });

  it('writes the documented format: version, options without the key, JSON only', () => {
    const s = setup();
    s.connect();
    const trace = s.recorder.trace();
    expect(trace).toMatchObject({
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      machine: 'perfvoice',
      initialState: 'disconnected',
      options: { agentId: 'agent_1', wsUrl: 'ws://127.0.0.1:1/v1', chunkSize: 2048, connectTimeoutMs: 15000 },
      dropped: 0,
      final: { state: 'session.connection.online.connected.playing.listening, session.audio.context.running', status: 'connected', conversationId: 'conv_42' },
    });
    expect(new Date(trace.recordedAt).toISOString()).toBe(trace.recordedAt);
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
    expect(parseTrace(JSON.stringify(trace))).toEqual(trace);
  });

  it('never keeps the API key: not from options, inputs, URLs, close reasons or server errors', () => {
    const s = setup();
    s.connect();
    s.server({ type: 'error', error_event: { code: 1011, message: `bad key ${KEY}` } });
    s.server({ type: 'echo', url: `wss://x.example/v1?agent_id=a&api_key=${KEY}&x=1`, other: 'wss://y.example/?api_key=pk_other_777' });
    s.socket.send({ type: 'socket.closed', code: 1008, reason: `invalid api_key=${KEY}`, opened: true });
    const json = JSON.stringify(s.recorder.trace());
    expect(json).not.toContain(KEY);
    expect(json).not.toContain('pk_other_777');
    expect(json).toContain('api_key=[redacted]');
    const rows = JSON.stringify(s.recorder.timeline.rows);
    expect(rows).not.toContain(KEY);
    expect(rows).not.toContain('pk_other_777');
  });

  it('summarises audio: event ids and byte counts, never the audio itself', () => {
    const s = setup();
    s.connect();
    const audio = 'AAECAwQFBgcICQoLDA0ODw=='; // 16 bytes
    for (let id = 1; id <= 5; id++) s.server(wire.audio(id, audio));
    s.micChunks(3);
    s.server(wire.ping(7));
    const trace = s.recorder.trace();
    expect(JSON.stringify(trace)).not.toContain(audio);
    const audioEvents = trace.entries.filter((e) => e.kind === 'event' && e.event.type === 'server.audio');
    expect(audioEvents.map((e) => (e.kind === 'event' ? e.event : null))).toEqual(
      [1, 2, 3, 4, 5].map((eventId) => ({ type: 'server.audio', eventId, byteLength: 16 })),
    );
    expect(trace.entries.find((e) => e.kind === 'uplink')).toMatchObject({ chunks: 3, bytes: 3 * 2048 * 2, wireBytes: 3 * 5484 });
    // The timeline folds them: one row per direction, until something else happens.
    const rows = s.recorder.timeline.rows.map((r) => `${r.kind} ${r.name} ${r.text}`);
    expect(rows).toContain('in audio ×5 · 80 B · event_id 1–5');
    expect(rows).toContain('out user_audio_chunk ×3 · 12.3 kB');
    expect(rows.slice(-2)).toEqual(['in ping #7 · ping_ms 20', 'out pong #7 · sent at once by the relay']);
  });

  it('shows a client tool call and its outcome, and typed text sent to the agent', async () => {
    const s = setup();
    s.connect();
    s.server({ type: 'client_tool_call', client_tool_call: { tool_name: 'missing', tool_call_id: 'c9', parameters: { a: 1 } } });
    s.server({ type: 'tentative_user_transcript', tentative_user_transcription_event: { user_transcript: 'what is' } });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const rows = s.recorder.timeline.rows.map((r) => `${r.kind} ${r.name} ${r.text}`);
    expect(rows).toContain('in client_tool_call missing #c9 {"a":1}');
    expect(rows).toContain('event tool.result missing #c9 → error “Unknown client tool "missing".” ← tools');
    expect(rows).toContain('in tentative_user_transcript “what is”');
  });

  it('folds a stream of informational messages into one row', () => {
    const s = setup();
    s.connect();
    for (const score of [0.1, 0.5, 0.9]) s.server({ type: 'internal_vad', internal_vad_event: { score } });
    s.server(wire.ping(3));
    s.server({ type: 'internal_vad', internal_vad_event: { score: 0.2 } });
    const rows = s.recorder.timeline.rows.map((r) => `${r.name} ${r.text}`);
    expect(rows).toContain('internal_vad ×3 · {"type":"internal_vad","internal_vad_event":{"score":0.9}}');
    expect(rows[rows.length - 1]).toBe('internal_vad {"type":"internal_vad","internal_vad_event":{"score":0.2}}');
    // The trace keeps each one.
    expect(s.recorder.trace().entries.filter((e) => e.kind === 'event' && e.event.type === 'server.unknown')).toHaveLength(4);
  });

  it('counts sent and received audio, pongs and interruptions', () => {
    const s = setup();
    s.connect();
    s.micChunks(10);
    s.server(wire.ping(1, 35));
    s.server(wire.audio(3, 'AAAAAAAA')); // 6 bytes
    s.server(wire.interruption(5));
    const m = s.recorder.metrics();
    expect(m).toMatchObject({
      state: 'session.connection.online.connected.playing.interrupted, session.audio.context.running',
      sent: { chunks: 10, bytes: 10 * 4096, wireBytes: 10 * 5484 },
      received: { chunks: 1, bytes: 6, stale: 0 },
      pingMs: 35,
      pongs: 1,
      interruptions: 1,
    });
    // A new session starts from zero.
    s.voice.stop();
    void s.voice.start().catch(() => {});
    expect(s.recorder.metrics()).toMatchObject({ received: { chunks: 0 }, pongs: 0, interruptions: 0, pingMs: null });
  });

  it('estimates the playback queue from audio received and time played', () => {
    const s = setup();
    s.connect();
    const second = `${'A'.repeat(42667)}=`; // 32 000 bytes: 1 s at pcm_16000
    s.server(wire.audio(1, second));
    s.server(wire.audio(2, second));
    expect(s.recorder.metrics().queueMs).toBe(2000);
    s.playback.send({ type: 'playback.started' });
    s.time.advance(500);
    expect(s.recorder.metrics().queueMs).toBe(1500);
    s.server(wire.audio(3, second));
    expect(s.recorder.metrics().queueMs).toBe(2500);
    s.server(wire.interruption(9));
    expect(s.recorder.metrics().queueMs).toBe(0);
    s.server(wire.audio(10, second));
    expect(s.recorder.metrics().queueMs).toBe(1000);
    expect(s.recorder.status).toBe('connected');
    s.voice.stop(); // the session's end empties it
    expect(s.recorder.status).toBe('disconnected');
    expect(s.recorder.metrics().queueMs).toBe(0);
  });

  it('measures the end of the user speech (user_transcript) to the first agent audio, per turn', () => {
    const s = setup();
    s.connect();
    s.server(wire.audio(1)); // the greeting: no user turn before it
    s.server(wire.user('hello'));
    s.time.advance(420);
    s.server(wire.audio(2));
    s.server(wire.audio(3)); // same turn: not counted again
    s.server(wire.user('and then'));
    s.time.advance(310.5);
    s.server(wire.audio(4));
    expect(s.recorder.metrics().turns).toEqual([
      { at: 50, ms: 420 },
      { at: 470, ms: 310.5 },
    ]);
  });

  it('records the frames and commands the machine sends, and errors it reports', () => {
    const s = setup();
    s.connect();
    s.voice.sendUserMessage('hi');
    s.voice.setMuted(true);
    s.server(wire.interruption(2));
    s.server({ type: 'audio', audio_event: { audio_base_64: '%%%', event_id: 1 } });
    const trace = s.recorder.trace();
    expect(trace.entries.filter((e) => e.kind === 'send')).toEqual([{ t: 50, kind: 'send', message: { type: 'user_message', text: 'hi' } }]);
    expect(trace.entries.filter((e) => e.kind === 'command').map((e) => (e.kind === 'command' ? [e.target, e.command.type] : null))).toEqual([
      ['socket', 'socket.openUplink'],
      ['microphone', 'mic.mute'],
      ['playback', 'playback.flush'],
    ]);
    expect(trace.entries.filter((e) => e.kind === 'error')).toEqual([
      { t: 50, kind: 'error', error: { name: 'PerfVoiceError', code: 'invalid_message', message: 'Ignored a malformed server message (audio without a valid event_id or audio_base_64 of whole samples).' } },
    ]);
  });

  it('remembers the transitions last taken, by state node id', () => {
    const s = setup();
    s.connect();
    expect(s.recorder.lastTransitions).toEqual([{ source: 'perfvoice.session.connection.online.connecting', target: 'perfvoice.session.connection.online.connected' }]);
    s.server(wire.interruption(1));
    expect(s.recorder.lastTransitions).toEqual([
      { source: 'perfvoice.session.connection.online.connected.playing', target: 'perfvoice.session.connection.online.connected.playing.interrupted' },
    ]);
  });

  it('stops recording on stop(), and keeps the latest maxEntries', () => {
    const fake = fakeVoice();
    const recorder = recordSession(fake.voice, { maxEntries: 2 });
    void fake.voice.start().catch(() => {});
    fake.microphone.send({ type: 'mic.ready' });
    fake.socket.send(fromServer(wire.metadata()));
    const trace: SessionTrace = recorder.trace();
    expect(trace.entries).toHaveLength(2);
    expect(trace.dropped).toBe(3); // START, audio.running and mic.ready: the oldest go first
    expect(trace.entries.map((e) => (e.kind === 'event' ? e.event.type : e.kind))).toEqual(['server.metadata', 'command']);
    recorder.stop();
    fake.voice.stop();
    expect(recorder.trace().entries).toHaveLength(2);
    expect(recorder.state).toBe('session.connection.online.connected.playing.listening, session.audio.context.running');
  });

  it('records from the middle of a session, saying where it began', () => {
    const fake = fakeVoice();
    void fake.voice.start().catch(() => {});
    const recorder = recordSession(fake.voice);
    expect(recorder.trace().initialState).toBe('session.connection.microphone, session.audio.context.running');
  });
});
