/**
 * A `ws` client that behaves like the SDK on the wire (answers pings, sends base64 PCM16
 * chunks), and signal generators for driving the local agent in tests.
 */
import WebSocket from 'ws';
import { decodeAudio, encodeAudio, type AudioFormat } from '../../testing/audio-format.js';

/** One server message as the client saw it. */
export interface ClientSideMessage {
  /** Arrival time, `performance.now()`. */
  at: number;
  /** The parsed JSON. */
  json: any;
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  apiKey?: string | null;
  agentId?: string | null;
  /** Answer every ping at once, like the SDK. Default true. */
  autoPong?: boolean;
  /** Extra query parameters. */
  query?: Record<string, string>;
}

/** A test client of the local agent. */
export class TestClient {
  readonly messages: ClientSideMessage[] = [];
  /** Binary frames (the protocol has none; scripts can send them). */
  readonly binaryFrames: Buffer[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  autoPong: boolean;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly socket: WebSocket,
    autoPong: boolean,
  ) {
    this.autoPong = autoPong;
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.notify();
      });
    });
    socket.on('error', () => {}); // surfaced through `closed`
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        this.binaryFrames.push(data as Buffer);
        return this.notify();
      }
      const json = JSON.parse(data.toString());
      this.messages.push({ at: performance.now(), json });
      if (json.type === 'ping' && this.autoPong) this.send({ type: 'pong', event_id: json.ping_event.event_id });
      this.notify();
    });
  }

  /** Sends a JSON message. */
  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Sends PCM16 samples as one `user_audio_chunk`. */
  sendAudio(samples: Int16Array, format: AudioFormat = 'pcm_16000'): void {
    this.send({ user_audio_chunk: encodeAudio(samples, format).toString('base64') });
  }

  /** Messages of one `type`. */
  ofType(type: string): any[] {
    return this.messages.filter((message) => message.json.type === type).map((message) => message.json);
  }

  /** Resolves with the first truthy value of `predicate`, re-checked on every message. */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 3000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = predicate();
        if (!value) return false;
        done();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}; got ${this.messages.map((m) => m.json.type).join(', ')}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      if (!check()) this.listeners.add(check);
    });
  }

  /** Resolves with the first message of `type` (past or future) matching `predicate`. */
  waitForType(type: string, predicate: (json: any) => boolean = () => true, timeoutMs = 3000): Promise<any> {
    return this.waitFor(() => this.ofType(type).find(predicate), timeoutMs, type);
  }

  /** Agent audio received so far, decoded, with the event ids in order. */
  agentAudio(format: AudioFormat = 'pcm_16000', filter: (eventId: number) => boolean = () => true) {
    const events = this.ofType('audio').filter((message) => filter(message.audio_event.event_id));
    const parts = events.map((message) => decodeAudio(Buffer.from(message.audio_event.audio_base_64, 'base64'), format));
    const samples = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      samples.set(part, offset);
      offset += part.length;
    }
    return { samples, eventIds: events.map((message) => message.audio_event.event_id as number) };
  }

  close(): void {
    this.socket.close();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Opens a client on `url` with the given credentials (defaults: valid test ones). */
export function connect(url: string, options: ConnectOptions = {}): TestClient {
  const target = new URL(url);
  const apiKey = options.apiKey === undefined ? 'pk_test_123' : options.apiKey;
  const agentId = options.agentId === undefined ? 'agent_test' : options.agentId;
  if (apiKey !== null) target.searchParams.set('api_key', apiKey);
  if (agentId !== null) target.searchParams.set('agent_id', agentId);
  for (const [key, value] of Object.entries(options.query ?? {})) target.searchParams.set(key, value);
  return new TestClient(new WebSocket(target), options.autoPong ?? true);
}

/** Deterministic pseudo-random numbers in [-1, 1) (xorshift), so test signals are reproducible. */
function noise(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 31 - 1;
  };
}

/**
 * A speech-like signal: a 140 Hz voiced buzz with two formant-ish tones plus a little noise,
 * amplitude-modulated at a syllable rate of 4 Hz (never fully silent, like connected speech),
 * around -25 dBFS RMS (envelope minima near -35 dBFS, well above the -45 dBFS threshold).
 */
export function speechLike(seconds: number, sampleRate = 16000, seed = 7): Int16Array {
  const random = noise(seed);
  const out = new Int16Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    const envelope = 0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t);
    const voiced =
      0.5 * Math.sin(2 * Math.PI * 140 * t) + 0.3 * Math.sin(2 * Math.PI * 700 * t) + 0.2 * Math.sin(2 * Math.PI * 1200 * t);
    out[i] = Math.round(envelope * (voiced + 0.1 * random()) * 0.2 * 32767);
  }
  return out;
}

/** Digital silence. */
export function silence(seconds: number, sampleRate = 16000): Int16Array {
  return new Int16Array(Math.round(seconds * sampleRate));
}

/** Joins signals. */
export function join(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Streams samples as `user_audio_chunk` messages of `chunkSize` samples (Perf's recommended
 * 2048), either as fast as possible or paced at `realtime` speed.
 */
export async function stream(client: TestClient, samples: Int16Array, options: { chunkSize?: number; realtime?: boolean } = {}) {
  const chunkSize = options.chunkSize ?? 2048;
  const started = performance.now();
  for (let offset = 0; offset < samples.length; offset += chunkSize) {
    client.sendAudio(samples.subarray(offset, offset + chunkSize));
    if (options.realtime) {
      const due = started + ((offset + chunkSize) / 16000) * 1000;
      await sleep(Math.max(0, due - performance.now()));
    }
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Parses a `(1.2 s of speech)` transcript into seconds. */
export function secondsIn(transcript: string): number {
  const match = /\((\d+(?:\.\d+)?) s of speech\)/.exec(transcript);
  if (!match) throw new Error(`not a speech description: ${transcript}`);
  return Number(match[1]);
}
