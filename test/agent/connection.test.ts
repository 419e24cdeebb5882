// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { sampleRateOf, type AudioFormat } from '../../testing/audio-format.js';
import { loadBundledGreeting } from '../../testing/greeting.js';
import { createLocalAgent, DEFAULT_GREETING_TEXT, type LocalAgent } from '../../testing/index.js';
import { connect, speechLike } from './helpers.js';

let agent: LocalAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

describe('credentials', () => {
  it.each([
    [{ apiKey: null }, 'missing api_key'],
    [{ agentId: null }, 'missing agent_id'],
    [{ apiKey: null, agentId: null }, 'missing api_key and agent_id'],
    [{ apiKey: '' }, 'missing api_key'],
  ])('closes %o with 1008 "%s"', async (credentials, reason) => {
    agent = await createLocalAgent({ greeting: false });
    const client = connect(agent.url, credentials);
    expect(await client.closed).toEqual({ code: 1008, reason });
    expect(client.messages).toEqual([]);
  });

  it('lets `authorize` refuse keys, and never logs the key', async () => {
    const lines: string[] = [];
    agent = await createLocalAgent({
      greeting: false,
      authorize: ({ apiKey }) => apiKey === 'pk_good' || 'invalid api_key',
      log: (line) => lines.push(line),
    });
    const bad = connect(agent.url, { apiKey: 'pk_bad_secret' });
    expect(await bad.closed).toEqual({ code: 1008, reason: 'invalid api_key' });
    const good = connect(agent.url, { apiKey: 'pk_good' });
    await good.waitForType('conversation_initiation_metadata');
    good.close();
    await good.closed;
    await agent.close();
    expect(lines.join('\n')).toContain('agent_test');
    expect(lines.join('\n')).not.toMatch(/pk_bad_secret|pk_good/);
  });
});

describe('initiation', () => {
  it('speaks first with the metadata: a fresh conversation id and the formats', async () => {
    agent = await createLocalAgent({ outputFormat: 'pcm_24000', greeting: false });
    const client = connect(agent.url);
    const metadata = await client.waitForType('conversation_initiation_metadata');
    expect(client.messages[0].json).toBe(metadata);
    expect(metadata.conversation_initiation_metadata_event).toEqual({
      conversation_id: expect.stringMatching(/^conv_[0-9a-f]{24}$/),
      agent_output_audio_format: 'pcm_24000',
      user_input_audio_format: 'pcm_16000',
    });
    const session = await agent.nextSession();
    expect(session.conversationId).toBe(metadata.conversation_initiation_metadata_event.conversation_id);
    expect([session.apiKey, session.agentId, session.path]).toEqual(['pk_test_123', 'agent_test', '/v1/voice/conversation']);
  });

  it('advertises a ws:// URL on 127.0.0.1 and a free port, and answers plain HTTP with 426', async () => {
    agent = await createLocalAgent();
    expect(agent.url).toBe(`ws://127.0.0.1:${agent.port}/v1/voice/conversation`);
    expect(agent.port).toBeGreaterThan(0);
    const response = await fetch(agent.url.replace('ws:', 'http:'));
    expect(response.status).toBe(426);
    await response.text();
  });

  it.each<AudioFormat>(['pcm_16000', 'pcm_44100', 'ulaw_8000'])(
    'greets in %s: agent_response text and audio of the clip’s duration, ids increasing',
    async (format) => {
      agent = await createLocalAgent({ outputFormat: format, bufferAheadMs: Infinity });
      const client = connect(agent.url);
      const response = await client.waitForType('agent_response');
      expect(response.agent_response_event.agent_response).toBe(DEFAULT_GREETING_TEXT);
      const clip = loadBundledGreeting();
      const expected = Math.round((clip.samples.length / clip.sampleRate) * sampleRateOf(format));
      await client.waitFor(() => client.agentAudio(format).samples.length >= expected, 3000, 'greeting audio');
      const { samples, eventIds } = client.agentAudio(format);
      expect(Math.abs(samples.length - expected)).toBeLessThanOrEqual(1);
      // 200 ms chunks, strictly increasing event ids.
      expect(eventIds.length).toBe(Math.ceil(clip.samples.length / 3200));
      expect(eventIds).toEqual([...eventIds].sort((a, b) => a - b));
      expect(new Set(eventIds).size).toBe(eventIds.length);
      // It is speech, not silence: the decoded audio has the clip's level (within μ-law error).
      const rms = (s: Int16Array) => Math.sqrt(s.reduce((sum, x) => sum + x * x, 0) / s.length);
      expect(rms(samples) / rms(clip.samples)).toBeGreaterThan(0.9);
      expect(rms(samples) / rms(clip.samples)).toBeLessThan(1.1);
    },
  );

  it('streams the greeting ahead of playout rather than all at once', async () => {
    agent = await createLocalAgent({ bufferAheadMs: 300 });
    const client = connect(agent.url);
    // 300 ms lead with 200 ms chunks: two chunks at once, then one per 200 ms of playout
    // (the third is due 100 ms after the first, the fourth 300 ms after it).
    await client.waitFor(() => client.ofType('audio').length >= 4, 2000, 'four chunks');
    const [first, , third, fourth] = client.messages.filter((m) => m.json.type === 'audio').map((m) => m.at);
    expect(third - first).toBeGreaterThan(60);
    expect(fourth - first).toBeGreaterThan(250);
  });

  it('serves 20 concurrent sessions, each with its own conversation id', async () => {
    agent = await createLocalAgent({ bufferAheadMs: Infinity });
    const clients = Array.from({ length: 20 }, (_, i) => connect(agent!.url, { agentId: `agent_${i}` }));
    const ids = await Promise.all(
      clients.map(async (client) => {
        const metadata = await client.waitForType('conversation_initiation_metadata');
        await client.waitForType('agent_response');
        return metadata.conversation_initiation_metadata_event.conversation_id;
      }),
    );
    expect(new Set(ids).size).toBe(20);
    expect(agent.sessions.size).toBe(20);
    const sessions = await Promise.all(clients.map(() => agent!.nextSession()));
    expect(sessions.map((s) => s.agentId).sort()).toEqual(clients.map((_, i) => `agent_${i}`).sort());
    clients[3].close();
    await clients[3].closed;
    await sessions.find((s) => s.agentId === 'agent_3')!.closed;
    expect(agent.sessions.size).toBe(19);
    expect(clients.filter((c) => c !== clients[3]).every((c) => c.socket.readyState === c.socket.OPEN)).toBe(true);
  });

  it('closes every session with 1001 when the agent closes', async () => {
    agent = await createLocalAgent({ greeting: false });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    await agent.close();
    expect(await client.closed).toEqual({ code: 1001, reason: 'local agent shutting down' });
  });

  it('refuses the next handshakes with 503 when told to, then accepts again (an outage and a return)', async () => {
    agent = await createLocalAgent({ greeting: false });
    agent.refuseConnections(2);
    for (let i = 0; i < 2; i++) await expect(connect(agent.url).opened).rejects.toThrow('Unexpected server response: 503');
    expect(agent.sessions.size).toBe(0);
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    client.close();
  });
});

