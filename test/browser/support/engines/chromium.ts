/**
 * Chromium through Playwright (Debian's chromium): the microphone is Chromium's fake capture
 * device playing the speech file; the harness is a context init script.
 */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { serveStatic } from '../../../../scripts/serve.mjs';
import { DENY_SCRIPT, harnessSource, ROOT, speechFile } from '../browser';
import { CHROMIUM_PATH, type EnginePage, type LaunchOptions, type Rig } from './driver';

/** A Chromium page: the engine-neutral page plus Playwright's own, for Chromium-only tests. */
export interface ChromiumPage extends EnginePage {
  page: Page;
  context: BrowserContext;
}

/** Playwright's page behind an engine page; throws outside Chromium. */
export function playwrightOf(page: EnginePage): Page {
  if (!('page' in page)) throw new Error(`not a Chromium page (${page.engine})`);
  return (page as ChromiumPage).page;
}

/** Launches Chromium with a fake microphone playing the speech file, and serves the repository. */
export async function launchChromium({ leadInS = 0, chromiumArgs = [] }: LaunchOptions = {}): Promise<Rig> {
  const speech = speechFile(leadInS);
  const server = await serveStatic({ root: ROOT });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH!,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${speech.path}`,
      '--autoplay-policy=no-user-gesture-required',
      '--disable-renderer-backgrounding',
      '--disable-background-timer-throttling',
      ...chromiumArgs,
    ],
  });
  const contexts = new Set<BrowserContext>();
  const visit: Rig['visit'] = async (url, { deny = false } = {}) => {
    const context = await browser.newContext();
    contexts.add(context);
    if (deny) await context.addInitScript({ content: DENY_SCRIPT });
    await context.addInitScript({ content: harnessSource() });
    const page = await context.newPage();
    const lines: string[] = [];
    page.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => lines.push(`pageerror: ${error.message}`));
    await page.goto(url);
    const enginePage: ChromiumPage = {
      engine: 'chromium',
      page,
      context,
      lines,
      evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
      async waitFor(fn, arg, timeoutMs = 10000) {
        const handle = await page.waitForFunction(fn as never, arg, { timeout: timeoutMs, polling: 20 });
        return (await handle.jsonValue()) as never;
      },
      click: (selector) => page.click(selector),
      async close() {
        contexts.delete(context);
        await context.close().catch(() => {});
      },
    };
    return enginePage;
  };
  return {
    engine: 'chromium',
    origin: server.url,
    visit,
    async open(kind = 'global', options = {}) {
      const page = await visit(`${server.url}/test/browser/pages/${kind}.html`, options);
      await page.waitFor(() => (window as { harnessReady?: boolean }).harnessReady === true);
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      await server.close();
    },
  };
}
