import { it } from 'vitest';
import { launch } from '../support/browser';
it('ended', async () => {
  const rig = await launch();
  const page = await rig.open('global');
  console.log(JSON.stringify(await page.evaluate(async () => {
    const out: unknown[] = [];
    const t = new EventTarget(); let n = 0; t.addEventListener('x', () => n++); t.dispatchEvent(new Event('x')); out.push(n);
    out.push(EventTarget.prototype.addEventListener.toString().slice(0, 40));
    const s = await navigator.mediaDevices.getUserMedia({ audio: true });
    const track = s.getAudioTracks()[0];
    let m = 0; track.addEventListener('ended', () => m++); track.dispatchEvent(new Event('ended')); out.push(m);
    let k = 0; track.onended = () => k++; track.dispatchEvent(new Event('ended')); out.push(k);
    let j = 0; EventTarget.prototype.addEventListener.call(track, 'foo', () => j++); track.dispatchEvent(new Event('foo')); out.push(j);
    out.push(window.harness.listeners);
    return out;
  })));
  await page.close();
  await rig.close();
}, 60000);
