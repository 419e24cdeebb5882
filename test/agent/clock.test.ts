// @vitest-environment node
/** With an injected clock, pacing, playout and keepalive are driven by the test, not by time. */
import { afterEach, expect, it } from 'vitest';
import { createLocalAgent, type AgentClock, type LocalAgent } from '../../testing/index.js';
import { connect, join, silence, sleep, speechLike, stream } from './helpers.js';

/** A clock that only moves when told to. */
class ManualClock implements AgentClock {
  private time = 1000;
  private timers: { due: number; callback: () => void }[] = [];
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const timer = { due: this.time + ms, callback };
    this.timers.push(timer);
    return timer;
  };
  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((timer) => timer !== handle);
  };
  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.due;
      next.callback();
    }
    this.time = end;
  }
}

let agent: LocalAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

/** Lets socket traffic settle (real I/O still takes real time). */
const settle = () => sleep(30);

it('paces agent audio by the injected playout clock', async () => {
  const clock = new ManualClock();
  agent = await createLocalAgent({ clock, pingIntervalMs: false, bufferAheadMs: 400 });
  const client = connect(agent.url);
  const audioCount = (n: number) => client.waitFor(() => client.ofType('audio').length >= n, 2000, `${n} chunks`);
  await audioCount(2); // 400 ms ahead: two 200 ms chunks
  await settle();
  expect(client.ofType('audio')).toHaveLength(2); // and no more while the clock stands still
  clock.advance(200);
  await audioCount(3);
  clock.advance(1000);
  await audioCount(8);
  await settle();
  expect(client.ofType('audio')).toHaveLength(8);
  const session = [...agent.sessions][0];
  expect(session.agentSpeaking).toBe(true);
  expect(session.playout.remainingMs).toBe(400);
});

it('barge-in depends on the playout clock: no interruption once the audio has played out', async () => {
  const clock = new ManualClock();
  agent = await createLocalAgent({ clock, pingIntervalMs: false, greeting: false, bufferAheadMs: Infinity });
  const client = connect(agent.url);
  await client.waitForType('conversation_initiation_metadata');
  await stream(client, join(speechLike(0.5), silence(0.8)));
  await client.waitForType('agent_response');
  clock.advance(499); // 1 ms of the echo still to play
  await stream(client, speechLike(0.2));
  await client.waitForType('interruption');

  await stream(client, silence(0.8)); // ends the barge-in turn: its 0.2 s echo is the second answer
  await client.waitFor(() => client.ofType('agent_response').length === 2, 2000, 'second answer');
  clock.advance(200);
  await stream(client, join(speechLike(0.4), silence(0.8)));
  await client.waitFor(() => client.ofType('agent_response').length === 3, 2000, 'third answer');
  expect(client.ofType('interruption')).toHaveLength(1);
  clock.advance(400); // the whole 0.4 s echo has played
  await stream(client, join(speechLike(0.2), silence(0.8)));
  await client.waitFor(() => client.ofType('user_transcript').length === 4, 2000, 'fourth transcript');
  expect(client.ofType('interruption')).toHaveLength(1);
});

it('closes on a pong timeout measured on the injected clock', async () => {
  const clock = new ManualClock();
  agent = await createLocalAgent({ clock, greeting: false, pingIntervalMs: 1000, pongTimeoutMs: 5000 });
  const client = connect(agent.url, { autoPong: false });
  await client.waitForType('conversation_initiation_metadata');
  clock.advance(1000);
  await client.waitForType('ping');
  clock.advance(4999);
  await settle();
  expect(client.socket.readyState).toBe(client.socket.OPEN);
  clock.advance(1);
  expect(await client.closed).toEqual({ code: 1002, reason: 'pong timeout: no pong for 5000 ms' });
});
