// The `npm start` demo, as a person uses it: open the URL, click Start, talk, click Stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, ROOT, launch, type BrowserRig } from './support/browser';
import { checkPage } from './support/scenario';

describe.skipIf(!CHROMIUM)('the npm start demo', () => {
  let rig: BrowserRig;
  let demo: ChildProcess;
  let url: string;

  beforeAll(async () => {
    rig = await launch();
    // What `npm start` runs after building (the suite runs on a fresh build already).
    demo = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      demo.stdout!.on('data', (data: Buffer) => {
        out += data;
        const match = /PerfVoice demo: (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]);
      });
      demo.once('exit', (code) => reject(new Error(`demo exited with ${code}`)));
    });
  }, 30000);
  afterAll(async () => {
    demo?.kill('SIGTERM');
    await rig?.close();
  });

  it('prints one URL whose page talks with the local agent', async () => {
    const context = await rig.browser.newContext();
    await context.addInitScript({ path: join(ROOT, 'test/browser/support/harness.js') });
    const page = await context.newPage();
    const lines: string[] = [];
    page.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => lines.push(`pageerror: ${error.message}`));
    await page.goto(url);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('#status[data-status="connected"]').waitFor({ timeout: 10000 });
    // The greeting arrives as text and as sound.
    await page.locator('#transcript li[data-role="agent"]').first().waitFor({ timeout: 10000 });
    await page.waitForFunction(() => window.harness.outputPeak() > 0.05, undefined, { timeout: 10000 });
    // The fake microphone keeps talking: a user turn is transcribed and echoed.
    await page.locator('#transcript li[data-role="user"]').first().waitFor({ timeout: 20000 });
    expect(await page.locator('#transcript li[data-role="user"]').first().textContent()).toMatch(/You\(\d+\.\d s of speech\)/);
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('#status[data-status="disconnected"]').waitFor();
    await page.waitForFunction(() => window.harness.liveTracks() === 0 && window.harness.runningContexts() === 0);
    expect(await page.locator('#error').textContent()).toBe('');
    await page.screenshot({ path: join(ROOT, 'test-results/demo.png') });
    await checkPage(page, lines);
  }, 40000);
});
