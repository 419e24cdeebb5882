// The socket actor against a stand-in WebSocket: parsing, sending, the uplink, and cleanup.
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, setup, type AnyEventObject } from 'xstate';
import { socketActor, type SocketInput } from '../../core/actors/socket';
import { createUplink } from '../../core/uplink';
import { createMeters } from '../../core/audio/meters';

class FakeSocket {
  static last: FakeSocket;
  static throwOnCreate = false;
  readyState = 0;
  sent: string[] = [];
  closed: number[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    if (FakeSocket.throwOnCreate) throw new DOMException('insecure', 'SecurityError');
    FakeSocket.last = this;
  }
  send(data: string) {
    this.sent.push(data);
  }
  close(code: number) {
    this.closed.push(code);
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
}

const native = globalThis.WebSocket;
afterEach(() => {
  globalThis.WebSocket = native;
  FakeSocket.throwOnCreate = false;
});

function run(input: Partial<SocketInput> = {}) {
  globalThis.WebSocket = FakeSocket as unknown as typeof WebSocket;
  const uplink = createUplink();
  const meters = createMeters();
  const events: AnyEventObject[] = [];
  const parent = setup({ actors: { socket: socketActor } }).createMachine({
    invoke: { id: 'socket', src: 'socket', input: { url: 'ws://x/?api_key=k', uplink, meters, setup: null, ...input } },
    on: { '*': { actions: ({ event }) => void events.push(event) } },
  });
  const actor = createActor(parent).start();
  const socket = () => actor.getSnapshot().children.socket!;
  return { actor, uplink, meters, events, ws: FakeSocket.last, command: (c: AnyEventObject) => socket().send(c as never) };
}

describe('socket actor', () => {
  it('turns every frame into a server event, binary frames included', () => {
    const s = run();
    s.ws.open();
    s.ws.onmessage!({ data: '{"type":"ping","ping_event":{"event_id":3}}' });
    s.ws.onmessage!({ data: new ArrayBuffer(4) });
    s.ws.onmessage!({ data: '{' });
    expect(s.events.map((e) => e.type)).toEqual(['server.ping', 'server.invalid', 'server.invalid']);
    expect(s.events[1]).toEqual({ type: 'server.invalid', reason: 'binary frame' });
  });

  it('judges audio byte counts by the format the metadata announced', () => {
    const s = run();
    s.ws.open();
    const odd = '{"type":"audio","audio_event":{"audio_base_64":"AAEC","event_id":1}}';
    s.ws.onmessage!({ data: odd });
    s.ws.onmessage!({
      data: '{"type":"conversation_initiation_metadata","conversation_initiation_metadata_event":{"conversation_id":"c","agent_output_audio_format":"ulaw_8000"}}',
    });
    s.ws.onmessage!({ data: odd });
    expect(s.events.map((e) => e.type)).toEqual(['server.invalid', 'server.metadata', 'server.audio']);
  });

  it('sends only on an open socket, and arms the uplink only when told', () => {
    const s = run();
    s.command({ type: 'socket.send', data: 'early' });
    s.ws.open();
    expect(s.uplink.send).toBeNull();
    s.command({ type: 'socket.send', data: 'pong' });
    s.command({ type: 'socket.openUplink' });
    s.uplink.send!('chunk-1');
    s.uplink.send!('chunk-22');
    expect(s.ws.sent).toEqual(['pong', 'chunk-1', 'chunk-22']);
    expect(s.uplink).toMatchObject({ chunks: 2, bytes: 15 });
  });

  it('reports a close with its code, and whether the socket had opened', () => {
    const s = run();
    s.ws.onclose!({ code: 1006, reason: '' });
    expect(s.events.at(-1)).toEqual({ type: 'socket.closed', code: 1006, reason: '', opened: false });
  });

  it('on stop: disarms the uplink, detaches, closes an open socket with 1000', () => {
    const s = run();
    s.ws.open();
    s.command({ type: 'socket.openUplink' });
    s.actor.stop();
    expect(s.uplink.send).toBeNull();
    expect(s.ws.closed).toEqual([1000]);
    expect(s.ws.onmessage).toBeNull();
  });

  it('on stop while still connecting: closes as soon as the handshake completes (no browser warning)', () => {
    const s = run();
    s.actor.stop();
    expect(s.ws.closed).toEqual([]);
    s.ws.open();
    expect(s.ws.closed).toEqual([1000]);
  });

  it('reports a socket that cannot even be constructed as a failed open', async () => {
    FakeSocket.throwOnCreate = true;
    const s = run();
    await Promise.resolve();
    expect(s.events).toEqual([{ type: 'socket.closed', code: 1006, reason: '', opened: false }]);
  });

  it('sends the session set-up frame first, as soon as the socket opens', () => {
    const s = run({ setup: '{"type":"conversation_initiation_client_data","user_id":"u1"}' });
    s.command({ type: 'socket.send', data: 'early' });
    s.ws.open();
    s.command({ type: 'socket.send', data: 'pong' });
    expect(s.ws.sent).toEqual(['{"type":"conversation_initiation_client_data","user_id":"u1"}', 'pong']);
  });

  it('keeps vad scores for getVadScore() instead of sending them through the machine, and clears them on stop', () => {
    const s = run();
    s.ws.open();
    s.ws.onmessage!({ data: '{"type":"vad_score","vad_score_event":{"vad_score":0.82}}' });
    expect(s.meters.vad).toBe(0.82);
    expect(s.events).toEqual([]);
    s.actor.stop();
    expect(s.meters.vad).toBe(0);
  });

  it('opens a signed URL fetched by a function, once', async () => {
    let calls = 0;
    const s = run({ url: async () => (calls++, 'wss://signed.example/v1?conversation_signature=abc') });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toBe(1);
    expect(FakeSocket.last.url).toBe('wss://signed.example/v1?conversation_signature=abc');
    s.actor.stop();
  });

  it('reports a signed-URL function that fails, or resolves to something else, as a failed open with a clear error', async () => {
    const failed = run({ url: () => Promise.reject(new Error('HTTP 401 from /api/voice-url')) });
    const odd = run({ url: () => Promise.resolve('https://not-a-socket') });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failed.events).toEqual([
      expect.objectContaining({ type: 'socket.closed', opened: false, error: expect.objectContaining({ code: 'connection_failed', message: 'signedUrl() failed: HTTP 401 from /api/voice-url' }) }),
    ]);
    expect(odd.events[0].error.message).toBe('signedUrl() did not resolve to a ws: or wss: URL.');
  });
});
