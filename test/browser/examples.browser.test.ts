// The examples and the `npm start` demo, used as a person would: open, Start, listen, Stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAgent, type LocalAgent } from '../../testing/index';
import { buildExamples, EXAMPLES } from '../../scripts/build-examples.mjs';
import { startDemo } from '../../scripts/demo-server.mjs';
import { ENGINE, ENGINE_AVAILABLE, ROOT, launch, type Rig } from './support/browser';
import { playwrightOf } from './support/engines/chromium';
import { checkPage, tone } from './support/scenario';

const XSS = '<img src=x onerror="window.__pwned=1">';
const report = (line: string) => console.log(`[e2e chromium] ${line}`);

describe.skipIf(ENGINE !== 'chromium' || !ENGINE_AVAILABLE)('examples in real Chromium (Chromium only: driven with Playwright roles, locators and screenshots)', () => {
  let rig: Rig;
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let scripted: LocalAgent;
  let xssDemo: Awaited<ReturnType<typeof startDemo>>;

  beforeAll(async () => {
    const times = await buildExamples();
    for (const name of EXAMPLES) {
      const assets = join(ROOT, 'examples', name, 'dist/assets');
      const gzipped = (file: string) => gzipSync(readFileSync(join(assets, file)), { level: 9 }).length;
      const js = readdirSync(assets).filter((file) => file.endsWith('.js'));
      // The inspector chunk is loaded only with ?inspect: not part of what users download.
      const bytes = js.filter((file) => !file.startsWith('inspector-')).reduce((sum, file) => sum + gzipped(file), 0);
      const lazy = js.filter((file) => file.startsWith('inspector-')).reduce((sum, file) => sum + gzipped(file), 0);
      report(
        `examples/${name}: built in ${times[name]} ms, ${bytes} B of JavaScript gzip -9` +
          (name === 'vanilla' ? ' (plus the script-tag SDK)' : ` (+ ${lazy} B inspector chunk, loaded only with ?inspect)`),
      );
    }
    // The microphone stays silent while the greeting (4.5 s) plays, as a person would let it
    // finish: the greeting is then neither cut off nor corrected, whatever the timing.
    rig = await launch({ leadInS: 6 }, 'chromium');
    demo = await startDemo();
    // A second demo whose agent says something nasty, for the XSS case.
    scripted = await createLocalAgent({
      script: (session) => {
        session.sendMetadata();
        session.sendAgentResponse(XSS);
        session.sendAudio(tone(0.6), { sampleRate: 16000 });
      },
    });
    xssDemo = await startDemo({ agentUrl: scripted.url });
  }, 60000);
  afterAll(async () => {
    await rig?.close();
    await demo?.close();
    await xssDemo?.close();
    await scripted?.close();
  });

  async function open(url: string) {
    const visited = await rig.visit(url);
    return { page: playwrightOf(visited), visited };
  }

  it('the index links all four examples', async () => {
    const { page, visited } = await open(`${demo.url}/`);
    const links = await page.locator('a').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(links).toEqual(EXAMPLES.map((name) => `/examples/${name}/dist/`));
    await checkPage(visited);
  });

  for (const name of EXAMPLES) {
    it(`${name}: Start, connected, the agent speaks (text and sound), Stop, microphone released`, async () => {
      const { page, visited } = await open(`${demo.url}/examples/${name}/dist/`);
      await page.getByRole('button', { name: 'Start' }).click();
      await page.locator('#status[data-status="connected"]').waitFor({ timeout: 10000 });
      // The greeting's text shows.
      await page.waitForFunction(
        () => [...document.querySelectorAll('#transcript li[data-role="agent"]')].some((li) => li.textContent?.includes('local echo agent')),
        undefined,
        { timeout: 10000, polling: 'raf' },
      );
      await page.waitForFunction(() => window.harness.outputPeak() > 0.05, undefined, { timeout: 10000 });
      await page.getByRole('button', { name: 'Mute' }).click();
      await page.getByRole('button', { name: 'Unmute' }).waitFor();
      await page.getByRole('button', { name: 'Stop' }).click();
      await page.locator('#status[data-status="disconnected"]').waitFor();
      await page.waitForFunction(() => window.harness.liveTracks() === 0 && window.harness.runningContexts() === 0);
      expect(await page.locator('#error').textContent()).toBe('');
      await page.screenshot({ path: join(ROOT, `test-results/example-${name}.png`) });
      await checkPage(visited);
    });

    it(`${name}: a transcript with HTML in it shows as text`, async () => {
      const { page, visited } = await open(`${xssDemo.url}/examples/${name}/dist/`);
      await page.getByRole('button', { name: 'Start' }).click();
      const line = page.locator('#transcript li[data-role="agent"]').first();
      await line.waitFor({ timeout: 10000 });
      expect(await line.textContent()).toContain(XSS);
      expect(await page.locator('#transcript img').count()).toBe(0);
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
      await page.getByRole('button', { name: 'Stop' }).click();
      await checkPage(visited);
    });
  }

  it('npm start prints one URL, serving the examples against the local agent', async () => {
    let child: ChildProcess | undefined;
    try {
      // What `npm start` runs once the SDK and the examples are built.
      child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
      const output = await new Promise<string>((resolve, reject) => {
        let out = '';
        child!.stdout!.on('data', (data: Buffer) => {
          out += data;
          if (out.includes('Ctrl-C')) resolve(out);
        });
        child!.once('exit', (code) => reject(new Error(`start exited with ${code}`)));
      });
      const urls = output.match(/http:\/\/\S+/g) ?? [];
      expect(urls).toHaveLength(1);
      const { page, visited } = await open(urls[0]!);
      await page.getByRole('link', { name: 'Svelte' }).click();
      await page.getByRole('button', { name: 'Start' }).click();
      await page.locator('#status[data-status="connected"]').waitFor({ timeout: 10000 });
      await page.getByRole('button', { name: 'Stop' }).click();
      await checkPage(visited);
      expect(statSync(join(ROOT, 'examples/vue/dist/index.html')).isFile()).toBe(true);
    } finally {
      child?.kill('SIGTERM');
    }
  }, 30000);
});
