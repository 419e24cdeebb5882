// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalAgent, parseToolCommand, type AgentSession, type LocalAgent } from '../../testing/index.js';
import { connect } from './helpers.js';

let agent: LocalAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

const metadataOnly = (session: AgentSession) => session.sendMetadata();

describe('/tool in a typed message', () => {
  it('calls the client tool, then says what it returned', async () => {
    agent = await createLocalAgent({ greeting: false, bufferAheadMs: Infinity });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    client.send({ type: 'user_message', text: '/tool get_weather {"city":"Paris"}' });
    const call = await client.waitForType('client_tool_call');
    expect(call).toEqual({
      type: 'client_tool_call',
      client_tool_call: {
        tool_name: 'get_weather',
        tool_call_id: expect.stringMatching(/^tool_1_[0-9a-f]{8}$/),
        parameters: { city: 'Paris' },
        event_id: expect.any(Number),
      },
    });
    expect((await client.waitForType('user_transcript')).user_transcription_event.user_transcript).toBe('/tool get_weather {"city":"Paris"}');
    client.send({ type: 'client_tool_result', tool_call_id: call.client_tool_call.tool_call_id, result: 'sunny, 21°C', is_error: false });
    expect((await client.waitForType('agent_response')).agent_response_event.agent_response).toBe('Tool get_weather returned: sunny, 21°C');
    await client.waitForType('audio');
    const session = await agent.nextSession();
    expect(session.toolResults).toEqual([
      { toolCallId: call.client_tool_call.tool_call_id, result: 'sunny, 21°C', isError: false, at: expect.any(Number), matched: true },
    ]);
  });

  it('says the tool failed when the result is an error, parameters defaulting to {}', async () => {
    agent = await createLocalAgent({ greeting: false, bufferAheadMs: Infinity });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    client.send({ type: 'user_message', text: '/tool open_cart' });
    const call = (await client.waitForType('client_tool_call')).client_tool_call;
    expect(call.parameters).toEqual({});
    client.send({ type: 'client_tool_result', tool_call_id: call.tool_call_id, result: 'cart is empty', is_error: true });
    expect((await client.waitForType('agent_response')).agent_response_event.agent_response).toBe('Tool open_cart failed: cart is empty');
  });

  it('says the tool failed when no result comes in time', async () => {
    agent = await createLocalAgent({ greeting: false, bufferAheadMs: Infinity, clientToolTimeoutMs: 100 });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    client.send({ type: 'user_message', text: '/tool slow' });
    await client.waitForType('client_tool_call');
    expect((await client.waitForType('agent_response')).agent_response_event.agent_response).toBe('Tool slow failed: no result within 100 ms');
  });

  it('answers an unreadable command without calling anything', async () => {
    agent = await createLocalAgent({ greeting: false, bufferAheadMs: Infinity });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    client.send({ type: 'user_message', text: '/tool calc [1,2]' });
    expect((await client.waitForType('agent_response')).agent_response_event.agent_response).toBe(
      'I could not call that tool: parameters of calc are not a JSON object',
    );
    expect(client.ofType('client_tool_call')).toEqual([]);
  });

  it('parseToolCommand reads the name and JSON, or says why not', () => {
    expect(parseToolCommand('hello')).toBeNull();
    expect(parseToolCommand('/tool')).toEqual({ error: 'no tool name (use /tool <name> <json>)' });
    expect(parseToolCommand('/tool a {"x": [1]}')).toEqual({ name: 'a', parameters: { x: [1] } });
    expect(parseToolCommand('/tool a {x}')).toEqual({ error: 'parameters of a are not JSON' });
  });
});

describe('callClientTool (scripted)', () => {
  it('sends unique ids and resolves each call with its own result; unknown ids are recorded and ignored', async () => {
    agent = await createLocalAgent({ script: metadataOnly });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    await client.waitForType('conversation_initiation_metadata');
    const first = session.callClientTool('a', { n: 1 });
    const second = session.callClientTool('b');
    await client.waitFor(() => client.ofType('client_tool_call').length === 2);
    const [callA, callB] = client.ofType('client_tool_call').map((m) => m.client_tool_call);
    expect(callA.tool_call_id).not.toBe(callB.tool_call_id);
    expect(callB.event_id).toBeGreaterThan(callA.event_id);
    client.send({ type: 'client_tool_result', tool_call_id: 'nobody', result: 'x', is_error: false });
    client.send({ type: 'client_tool_result', tool_call_id: callB.tool_call_id, result: 'B' });
    client.send({ type: 'client_tool_result', tool_call_id: callA.tool_call_id, result: { ok: 1 }, is_error: true });
    expect(await second).toMatchObject({ toolCallId: callB.tool_call_id, result: 'B', isError: false, matched: true });
    expect(await first).toMatchObject({ result: '{"ok":1}', isError: true });
    expect(session.toolResults.map((r) => [r.toolCallId, r.matched])).toEqual([
      ['nobody', false],
      [callB.tool_call_id, true],
      [callA.tool_call_id, true],
    ]);
    expect(session.isOpen).toBe(true);
  });

  it('rejects after timeoutMs; a late result is recorded as unmatched', async () => {
    agent = await createLocalAgent({ script: metadataOnly });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    const started = performance.now();
    const call = session.callClientTool('slow', {}, { timeoutMs: 150 });
    await expect(call).rejects.toThrow(/client tool slow \(tool_1_[0-9a-f]+\): no result within 150 ms/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    const id = (await client.waitForType('client_tool_call')).client_tool_call.tool_call_id;
    client.send({ type: 'client_tool_result', tool_call_id: id, result: 'late', is_error: false });
    await session.waitFor(() => session.toolResults.length === 1);
    expect(session.toolResults[0].matched).toBe(false);
  });

  it('rejects when the session closes first', async () => {
    agent = await createLocalAgent({ script: metadataOnly });
    const client = connect(agent.url);
    const session = await agent.nextSession();
    const call = session.callClientTool('t');
    await client.waitForType('client_tool_call');
    client.close();
    await expect(call).rejects.toThrow(/session closed/);
    await expect(session.callClientTool('u')).rejects.toThrow(/session is closed/);
  });

  it('an invalid result closes with 1008', async () => {
    agent = await createLocalAgent({ script: metadataOnly });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    client.send({ type: 'client_tool_result', result: 'x' });
    expect(await client.closed).toEqual({ code: 1008, reason: 'invalid message: client_tool_result without a tool_call_id' });
  });
});
