// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { loadBundledReplyClip } from '../../testing/greeting.js';
import { createLocalAgent, type LocalAgent } from '../../testing/index.js';
import { connect, sleep } from './helpers.js';

let agent: LocalAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

/** A connected client of an agent without greeting, once the metadata arrived. */
async function ready(options: Parameters<typeof createLocalAgent>[0] = {}) {
  agent = await createLocalAgent({ greeting: false, bufferAheadMs: Infinity, ...options });
  const client = connect(agent.url);
  await client.waitForType('conversation_initiation_metadata');
  return { client, session: await agent.nextSession() };
}

describe('user_message', () => {
  it('is answered like speech: user_transcript, agent_response, then the reply clip as audio', async () => {
    const { client, session } = await ready();
    client.send({ type: 'user_message', text: 'hello there' });
    expect(await client.waitForType('user_transcript')).toEqual({
      type: 'user_transcript',
      user_transcription_event: { user_transcript: 'hello there' },
    });
    expect(await client.waitForType('agent_response')).toEqual({
      type: 'agent_response',
      agent_response_event: { agent_response: 'You wrote: hello there' },
    });
    const clip = loadBundledReplyClip();
    await client.waitFor(() => client.agentAudio().samples.length >= clip.samples.length, 3000, 'reply audio');
    expect(client.agentAudio().samples).toEqual(clip.samples);
    const types = client.messages.map((m) => m.json.type);
    expect(types.indexOf('user_transcript')).toBeLessThan(types.indexOf('agent_response'));
    expect(types.indexOf('agent_response')).toBeLessThan(types.indexOf('audio'));
    expect(session.userMessages.map((m) => m.text)).toEqual(['hello there']);
  });

  it('over maxTextLength is refused with an error event, and the session goes on', async () => {
    const { client, session } = await ready({ maxTextLength: 10 });
    client.send({ type: 'user_message', text: 'x'.repeat(11) });
    expect(await client.waitForType('error')).toEqual({
      type: 'error',
      error_event: { code: 1008, message: 'user_message too long: 11 characters (limit 10)', error_type: 'message_too_long' },
    });
    client.send({ type: 'user_message', text: 'short' });
    await client.waitForType('agent_response');
    expect(client.ofType('user_transcript').map((m) => m.user_transcription_event.user_transcript)).toEqual(['short']);
    expect(session.userMessages.map((m) => m.text)).toEqual(['short']);
    expect(session.isOpen).toBe(true);
  });

  it('the default limit takes a long paste without a crash', async () => {
    const { client } = await ready();
    client.send({ type: 'user_message', text: 'y'.repeat(100_000) });
    expect((await client.waitForType('error')).error_event.message).toBe('user_message too long: 100000 characters (limit 4000)');
  });

  it('queues the reply behind the agent speech in progress', async () => {
    agent = await createLocalAgent({ bufferAheadMs: Infinity });
    const client = connect(agent.url);
    await client.waitForType('audio');
    client.send({ type: 'user_message', text: 'hi' });
    await client.waitFor(() => client.ofType('agent_response').length === 2, 3000, 'reply');
    expect(client.ofType('interruption')).toHaveLength(0);
    const session = await agent.nextSession();
    expect(session.speeches.map((s) => s.text)).toEqual([expect.stringContaining('Hello'), 'You wrote: hi']);
  });
});

describe('contextual_update', () => {
  it('is recorded and acknowledged in the next spoken turn only', async () => {
    const { client, session } = await ready();
    client.send({ type: 'contextual_update', text: 'user is on the pricing page' });
    client.send({ type: 'contextual_update', text: 'plan: pro' });
    client.send({ type: 'user_message', text: 'how much?' });
    client.send({ type: 'user_message', text: 'and now?' });
    await client.waitFor(() => client.ofType('agent_response').length === 2, 3000, 'two replies');
    expect(client.ofType('agent_response').map((m) => m.agent_response_event.agent_response)).toEqual([
      '(noted: user is on the pricing page) (noted: plan: pro) You wrote: how much?',
      'You wrote: and now?',
    ]);
    expect(session.contextualUpdates.map((u) => u.text)).toEqual(['user is on the pricing page', 'plan: pro']);
  });
});

describe('user_activity', () => {
  it('is recorded with its times, and gets no answer', async () => {
    const { client, session } = await ready();
    client.send({ type: 'user_activity' });
    client.send({ type: 'user_activity' });
    await session.waitFor(() => session.userActivity.length === 2);
    expect(session.userActivity[1]).toBeGreaterThanOrEqual(session.userActivity[0]);
    await sleep(50);
    expect(client.messages.map((m) => m.json.type)).toEqual(['conversation_initiation_metadata']);
  });
});

describe('feedback', () => {
  it('is recorded', async () => {
    const { client, session } = await ready();
    client.send({ type: 'feedback', score: 'like', event_id: 3 });
    client.send({ type: 'feedback', score: 'dislike', event_id: 4 });
    await session.waitFor(() => session.feedback.length === 2);
    expect(session.feedback.map(({ score, eventId }) => ({ score, eventId }))).toEqual([
      { score: 'like', eventId: 3 },
      { score: 'dislike', eventId: 4 },
    ]);
    expect(session.received.map((r) => r.kind)).toEqual(['feedback', 'feedback']);
  });

  it.each([
    [{ type: 'feedback', score: 'meh', event_id: 1 }, 'invalid message: feedback score is not "like" or "dislike"'],
    [{ type: 'feedback', score: 'like' }, 'invalid message: feedback without a numeric event_id'],
    [{ type: 'feedback', score: 'like', event_id: '1' }, 'invalid message: feedback without a numeric event_id'],
  ])('invalid (%o) closes with 1008 in strict mode', async (message, reason) => {
    const { client, session } = await ready();
    client.send(message);
    expect(await client.closed).toEqual({ code: 1008, reason });
    expect(session.feedback).toEqual([]);
  });

  it('invalid gets an error event in lenient mode, and is not recorded', async () => {
    const { client, session } = await ready({ strict: false });
    client.send({ type: 'feedback', score: 'meh', event_id: 1 });
    expect((await client.waitForType('error')).error_event).toEqual({
      code: 1008,
      message: 'invalid message: feedback score is not "like" or "dislike"',
      error_type: 'invalid_message',
    });
    expect(session.feedback).toEqual([]);
    expect(session.isOpen).toBe(true);
  });
});
