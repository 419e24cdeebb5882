/**
 * WebKitGTK: MiniBrowser driven by WebKitWebDriver (classic W3C WebDriver), on a private Xvfb
 * (MiniBrowser has no headless mode), with a private PulseAudio as its microphone and speakers.
 * WebDriver navigates and clicks; page code runs over the rig's own WebSocket (./rpc.ts), and the
 * harness reaches pages through an injecting proxy (./inject.ts). WebKit's driver forwards no
 * console, so page errors are those the harness records in the page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { serveStatic } from '../../../../scripts/serve.mjs';
import { DENY_SCRIPT, harnessSource, ROOT, speechFile } from '../browser';
import { MINIBROWSER_PATH, type EnginePage, type LaunchOptions, type Rig } from './driver';
import { injectingProxy, type InjectingProxy } from './inject';
import { evaluateSource, readResult, waitForSource } from './page-script';
import { EvalBlocked, startRpc, type RpcServer } from './rpc';
import { startPulse, type PulseServer } from './pulse';
import { driverReady, newSession, type WebDriverSession } from './webdriver';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** Starts Xvfb on a display it picks itself (-displayfd: no race with other X servers). */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (data: Buffer) => (log = (log + data).slice(-2000)));
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (data: Buffer) => {
      out += data;
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${log}`)));
    setTimeout(() => reject(new Error(`Xvfb did not start: ${log}`)), 10000);
  });
  return { display, process: child };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** Kills a child by its PID and waits for it to end (at most 3 s). */
async function end(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}

/** Launches MiniBrowser with the speech as its microphone, and serves the repository. */
export async function launchWebKit({ leadInS = 0, pulse = true }: LaunchOptions = {}): Promise<Rig> {
  const speech = speechFile(leadInS);
  const started: { sound?: PulseServer; xvfb?: ChildProcess; driver?: ChildProcess; session?: WebDriverSession; rpc?: RpcServer } = {};
  const server = await serveStatic({ root: ROOT });
  const proxies = new Map<string, InjectingProxy>();
  const shutdown = async () => {
    await started.session?.delete();
    await end(started.driver);
    await end(started.xvfb);
    for (const proxy of proxies.values()) await proxy.close();
    await started.rpc?.close();
    await server.close();
    await started.sound?.stop();
  };
  try {
    started.sound = pulse ? await startPulse(speech.path) : undefined;
    const xvfb = await startXvfb();
    started.xvfb = xvfb.process;
    const port = await freePort();
    const env = {
      ...process.env,
      ...(started.sound?.env ?? { PULSE_SERVER: 'unix:/nonexistent/perfvoice-no-sound-server' }),
      DISPLAY: xvfb.display,
      GDK_BACKEND: 'x11',
      WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    };
    // The driver's and the browser's own output, for post-mortems of a crashed page.
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    const log = openSync(join(ROOT, 'test-results/webkit-driver.log'), 'a');
    started.driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], { env, stdio: ['ignore', log, log] });
    closeSync(log);
    const base = `http://127.0.0.1:${port}`;
    await driverReady(base);
    const capabilities = {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': {
        binary: MINIBROWSER_PATH,
        args: [
          '--automation',
          '--enable-webaudio=true',
          '--enable-media-stream=true',
          // The PulseAudio default source (the speech); WebKit's mock devices with no sound server.
          `--enable-mock-capture-devices=${!pulse}`,
          '--autoplay-policy=allow',
          '--media-playback-requires-user-gesture=false',
        ],
      },
    };
    let session = (started.session = await newSession(base, capabilities));
    /**
     * The session, replaced by a new one when WebKit ended it ("page crash or hang"): the test that
     * saw the crash fails, the next one gets a working browser instead of a dead session.
     */
    const live = async () => {
      const alive = await session.call('GET', '/url').then(() => true, (error: Error) => !/invalid session id/.test(error.message));
      if (!alive) {
        console.warn('[webkit] the session ended (page crash or hang): starting a new one');
        await session.delete();
        session = started.session = await newSession(base, capabilities);
      }
      return session;
    };
    const harness = harnessSource();
    const rpc = (started.rpc = await startRpc());
    let current: EnginePage | null = null;
    let pages = 0;
    /** Runs page code over WebDriver (pages whose CSP blocks the rig's own channel). */
    const viaDriver = async (expression: string, timeoutMs: number) =>
      (await live()).executeAsync(`const done = arguments[arguments.length - 1]; (${expression}).then(done);`, [], timeoutMs);

    const visit: Rig['visit'] = async (url, { deny = false } = {}) => {
      const target = new URL(url);
      // An origin that is already one of the proxies (e.g. rig.origin) is used as it is.
      let proxy = [...proxies.values()].find((p) => p.url === target.origin) ?? proxies.get(target.origin);
      if (!proxy) proxies.set(target.origin, (proxy = await injectingProxy(target.origin)));
      const token = ++pages;
      proxy.scripts = [rpc.bootstrap(token), ...(deny ? [DENY_SCRIPT] : []), harness];
      // One page at a time: a new visit replaces the previous page in the same window.
      await (await live()).call('POST', '/url', { url: `${proxy.url}${target.pathname}${target.search}${target.hash}` });
      let channel = await rpc.channel(token);
      const run = async <T>(expression: string, fn: (...args: never[]) => unknown, timeoutMs: number): Promise<T> => {
        if (channel) {
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`page call timed out after ${timeoutMs} ms`)), timeoutMs)));
          try {
            return readResult<T>(await Promise.race([channel.run(expression), timeout]), fn);
          } catch (error) {
            if (!(error instanceof EvalBlocked)) throw error;
            channel = null; // this page's CSP forbids eval: WebDriver from now on
          } finally {
            clearTimeout(timer);
          }
        }
        return readResult<T>(await viaDriver(expression, timeoutMs), fn);
      };
      const page: EnginePage = {
        engine: 'webkit',
        lines: [],
        evaluate: (fn, arg) => run(evaluateSource(fn, arg), fn, 120000),
        waitFor: (fn, arg, timeoutMs = 10000) => run(waitForSource(fn, arg, timeoutMs), fn, timeoutMs + 10000),
        async click(selector) {
          const element = await session.call<Record<string, string>>('POST', '/element', { using: 'css selector', value: selector });
          await session.call('POST', `/element/${element[ELEMENT]}/click`);
        },
        async close() {
          if (current !== page) return;
          current = null;
          // Leaving the page ends its AudioContexts, microphone and sockets, as closing a tab does.
          await session.call('POST', '/url', { url: 'about:blank' }).catch(() => {});
        },
      };
      current = page;
      return page;
    };
    return {
      engine: 'webkit',
      origin: (await (async () => {
        const proxy = await injectingProxy(server.url);
        proxies.set(server.url, proxy);
        return proxy;
      })()).url,
      visit,
      async open(kind = 'global', options = {}) {
        const page = await visit(`${server.url}/test/browser/pages/${kind}.html`, options);
        await page.waitFor(() => (window as { harnessReady?: boolean }).harnessReady === true);
        return page;
      },
      close: shutdown,
    };
  } catch (error) {
    await shutdown();
    throw error;
  }
}
