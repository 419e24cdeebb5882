// Session memory stays bounded however long the session and whatever the server sends: the
// transcript keeps its latest turns, each cut to a length, and the newest content is what stays.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { PerfVoice } from '../../core/index';
import { cap } from '../../core/transcript';
import { OPTIONS, fakeVoice, fromServer, wire } from '../support/fake-session';

/** A connected fake voice, and the machine events its socket would send. */
function connected(options: Record<string, unknown> = {}) {
  const v = fakeVoice(options);
  void v.voice.start();
  v.microphone.send({ type: 'mic.ready' });
  v.socket.send(fromServer(wire.metadata()));
  // Parsed events sent as the socket actor would, without re-parsing megabytes of JSON per test.
  const agent = (text: string) => v.socket.send({ type: 'server.agentResponse', text, raw: {} });
  const user = (text: string) => v.socket.send({ type: 'server.userTranscript', text, raw: {} });
  const transcript = () => v.voice.getSnapshot().transcript;
  return { ...v, agent, user, transcript };
}

const BIG = 'x'.repeat(50_000);

describe('transcript bounds', () => {
  it('keeps the latest 1000 turns of 10 000 characters by default, after 10 000 responses of 50 000', () => {
    const s = connected();
    for (let i = 0; i < 10_000; i++) {
      s.agent(`agent ${i} ${BIG}`);
      s.user(`user ${i} ${BIG}`);
    }
    const turns = s.transcript();
    expect(turns).toHaveLength(1000);
    // The newest turns are the ones kept, each its first 9 999 characters and '…'.
    expect(turns[0].text.startsWith('agent 9500 x')).toBe(true);
    expect(turns[999].text.startsWith('user 9999 x')).toBe(true);
    for (const turn of turns) {
      expect(turn.text).toHaveLength(10_000);
      expect(turn.text.endsWith('x…')).toBe(true);
    }
    // The events still carry the whole text: only what the state keeps is cut.
    expect(s.events.at(-1)).toEqual(['transcript', 'user', `user 9999 ${BIG}`]);
    s.voice.stop();
  });

  it('cuts one ever-growing agent turn at its limit, keeping its start', () => {
    const s = connected({ maxTurnChars: 100 });
    for (let i = 0; i < 10_000; i++) s.agent(`part ${i} ${BIG}`);
    const turns = s.transcript();
    expect(turns).toHaveLength(1);
    expect(turns[0].text).toBe(`part 0 ${BIG.slice(0, 92)}…`);
    expect(turns[0].text).toHaveLength(100);
    // A short turn is untouched, and a turn of exactly the limit is not marked.
    s.user('hello');
    s.user('y'.repeat(100));
    expect(s.transcript().slice(1).map((turn) => turn.text)).toEqual(['hello', 'y'.repeat(100)]);
  });

  it('honours maxTranscriptTurns exactly, oldest dropped first', () => {
    const s = connected({ maxTranscriptTurns: 3 });
    for (let i = 0; i < 50; i++) s.user(`u${i}`);
    expect(s.transcript().map((turn) => turn.text)).toEqual(['u47', 'u48', 'u49']);
  });

  it('bounds the tentative transcript and a correction', () => {
    const s = connected({ maxTurnChars: 50 });
    s.socket.send(fromServer({ type: 'tentative_user_transcript', tentative_user_transcription_event: { user_transcript: `so far ${BIG}` } }));
    expect(s.voice.getSnapshot().tentative).toBe(`so far ${BIG.slice(0, 42)}…`);
    expect(s.events.at(-1)).toEqual(['tentativeTranscript', s.voice.getSnapshot().tentative]);
    s.agent('Hello there');
    s.socket.send(fromServer(wire.correction('there', `you ${BIG}`)));
    expect(s.transcript().at(-1)).toMatchObject({ role: 'agent', text: `Hello you ${BIG.slice(0, 39)}…`, interrupted: true });
  });

  it('keeps no more memory than the bound: cut text is a copy, not a view of the huge message', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const s = connected({ maxTranscriptTurns: 200, maxTurnChars: 1000 });
    gc();
    const before = process.memoryUsage().heapUsed;
    // 400 user turns of 200 000 fresh characters each, as JSON.parse makes them from frames: a
    // slice of each would keep 200 × 200 000 characters (40 MB) alive instead of 200 × 1000.
    for (let i = 0; i < 400; i++) s.user(JSON.parse(JSON.stringify(`${i} ${'y'.repeat(200_000)}`)));
    s.events.length = 0; // the test's own log of events holds every text
    gc();
    const grown = (process.memoryUsage().heapUsed - before) / 1e6;
    console.log(`transcript: ${s.transcript().length} turns, ${s.transcript().reduce((n, t) => n + t.text.length, 0)} characters; heap +${grown.toFixed(1)} MB`);
    expect(s.transcript()).toHaveLength(200);
    expect(grown).toBeLessThan(10);
  });
});

describe('cap()', () => {
  it('leaves text within the limit alone and cuts longer text to exactly the limit', () => {
    expect(cap('abc', { maxTurnChars: 3 })).toBe('abc');
    expect(cap('abcd', { maxTurnChars: 3 })).toBe('ab…');
    expect(cap('abcd', { maxTurnChars: 1 })).toBe('…');
    expect(cap(BIG, { maxTurnChars: Infinity })).toBe(BIG);
  });
});

describe('the limit options', () => {
  const make = (extra: Record<string, unknown>) => () => new PerfVoice({ ...OPTIONS, ...extra } as never);

  it('rejects anything but a number from 1 with a TypeError naming the option', () => {
    for (const value of [0, -5, 0.5, NaN, 'many', null]) {
      expect(make({ maxTranscriptTurns: value })).toThrow(/^PerfVoice: maxTranscriptTurns must be a number, 1 or more\.$/);
      expect(make({ maxTurnChars: value })).toThrow(TypeError);
      expect(make({ maxTurnChars: value })).toThrow(/maxTurnChars/);
    }
  });

  it('accepts whole numbers, and Infinity for no limit', () => {
    expect(make({ maxTranscriptTurns: 1, maxTurnChars: 1 })).not.toThrow();
    const s = connected({ maxTranscriptTurns: Infinity, maxTurnChars: Infinity });
    for (let i = 0; i < 1500; i++) s.user(`u${i}`);
    s.agent(BIG);
    expect(s.transcript()).toHaveLength(1501);
    expect(s.transcript().at(-1)!.text).toBe(BIG);
  });
});
