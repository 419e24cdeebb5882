// @vitest-environment jsdom
// An AudioContext whose clock stands still while it says it runs (iOS after a phone call, an
// output that stalled): the audio-state actor notices, and the machine replaces the context under
// the microphone and the playback while the conversation (its socket) goes on.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor, setup } from 'xstate';
import { audioStateActor } from '../../core/actors/audio-state';
import { fromServer, wire } from '../support/fake-session';
import { run } from '../support/machine-run';

afterEach(() => vi.useRealTimers());

describe('the audio-state actor, on a clock', () => {
  /** A stand-in context whose clock a test moves, and what the actor reported. */
  function watched(state: AudioContextState) {
    const audio = Object.assign(new EventTarget(), { state, currentTime: 0, resume: () => Promise.resolve() });
    const events: string[] = [];
    const parent = setup({ actors: { watch: audioStateActor } }).createMachine({
      invoke: { id: 'watch', src: 'watch', input: { audio: audio as unknown as AudioContext } },
      on: { '*': { actions: ({ event }) => events.push(event.type) } },
    });
    const actor = createActor(parent).start();
    return { audio, events, actor };
  }

  it('reports a running context whose clock stood still for two checks, once', () => {
    vi.useFakeTimers();
    const { audio, events, actor } = watched('running');
    // Moving: never frozen, however long.
    for (let s = 1; s <= 10; s++) {
      audio.currentTime = s;
      vi.advanceTimersByTime(1000);
    }
    expect(events.filter((type) => type === 'audio.frozen')).toEqual([]);
    // Stands still: noticed on the second check that sees no progress, and said once.
    vi.advanceTimersByTime(1000);
    expect(events.filter((type) => type === 'audio.frozen')).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(events.filter((type) => type === 'audio.frozen')).toEqual(['audio.frozen']);
    vi.advanceTimersByTime(10000);
    expect(events.filter((type) => type === 'audio.frozen')).toHaveLength(1);
    actor.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves a suspended context alone (its clock is meant to stand still), and a clock that moves again', () => {
    vi.useFakeTimers();
    const suspended = watched('suspended');
    vi.advanceTimersByTime(10000);
    expect(suspended.events).not.toContain('audio.frozen');
    suspended.actor.stop();
    // A laptop waking from sleep: one check sees no progress, the next sees the clock moving.
    const woken = watched('running');
    vi.advanceTimersByTime(2000);
    woken.audio.currentTime = 1;
    vi.advanceTimersByTime(1000);
    woken.audio.currentTime = 2;
    vi.advanceTimersByTime(1000);
    expect(woken.events).not.toContain('audio.frozen');
    woken.actor.stop();
  });
});

describe('session machine: a frozen AudioContext', () => {
  it('is replaced while connected: the microphone and the playback start again on the new one, the conversation goes on', () => {
    const s = run();
    s.connect();
    s.playback.send({ type: 'playback.started' });
    expect(s.value()).toContain('agentSpeaking');
    const [first] = s.contexts;
    s.audioState.send({ type: 'audio.frozen' });
    expect(s.contexts).toHaveLength(2);
    expect(first.closed).toBe(true);
    expect(s.contexts[1].closed).toBe(false);
    const audio = s.context().audio;
    expect(audio).toBe(s.contexts[1]);
    expect([s.microphone.starts, s.microphone.stops, s.microphone.live]).toEqual([2, 1, true]);
    expect((s.microphone.input as unknown as { audio: unknown }).audio).toBe(audio);
    expect([s.playback.starts, s.playback.stops, s.playback.live]).toEqual([2, 1, true]);
    expect((s.playback.input as unknown as { audio: unknown }).audio).toBe(audio);
    expect([s.audioState.starts, s.audioState.input?.audio]).toEqual([2, audio]);
    // The same socket and conversation; what played on the old context is gone with it.
    expect([s.socket.starts, s.socket.live]).toEqual([1, true]);
    expect(s.context().conversationId).toBe('conv_7');
    expect(s.value()).toBe('{"session":{"online":{"connected":{"playing":"listening"}}}}');
    s.socket.send(fromServer(wire.audio(3)));
    expect(s.playback.received.at(-1)).toMatchObject({ type: 'playback.enqueue' });
    s.actor.send({ type: 'STOP' });
    expect(s.contexts.every((c) => c.closed)).toBe(true);
  });

  it('is replaced while connecting without starting a playback: the socket keeps waiting for the metadata', () => {
    const s = run();
    s.actor.send({ type: 'START' });
    s.microphone.send({ type: 'mic.ready' });
    s.audioState.send({ type: 'audio.frozen' });
    expect(s.contexts.map((c) => c.closed)).toEqual([true, false]);
    expect([s.microphone.starts, s.playback.starts, s.socket.starts]).toEqual([2, 0, 1]);
    expect(s.value()).toBe('{"session":{"online":"connecting"}}');
    s.socket.send(fromServer(wire.metadata('conv_8')));
    expect((s.playback.input as unknown as { audio: unknown }).audio).toBe(s.contexts[1]);
  });
});
