// @vitest-environment jsdom
// What the inspector holds stays bounded however long the session and whatever the server sends:
// the oldest goes first, the newest is kept, and the panel says when something was dropped.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeVoice, fromServer, wire } from '../support/fake-session';
import { mountInspector, recordSession, replayTrace, type TraceEventEntry } from '../../inspector/index';
import { MAX_ROWS, MAX_TEXT } from '../../inspector/timeline';
import { clip } from '../../inspector/redact';
import { sessionMachine } from '../../core/machine';

const BIG = 'x'.repeat(50_000);

/** A recorded fake voice, connected, and ways to play the server. */
function recorded(maxEntries?: number, options: Record<string, unknown> = {}) {
  const fake = fakeVoice(options);
  const recorder = recordSession(fake.voice, maxEntries ? { maxEntries } : {});
  const server = (message: unknown) => fake.socket.send(fromServer(message));
  // Parsed events, as the socket actor sends them, without re-parsing megabytes of JSON.
  const event = (type: string, fields: Record<string, unknown>) => fake.socket.send({ type, raw: {}, ...fields });
  const connect = () => {
    void fake.voice.start().catch(() => {});
    fake.microphone.send({ type: 'mic.ready' });
    server(wire.metadata('conv_1'));
  };
  return { ...fake, recorder, server, event, connect };
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

describe('the recorder holds a bounded trace and timeline', () => {
  it('keeps the latest 20 000 entries by default', () => {
    const s = recorded();
    s.connect();
    for (let i = 0; i < 25_000; i++) s.server(wire.ping(i + 1));
    const trace = s.recorder.trace();
    // Each ping is an entry (the relay answers it: no pong goes through the machine): 25 000,
    // and the 5 of the connection.
    expect(trace.entries).toHaveLength(20_000);
    expect(trace.dropped).toBe(5_005);
    expect(s.recorder.dropped).toBe(5_005);
    expect(trace.entries.at(-1)).toMatchObject({ kind: 'event', event: { type: 'server.ping', eventId: 25_000 } });
    expect(trace.entries[0]).toMatchObject({ kind: 'event', event: { type: 'server.ping', eventId: 5001 } });
  });

  it('keeps the latest 4 million characters and 2000 rows after 10 000 responses of 50 000 characters', () => {
    const s = recorded();
    s.connect();
    for (let i = 0; i < 10_000; i++) {
      s.event('server.agentResponse', { text: `agent ${i} ${BIG}` });
      s.event('server.userTranscript', { text: `user ${i} ${BIG}` });
    }
    const trace = s.recorder.trace();
    const sizes = trace.entries.map((entry) => JSON.stringify(entry).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(4_500_000);
    expect(trace.entries.length + trace.dropped).toBeGreaterThan(20_000);
    expect(trace.dropped).toBe(s.recorder.dropped);
    // The newest is what stays, each text cut to 2000 characters and marked.
    const events = trace.entries.filter((e): e is TraceEventEntry => e.kind === 'event');
    const last = events.at(-1)!.event;
    expect(last.type).toBe('server.userTranscript');
    expect(last.text).toBe(`user 9999 ${BIG.slice(0, 1990)}…(${BIG.length + 10} chars)`);
    for (const entry of trace.entries) expect(JSON.stringify(entry).length).toBeLessThan(2300);

    const rows = s.recorder.timeline.rows;
    expect(rows).toHaveLength(MAX_ROWS);
    expect(rows[0].id - 1).toBeGreaterThan(20_000); // ids count every row: these were dropped
    expect(rows.at(-1)!.text.startsWith('“user 9999 x')).toBe(true);
    for (const row of rows) expect(row.text.length).toBeLessThanOrEqual(MAX_TEXT);
    s.voice.stop();
  });

  it('bounds an entry of any shape, and the trace by size as well as by count', () => {
    const s = recorded(1_000_000);
    s.connect();
    // Unknown messages the trace keeps whole (raw): huge keys, a thousand of them, deep arrays.
    const raw = {
      type: `custom_${'k'.repeat(10_000)}`,
      wide: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`${i}${'k'.repeat(500)}`, 'v'.repeat(5000)])),
      deep: [[[[[[[['bottom']]]]]]]],
      long: Array.from({ length: 10_000 }, (_, i) => i),
    };
    for (let i = 0; i < 2000; i++) s.event('server.unknown', { raw: { ...raw, i } });
    const trace = s.recorder.trace();
    const sizes = trace.entries.map((entry) => JSON.stringify(entry).length);
    expect(Math.max(...sizes)).toBeLessThan(6000);
    // 4 million characters' worth: far fewer than the million entries allowed.
    expect(trace.dropped).toBeGreaterThan(0);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(6_000_000);
    const event = (trace.entries.at(-1) as TraceEventEntry).event;
    expect(event.type).toBe('server.unknown');
    const kept = event.raw as Record<string, unknown>;
    expect(kept.type).toBe(`custom_${'k'.repeat(1993)}…(10007 chars)`);
    expect(Object.keys(kept.wide as object)).toContain('…');
    for (const row of s.recorder.timeline.rows) expect(row.name.length + row.text.length).toBeLessThanOrEqual(100 + MAX_TEXT);
  });

  it('keeps the latest 1000 turn latencies', () => {
    const s = recorded();
    s.connect();
    for (let i = 0; i < 1500; i++) {
      s.server(wire.user(`u${i}`));
      s.server(wire.audio(i + 1));
    }
    const { turns } = s.recorder.metrics();
    expect(turns).toHaveLength(1000);
  });

  it('holds a few MB after a flood of huge messages (cut text is a copy, not a view of the message)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // The session's own transcript kept to one turn: what grows here is the inspector's.
    const s = recorded(undefined, { maxTranscriptTurns: 1 });
    s.connect();
    gc();
    const before = process.memoryUsage().heapUsed;
    // Fresh 200 000-character strings, as JSON.parse makes them from frames: kept as slices, the
    // 2000 timeline rows alone would hold 400 million characters.
    for (let i = 0; i < 1500; i++) {
      s.event('server.userTranscript', { text: JSON.parse(JSON.stringify(`${i} ${'y'.repeat(200_000)}`)) });
      s.server({ type: 'custom', big: JSON.parse(JSON.stringify('z'.repeat(200_000))), i });
    }
    s.events.length = 0; // the test's own log of events holds every text
    gc();
    const grown = (process.memoryUsage().heapUsed - before) / 1e6;
    const trace = s.recorder.trace();
    console.log(`inspector: ${trace.entries.length} trace entries (${trace.dropped} dropped), ${s.recorder.timeline.rows.length} rows; heap +${grown.toFixed(1)} MB`);
    expect(grown).toBeLessThan(15);
  });
});

