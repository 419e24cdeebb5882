// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { alignText, createLocalAgent, DEFAULT_GREETING_TEXT, type LocalAgent } from '../../testing/index.js';
import { loadBundledGreeting } from '../../testing/greeting.js';
import { connect, join, silence, speechLike, stream } from './helpers.js';

let agent: LocalAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

const TURN = join(speechLike(1.2), silence(0.9));

describe('tentative transcripts and VAD scores during a spoken turn', () => {
  it('arrive while the user speaks, before the final transcript (streamed in real time)', async () => {
    agent = await createLocalAgent({ greeting: false });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    await stream(client, TURN, { realtime: true });
    await client.waitForType('user_transcript');
    const final = client.messages.findIndex((m) => m.json.type === 'user_transcript');
    const tentative = client.messages.filter((m) => m.json.type === 'tentative_user_transcript');
    expect(tentative.length).toBeGreaterThanOrEqual(3);
    expect(client.messages.indexOf(tentative.at(-1)!)).toBeLessThan(final);
    expect(tentative[0].json).toEqual({
      type: 'tentative_user_transcript',
      tentative_user_transcription_event: { user_transcript: expect.stringMatching(/^\(\d\.\d s of speech…\)$/), event_id: expect.any(Number) },
    });
    // One turn, one event id; the text grows towards the final duration.
    expect(new Set(tentative.map((m) => m.json.tentative_user_transcription_event.event_id)).size).toBe(1);
    const seconds = tentative.map((m) => Number(/\((\d\.\d)/.exec(m.json.tentative_user_transcription_event.user_transcript)![1]));
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    expect(seconds.at(-1)).toBeLessThanOrEqual(1.2);
    // At most one per ~250 ms on average (arrival times carry some jitter).
    expect((tentative.at(-1)!.at - tentative[0].at) / (tentative.length - 1)).toBeGreaterThan(200);

    const scores = client.messages.filter((m) => m.json.type === 'vad_score');
    expect(scores[0].json).toEqual({ type: 'vad_score', vad_score_event: { vad_score: expect.any(Number) } });
    const values = scores.map((m) => m.json.vad_score_event.vad_score);
    expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(values[0]).toBeGreaterThan(0.8); // speech
    expect(values.at(-1)).toBeLessThan(0.2); // the silence after it
    expect((scores.at(-1)!.at - scores[0].at) / (scores.length - 1)).toBeGreaterThan(90);
  });

  it('are limited by audio time: the same counts when streamed faster than real time in small chunks', async () => {
    agent = await createLocalAgent({ greeting: false, bufferAheadMs: Infinity });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    await stream(client, TURN, { chunkSize: 320 }); // 20 ms chunks
    await client.waitForType('agent_response');
    const tentative = client.ofType('tentative_user_transcript');
    const scores = client.ofType('vad_score');
    // The turn lasts from 0.1 s (speech confirmed) to 1.9 s (end of the hangover), scores go on 0.3 s longer.
    expect(tentative.length).toBeGreaterThanOrEqual(4);
    expect(tentative.length).toBeLessThanOrEqual(Math.ceil(1.2 / 0.25) + 1);
    expect(scores.length).toBeGreaterThanOrEqual(15);
    expect(scores.length).toBeLessThanOrEqual(Math.ceil(2.1 / 0.1) + 1);
    // The turn's id is above every id used before it.
    expect(tentative[0].tentative_user_transcription_event.event_id).toBe(1);
    expect(client.agentAudio().eventIds[0]).toBe(2);
  });

  it('carry the barge-in turn an id above its interruption', async () => {
    agent = await createLocalAgent({ bufferAheadMs: Infinity });
    const client = connect(agent.url);
    await client.waitForType('audio');
    await stream(client, join(speechLike(0.6), silence(0.2)));
    const interruption = await client.waitForType('interruption');
    const tentative = await client.waitForType('tentative_user_transcript');
    expect(tentative.tentative_user_transcription_event.event_id).toBeGreaterThan(interruption.interruption_event.event_id);
  });

  it('can be turned off', async () => {
    agent = await createLocalAgent({ greeting: false, bufferAheadMs: Infinity, tentative: false, vadScores: false });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    await stream(client, TURN);
    await client.waitForType('agent_response');
    expect(client.messages.map((m) => m.json.type).filter((type) => type !== 'audio')).toEqual([
      'conversation_initiation_metadata',
      'user_transcript',
      'agent_response',
    ]);
  });

  it('scripts can send them too', async () => {
    agent = await createLocalAgent({ script: (session) => session.sendMetadata() });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    session.sendTentativeUserTranscript('hel', 4);
    session.sendVadScore(0.75);
    await client.waitForType('vad_score');
    expect(client.messages.slice(1).map((m) => m.json)).toEqual([
      { type: 'tentative_user_transcript', tentative_user_transcription_event: { user_transcript: 'hel', event_id: 4 } },
      { type: 'vad_score', vad_score_event: { vad_score: 0.75 } },
    ]);
  });
});

describe('alignment of agent audio', () => {
  it('spreads the greeting text over its audio, times relative to each chunk', async () => {
    agent = await createLocalAgent({ bufferAheadMs: Infinity });
    const client = connect(agent.url);
    const clip = loadBundledGreeting();
    const totalMs = (clip.samples.length / clip.sampleRate) * 1000;
    await client.waitFor(() => client.agentAudio().samples.length >= clip.samples.length, 3000, 'greeting audio');
    const audio = client.ofType('audio').map((m) => m.audio_event);
    expect(audio[0].alignment).toEqual({
      chars: expect.any(Array),
      char_start_times_ms: expect.any(Array),
      char_durations_ms: expect.any(Array),
    });
    expect(audio.flatMap((a) => a.alignment?.chars ?? []).join('')).toBe(DEFAULT_GREETING_TEXT);
    const absolute = audio.flatMap((a, i) => (a.alignment?.char_start_times_ms ?? []).map((t: number) => i * 200 + t));
    expect(absolute).toEqual([...absolute].sort((a, b) => a - b));
    for (const a of audio) for (const t of a.alignment?.char_start_times_ms ?? []) expect(t).toBeLessThan(200);
    const perChar = totalMs / DEFAULT_GREETING_TEXT.length;
    expect(absolute.at(-1)! + perChar).toBeCloseTo(totalMs, -1);
  });

  it('is left out with alignment: false, and never sent with audio that has no text', async () => {
    agent = await createLocalAgent({ alignment: false, bufferAheadMs: Infinity });
    const client = connect(agent.url);
    await client.waitForType('audio');
    expect(client.ofType('audio').every((m) => !('alignment' in m.audio_event))).toBe(true);
    const session = await agent.nextSession();
    session.speak(speechLike(0.2), { alignment: true }); // no text
    session.speak(speechLike(0.2), { text: 'ok', alignment: true, chunkMs: Infinity });
    await client.waitFor(() => client.ofType('audio').some((m) => m.audio_event.alignment));
    expect(client.ofType('audio').filter((m) => m.audio_event.alignment).map((m) => m.audio_event.alignment)).toEqual([
      { chars: ['o', 'k'], char_start_times_ms: [0, 100], char_durations_ms: [100, 100] },
    ]);
  });

  it('alignText puts each character in the chunk where it starts', () => {
    expect(alignText('abcd', [100, 100])).toEqual([
      { chars: ['a', 'b'], char_start_times_ms: [0, 50], char_durations_ms: [50, 50] },
      { chars: ['c', 'd'], char_start_times_ms: [0, 50], char_durations_ms: [50, 50] },
    ]);
    expect(alignText('a', [100, 100])).toEqual([{ chars: ['a'], char_start_times_ms: [0], char_durations_ms: [200] }, undefined]);
  });
});
