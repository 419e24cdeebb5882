// @vitest-environment jsdom
// The socket actor and its relay (on the page's thread here: jsdom has no Worker) against a
// stand-in WebSocket: parsing, the real-time frames the relay handles itself, the audio ports,
// sending, and cleanup.
import { afterEach, describe, expect, it, vi } from 'vitest';
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

function run(input: Partial<SocketInput> = {}, capture?: () => MessagePort) {
  globalThis.WebSocket = FakeSocket as unknown as typeof WebSocket;
  const uplink = createUplink();
  if (capture) uplink.capture = capture;
  const meters = createMeters();
  const events: AnyEventObject[] = [];
  const parent = setup({ actors: { socket: socketActor } }).createMachine({
    invoke: { id: 'socket', src: 'socket', input: { url: 'ws://x/?api_key=k', uplink, meters, setup: null, ...input } },
    // Where the relay runs is checked on its own; here it is the page (jsdom has no Worker).
    on: { '*': { actions: ({ event }) => void (event.type !== 'socket.thread' && events.push(event)) } },
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
    s.ws.onmessage!({ data: '{"type":"ping","ping_event":{"event_id":1e20}}' });
    expect(s.events.map((e) => e.type)).toEqual(['server.ping', 'server.invalid', 'server.invalid', 'server.invalid']);
    expect(s.events[1]).toEqual({ type: 'server.invalid', reason: 'binary frame' });
  });

  it('answers pings itself, at once, and reports them', () => {
    const s = run();
    s.ws.open();
    s.ws.onmessage!({ data: '{"type":"ping","ping_event":{"event_id":7,"ping_ms":42}}' });
    expect(s.ws.sent).toEqual(['{"type":"pong","event_id":7}']);
    expect(s.events).toEqual([{ type: 'server.ping', eventId: 7, pingMs: 42 }]);
  });

  it('sends fresh agent audio to the playback port and only its record to the machine; flushes on interruption first', async () => {
    const s = run();
    const { port1, port2 } = new MessageChannel();
    const played: unknown[] = [];
    port1.onmessage = ({ data }) => played.push(data);
    s.uplink.playback!(port2);
    s.ws.open();
    const audio = (id: number) => `{"type":"audio","audio_event":{"audio_base_64":"AAAAAA==","event_id":${id},"alignment":{"chars":["h"],"char_start_times_ms":[0]}}}`;
    s.ws.onmessage!({ data: audio(1) }); // before the metadata: not played
    s.ws.onmessage!({ data: '{"type":"conversation_initiation_metadata","conversation_initiation_metadata_event":{"conversation_id":"c"}}' });
    s.ws.onmessage!({ data: audio(2) });
    s.ws.onmessage!({ data: '{"type":"interruption","interruption_event":{"event_id":5}}' });
    s.ws.onmessage!({ data: audio(4) }); // of the interrupted response: dropped
    s.ws.onmessage!({ data: '{"type":"interruption","interruption_event":{"event_id":3}}' }); // older: the threshold stays
    s.ws.onmessage!({ data: audio(4) });
    s.ws.onmessage!({ data: '{"type":"interruption","interruption_event":{"event_id":1e20}}' }); // invalid: not a threshold
    s.ws.onmessage!({ data: audio(6) });
    // The record of audio(6) waits for the next report slot (250 ms after audio(2)'s).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(played).toEqual([{ type: 'audio', audio: 'AAAAAA==' }, { type: 'flush', generation: 1 }, { type: 'flush', generation: 2 }, { type: 'audio', audio: 'AAAAAA==' }]);
    expect(s.events.map((e) => e.type)).toEqual(['server.metadata', 'server.audio', 'server.interruption', 'server.interruption', 'server.invalid', 'server.audio']);
    expect(s.events[1]).toEqual({ type: 'server.audio', eventId: 2, byteLength: 4, alignment: { chars: ['h'], starts: [0] }, at: expect.any(Number) });
    expect(s.events[2]).toEqual({ type: 'server.interruption', eventId: 5, generation: 1 });
    s.actor.stop();
  });

  it('reports the first audio of a burst at once and merges the rest, at most one record per 250 ms, in order', async () => {
    const s = run();
    s.ws.open();
    s.ws.onmessage!({
      data: '{"type":"conversation_initiation_metadata","conversation_initiation_metadata_event":{"conversation_id":"c","agent_output_audio_format":"pcm_8000"}}',
    });
    // 8 bytes of PCM16 at 8 kHz: 0.5 ms each.
    const audio = (id: number, alignment: unknown) => JSON.stringify({ type: 'audio', audio_event: { audio_base_64: 'AAAAAAAAAAA=', event_id: id, alignment } });
    const aligned = (chars: string[], starts: number[]) => ({ chars, char_start_times_ms: starts, char_durations_ms: starts });
    s.ws.onmessage!({ data: audio(1, aligned(['a'], [0])) });
    s.ws.onmessage!({ data: audio(2, aligned(['b', 'c'], [0, 0.25])) });
    s.ws.onmessage!({ data: audio(3, { chars: ['x'], char_start_times_ms: [] }) }); // malformed: no characters, the audio counts
    s.ws.onmessage!({ data: audio(4, aligned(['d'], [0.1])) });
    expect(s.events.slice(1)).toEqual([{ type: 'server.audio', eventId: 1, byteLength: 8, alignment: { chars: ['a'], starts: [0] }, at: expect.any(Number) }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(s.events.slice(2)).toEqual([{ type: 'server.audio', eventId: 4, byteLength: 24, alignment: { chars: ['b', 'c', 'd'], starts: [0, 0.25, 1.1] }, at: expect.any(Number) }]);
    // Anything else posted first flushes the merged record, so order holds.
    s.ws.onmessage!({ data: audio(5, null) });
    s.ws.onmessage!({ data: '{"type":"agent_response","agent_response_event":{"agent_response":"hi"}}' });
    expect(s.events.slice(3).map((e) => [e.type, e.eventId])).toEqual([['server.audio', 5], ['server.agentResponse', undefined]]);
    s.actor.stop();
  });

  it('survives metadata whose format is not a string (the parser rejects it; nothing throws)', () => {
    const s = run();
    s.ws.open();
    for (const format of [5, null, {}, ['pcm_8000']]) {
      const metadata = { type: 'conversation_initiation_metadata', conversation_initiation_metadata_event: { conversation_id: 'c', agent_output_audio_format: format } };
      expect(() => s.ws.onmessage!({ data: JSON.stringify(metadata) })).not.toThrow();
    }
    s.actor.stop();
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

  it('sends only on an open socket, and microphone chunks only once told the session is connected', async () => {
    const { port1, port2 } = new MessageChannel();
    const s = run({}, () => port2);
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    s.command({ type: 'socket.send', data: 'early' });
    s.ws.open();
    port1.postMessage('chunk-0');
    await tick();
    s.command({ type: 'socket.send', data: 'text' });
    s.command({ type: 'socket.openUplink' });
    port1.postMessage('chunk-1');
    port1.postMessage('chunk-22');
    await tick();
    expect(s.ws.sent).toEqual(['text', 'chunk-1', 'chunk-22']);
    s.actor.stop();
    port1.close();
  });

  it('reports a close with its code, and whether the socket had opened', () => {
    const s = run();
    s.ws.onclose!({ code: 1006, reason: '' });
    expect(s.events.at(-1)).toEqual({ type: 'socket.closed', code: 1006, reason: '', opened: false });
  });

  describe('a connection that dies without a close', () => {
    afterEach(() => vi.useRealTimers());
    const ping = '{"type":"ping","ping_event":{"event_id":1}}';
    const lost = (limit: number) => ({ type: 'socket.closed', code: 1006, reason: `no message from the agent for ${limit / 1000} s`, opened: true });

    it('a server that pinged, then sent nothing for inactivityTimeoutMs: one 1006 close, within a second of the limit', () => {
      vi.useFakeTimers();
      const s = run({ inactivityTimeoutMs: 3000 });
      s.ws.open();
      s.command({ type: 'socket.openUplink' });
      s.ws.onmessage!({ data: ping });
      // Any frame counts as a sign of life, pings or not.
      vi.advanceTimersByTime(2500);
      s.ws.onmessage!({ data: '{"type":"agent_response","agent_response_event":{"agent_response":"hi"}}' });
      vi.advanceTimersByTime(2900);
      expect(s.events.filter((e) => e.type === 'socket.closed')).toEqual([]);
      vi.advanceTimersByTime(1100);
      expect(s.events.filter((e) => e.type === 'socket.closed')).toEqual([lost(3000)]);
      vi.advanceTimersByTime(10000);
      expect(s.events.filter((e) => e.type === 'socket.closed')).toHaveLength(1);
      s.actor.stop();
    });

    it('no limit before the first ping (a server that never pings may be quiet), nor with 0', () => {
      vi.useFakeTimers();
      const quiet = run({ inactivityTimeoutMs: 3000 });
      quiet.ws.open();
      quiet.command({ type: 'socket.openUplink' });
      vi.advanceTimersByTime(60000);
      const off = run({ inactivityTimeoutMs: 0 });
      off.ws.open();
      off.command({ type: 'socket.openUplink' });
      off.ws.onmessage!({ data: ping });
      vi.advanceTimersByTime(60000);
      expect([...quiet.events, ...off.events].filter((e) => e.type === 'socket.closed')).toEqual([]);
      quiet.actor.stop();
      off.actor.stop();
    });

    it("the browser's offline event ends it at once; the listener goes with the socket", () => {
      const s = run();
      s.ws.open();
      dispatchEvent(new Event('offline'));
      expect(s.events).toEqual([{ type: 'socket.closed', code: 1006, reason: 'the browser went offline', opened: true }]);
      s.actor.stop();
      dispatchEvent(new Event('offline'));
      expect(s.events).toHaveLength(1);
    });
  });

  it('on stop: lets go of the playback port, detaches, closes an open socket with 1000', () => {
    const s = run();
    s.ws.open();
    s.command({ type: 'socket.openUplink' });
    s.actor.stop();
    expect(s.uplink.playback).toBeNull();
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
    s.command({ type: 'socket.send', data: 'text' });
    expect(s.ws.sent).toEqual(['{"type":"conversation_initiation_client_data","user_id":"u1"}', 'text']);
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

  describe('where the relay runs', () => {
    /** A Worker that never starts: refused at construction, or failing with an `error` event. */
    class RefusedWorker {
      static created = 0;
      static throws = false;
      onerror: (() => void) | null = null;
      onmessage: unknown = null;
      terminated = false;
      constructor() {
        RefusedWorker.created++;
        if (RefusedWorker.throws) throw new DOMException('refused', 'SecurityError');
        queueMicrotask(() => this.onerror?.());
      }
      postMessage() {
        throw new Error('nothing may be posted to a Worker that has not started');
      }
      terminate() {
        this.terminated = true;
      }
    }
    afterEach(() => {
      delete (globalThis as { Worker?: unknown }).Worker;
      RefusedWorker.created = 0;
      RefusedWorker.throws = false;
    });

    function runRecording(input: Partial<SocketInput>) {
      globalThis.WebSocket = FakeSocket as unknown as typeof WebSocket;
      const events: AnyEventObject[] = [];
      const parent = setup({ actors: { socket: socketActor } }).createMachine({
        invoke: { id: 'socket', src: 'socket', input: { url: 'ws://x/?api_key=k', uplink: createUplink(), meters: createMeters(), setup: null, ...input } },
        on: { '*': { actions: ({ event }) => void events.push(event) } },
      });
      return { actor: createActor(parent).start(), events };
    }

    it('falls back to the page when no Worker starts (refused at once, or by an error event), self-hosted copy first', async () => {
      for (const throws of [true, false]) {
        RefusedWorker.throws = throws;
        RefusedWorker.created = 0;
        (globalThis as { Worker?: unknown }).Worker = RefusedWorker;
        const s = runRecording({ workerUrl: '/assets/relay.js' });
        await new Promise((resolve) => setTimeout(resolve, 5));
        expect(RefusedWorker.created).toBe(2);
        expect(s.events).toEqual([{ type: 'socket.thread', thread: 'main' }]);
        // The socket opened on the page, once.
        expect(FakeSocket.last.url).toBe('ws://x/?api_key=k');
        s.actor.stop();
      }
    });

    it("audioThread 'main' starts no Worker; 'worker' insists, and says what to do when none starts", async () => {
      (globalThis as { Worker?: unknown }).Worker = RefusedWorker;
      const main = runRecording({ thread: 'main' });
      const insisted = runRecording({ thread: 'worker' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(main.events).toEqual([{ type: 'socket.thread', thread: 'main' }]);
      expect(RefusedWorker.created).toBe(1);
      expect(insisted.events).toEqual([
        expect.objectContaining({ type: 'socket.closed', opened: false, error: expect.objectContaining({ code: 'worker_unavailable' }) }),
      ]);
      main.actor.stop();
      insisted.actor.stop();
    });
  });
});
