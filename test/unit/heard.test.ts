// What the user heard of the agent's turn: the server's alignment (character timings) placed on the
// playout timeline, read at the AudioContext's clock; an interruption keeps only what was played.
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { playbackActor } from '../../core/actors/playback';
import { createMeters } from '../../core/audio/meters';
import { createUplink } from '../../core/uplink';
import { fromServer } from '../support/fake-session';

/** A context whose clock the test moves; enough of it for the playback actor to run its bookkeeping. */
function fakeContext() {
  const node = () => ({ connect: (next: unknown) => next, disconnect() {}, gain: { value: 1 } });
  return { currentTime: 0, createGain: node, createAnalyser: node, audioWorklet: { addModule: () => new Promise(() => {}) } };
}

function run() {
  const audio = fakeContext();
  const meters = createMeters();
  const parent = setup({ actors: { playback: playbackActor } }).createMachine({
    invoke: { id: 'playback', src: 'playback', input: { audio: audio as unknown as AudioContext, format: 'pcm_16000', volume: 1, meters, uplink: createUplink(), workletUrl: undefined } },
  });
  const actor = createActor(parent).start();
  const send = (command: object) => actor.getSnapshot().children.playback!.send(command as never);
  return { audio, meters, actor, send };
}

/** 100 ms of pcm_16000 (3200 bytes) saying `text`, one character every 20 ms. */
const chunk = (text: string) => ({
  type: 'playback.enqueue',
  byteLength: 3200,
  alignment: { chars: [...text], starts: [...text].map((_, i) => i * 20) },
});

let stop = () => {};
afterEach(() => stop());

describe('getHeardText()', () => {
  it('follows the playback position through consecutive chunks', () => {
    const s = run();
    stop = () => s.actor.stop();
    s.send(chunk('Hello'));
    s.send(chunk(' wor'));
    expect(s.meters.heard!()).toBe('H');
    s.audio.currentTime = 0.05;
    expect(s.meters.heard!()).toBe('Hel');
    // The second chunk starts where the first ends (100 ms), not when it arrived.
    s.audio.currentTime = 0.121;
    expect(s.meters.heard!()).toBe('Hello w');
    s.audio.currentTime = 5;
    expect(s.meters.heard!()).toBe('Hello wor');
  });

  it('places a record that waited (merged in the relay, or behind a busy page) where its audio began', () => {
    const s = run();
    stop = () => s.actor.stop();
    s.audio.currentTime = 2;
    // Its audio reached the relay 60 ms before the record reached the playback actor.
    s.send({ ...chunk('Hello'), at: Date.now() - 60 });
    expect(s.meters.heard!()).toBe('Hell');
    s.audio.currentTime = 2.041;
    expect(s.meters.heard!()).toBe('Hello');
  });

  it('keeps only what was played when the agent is interrupted, and starts over on a new turn', () => {
    const s = run();
    stop = () => s.actor.stop();
    s.audio.currentTime = 1;
    s.send(chunk('Hello there'));
    s.audio.currentTime = 1.045;
    s.send({ type: 'playback.flush', generation: 1 });
    s.audio.currentTime = 3;
    expect(s.meters.heard!()).toBe('Hel');
    s.send({ type: 'playback.turn' });
    expect(s.meters.heard!()).toBe('');
    s.send(chunk('Yes'));
    expect(s.meters.heard!()).toBe('Y');
    s.actor.stop();
    expect(s.meters.heard).toBeNull();
  });

  it('reads the alignment of audio messages, and ignores a malformed one (the audio still plays)', () => {
    const audio = (alignment: unknown) =>
      fromServer({ type: 'audio', audio_event: { audio_base_64: 'AAAAAA==', event_id: 1, alignment } });
    expect(audio({ chars: ['H', 'i'], char_start_times_ms: [0, 80], char_durations_ms: [80, 60] })).toMatchObject({
      type: 'server.audio',
      alignment: { chars: ['H', 'i'], starts: [0, 80] },
    });
    // A character that is not a string is read as text; timings must be whole and finite.
    expect(audio({ chars: [1], char_start_times_ms: [0] }).alignment).toEqual({ chars: ['1'], starts: [0] });
    for (const bad of [{ chars: ['H'], char_start_times_ms: [0, 1] }, { chars: ['H'], char_start_times_ms: [null] }, { chars: 'H', char_start_times_ms: [0] }, 'x', null]) {
      const event = audio(bad);
      expect(event.type).toBe('server.audio');
      expect(event.alignment).toEqual({ chars: [], starts: [] });
    }
  });
});
