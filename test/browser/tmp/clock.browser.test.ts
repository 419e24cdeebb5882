import { it } from 'vitest';
import { launch } from '../support/browser';
it('clock', async () => {
  const rig = await launch();
  const page = await rig.open('global');
  const r = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 } });
    const ctx = new AudioContext();
    await ctx.resume();
    const src = ctx.createMediaStreamSource(stream);
    const url = URL.createObjectURL(new Blob([`registerProcessor('c', class extends AudioWorkletProcessor { constructor() { super(); this.n = 0; this.port.onmessage = () => this.port.postMessage(this.n); } process(i) { if (i[0] && i[0][0]) this.n += i[0][0].length; return true; } });`], { type: 'text/javascript' }));
    await ctx.audioWorklet.addModule(url);
    const node = new AudioWorkletNode(ctx, 'c');
    src.connect(node);
    const ask = () => new Promise<number>((res) => { node.port.onmessage = (e) => res(e.data); node.port.postMessage(0); });
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = performance.now(), c0 = ctx.currentTime, n0 = await ask();
    await new Promise((r) => setTimeout(r, 6000));
    const t1 = performance.now(), c1 = ctx.currentTime, n1 = await ask();
    return { rate: ctx.sampleRate, ctxRate: (c1 - c0) / ((t1 - t0) / 1000), micRate: (n1 - n0) / ((t1 - t0) / 1000), settings: stream.getTracks()[0].getSettings() };
  });
  console.log(JSON.stringify(r));
  await page.close();
  await rig.close();
}, 60000);
