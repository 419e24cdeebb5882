// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalAgent, fetchSignedUrl, UrlSigner, type LocalAgent } from '../../testing/index.js';
import WebSocket from 'ws';
import { connect, sleep, TestClient } from './helpers.js';

let agent: LocalAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

/** A client on exactly `url` (no credentials added), like a page given a signed URL. */
const open = (url: string) => new TestClient(new WebSocket(url), true);

describe('signed URLs', () => {
  it('have the documented shape', async () => {
    agent = await createLocalAgent({ greeting: false });
    const before = Date.now();
    const url = new URL(agent.createSignedUrl({ agentId: 'agent_shop', expiresInMs: 30000 }));
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe(agent.url);
    expect([...url.searchParams.keys()].sort()).toEqual(['agent_id', 'conversation_signature', 'expires']);
    expect(url.searchParams.get('agent_id')).toBe('agent_shop');
    expect(url.searchParams.get('conversation_signature')).toMatch(/^[A-Za-z0-9_-]{43}$/); // HMAC-SHA256, base64url
    const expires = Number(url.searchParams.get('expires'));
    expect(expires - before).toBeGreaterThanOrEqual(30000);
    expect(expires - Date.now()).toBeLessThanOrEqual(30000);
  });

  it('a valid one is accepted without api_key', async () => {
    agent = await createLocalAgent({ greeting: false, authorize: () => 'invalid api_key' });
    const client = open(agent.createSignedUrl({ agentId: 'agent_shop' }));
    await client.waitForType('conversation_initiation_metadata');
    const session = await agent.nextSession();
    expect([session.apiKey, session.agentId, session.signedUrl]).toEqual(['', 'agent_shop', true]);
  });

  it('an expired one closes with 1008 "signed URL expired"', async () => {
    agent = await createLocalAgent({ greeting: false });
    const url = agent.createSignedUrl({ expiresInMs: 50 });
    await sleep(80);
    expect(await open(url).closed).toEqual({ code: 1008, reason: 'signed URL expired' });
  });

  it.each([
    ['a changed agent_id', (url: URL) => url.searchParams.set('agent_id', 'agent_other')],
    ['a pushed-back expiry', (url: URL) => url.searchParams.set('expires', String(Date.now() + 3_600_000))],
    ['a changed signature', (url: URL) => url.searchParams.set('conversation_signature', 'A'.repeat(43))],
    ['an empty signature', (url: URL) => url.searchParams.set('conversation_signature', '')],
  ])('a tampered one (%s) closes with 1008 "invalid signature"', async (_, tamper) => {
    agent = await createLocalAgent({ greeting: false });
    const url = new URL(agent.createSignedUrl());
    tamper(url);
    expect(await open(url.toString()).closed).toEqual({ code: 1008, reason: 'invalid signature' });
  });

  it('only works on the agent that signed it', async () => {
    agent = await createLocalAgent({ greeting: false });
    const other = new UrlSigner().sign(agent.url, { agentId: 'x' });
    expect(await open(other).closed).toEqual({ code: 1008, reason: 'invalid signature' });
  });

  it('plain URLs keep the api_key check', async () => {
    agent = await createLocalAgent({ greeting: false });
    expect(await connect(agent.url, { apiKey: null }).closed).toEqual({ code: 1008, reason: 'missing api_key' });
    const client = connect(agent.url);
    await client.waitForType('conversation_initiation_metadata');
    expect((await agent.nextSession()).signedUrl).toBe(false);
  });

  it('a backend gets one from the HTTP endpoint with its key', async () => {
    agent = await createLocalAgent({ greeting: false, authorize: ({ apiKey }) => apiKey === 'pk_server' || 'invalid api_key' });
    expect(agent.signedUrlEndpoint).toBe(`http://127.0.0.1:${agent.port}/v1/voice/signed-url`);
    const response = await fetch(`${agent.signedUrlEndpoint}?agent_id=agent_shop`, { headers: { 'x-api-key': 'pk_server' } });
    expect(response.status).toBe(200);
    const { signed_url } = (await response.json()) as { signed_url: string };
    expect(new URL(signed_url).searchParams.get('agent_id')).toBe('agent_shop');
    await open(signed_url).waitForType('conversation_initiation_metadata');

    const refused = await fetch(`${agent.signedUrlEndpoint}?agent_id=agent_shop`, { headers: { 'x-api-key': 'pk_wrong' } });
    expect([refused.status, await refused.json()]).toEqual([401, { error: 'invalid api_key' }]);
    const keyless = await fetch(`${agent.signedUrlEndpoint}?agent_id=agent_shop`);
    expect([keyless.status, await keyless.json()]).toEqual([401, { error: 'missing x-api-key header' }]);
  });

  it('fetchSignedUrl is that request for a Node backend', async () => {
    agent = await createLocalAgent({ greeting: false, authorize: ({ apiKey }) => apiKey === 'pk_server' || 'invalid api_key' });
    const url = await fetchSignedUrl(agent.signedUrlEndpoint, { apiKey: 'pk_server', agentId: 'agent_shop' });
    await open(url).waitForType('conversation_initiation_metadata');
    expect((await agent.nextSession()).signedUrl).toBe(true);
    await expect(fetchSignedUrl(agent.signedUrlEndpoint, { apiKey: 'pk_bad', agentId: 'a' })).rejects.toThrow(
      'signed URL refused (401): invalid api_key',
    );
  });
});
