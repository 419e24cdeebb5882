// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalAgent, type AgentSession, type LocalAgent } from '../../testing/index.js';
import { connect, join, silence, sleep, speechLike, stream } from './helpers.js';

let agent: LocalAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

/** A script that only sends the metadata, leaving the rest to the test. */
const metadataOnly = (session: AgentSession) => session.sendMetadata();

describe('scripted sessions', () => {
  it('expose the credentials and query, and can override the metadata', async () => {
    agent = await createLocalAgent({
      script: (session) => session.sendMetadata({ conversation_id: 'conv_fixed', agent_output_audio_format: 'pcm_8000', extra: 1 }),
    });
    const client = connect(agent.url, { query: { lang: 'fr' } });
    const metadata = await client.waitForType('conversation_initiation_metadata');
    expect(metadata.conversation_initiation_metadata_event).toEqual({
      conversation_id: 'conv_fixed',
      agent_output_audio_format: 'pcm_8000',
      user_input_audio_format: 'pcm_16000',
      extra: 1,
    });
    const session = await agent.nextSession();
    expect(session.query.get('lang')).toBe('fr');
    expect(session.conversationId).toBe('conv_fixed');
    expect(session.outputFormat).toBe('pcm_8000');
  });

  it('can delay the metadata; the first-audio time is measured from it', async () => {
    agent = await createLocalAgent({
      script: async (session) => {
        await sleep(100);
        session.sendMetadata();
      },
    });
    const client = connect(agent.url);
    const opened = performance.now();
    await client.waitForType('conversation_initiation_metadata');
    expect(performance.now() - opened).toBeGreaterThanOrEqual(90);
    const session = await agent.nextSession();
    expect(session.firstAudioAfterMetadataMs).toBeNull();
    await sleep(30);
    client.sendAudio(speechLike(0.128));
    await session.waitForAudio(2048);
    expect(session.firstAudioAfterMetadataMs).toBeGreaterThanOrEqual(25);
  });

  it('send audio: resampled and encoded, fresh increasing ids, or one fixed id; floats accepted', async () => {
    agent = await createLocalAgent({ script: metadataOnly, outputFormat: 'pcm_24000' });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    await client.waitForType('conversation_initiation_metadata');

    const first = session.sendAudio(speechLike(0.5), { sampleRate: 16000, chunkMs: 100 });
    expect(first.eventIds).toEqual([1, 2, 3, 4, 5]);
    expect(first.durationMs).toBeCloseTo(500);
    const fixed = session.sendAudio(new Float32Array(2400).fill(0.5), { eventId: 9 }); // 100 ms at 24 kHz
    expect(fixed.eventIds).toEqual([9]);
    expect(session.sendInterruption()).toBe(10);

    await client.waitForType('interruption');
    const audio = client.agentAudio('pcm_24000');
    expect(audio.eventIds).toEqual([1, 2, 3, 4, 5, 9]);
    expect(audio.samples.length).toBe(12000 + 2400);
    expect(audio.samples[12000]).toBe(16384); // 0.5 → round(0.5 * 32767)
    expect(client.ofType('interruption')[0].interruption_event.event_id).toBe(10);
  });

  it('send any message, raw text and binary frames', async () => {
    agent = await createLocalAgent({ script: metadataOnly });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    session.sendRaw('{"type":"custom","x":1}');
    session.send({ type: 'client_tool_call', client_tool_call: { tool_name: 't', tool_call_id: 'c1', parameters: {} } });
    session.sendUserTranscript('hello');
    session.sendAgentResponse('hi there');
    session.sendAgentResponseCorrection('hi there', 'hi');
    session.sendVadScore(0.9);
    session.sendTentativeUserTranscript('hel');
    await client.waitForType('tentative_user_transcript');
    expect(client.messages.map((m) => m.json.type)).toEqual([
      'conversation_initiation_metadata',
      'custom',
      'client_tool_call',
      'user_transcript',
      'agent_response',
      'agent_response_correction',
      'vad_score',
      'tentative_user_transcript',
    ]);
    session.sendRaw(Buffer.from([1, 2, 3]));
    const binary = await client.waitFor(() => client.binaryFrames[0]);
    expect([...binary]).toEqual([1, 2, 3]);
    expect(session.sent.length).toBe(9);
  });

  it('close with a code and reason; terminate gives the client 1006', async () => {
    agent = await createLocalAgent({ script: metadataOnly });
    const a = connect(agent.url);
    const b = connect(agent.url);
    const sa = await agent.nextSession();
    const sb = await agent.nextSession();
    sa.close(1000, 'agent ended the call');
    sb.terminate();
    expect(await a.closed).toEqual({ code: 1000, reason: 'agent ended the call' });
    expect(await b.closed).toMatchObject({ code: 1006 });
    expect(await sa.closed).toEqual({ code: 1000, reason: 'agent ended the call', byAgent: true });
    expect((await sb.closed).byAgent).toBe(true);
    expect(sa.send({ type: 'late' })).toBe(false);
  });

  it('records a client close', async () => {
    agent = await createLocalAgent({ script: metadataOnly });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    await client.waitForType('conversation_initiation_metadata');
    client.socket.close(4000, 'bye');
    expect(await session.closed).toEqual({ code: 4000, reason: 'bye', byAgent: false });
  });

  it('record what the client sent: raw frames with times, decoded audio, concatenated samples', async () => {
    agent = await createLocalAgent({ script: metadataOnly });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    await client.waitForType('conversation_initiation_metadata');
    const sent = speechLike(0.5);
    await stream(client, sent);
    const all = await session.waitForAudio(sent.length);
    expect(all).toEqual(sent);
    expect(session.audioChunks.map((c) => c.samples.length)).toEqual([2048, 2048, 2048, 1856]);
    expect(session.audioChunks[0].base64Length).toBe(Math.ceil((2048 * 2) / 3) * 4);
    expect(session.received.every((r) => r.kind === 'user_audio_chunk' && typeof r.data === 'string')).toBe(true);
    const times = session.received.map((r) => r.at);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    await expect(session.waitForAudio(sent.length + 1, 100)).rejects.toThrow(/timed out/);
  });

  it('waitFor rejects when the session closes first', async () => {
    agent = await createLocalAgent({ script: metadataOnly });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    const waiting = session.waitForMessage('user_message');
    await client.waitForType('conversation_initiation_metadata');
    client.close();
    await expect(waiting).rejects.toThrow(/session closed \(1005\) before a user_message message/);
  });

  it('opt back into the default conversation and still observe everything', async () => {
    agent = await createLocalAgent({
      bufferAheadMs: Infinity,
      script: (session) => session.runDefault({ greeting: false, keepalive: false }),
    });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    await client.waitForType('conversation_initiation_metadata');
    await stream(client, join(speechLike(0.8), silence(0.9)));
    await client.waitForType('agent_response');
    expect(client.ofType('user_transcript')[0].user_transcription_event.user_transcript).toBe('(0.8 s of speech)');
    expect(session.receivedSamples().length).toBe(Math.round(1.7 * 16000));
    expect(session.speeches).toHaveLength(1);
    expect(await session.speeches[0].done).toBe('finished');
    expect(client.ofType('ping')).toHaveLength(0);
  });

  it('speak() streams ahead of playout and settles when played', async () => {
    agent = await createLocalAgent({ script: metadataOnly });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    const started = performance.now();
    const one = session.speak(speechLike(0.4), { text: 'one', sampleRate: 16000, bufferAheadMs: 0 });
    const two = session.speak({ samples: speechLike(0.2), sampleRate: 16000 }, { text: 'two' });
    expect(one.state).toBe('sending');
    expect(two.state).toBe('queued');
    expect(await one.done).toBe('finished');
    expect(await two.done).toBe('finished');
    expect(performance.now() - started).toBeGreaterThanOrEqual(550);
    expect(client.ofType('agent_response').map((m) => m.agent_response_event.agent_response)).toEqual(['one', 'two']);
    expect(client.agentAudio().eventIds).toEqual([1, 2, 3]);
  });

  it('interrupt() stops the speech being sent and the ones queued behind it', async () => {
    agent = await createLocalAgent({ script: metadataOnly });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    const one = session.speak(speechLike(1), { text: 'one two three four', sampleRate: 16000 });
    const two = session.speak(speechLike(1), { text: 'five', sampleRate: 16000 });
    await sleep(300); // 400 ms lead: `one` is still being sent, `two` waits behind it
    expect([one.state, two.state]).toEqual(['sending', 'queued']);
    const id = session.interrupt();
    expect(await one.done).toBe('interrupted');
    expect(await two.done).toBe('interrupted');
    expect(two.eventIds).toEqual([]);
    expect(id).toBeGreaterThan(Math.max(...one.eventIds));
    const correction = (await client.waitForType('agent_response_correction')).agent_response_correction_event;
    expect(correction).toEqual({ original_agent_response: 'one two three four', corrected_agent_response: 'one' });
    await sleep(100);
    expect(client.ofType('agent_response').map((m) => m.agent_response_event.agent_response)).toEqual(['one two three four']);
    expect(client.ofType('agent_response_correction')).toHaveLength(1);
    expect(client.agentAudio().eventIds).toEqual(one.eventIds);
    expect(one.eventIds.length).toBeLessThan(5);
  });

  it('interrupt() corrects a started response whose audio is still queued behind another to ""', async () => {
    agent = await createLocalAgent({ script: metadataOnly });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    session.speak(speechLike(1), { text: 'one', sampleRate: 16000 });
    const two = session.speak(speechLike(1), { text: 'five six', sampleRate: 16000 });
    await client.waitForType('agent_response', (m) => m.agent_response_event.agent_response === 'five six');
    expect(two.eventIds).toEqual([]);
    session.interrupt();
    await client.waitFor(() => client.ofType('agent_response_correction').length === 2);
    expect(client.ofType('agent_response_correction')[1].agent_response_correction_event.corrected_agent_response).toBe('');
  });

  it('a failing script closes the session with 1011', async () => {
    agent = await createLocalAgent({
      script: () => {
        throw new Error('boom');
      },
    });
    const client = connect(agent.url);
    expect(await client.closed).toEqual({ code: 1011, reason: 'script failed: boom' });
    expect(((await agent.nextSession()).scriptError as Error).message).toBe('boom');
  });

  it('setScript switches behaviour for later connections; nextSession returns them in order', async () => {
    agent = await createLocalAgent({ greeting: false });
    const first = connect(agent.url, { agentId: 'first' });
    await first.waitForType('conversation_initiation_metadata');
    agent.setScript((session) => session.close(1000, 'scripted'));
    const second = connect(agent.url, { agentId: 'second' });
    expect(await second.closed).toEqual({ code: 1000, reason: 'scripted' });
    expect((await agent.nextSession()).agentId).toBe('first');
    expect((await agent.nextSession()).agentId).toBe('second');
    await expect(agent.nextSession(50)).rejects.toThrow(/no connection/);
  });
});
