import { it } from 'vitest';
import { launch } from '../support/browser';
for (const variant of ['posting', 'posting-no-portclose']) it(variant, async () => {
  const rig = await launch();
  const page = await rig.open('global');
  try {
    for (let i = 0; i < 30; i++) {
      await page.evaluate(async (v) => {
        const ctx = new AudioContext({ latencyHint: 'interactive' });
        ctx.resume();
        const s = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 } });
        const url = URL.createObjectURL(new Blob([`registerProcessor('c', class extends AudioWorkletProcessor { constructor() { super(); this.n = 0; } process() { if (++this.n % 4 === 0) this.port.postMessage('x'.repeat(2000)); return true; } });`], { type: 'text/javascript' }));
        await ctx.audioWorklet.addModule(url);
        const node = new AudioWorkletNode(ctx, 'c');
        node.port.onmessage = () => {};
        const src = ctx.createMediaStreamSource(s);
        const an = ctx.createAnalyser();
        src.connect(node); src.connect(an); node.connect(ctx.destination);
        await new Promise((r) => setTimeout(r, 300));
        src.disconnect();
        node.port.onmessage = null;
        if (v === 'posting') node.port.close();
        node.disconnect();
        s.getTracks().forEach((t) => t.stop());
        ctx.close();
      }, variant);
      console.log(variant, 'cycle', i, 'ok');
    }
  } finally {
    await page.close().catch(() => {});
    await rig.close();
  }
}, 60000);
