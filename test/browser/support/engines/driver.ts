/**
 * The engine-neutral browser driver every browser test uses: one interface over Chromium
 * (Playwright), Firefox (Puppeteer over WebDriver BiDi) and WebKitGTK (W3C WebDriver), so a test
 * is written once. Which engine runs comes from $PERFVOICE_ENGINE (default chromium).
 */
import { existsSync } from 'node:fs';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** Options of {@link launch}. */
export interface LaunchOptions {
  /** Seconds of silence before the microphone's speech (a user who lets the agent finish first). */
  leadInS?: number;
  /**
   * Firefox and WebKit: start a private PulseAudio with the speech as the default source (default
   * true). `false` launches the browser with no sound server reachable at all: in Firefox every
   * AudioContext then stays `suspended`, and the microphone is the engine's built-in fake.
   */
  pulse?: boolean;
  /** Firefox: extra prefs, e.g. `{ 'media.autoplay.default': 1, 'media.autoplay.block-webaudio': true }`. */
  firefoxPrefs?: Record<string, unknown>;
  /** Chromium: extra command-line switches. */
  chromiumArgs?: string[];
}

/** Options of {@link Rig.open} and {@link Rig.visit}. */
export interface VisitOptions {
  /** getUserMedia rejects with NotAllowedError, as after a user clicked "Block". */
  deny?: boolean;
}

/** One open page, with the harness (harness.js) injected before any page script. */
export interface EnginePage {
  readonly engine: EngineName;
  /**
   * Runs `fn(arg)` in the page and resolves with its (awaited, JSON-serialisable) result. `fn` must
   * be self-contained: it is sent as source text, so it cannot use anything from the test's scope.
   */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<Awaited<R>>;
  /** Polls `fn(arg)` in the page until it returns something truthy, and resolves with it. */
  waitFor<R, A = undefined>(fn: (arg: A) => R, arg?: A, timeoutMs?: number): Promise<R>;
  /** A real (trusted) click on the first element matching the CSS selector: a user gesture. */
  click(selector: string): Promise<void>;
  /**
   * Console lines and page errors the driver itself saw (`pageerror: ...`); WebKit's driver forwards
   * none, so the harness also records them inside the page (window.harness.console / errors).
   */
  readonly lines: string[];
  /** Closes the page (its browser context where the engine has them). */
  close(): Promise<void>;
}

/** A launched browser with the repository served, opening pages on demand. */
export interface Rig {
  readonly engine: EngineName;
  /** Origin serving the repository (dist/, test pages, node_modules/xstate) as the browser sees it. */
  readonly origin: string;
  /** A fresh page with the harness on the script-tag (`global`) or ES-module (`module`) test page. */
  open(kind?: 'global' | 'module', options?: VisitOptions): Promise<EnginePage>;
  /** A fresh page with the harness at any http URL (an example, a test's own server). */
  visit(url: string, options?: VisitOptions): Promise<EnginePage>;
  /** Closes every page, the browser and everything started for it. */
  close(): Promise<void>;
}

/** The engine this run uses: $PERFVOICE_ENGINE, default chromium. */
export const ENGINE: EngineName = (() => {
  const name = (process.env.PERFVOICE_ENGINE ?? 'chromium').toLowerCase();
  if (name !== 'chromium' && name !== 'firefox' && name !== 'webkit') throw new Error(`PERFVOICE_ENGINE=${name}: expected chromium, firefox or webkit`);
  return name;
})();

/** How the engine is named in test titles. */
export const ENGINE_LABEL = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKitGTK' }[ENGINE];

/**
 * What each engine can do that a test may depend on. heap: CDP's HeapProfiler; rendererRss:
 * renderer processes to sum; playwright: Playwright's own page (locators, downloads, screenshots).
 * (A page-dispatched `ended` reaches a MediaStreamTrack's `onended` in every engine, but its
 * addEventListener listeners not in Firefox 153: the SDK uses `onended`.)
 */
export const CAPS = {
  chromium: { heap: true, rendererRss: true, playwright: true },
  firefox: { heap: false, rendererRss: false, playwright: false },
  webkit: { heap: false, rendererRss: false, playwright: false },
} satisfies Record<EngineName, Record<string, boolean>>;

/** Capabilities of the engine this run uses, for `it.skipIf(!caps.heap)` (name the reason in the title). */
export const caps = CAPS[ENGINE];

/** Chromium to use: $CHROME_PATH, Debian's, or a usual Chrome location. */
export const CHROMIUM_PATH = [
  process.env.CHROME_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
].find((path) => path && existsSync(path));

/** Firefox to use: $FIREFOX_PATH or Debian's ESR (the binary itself, not the /usr/bin wrapper script). */
export const FIREFOX_PATH = [process.env.FIREFOX_PATH, '/usr/lib/firefox-esr/firefox-esr', '/usr/lib/firefox/firefox'].find((path) => path && existsSync(path));

/** WebKitGTK's MiniBrowser and driver. */
export const MINIBROWSER_PATH = [process.env.MINIBROWSER_PATH, '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser'].find(
  (path) => path && existsSync(path),
);
const WEBKIT_READY = !!MINIBROWSER_PATH && existsSync('/usr/bin/WebKitWebDriver') && existsSync('/usr/bin/Xvfb');

/** Whether this run's engine is installed; when not, its tests are skipped (visibly, see below). */
export const ENGINE_AVAILABLE = { chromium: !!CHROMIUM_PATH, firefox: !!FIREFOX_PATH, webkit: WEBKIT_READY }[ENGINE];

if (!ENGINE_AVAILABLE) {
  const bar = '!'.repeat(78);
  const install = {
    chromium: 'sudo apt-get install -y chromium, or set CHROME_PATH=/path/to/chrome',
    firefox: 'sudo apt-get install -y firefox-esr, or set FIREFOX_PATH=/path/to/firefox',
    webkit: 'sudo apt-get install -y webkit2gtk-driver xvfb',
  }[ENGINE];
  console.warn(`\n${bar}\n  NO ${ENGINE_LABEL.toUpperCase()} FOUND: the real-browser tests are NOT running in ${ENGINE_LABEL}.\n  Install it (${install}).\n${bar}\n`);
}

/** Launches this run's engine (or `engine`) with a microphone playing the speech, and serves the repository. */
export async function launch(options: LaunchOptions = {}, engine: EngineName = ENGINE): Promise<Rig> {
  switch (engine) {
    case 'chromium':
      return (await import('./chromium')).launchChromium(options);
    case 'firefox':
      return (await import('./firefox')).launchFirefox(options);
    case 'webkit':
      return (await import('./webkit')).launchWebKit(options);
  }
}
