// The playback processor outside an AudioWorklet: the worklet globals faked, its clock driven
// block by block, through an underrun and a flush.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64, floatToPcm16, int16ToPcm16LE } from '../../core/audio/dsp/pcm';
import type { PlaybackReport } from '../../core/audio/worklets/playback.processor';

const RATE = 16000;
const CONTEXT_RATE = 48000;
const BLOCK = 128;
const scope = globalThis as Record<string, unknown>;

type Processor = { process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean };
let Playback: new (options: unknown) => Processor;

beforeAll(async () => {
  scope.sampleRate = CONTEXT_RATE;
  scope.currentTime = 0;
  scope.AudioWorkletProcessor = class {
    port = { postMessage: (report: PlaybackReport) => reports.push(report), onmessage: null as unknown };
  };
  ({ PlaybackProcessor: Playback } = (await import('../../core/audio/worklets/playback.processor')) as never);
});

let reports: PlaybackReport[] = [];
let phase = 0;
/** `ms` of a 440 Hz sine at half scale, continuing from the last chunk, as the agent sends it. */
function sine(ms: number): string {
  const samples = Int16Array.from({ length: (ms * RATE) / 1000 }, () => floatToPcm16(0.5 * Math.sin((2 * Math.PI * 440 * phase++) / RATE)));
  return encodeBase64(int16ToPcm16LE(samples));
}

function setup() {
  reports = [];
  phase = 0;
  scope.currentTime = 0;
  scope.currentFrame = 0;
  const processor = new Playback({ processorOptions: { rate: RATE, ulaw: false, maxSeconds: 120 } });
  const port = (processor as unknown as { port: { onmessage: (event: { data: unknown }) => void } }).port;
  // The page hands the processor the relay's port; audio and flushes come on it.
  const relay = { onmessage: null as unknown as (event: { data: unknown }) => void };
  port.onmessage({ data: relay });
  const output: number[] = [];
  return {
    send: (data: unknown) => relay.onmessage({ data }),
    /** Renders `ms` of output. */
    run(ms: number) {
      for (let i = 0; i < (ms * CONTEXT_RATE) / 1000 / BLOCK; i++) {
        const out = new Float32Array(BLOCK);
        processor.process([], [[out]]);
        output.push(...out);
        scope.currentTime = (scope.currentTime as number) + BLOCK / CONTEXT_RATE;
        scope.currentFrame = (scope.currentFrame as number) + BLOCK;
      }
    },
    output,
  };
}

/** Largest jump between neighbouring samples. */
const maxStep = (x: number[]) => x.reduce((max, v, i) => (i ? Math.max(max, Math.abs(v - x[i - 1])) : max), 0);
/** A 440 Hz sine at 0.5 steps by at most 0.029 at 48 kHz; a click is a jump well beyond. */
const SMOOTH = 0.04;

describe('PlaybackProcessor', () => {
  it('starts a steady stream at once and plays it gapless', () => {
    const { send, run, output } = setup();
    send({ type: 'audio', audio: sine(40) });
    run(40 / 3);
    for (let i = 0; i < 10; i++) {
      send({ type: 'audio', audio: sine(40) });
      run(40);
    }
    expect(reports.filter((r) => r.type !== 'stats')).toEqual([{ type: 'started', generation: 0 }]);
    expect(reports.some((r) => r.type === 'stats')).toBe(false);
    // Sound within the first block and the fade (4 ms) after the first sample.
    expect(output.findIndex((x) => Math.abs(x) > 0.01)).toBeLessThan(BLOCK + 0.005 * CONTEXT_RATE);
    expect(maxStep(output)).toBeLessThan(SMOOTH);
  });

  it('fades out at a dry-out and in at the resume, counting the underrun', () => {
    const { send, run, output } = setup();
    send({ type: 'audio', audio: sine(40) });
    run(100);
    expect(reports.map((r) => r.type)).toEqual(['started', 'drained']);
    // 60 ms late: a gap, then the target grows before it resumes.
    for (let i = 0; i < 12; i++) {
      send({ type: 'audio', audio: sine(40) });
      run(40);
    }
    run(200);
    const types = reports.map((r) => r.type);
    expect(types.slice(0, 3)).toEqual(['started', 'drained', 'stats']);
    const stats = reports.filter((r) => r.type === 'stats');
    const last = stats[stats.length - 1];
    expect(last).toMatchObject({ type: 'stats', generation: 0, underruns: 1 });
    if (last.type !== 'stats') throw new Error();
    expect(last.underrunMs).toBeGreaterThan(60);
    expect(last.longestUnderrunMs).toBe(last.underrunMs);
    expect(last.targetMs).toBeGreaterThan(150);
    expect(types.filter((t) => t === 'started')).toHaveLength(2);
    expect(maxStep(output)).toBeLessThan(SMOOTH);
    // Silence for the length of the underrun, in the middle.
    const silent = output.filter((x) => x === 0).length;
    expect(silent / (CONTEXT_RATE / 1000)).toBeGreaterThan(last.underrunMs);
  });

  it('flushes at once, with a fade, and starts afresh with the learned target', () => {
    const { send, run, output } = setup();
    send({ type: 'audio', audio: sine(40) });
    run(60);
    send({ type: 'audio', audio: sine(400) });
    run(300);
    const at = output.length;
    send({ type: 'flush', generation: 1 });
    run(10);
    // Faded to silence within 4 ms of the flush, without a click.
    expect(output.slice(at + 0.004 * CONTEXT_RATE).every((x) => x === 0)).toBe(true);
    expect(maxStep(output)).toBeLessThan(SMOOTH);
    const target = reports.filter((r) => r.type === 'stats').pop();
    send({ type: 'audio', audio: sine(40) });
    run(10);
    // The learned target holds the new turn back (and no stats change: no underrun, same target).
    expect(reports.filter((r) => r.generation === 1)).toEqual([]);
    run(300);
    expect(reports.filter((r) => r.generation === 1).map((r) => r.type)).toEqual(['started', 'drained']);
    expect(reports.filter((r) => r.type === 'stats').pop()).toMatchObject({ underruns: 1 });
    expect(target).toBeDefined();
  });
});
