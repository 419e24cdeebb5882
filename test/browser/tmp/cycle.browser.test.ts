import { it } from 'vitest';
import { browserSuite } from '../support/suite';
import { expectReleased, start } from '../support/scenario';
const t = browserSuite({ script: (s) => s.sendMetadata() });
const log = (m: string) => console.log(new Date().toISOString().slice(11, 23), m);
for (const variant of ['a', 'b']) it(variant, async () => {
  await t.open();
  for (let cycle = 0; cycle < 12; cycle++) {
    log(`${variant} ${cycle} start`);
    const started = start(t.page);
    const session = await t.agent.nextSession();
    await started;
    log(`${variant} ${cycle} started`);
    await session.waitForAudio(2048);
    log(`${variant} ${cycle} audio`);
    await new Promise((r) => setTimeout(r, 2000));
    await t.page.evaluate(() => window.harness.voice.stop());
    log(`${variant} ${cycle} stopped`);
    await expectReleased(t.page);
    log(`${variant} ${cycle} released`);
  }
}, 120000);
