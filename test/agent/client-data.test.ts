// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalAgent, DEFAULT_GREETING_TEXT, substituteVariables, type LocalAgent } from '../../testing/index.js';
import { connect, sleep } from './helpers.js';

let agent: LocalAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

const CLIENT_DATA = {
  type: 'conversation_initiation_client_data',
  conversation_config_override: {
    agent: { prompt: { prompt: 'Be brief.' }, first_message: 'Hi {{name}}, visit {{visits}}! {{unknown}} stays.', language: 'fr' },
    tts: { voice_id: 'voice_42' },
  },
  dynamic_variables: { name: 'Ada', visits: 3 },
  user_id: 'user_7',
};

describe('conversation_initiation_client_data', () => {
  it('sent before the metadata, sets the greeting text ({{variables}} filled) and is recorded', async () => {
    agent = await createLocalAgent({ bufferAheadMs: Infinity });
    const client = connect(agent.url);
    await client.opened;
    client.send(CLIENT_DATA);
    const response = await client.waitForType('agent_response');
    expect(response).toEqual({
      type: 'agent_response',
      agent_response_event: { agent_response: 'Hi Ada, visit 3! {{unknown}} stays.' },
    });
    // The metadata still comes first, and the greeting keeps the bundled clip as audio.
    expect(client.messages[0].json.type).toBe('conversation_initiation_metadata');
    await client.waitForType('audio');
    const session = await agent.nextSession();
    expect(session.overrides).toEqual({ prompt: 'Be brief.', firstMessage: 'Hi {{name}}, visit {{visits}}! {{unknown}} stays.', language: 'fr', voiceId: 'voice_42' });
    expect(session.dynamicVariables).toEqual({ name: 'Ada', visits: 3 });
    expect(session.userId).toBe('user_7');
    expect(session.clientData).toEqual([CLIENT_DATA]);
  });

  it('ends the wait as soon as it arrives', async () => {
    agent = await createLocalAgent({ greeting: false, clientDataWaitMs: 2000 });
    const client = connect(agent.url);
    await client.opened;
    const sentAt = performance.now();
    client.send({ type: 'conversation_initiation_client_data' });
    await client.waitForType('conversation_initiation_metadata');
    expect(performance.now() - sentAt).toBeLessThan(1000);
  });

  it('is waited for at most clientDataWaitMs, then the default greeting is spoken', async () => {
    agent = await createLocalAgent({ clientDataWaitMs: 250 });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    // Measured on the agent's side: the client learns of the open later, by a varying amount.
    const session = await agent.nextSession();
    expect(session.metadataSentAt! - session.connectedAt).toBeGreaterThanOrEqual(240);
    expect((await client.waitForType('agent_response')).agent_response_event.agent_response).toBe(DEFAULT_GREETING_TEXT);
  });

  it('never costs a 1008: ill-typed fields are skipped, and it may come after the metadata', async () => {
    agent = await createLocalAgent({ greeting: false });
    const client = connect(agent.url);
    await client.opened;
    client.send({ type: 'conversation_initiation_client_data', conversation_config_override: 'nope', dynamic_variables: [1], user_id: 5 });
    await client.waitForType('conversation_initiation_metadata');
    client.send({ ...CLIENT_DATA, dynamic_variables: { name: 'Bob', nested: { x: 1 } } });
    const session = await agent.nextSession();
    await session.waitFor(() => session.clientData.length === 2);
    expect(session.isOpen).toBe(true);
    expect(session.dynamicVariables).toEqual({ name: 'Bob' });
    expect(session.userId).toBe('user_7');
    expect(session.overrides.language).toBe('fr');
  });

  it('scripted sessions do not wait: the script decides, and can wait itself', async () => {
    agent = await createLocalAgent({
      script: async (session) => {
        const data = await session.waitForClientData(2000);
        session.sendMetadata({ user: data ? session.userId : null });
      },
    });
    const client = connect(agent.url);
    await client.opened;
    await sleep(50);
    client.send(CLIENT_DATA);
    const metadata = await client.waitForType('conversation_initiation_metadata');
    expect(metadata.conversation_initiation_metadata_event.user).toBe('user_7');
  });

  it('a frame other than the client data ends the wait; a typed message is answered after the metadata', async () => {
    agent = await createLocalAgent({ greeting: false, clientDataWaitMs: 2000 });
    const client = connect(agent.url);
    await client.opened;
    client.send({ type: 'user_message', text: 'early' });
    await client.waitForType('agent_response');
    expect(client.messages.map((m) => m.json.type).slice(0, 3)).toEqual(['conversation_initiation_metadata', 'user_transcript', 'agent_response']);
  });
});

describe('substituteVariables', () => {
  it('fills known placeholders (spaces allowed), leaves unknown ones', () => {
    expect(substituteVariables('{{ a }}-{{b}}-{{c}}-{a}', { a: 1, b: true })).toBe('1-true-{{c}}-{a}');
  });
});
