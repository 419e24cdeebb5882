// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalAgent, type LocalAgent } from '../../testing/index.js';
import { connect, join, secondsIn, silence, speechLike, stream } from './helpers.js';

let agent: LocalAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

const SPEECH = speechLike(1.2);

describe('a user turn', () => {
  it('streamed in real time is transcribed as its duration and echoed back', async () => {
    agent = await createLocalAgent({ greeting: false });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    await stream(client, join(SPEECH, silence(0.9)), { realtime: true });

    const transcript = (await client.waitForType('user_transcript')).user_transcription_event.user_transcript;
    expect(Math.abs(secondsIn(transcript) - 1.2)).toBeLessThanOrEqual(0.1);
    const response = await client.waitForType('agent_response');
    expect(response.agent_response_event.agent_response).toBe(`You said: ${transcript}`);
    // The transcript comes before the answer.
    expect(client.ofType('user_transcript')).toHaveLength(1);
    expect(client.messages.findIndex((m) => m.json.type === 'user_transcript')).toBeLessThan(
      client.messages.findIndex((m) => m.json.type === 'agent_response'),
    );

    const expected = secondsIn(transcript) * 16000;
    await client.waitFor(() => client.agentAudio().samples.length >= expected - 1600, 3000, 'echo audio');
    const echo = client.agentAudio().samples;
    expect(Math.abs(echo.length - SPEECH.length)).toBeLessThanOrEqual(1600);
    // It is the user's own audio, sample for sample (same rate, no resampling).
    expect(echo).toEqual(SPEECH.subarray(0, echo.length));
    expect(client.ofType('interruption')).toHaveLength(0);
  });

  it('streamed faster than real time gives the same turn (the VAD counts samples)', async () => {
    agent = await createLocalAgent({ greeting: false, bufferAheadMs: Infinity });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    await stream(client, join(SPEECH, silence(0.9)));
    const transcript = (await client.waitForType('user_transcript')).user_transcription_event.user_transcript;
    expect(transcript).toBe('(1.2 s of speech)');
    await client.waitForType('agent_response');
    // The echo's chunks follow its text: wait for them all (a loaded machine delivers them later).
    await client.waitFor(() => client.agentAudio().samples.length >= SPEECH.length, 3000, 'echo audio');
    expect(client.agentAudio().samples.length).toBe(SPEECH.length);
  });

  it('is echoed in the output format (μ-law 8 kHz)', async () => {
    agent = await createLocalAgent({ greeting: false, outputFormat: 'ulaw_8000', bufferAheadMs: Infinity });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    await stream(client, join(SPEECH, silence(0.9)));
    await client.waitForType('agent_response');
    expect(Math.abs(client.agentAudio('ulaw_8000').samples.length - SPEECH.length / 2)).toBeLessThanOrEqual(1);
  });

  it('works with recording off (as the CLI runs), keeping nothing', async () => {
    agent = await createLocalAgent({ greeting: false, bufferAheadMs: Infinity, record: false });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    await stream(client, join(SPEECH, silence(0.9)));
    expect((await client.waitForType('user_transcript')).user_transcription_event.user_transcript).toBe('(1.2 s of speech)');
    const session = await agent.nextSession();
    expect([session.received, session.audioChunks, session.sent]).toEqual([[], [], []]);
    expect(session.firstAudioAfterMetadataMs).toBeGreaterThanOrEqual(0);
  });

  it('needs a pause: two turns separated by 1 s give two answers', async () => {
    agent = await createLocalAgent({ greeting: false, bufferAheadMs: Infinity });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    // A 300 ms gap inside the first turn does not end it; the 1 s gap does.
    await stream(client, join(speechLike(0.5), silence(0.3), speechLike(0.4), silence(1), speechLike(0.6), silence(0.9)));
    await client.waitFor(() => client.ofType('user_transcript').length === 2, 2000, 'two transcripts');
    const seconds = client.ofType('user_transcript').map((m) => secondsIn(m.user_transcription_event.user_transcript));
    expect(seconds).toEqual([1.2, 0.6]);
  });
});

describe('barge-in', () => {
  it('speaking over the echo interrupts it: id above its audio, no more of it, a correction', async () => {
    agent = await createLocalAgent({ greeting: false, bufferAheadMs: 400 });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    await stream(client, join(SPEECH, silence(0.9)));
    await client.waitForType('audio');
    const session = await agent.nextSession();
    expect(session.agentSpeaking).toBe(true);

    await stream(client, speechLike(0.3, 16000, 99));
    const interruption = await client.waitForType('interruption');
    const cutAt = client.messages.findIndex((m) => m.json === interruption);
    const before = client.agentAudio('pcm_16000', (id) => id < interruption.interruption_event.event_id);
    expect(before.eventIds.length).toBeGreaterThan(0);
    expect(interruption.interruption_event.event_id).toBeGreaterThan(Math.max(...before.eventIds));
    // The cut-off response was streamed ahead of playout, so most of it was never sent.
    expect(before.samples.length).toBeLessThan(SPEECH.length * 0.6);
    expect(session.speeches[0].state).toBe('interrupted');
    expect(session.agentSpeaking).toBe(false);

    const correction = (await client.waitForType('agent_response_correction')).agent_response_correction_event;
    expect(correction.original_agent_response).toBe('You said: (1.2 s of speech)');
    expect(correction.original_agent_response.startsWith(correction.corrected_agent_response)).toBe(true);
    expect(correction.corrected_agent_response.length).toBeLessThan(correction.original_agent_response.length);

    // Nothing of the cut-off response arrives afterwards; the barge-in turn gets its own answer.
    await stream(client, silence(0.9));
    await client.waitFor(() => client.ofType('user_transcript').length === 2, 2000, 'second transcript');
    expect(client.ofType('user_transcript')[1].user_transcription_event.user_transcript).toBe('(0.3 s of speech)');
    await client.waitFor(() => client.messages.slice(cutAt).some((m) => m.json.type === 'audio'), 2000, 'second answer');
    const after = client.messages.slice(cutAt).filter((m) => m.json.type === 'audio');
    expect(after.every((m) => m.json.audio_event.event_id > interruption.interruption_event.event_id)).toBe(true);
  });

  it('speaking over the greeting interrupts it', async () => {
    agent = await createLocalAgent();
    const client = connect(agent.url);
    await client.waitForType('audio');
    await stream(client, speechLike(0.3));
    const interruption = await client.waitForType('interruption');
    expect(interruption.interruption_event.event_id).toBeGreaterThan(Math.max(...client.agentAudio().eventIds));
    const correction = await client.waitForType('agent_response_correction');
    expect(correction.agent_response_correction_event.corrected_agent_response).not.toContain('repeat it');
  });

  it('speaking while the agent is silent is no interruption', async () => {
    agent = await createLocalAgent({ greeting: false });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    await stream(client, join(speechLike(0.4), silence(0.9)));
    await client.waitForType('user_transcript');
    expect(client.ofType('interruption')).toHaveLength(0);
  });
});
