// @vitest-environment node
import { afterEach, expect, it } from 'vitest';
import { createLocalAgent, type LocalAgent } from '../../testing/index.js';
import { connect, sleep } from './helpers.js';

let agent: LocalAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

it('pings every pingIntervalMs and records each pong with its delay', async () => {
  agent = await createLocalAgent({ greeting: false, pingIntervalMs: 40 });
  const client = connect(agent.url);
  const session = await agent.nextSession();
  await session.waitFor(() => session.pongs.length >= 3, 2000, 'three pongs');
  const pings = client.ofType('ping').map((m) => m.ping_event);
  expect(pings.slice(0, 3).map((p) => p.event_id)).toEqual([1, 2, 3]);
  // ping_ms is the last measured round trip: unknown for the first ping.
  expect(pings[0].ping_ms).toBeNull();
  expect(typeof pings[1].ping_ms).toBe('number');
  for (const pong of session.pongs.slice(0, 3)) {
    expect(pong.delayMs).toBeGreaterThanOrEqual(0);
    expect(pong.delayMs).toBeLessThan(200);
  }
  expect(session.pongs.map((p) => p.eventId).slice(0, 3)).toEqual([1, 2, 3]);
  expect(session.isOpen).toBe(true);
});

it('closes with 1002 when a ping stays unanswered for pongTimeoutMs', async () => {
  agent = await createLocalAgent({ greeting: false, pingIntervalMs: 50, pongTimeoutMs: 200 });
  const client = connect(agent.url, { autoPong: false });
  await client.waitForType('ping');
  const started = performance.now();
  expect(await client.closed).toEqual({ code: 1002, reason: 'pong timeout: no pong for 200 ms' });
  expect(performance.now() - started).toBeGreaterThanOrEqual(150);
});

it('stays open while pongs come, even when they come late but within the timeout', async () => {
  agent = await createLocalAgent({ greeting: false, pingIntervalMs: 50, pongTimeoutMs: 300 });
  const client = connect(agent.url, { autoPong: false });
  const session = await agent.nextSession();
  client.socket.on('message', async (data) => {
    const json = JSON.parse(data.toString());
    if (json.type !== 'ping') return;
    await sleep(100);
    client.send({ type: 'pong', event_id: json.ping_event.event_id });
  });
  await sleep(600);
  expect(session.isOpen).toBe(true);
  expect(session.pongs.length).toBeGreaterThanOrEqual(4);
  expect(Math.min(...session.pongs.map((p) => p.delayMs!))).toBeGreaterThanOrEqual(90);
});

it('a scripted ping resolves with the pong delay; a pong for an unknown ping is recorded without one', async () => {
  agent = await createLocalAgent({
    script: async (session) => {
      session.sendMetadata();
    },
  });
  const client = connect(agent.url);
  const session = await agent.nextSession();
  await client.waitForType('conversation_initiation_metadata');
  const delay = await session.ping(42);
  expect(delay).toBeGreaterThanOrEqual(0);
  expect(client.ofType('ping')[0]).toEqual({ type: 'ping', ping_event: { event_id: 42, ping_ms: null } });
  client.send({ type: 'pong', event_id: 7 });
  await session.waitFor(() => session.pongs.length === 2);
  expect(session.pongs[1]).toMatchObject({ eventId: 7, delayMs: null });
  // No automatic pings in scripted mode unless asked for.
  expect(client.ofType('ping')).toHaveLength(1);
  const pending = session.ping();
  session.close();
  await expect(pending).rejects.toThrow(/closed/);
});