describe('protocol violations close with 1008', () => {
  it('audio before the metadata (a script withholds it)', async () => {
    agent = await createLocalAgent({ script: () => {} });
    const client = connect(agent.url);
    await client.opened;
    client.sendAudio(speechLike(0.128));
    expect(await client.closed).toEqual({ code: 1008, reason: 'audio received before conversation_initiation_metadata' });
    const session = await agent.nextSession();
    expect(session.received).toHaveLength(1);
    expect((await session.closed).byAgent).toBe(true);
  });

  it.each([
    ['not JSON', 'hello', 'invalid message: not JSON'],
    ['a JSON array', '[1,2]', 'invalid message: not a JSON object'],
    ['an unknown type', '{"type":"dance"}', 'invalid message: unknown type "dance"'],
    ['no type', '{"text":"hi"}', 'invalid message: no type and no user_audio_chunk'],
    ['non-base64 audio', '{"user_audio_chunk":"!!!!"}', 'invalid message: user_audio_chunk is not base64'],
    ['odd-length PCM16', '{"user_audio_chunk":"AAAA"}', 'invalid message: PCM16 payload has an odd byte count (3)'],
    ['a pong without id', '{"type":"pong"}', 'invalid message: pong without a numeric event_id'],
  ])('%s', async (_, frame, reason) => {
    agent = await createLocalAgent({ greeting: false });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    client.socket.send(frame);
    expect(await client.closed).toEqual({ code: 1008, reason });
  });

  it('a binary frame', async () => {
    agent = await createLocalAgent({ greeting: false });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    client.socket.send(Buffer.from([1, 2, 3, 4]));
    expect(await client.closed).toEqual({ code: 1008, reason: 'invalid message: binary frame' });
  });

  it('accepts the optional client messages', async () => {
    agent = await createLocalAgent({ greeting: false });
    const client = connect(agent.url);
    await client.opened;
    client.send({ type: 'conversation_initiation_client_data', conversation_config_override: {} });
    await client.waitForType('conversation_initiation_metadata');
    client.send({ type: 'user_message', text: 'hi' });
    client.send({ type: 'user_activity' });
    client.send({ type: 'contextual_update', text: 'ctx' });
    const session = await agent.nextSession();
    await session.waitForMessage('contextual_update');
    expect(session.received.map((r) => r.kind)).toEqual([
      'conversation_initiation_client_data',
      'user_message',
      'user_activity',
      'contextual_update',
    ]);
    expect(session.clientData).toHaveLength(1);
    expect(session.isOpen).toBe(true);
  });
});
