/**
 * Firefox ESR through Puppeteer over WebDriver BiDi. Its microphone is the default source of a
 * private PulseAudio (the speech, looping); without a sound server Firefox's AudioContexts never
 * run, which `pulse: false` reproduces on purpose. The harness is a BiDi preload script.
 */
import { readFileSync } from 'node:fs';
import puppeteer, { type BrowserContext } from 'puppeteer-core';
import { serveStatic } from '../../../../scripts/serve.mjs';
import { DENY_SCRIPT, harnessSource, ROOT, speechFile } from '../browser';
import { FIREFOX_PATH, type EnginePage, type LaunchOptions, type Rig } from './driver';
import { evaluateSource, readResult, waitForSource } from './page-script';
import { startPulse, type PulseServer } from './pulse';

/** Launches Firefox with the speech as its microphone (or no sound server), and serves the repository. */
export async function launchFirefox({ leadInS = 0, pulse = true, firefoxPrefs = {} }: LaunchOptions = {}): Promise<Rig> {
  const speech = speechFile(leadInS);
  let sound: PulseServer | null = null;
  const server = await serveStatic({ root: ROOT });
  try {
    sound = pulse ? await startPulse(speech.path) : null;
    // No server: a socket path that does not exist, so no system or user PulseAudio is found either.
    const soundEnv = sound?.env ?? { PULSE_SERVER: 'unix:/nonexistent/perfvoice-no-sound-server' };
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH!,
      headless: true,
      env: { ...process.env, ...soundEnv } as Record<string, string>,
      extraPrefsFirefox: {
        'media.navigator.permission.disabled': true,
        // The real (PulseAudio) microphone; Firefox's built-in tone when there is no sound server.
        'media.navigator.streams.fake': !pulse,
        'media.autoplay.default': 0,
        'media.autoplay.block-webaudio': false,
        ...firefoxPrefs,
      },
    });
    const harness = harnessSource();
    const contexts = new Set<BrowserContext>();
    const visit: Rig['visit'] = async (url, { deny = false } = {}) => {
      const context = await browser.createBrowserContext();
      contexts.add(context);
      const page = await context.newPage();
      if (deny) await page.evaluateOnNewDocument(DENY_SCRIPT);
      await page.evaluateOnNewDocument(harness);
      const lines: string[] = [];
      page.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => lines.push(`pageerror: ${(error as Error).message ?? error}`));
      await page.goto(url);
      const enginePage: EnginePage = {
        engine: 'firefox',
        lines,
        evaluate: async (fn, arg) => readResult(await page.evaluate(evaluateSource(fn, arg)), fn) as never,
        waitFor: async (fn, arg, timeoutMs = 10000) => readResult(await page.evaluate(waitForSource(fn, arg, timeoutMs)), fn),
        click: (selector) => page.click(selector),
        async close() {
          contexts.delete(context);
          await context.close().catch(() => {});
        },
      };
      return enginePage;
    };
    return {
      engine: 'firefox',
      origin: server.url,
      visit,
      async open(kind = 'global', options = {}) {
        const page = await visit(`${server.url}/test/browser/pages/${kind}.html`, options);
        await page.waitFor(() => (window as { harnessReady?: boolean }).harnessReady === true);
        return page;
      },
      async close() {
        for (const context of contexts) await context.close().catch(() => {});
        await browser.close().catch(() => {});
        await server.close();
        await sound?.stop();
      },
    };
  } catch (error) {
    await server.close();
    await sound?.stop();
    throw error;
  }
}