describe('clip()', () => {
  it('cuts and marks, and copies: a kept piece does not keep its huge source alive', () => {
    expect(clip('abcdef', 3)).toBe('abc…');
    expect(clip('abcdef', 3, '…(6 chars)')).toBe('abc…(6 chars)');
    expect(clip('abc', 3)).toBe('abc');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept = Array.from({ length: 100 }, (_, i) => clip(JSON.parse(JSON.stringify(`${i}${'y'.repeat(1_000_000)}`)), 100));
    gc();
    expect((process.memoryUsage().heapUsed - before) / 1e6).toBeLessThan(5); // not 100 MB
    expect(kept).toHaveLength(100);
  });
});

describe('a trace that lost its oldest entries', () => {
  it('replays from the first session it holds whole', () => {
    const s = recorded(40);
    const session = (n: number) => {
      s.connect();
      for (let i = 0; i < n; i++) s.server(wire.ping(i + 1));
      s.voice.sendUserMessage(`after ${n} pings`);
      s.server(wire.agent('Hello'));
      s.voice.stop();
    };
    session(80);
    session(3);
    const trace = s.recorder.trace();
    expect(trace.dropped).toBeGreaterThan(0);
    const result = replayTrace(trace, sessionMachine);
    expect(result.complete).toBe(false);
    expect(result.mismatches).toEqual([]);
    expect(result.sent).toEqual(['{"type":"user_message","text":"after 3 pings"}']);
    expect(result.finalState).toBe('disconnected');
  });
});

describe('the panel', () => {
  it('says how many older rows it no longer shows, and what the trace dropped', () => {
    let pending: FrameRequestCallback | null = null;
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => ((pending = callback), 1));
    vi.stubGlobal('cancelAnimationFrame', () => (pending = null));
    const frame = () => {
      const callback = pending;
      pending = null;
      callback?.(performance.now());
    };
    const fake = fakeVoice();
    const unmount = mountInspector(fake.voice, { target: document.body });
    const root = document.querySelector('[data-perfvoice-inspector]')!.shadowRoot!;
    const note = root.querySelector<HTMLElement>('.note')!;
    frame();
    expect(note.hidden).toBe(true);
    void fake.voice.start().catch(() => {});
    fake.microphone.send({ type: 'mic.ready' });
    fake.socket.send(fromServer(wire.metadata('conv_1')));
    for (let i = 0; i < 24_000; i++) fake.socket.send(fromServer(wire.ping(i + 1)));
    frame();
    const shown = root.querySelectorAll('.timeline li');
    expect(shown).toHaveLength(600);
        const older = Number(/^(\d+) older rows not shown/.exec(note.textContent ?? '')?.[1]);
    expect(note.hidden).toBe(false);
    expect(older).toBeGreaterThan(23_000);
    expect(shown[0].textContent).toContain(`ping#${24_000 - 299}`);
    expect(note.textContent).toMatch(/ · the trace dropped its \d+ oldest entries$/);
    unmount();
    fake.voice.stop();
  });
});
