// The `reconnect` option in the session machine: which losses are retried, the backoff, what the
// new conversation keeps (microphone, AudioContext, transcript) and what it does not.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toState } from '../../core/state';
import { resolveOptions } from '../../core/options';
import { fromServer, wire } from '../support/fake-session';
import { expectReleased, run } from '../support/machine-run';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const drop = (s: ReturnType<typeof run>, code = 1006) => s.socket.send({ type: 'socket.closed', code, reason: '', opened: true });
const state = (s: ReturnType<typeof run>) => toState(s.actor.getSnapshot());

describe('reconnect', () => {
  it('replaces a dropped connection after the backoff, keeping the microphone, the AudioContext and the transcript', () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const s = run({ reconnect: { attempts: 3, backoffMs: 400 } });
    s.connect();
    s.socket.send(fromServer(wire.agent('Hello there.')));
    drop(s);
    expect(s.value()).toBe('{"session":"reconnecting"}');
    expect(state(s)).toMatchObject({ status: 'connecting', reconnecting: 1, conversationId: null, canSendFeedback: false });
    expect(s.context().transcript).toEqual([expect.objectContaining({ role: 'agent', text: 'Hello there.', connectionLost: true })]);
    expect(s.emitted.map((e) => e.type)).toEqual(['transcript']);
    expect(s.microphone.live).toBe(true);
    expect(s.socket.live).toBe(false);
    expect(s.playback.live).toBe(false);
    vi.advanceTimersByTime(399);
    expect(s.socket.starts).toBe(1);
    vi.advanceTimersByTime(1);
    expect(s.socket.starts).toBe(2);
    expect(state(s)).toMatchObject({ status: 'connecting', reconnecting: 1 });
    s.socket.send(fromServer(wire.metadata('conv_8')));
    expect(state(s)).toMatchObject({ status: 'connected', reconnecting: 0, conversationId: 'conv_8' });
    expect(s.microphone.starts).toBe(1);
    expect(s.contexts).toHaveLength(1);
    expect(s.contexts[0].closed).toBe(false);
    // The next agent response is a turn of its own, after the marked one.
    s.socket.send(fromServer(wire.agent('Where were we?')));
    expect(s.context().transcript.map((turn) => turn.text)).toEqual(['Hello there.', 'Where were we?']);
  });

  it('doubles the wait each attempt, counts the attempts, and ends with connection_lost once they are used up', () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const s = run({ reconnect: { attempts: 2, backoffMs: 100 } });
    s.connect();
    drop(s);
    vi.advanceTimersByTime(100);
    expect(state(s).reconnecting).toBe(1);
    // The server is still down: the attempt's socket cannot open.
    s.socket.send({ type: 'socket.closed', code: 1006, reason: '', opened: false });
    expect(state(s)).toMatchObject({ status: 'connecting', reconnecting: 2 });
    vi.advanceTimersByTime(199);
    expect(s.socket.starts).toBe(2);
    vi.advanceTimersByTime(1);
    expect(s.socket.starts).toBe(3);
    s.socket.send({ type: 'socket.closed', code: 1006, reason: '', opened: false });
    expectReleased(s);
    expect(state(s)).toMatchObject({ status: 'disconnected', reconnecting: 0, endedBy: 'error' });
    expect(s.context().error).toMatchObject({ code: 'connection_lost', message: 'The connection to the agent was lost (could not open).' });
    // A loss is not an error while it is being repaired: the one error is the final one.
    expect(s.emitted.map((e) => e.type)).toEqual(['error']);
  });

  it('retries an attempt whose agent is not ready within connectTimeoutMs', () => {
    vi.useFakeTimers();
    const s = run({ reconnect: { attempts: 2, backoffMs: 0 }, connectTimeoutMs: 1000 });
    s.connect();
    drop(s);
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(1000);
    expect(state(s)).toMatchObject({ status: 'connecting', reconnecting: 2 });
  });

  it('the random part only shortens the wait, by up to half', () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const s = run({ reconnect: { attempts: 1, backoffMs: 1000 } });
    s.connect();
    drop(s);
    vi.advanceTimersByTime(499);
    expect(s.socket.starts).toBe(1);
    vi.advanceTimersByTime(2);
    expect(s.socket.starts).toBe(2);
  });

  it.each([
    ['a 1000 close (the agent ended it)', 1000],
    ['a 1008 close (a policy refusal)', 1008],
  ])('never follows %s', (_, code) => {
    const s = run({ reconnect: { attempts: 3, backoffMs: 0 } });
    s.connect();
    drop(s, code);
    expectReleased(s);
  });

  it('never follows stop(), nor a session that never connected, nor a session without the option', () => {
    const stopped = run({ reconnect: { attempts: 3, backoffMs: 0 } });
    stopped.connect();
    drop(stopped);
    stopped.actor.send({ type: 'STOP' });
    expectReleased(stopped);
    expect(stopped.context().endedBy).toBe('user');

    const never = run({ reconnect: { attempts: 3, backoffMs: 0 } });
    never.actor.send({ type: 'START' });
    never.microphone.send({ type: 'mic.ready' });
    drop(never);
    expectReleased(never);
    expect(never.context().failure).toMatchObject({ code: 'connection_failed' });

    const off = run();
    off.connect();
    drop(off);
    expectReleased(off);
  });

  it('resolves its options: true takes the defaults, wrong values are refused', () => {
    const base = { apiKey: 'k', agentId: 'a' };
    expect(resolveOptions(base).reconnect).toBeNull();
    expect(resolveOptions({ ...base, reconnect: false }).reconnect).toBeNull();
    expect(resolveOptions({ ...base, reconnect: true }).reconnect).toEqual({ attempts: 5, backoffMs: 500 });
    expect(resolveOptions({ ...base, reconnect: { attempts: 2 } }).reconnect).toEqual({ attempts: 2, backoffMs: 500 });
    expect(() => resolveOptions({ ...base, reconnect: { attempts: 0 } })).toThrow('reconnect.attempts must be a number, 1 or more.');
    expect(() => resolveOptions({ ...base, reconnect: { backoffMs: -1 } })).toThrow('reconnect.backoffMs must be a number of milliseconds.');
    expect(() => resolveOptions({ ...base, reconnect: { tries: 2 } as never })).toThrow('reconnect.tries is not an option (attempts, backoffMs).');
    expect(() => resolveOptions({ ...base, reconnect: 'yes' as never })).toThrow('reconnect must be an object.');
  });
});
