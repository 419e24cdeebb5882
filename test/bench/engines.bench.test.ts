// `npm run bench`, per engine: the SDK's interruption → silence, first agent audio → audible and
// capture rate in Chromium, Firefox and WebKitGTK (each available one, one after the other), next
// to a bare worklet's flush with no SDK at all, measured in the same page: the engine's own share.
// Prints a table (and writes test-results/bench-engines.md); figures are reported, not asserted.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { createLocalAgent } from '../../testing/index';
import { ROOT, launch, type EngineName, type EnginePage } from '../browser/support/browser';
import { CHROMIUM_PATH, FIREFOX_PATH, MINIBROWSER_PATH } from '../browser/support/engines/driver';
import { captureRate, createVoice, median, start, tone, until } from '../browser/support/scenario';
import { sleep } from '../browser/support/suite';

const ENGINES: { name: EngineName; available: boolean }[] = [
  { name: 'chromium', available: !!CHROMIUM_PATH },
  { name: 'firefox', available: !!FIREFOX_PATH },
  { name: 'webkit', available: !!MINIBROWSER_PATH },
];
const rows: string[][] = [];
const ms = (values: number[]) => `${median(values).toFixed(1)} ms (max ${Math.max(...values).toFixed(1)})`;

afterAll(() => {
  const header = ['engine', 'interruption → silence, SDK (median of 12)', 'bare worklet flush, first of a context (3 contexts)', 'bare worklet flush, later (median of 15)', 'first agent audio → audible (median of 10)', 'capture rate error (12 s)'];
  const table = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  writeFileSync(join(ROOT, 'test-results/bench-engines.md'), `${table}\n`);
  console.log(`\nper engine, ${new Date().toISOString().slice(0, 10)}:\n\n${table}\n`);
});

/**
 * A worklet playing a tone until told to stop, then zeros: no SDK, no queue. Resolves with the
 * time from each stop message to a silent 32-sample analyser, polled from a MessageChannel loop.
 */
function bareFlushes(page: EnginePage, rounds: number): Promise<number[]> {
  return page.evaluate(async (count) => {
    const source = `registerProcessor('bare-tone', class extends AudioWorkletProcessor {
      constructor() { super(); this.on = true; this.phase = 0; this.port.onmessage = (e) => { this.on = e.data; }; }
      process(_, outputs) { const out = outputs[0][0]; for (let i = 0; i < out.length; i++) { out[i] = this.on ? 0.5 * Math.sin(this.phase) : 0; this.phase += 0.0576; } return true; }
    });`;
    const context = new AudioContext({ latencyHint: 'interactive' });
    await context.resume();
    await context.audioWorklet.addModule(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    const node = new AudioWorkletNode(context, 'bare-tone', { numberOfInputs: 0, outputChannelCount: [1] });
    const analyser = context.createAnalyser();
    analyser.fftSize = 32;
    node.connect(analyser);
    node.connect(context.destination);
    const data = new Float32Array(32);
    const peak = () => {
      analyser.getFloatTimeDomainData(data);
      return data.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
    };
    const after = (test: () => boolean, limit: number) =>
      new Promise<number>((resolve) => {
        const channel = new MessageChannel();
        const began = performance.now();
        channel.port1.onmessage = () => {
          if (test()) resolve(performance.now() - began);
          else if (performance.now() - began > limit) resolve(NaN);
          else channel.port2.postMessage(0);
        };
        channel.port2.postMessage(0);
      });
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      node.port.postMessage(true);
      await after(() => peak() > 0.3, 3000);
      await new Promise((resolve) => setTimeout(resolve, 150));
      node.port.postMessage(false);
      times.push(await after(() => peak() < 1e-4, 2000));
    }
    await context.close();
    return times;
  }, rounds);
}

for (const { name, available } of ENGINES) {
  describe.skipIf(!available)(`${name}: SDK against a bare worklet`, () => {
    it(`${name}: interruption, first audio, capture rate, bare flush`, async () => {
      const rig = await launch({}, name);
      const agent = await createLocalAgent({ script: () => {} });
      try {
        const page = await rig.open('global');
        await createVoice(page, agent.url);
        const started = start(page);
        const session = await agent.nextSession();
        session.sendMetadata();
        await started;
        // Interruption → silence, as the browser suite measures it.
        const interruptions: number[] = [];
        for (let i = 0; i < 12; i++) {
          const { eventIds } = session.sendAudio(tone(2), { sampleRate: 16000 });
          await until(page, () => window.harness.outputPeak() > 0.3);
          await sleep(120);
          session.sendInterruption(Math.max(...eventIds) + 1);
          interruptions.push((await until(page, (n) => window.harness.interruptions[n], 5000, i)).ms);
          await sleep(60);
        }
        // First agent audio frame → audible output.
        const audible: number[] = [];
        for (let i = 0; i < 10; i++) {
          const measured = page.evaluate(() => window.harness.timeToAudible());
          await sleep(50);
          session.sendAudio(tone(0.15), { sampleRate: 16000 });
          audible.push(await measured);
          await until(page, () => window.harness.voice.mode === 'listening', 3000);
          await sleep(100);
        }
        await session.waitForAudio(16000 * 14, 25000);
        const { rate } = captureRate(session.audioChunks);
        await page.evaluate(() => window.harness.voice.stop());
        // The engine alone: three fresh contexts, the first flush of each, then the later ones.
        const bare = [await bareFlushes(page, 6), await bareFlushes(page, 6), await bareFlushes(page, 6)];
        await page.close();
        rows.push([
          name,
          ms(interruptions),
          bare.map((times) => `${times[0].toFixed(1)}`).join(', ') + ' ms',
          ms(bare.flatMap((times) => times.slice(1))),
          `${median(audible).toFixed(1)} ms`,
          `${((rate / 16000 - 1) * 100).toFixed(3)} %`,
        ]);
      } finally {
        await rig.close();
        await agent.close();
      }
    }, 180000);
  });
}
