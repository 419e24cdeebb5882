/**
 * Real-Chromium plumbing for the browser suite: find Chromium, make the speech file the fake
 * microphone plays, serve the repository, and open pages with the observation harness.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { serveStatic } from '../../../scripts/serve.mjs';
import { parseWav } from '../../../testing/wav';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = join(ROOT, 'test-results');
const HARNESS = join(ROOT, 'test/browser/support/harness.js');

/** The sentence the fake microphone says, over and over. */
export const SPEECH_TEXT = 'The quick brown fox jumps over the lazy dog. Perf voice agents answer in real time.';

/** Chromium to use: $CHROME_PATH, Debian's, or a usual Chrome location. */
export function findChromium(): string | null {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ];
  return candidates.find((path) => path && existsSync(path)) ?? null;
}

export const CHROMIUM = findChromium();

if (!CHROMIUM) {
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n  NO CHROMIUM FOUND: the real-browser tests are NOT running.\n` +
      `  Install one (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROME_PATH=/path/to/chrome.\n${bar}\n`,
  );
}

/**
 * The speech file (48 kHz mono PCM16 WAV, made with espeak-ng and sox once) and its samples.
 * 1.5 s of silence follows the speech so the agent's voice detection sees a turn end.
 * @param leadInS seconds of silence before the speech: a user who lets the agent finish first.
 */
export function speechFile(leadInS = 0): { path: string; samples: Int16Array; sampleRate: number } {
  const path = join(OUT, leadInS ? `speech-48k-lead${leadInS}s.wav` : 'speech-48k.wav');
  if (!existsSync(path)) {
    mkdirSync(OUT, { recursive: true });
    const raw = join(OUT, 'speech-raw.wav');
    execFileSync('espeak-ng', ['-s', '150', '-w', raw, SPEECH_TEXT]);
    execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', path, 'pad', String(leadInS), '1.5']);
  }
  const wav = parseWav(readFileSync(path));
  return { path, samples: wav.samples, sampleRate: wav.sampleRate };
}

export interface BrowserRig {
  browser: Browser;
  /** Origin serving the repository (dist/, test pages, node_modules/xstate). */
  origin: string;
  /** A fresh context and page with the harness, on the script-tag or the ES-module page. */
  open(kind?: 'global' | 'module', options?: { deny?: boolean }): Promise<{ page: Page; context: BrowserContext; console: string[] }>;
  /** A fresh context and page with the harness, at any URL (an example, the demo). */
  visit(url: string, options?: { deny?: boolean }): Promise<{ page: Page; context: BrowserContext; console: string[] }>;
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fake microphone playing the speech file, and serves the repository.
 * @param options.leadInS silence before the speech starts (see {@link speechFile}).
 */
export async function launch(extraArgs: string[] = [], { leadInS = 0 }: { leadInS?: number } = {}): Promise<BrowserRig> {
  const speech = speechFile(leadInS);
  const server = await serveStatic({ root: ROOT });
  const browser = await chromium.launch({
    executablePath: CHROMIUM!,
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
      ...extraArgs,
    ],
  });
  const contexts = new Set<BrowserContext>();
  const visit: BrowserRig['visit'] = async (url, { deny = false } = {}) => {
    const context = await browser.newContext();
    contexts.add(context);
    if (deny) {
      // A denied permission, as a user clicking "Block" produces it.
      await context.addInitScript(() => {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
      });
    }
    await context.addInitScript({ path: HARNESS });
    const page = await context.newPage();
    const lines: string[] = [];
    page.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => lines.push(`pageerror: ${error.message}`));
    await page.goto(url);
    return { page, context, console: lines };
  };
  return {
    browser,
    origin: server.url,
    visit,
    async open(kind = 'global', options = {}) {
      const opened = await visit(`${server.url}/test/browser/pages/${kind}.html`, options);
      await opened.page.waitForFunction(() => (window as { harnessReady?: boolean }).harnessReady === true);
      return opened;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      await server.close();
    },
  };
}
