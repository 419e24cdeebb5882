/**
 * The session machine with fake resources, driven as the real actors would drive it (see
 * fake-session.ts): shared by the machine's unit tests.
 */
import { expect } from 'vitest';
import { createActor } from 'xstate';
import { createMeters } from '../../core/audio/meters';
import { createUplink } from '../../core/uplink';
import type { SessionOptions } from '../../core/machine';
import { fakeSession, fromServer, wire } from './fake-session';

export const options: SessionOptions = {
  apiKey: 'pk_live_SECRET123',
  agentId: 'agent_1',
  wsUrl: 'ws://127.0.0.1:1/v1',
  chunkSize: 2048,
  connectTimeoutMs: 15000,
  inputDeviceId: undefined,
  outputDeviceId: undefined,
  workletUrl: undefined,
  audioThread: undefined,
  workerUrl: undefined,
  signedUrl: undefined,
  clientTools: {},
  clientToolTimeoutMs: 30000,
  inactivityTimeoutMs: 10000,
  maxTranscriptTurns: 1000,
  maxTurnChars: 10000,
  reconnect: null,
  echoGuard: false,
  setup: null,
};

export function run(overrides: Partial<SessionOptions> = {}) {
  const session = fakeSession();
  const actor = createActor(session.machine, { input: { options: { ...options, ...overrides }, meters: createMeters(), uplink: createUplink() } });
  const emitted: { type: string }[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  // The connection region, as a JSON state value ({"session":{"online":"connecting"}}); the
  // audio region (running with these fakes) is checked by `audio()`.
  const value = () => {
    const v = actor.getSnapshot().value as string | { session: { connection: unknown } };
    return JSON.stringify(typeof v === 'string' ? v : { session: v.session.connection });
  };
  const audio = () => (actor.getSnapshot().value as { session?: { audio: { context: string } } }).session?.audio.context ?? null;
  const context = () => actor.getSnapshot().context;
  /** Start, mic ready, metadata: a connected session. */
  const connect = () => {
    actor.send({ type: 'START' });
    session.microphone.send({ type: 'mic.ready' });
    session.socket.send(fromServer(wire.metadata('conv_7')));
  };
  return { ...session, actor, emitted, value, audio, context, connect };
}

/** Every resource released and the AudioContext closed. */
export function expectReleased(s: ReturnType<typeof run>) {
  expect(s.value()).toBe('"disconnected"');
  expect(s.microphone.live).toBe(false);
  expect(s.socket.live).toBe(false);
  expect(s.playback.live).toBe(false);
  expect(s.contexts.every((c) => c.closed)).toBe(true);
  expect(s.context().audio).toBeNull();
}

