// The inspector panel on a live session in real Chromium (only: Playwright drives the panel), against the local agent: the
// highlighted state follows the session, the timeline shows the wire, the exported trace replays.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseTrace } from '../../inspector/index';
import { buildExamples } from '../../scripts/build-examples.mjs';
import { startDemo } from '../../scripts/demo-server.mjs';
import { expectReplays } from '../support/trace';
import { ENGINE, ENGINE_AVAILABLE, ROOT } from './support/browser';
import { playwrightOf } from './support/engines/chromium';
import { API_KEY, checkPage, start, tone } from './support/scenario';
import { browserSuite, report, sleep } from './support/suite';

declare global {
  interface Window {
    PerfVoiceInspector: { mountInspector(voice: unknown, options?: unknown): () => void };
    unmountInspector?: () => void;
    highlights?: string[];
  }
}

const OUT = join(ROOT, 'test-results');
/**
 * Examples whose page mounts the panel when opened with ?inspect. Each framework example adds the
 * same toggle (see the README's inspector section); list it here once it does.
 */
const INSPECTABLE_EXAMPLES = ['vanilla', 'svelte', 'vue', 'react'];
// Where the connected leaves live: inside `playing`, the state that holds the playback.
const CONNECTED = 'perfvoice.session.connection.online.connected.playing';

/** Mounts the panel from the script-tag build, as an example page does, and logs each highlighted leaf state. */
async function mount(page: Page): Promise<void> {
  await page.addScriptTag({ url: '/dist/inspector.global.js' });
  await page.evaluate(() => {
    window.unmountInspector = window.PerfVoiceInspector.mountInspector(window.harness.voice);
    const root = document.querySelector('[data-perfvoice-inspector]')!.shadowRoot!;
    const log = (window.highlights = [] as string[]);
    // The connection region's current leaf (the audio region runs beside it).
    const note = () => {
      const id = [...root.querySelectorAll('.pv-current')].map((box) => box.getAttribute('data-id')).find((leaf) => !leaf?.includes('.session.audio.'));
      if (id && log[log.length - 1] !== id) log.push(id);
    };
    note();
    new MutationObserver(note).observe(root.querySelector('.chart')!, { subtree: true, attributes: true, attributeFilter: ['class'] });
  });
}

/** Polls `fn(arg)` in a Playwright page until it is truthy. */
async function until<A>(page: Page, fn: (arg: A) => unknown, timeout = 10000, arg?: A): Promise<void> {
  await page.waitForFunction(fn as never, arg, { timeout, polling: 20 });
}

/** Waits until the panel highlights `id` as the current state. */
const highlighted = (page: Page, id: string) =>
  until(
    page,
    (want) => [...(document.querySelector('[data-perfvoice-inspector]')?.shadowRoot?.querySelectorAll('.pv-current') ?? [])].some((box) => box.getAttribute('data-id') === want),
    5000,
    id,
  );

/** The panel's timeline rows and metric texts. */
const panelText = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('[data-perfvoice-inspector]')!.shadowRoot!;
    const metrics: Record<string, string> = {};
    for (const dd of root.querySelectorAll<HTMLElement>('[data-m]')) metrics[dd.dataset.m!] = dd.textContent ?? '';
    return {
      rows: [...root.querySelectorAll('.timeline li')].map((li) => [...li.children].map((c) => c.textContent).join(' ')),
      metrics,
      all: root.textContent ?? '',
    };
  });

describe.skipIf(ENGINE !== 'chromium' || !ENGINE_AVAILABLE)('the inspector panel in real Chromium (Chromium only: drives the panel with Playwright locators, screenshots and downloads)', () => {
  const suite = browserSuite({ script: () => {} });

  it('follows connecting → connected → agentSpeaking → interrupted → listening → disconnected, shows the wire, exports a trace that replays', async () => {
    const page = playwrightOf(await suite.open());
    await page.setViewportSize({ width: 1440, height: 1240 });
    await mount(page);
    await highlighted(page, 'perfvoice.disconnected');

    const started = start(suite.page);
    const session = await suite.agent.nextSession();
    await highlighted(page, 'perfvoice.session.connection.online.connecting');
    session.sendMetadata();
    expect(await started).toEqual({ ok: true });
    await highlighted(page, `${CONNECTED}.listening`);

    // A ping, answered at once: the pong is on the timeline, with its delay in the metrics.
    const pongMs = await session.ping();
    report(`pong at the agent after ${pongMs.toFixed(2)} ms`);
    await until(page, () => document.querySelector('[data-perfvoice-inspector]')!.shadowRoot!.querySelector('.timeline')!.textContent!.includes('pong'));

    // The user's turn ends (the server's transcript), then the agent answers.
    session.sendUserTranscript('(1.2 s of speech)');
    session.sendAgentResponse('Here is a long answer.');
    const { eventIds } = session.sendAudio(tone(3, 330, 16000, 0.3), { sampleRate: 16000 });
    await highlighted(page, `${CONNECTED}.agentSpeaking`);
    await sleep(600); // let it play: levels, queue depth and counters show in the picture
    await page.locator('.panel').screenshot({ path: join(OUT, 'inspector.png') });
    const speaking = await panelText(page);

    // The user talks over it.
    session.sendInterruption(Math.max(...eventIds) + 1);
    await highlighted(page, `${CONNECTED}.interrupted`);
    session.sendUserTranscript('(0.8 s of speech)');
    await highlighted(page, `${CONNECTED}.listening`);
    await sleep(200);
    await page.evaluate(() => window.harness.voice.stop());
    await highlighted(page, 'perfvoice.disconnected');
    await page.locator('.panel').screenshot({ path: join(OUT, 'inspector-end.png') });

    // Every state the panel highlighted, in order (the microphone state may pass within a frame).
    const seen = (await page.evaluate(() => window.highlights!)).filter((id) => id !== 'perfvoice.session.connection.microphone');
    report(`highlighted: ${seen.map((id) => id.split('.').pop()).join(' → ')}`);
    expect(seen).toEqual([
      'perfvoice.disconnected',
      'perfvoice.session.connection.online.connecting',
      `${CONNECTED}.listening`,
      `${CONNECTED}.agentSpeaking`,
      `${CONNECTED}.interrupted`,
      `${CONNECTED}.listening`,
      'perfvoice.disconnected',
    ]);

    // The timeline: the pong and the interruption, audio summarised, no key anywhere.
    const end = await panelText(page);
    const rows = end.rows.join('\n');
    expect(rows).toMatch(/↓ ping #1/);
    expect(rows).toMatch(/↑ pong #1 · sent at once by the relay/);
    expect(rows).toMatch(new RegExp(`↓ interruption #${Math.max(...eventIds) + 1}`));
    // Audio rows are the relay's records (a burst's first frame at once, the rest merged), summarised.
    expect(rows).toMatch(/↓ audio ×\d+ · [\d.]+ kB · event_id \d+/);
    expect(rows).toMatch(new RegExp(`↓ audio ×\\d+ · [\\d.]+ kB · event_id (\\d+–)?${Math.max(...eventIds)}\\b`));
    expect(rows).toMatch(/↑ user_audio_chunk ×\d+ · [\d.]+ kB/);
    expect(rows).toMatch(/◆ session\.connection\.online\.connected\.playing\.interrupted/);
    expect(end.all).not.toContain(API_KEY);
    // Metrics while the agent spoke, and at the end.
    expect(speaking.metrics.output).not.toBe('0.00');
    expect(parseInt(speaking.metrics.queue)).toBeGreaterThan(500);
    expect(end.metrics.interruptions).toBe('1');
    expect(end.metrics.pong).toBe("1 · worker");
    expect(end.metrics.queue).toBe('0 ms');
    expect(await page.evaluate(() => document.querySelector('[data-perfvoice-inspector]')!.shadowRoot!.querySelector<HTMLElement>('.state')!.dataset.status)).toBe('disconnected');
    expect(end.metrics.sent).toMatch(/^[1-9]\d* chunks/);
    expect(end.metrics.received).toMatch(/^[1-9]\d* chunks/);
    expect(end.metrics.turns).toMatch(/^\d+$/);
    report(`panel metrics at the end: ${JSON.stringify(end.metrics)}`);

    // Export: the button downloads the trace; it replays to the same states.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-action=export]').click()]);
    expect(download.suggestedFilename()).toMatch(/^perfvoice-trace-.*\.json$/);
    const path = join(OUT, 'inspector-trace.json');
    await download.saveAs(path);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(API_KEY);
    const trace = parseTrace(text);
    expect(trace.final.state).toBe('disconnected');
    const replayed = expectReplays(trace);
    for (const leaf of ['agentSpeaking', 'interrupted', 'listening']) {
      expect(replayed.states.some((state) => state.startsWith(`session.connection.online.connected.playing.${leaf}, session.audio.context.running`))).toBe(true);
    }
    // The ping was answered by the relay, not by the machine: no frame of its own to replay.
    expect(replayed.sent).toEqual([]);
    report(`trace: ${trace.entries.length} entries, ${text.length} bytes; replays to "${replayed.finalState}"`);

    // Unmounting removes the panel and stops recording.
    await page.evaluate(() => window.unmountInspector!());
    expect(await page.locator('[data-perfvoice-inspector]').count()).toBe(0);
  }, 40000);

  it('keeps out of the page: styles are its own, page styles do not reach in; inline, collapse and filters work', async () => {
    const page = playwrightOf(await suite.open());
    await page.addStyleTag({ content: '* { color: rgb(255, 0, 0) !important; font-family: serif !important; } button { display: none !important; }' });
    await mount(page);
    const styles = await page.evaluate(() => {
      const root = document.querySelector('[data-perfvoice-inspector]')!.shadowRoot!;
      const button = root.querySelector('button[data-action=export]')!;
      return { display: getComputedStyle(button).display, color: getComputedStyle(button).color, sheets: document.styleSheets.length };
    });
    expect(styles.display).not.toBe('none');
    expect(styles.color).not.toBe('rgb(255, 0, 0)');
    expect(styles.sheets).toBe(1); // the panel added no stylesheet to the page
    // Collapse to a small button and back.
    await page.locator('button[data-action=collapse]').click();
    expect(await page.locator('.panel.collapsed').count()).toBe(1);
    expect(await page.locator('.chart').isVisible()).toBe(false);
    await page.locator('button[data-action=collapse]').click();
    expect(await page.locator('.chart').isVisible()).toBe(true);
    await page.evaluate(() => window.unmountInspector!());

    // Inline, in a given element; the filters hide rows by kind.
    await page.evaluate(() => {
      const target = document.createElement('div');
      target.id = 'debug';
      document.body.append(target);
      window.unmountInspector = window.PerfVoiceInspector.mountInspector(window.harness.voice, { target });
    });
    expect(await page.locator('#debug [data-perfvoice-inspector]').count()).toBe(1);
    expect(await page.locator('.panel').evaluate((panel) => [panel.classList.contains('inline'), getComputedStyle(panel).position])).toEqual([true, 'relative']);
    const started = start(suite.page);
    (await suite.agent.nextSession()).sendMetadata();
    await started;
    await highlighted(page, `${CONNECTED}.listening`);
    const visible = () => page.locator('.timeline li').evaluateAll((rows) => rows.filter((row) => getComputedStyle(row).display !== 'none').map((row) => row.className));
    expect(await visible()).toContain('k-event');
    await page.locator('button[data-filter=machine]').click();
    expect((await visible()).filter((c) => c === 'k-event' || c === 'k-command')).toEqual([]);
    expect(await visible()).toContain('k-in');
    await page.evaluate(() => window.unmountInspector!());
    expect(await page.locator('#debug').innerHTML()).toBe('');
  });

  it('costs the session nothing measurable: no long tasks while audio flows, updates at most once a frame', async () => {
    const session = await suite.connected();
    const page = playwrightOf(suite.page);
    await mount(page);
    session.sendAudio(tone(2.5, 330, 16000, 0.3), { sampleRate: 16000 });
    const counts = await page.evaluate(async () => {
      const root = document.querySelector('[data-perfvoice-inspector]')!.shadowRoot!;
      // Each observer callback is one batch of DOM writes: batched per frame, there is at most one a frame.
      let batches = 0;
      let mutations = 0;
      new MutationObserver((list) => {
        batches++;
        mutations += list.length;
      }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
      const long: number[] = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration))).observe({ type: 'longtask' });
      let frames = 0;
      const began = performance.now();
      await new Promise<void>((resolve) => {
        const tick = () => (performance.now() - began > 2000 ? resolve() : (frames++, requestAnimationFrame(tick)));
        requestAnimationFrame(tick);
      });
      return { frames, long, batches, mutations };
    });
    report(`2 s of two-way audio with the panel: ${counts.frames} frames, ${counts.long.length} long tasks, ${counts.mutations} DOM changes in the panel in ${counts.batches} batches`);
    expect(counts.long).toEqual([]);
    expect(counts.batches).toBeLessThanOrEqual(counts.frames + 2);
    await page.evaluate(() => window.unmountInspector!());
  });

  it(`examples (${INSPECTABLE_EXAMPLES.join(', ')}): ?inspect mounts the panel, which follows the session; without it the inspector is not even fetched`, async () => {
    await buildExamples(INSPECTABLE_EXAMPLES);
    const demo = await startDemo({ agentUrl: suite.agent.url });
    const open = async (url: string) => {
      const visited = await suite.rig.visit(url);
      const page = playwrightOf(visited);
      await page.getByRole('button', { name: 'Start' }).waitFor();
      return { page, visited };
    };
    const fetched = (page: Page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((name) => name.includes('inspector')));
    try {
      for (const name of INSPECTABLE_EXAMPLES) {
        const plain = await open(`${demo.url}/examples/${name}/dist/`);
        await sleep(300);
        expect(await plain.page.locator('[data-perfvoice-inspector]').count()).toBe(0);
        expect(await fetched(plain.page)).toEqual([]);
        await checkPage(plain.visited);

        const { page, visited } = await open(`${demo.url}/examples/${name}/dist/?inspect`);
        await page.locator('.panel').waitFor();
        await highlighted(page, 'perfvoice.disconnected');
        await page.getByRole('button', { name: 'Start' }).click();
        const session = await suite.agent.nextSession();
        session.sendMetadata();
        await highlighted(page, `${CONNECTED}.listening`);
        session.sendAudio(tone(1), { sampleRate: 16000 });
        await highlighted(page, `${CONNECTED}.agentSpeaking`);
        await page.getByRole('button', { name: 'Stop' }).click();
        await highlighted(page, 'perfvoice.disconnected');
        expect(await fetched(page)).toEqual([name === 'vanilla' ? expect.stringContaining('/dist/inspector.global.js') : expect.stringMatching(/\/assets\/inspector-[\w-]+\.js$/)]);
        await page.screenshot({ path: join(OUT, `example-${name}-inspect.png`) });
        await checkPage(visited);
      }

      // A phone (390 px wide): the panel starts collapsed to a corner button and covers none of
      // the app's controls; expanded, it takes the screen until collapsed again.
      const { page, visited } = await open(`${demo.url}/examples/vanilla/dist/?inspect`);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await page.locator('.panel').waitFor();
      const covered = () =>
        page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('button, input')]
            .filter((control) => control.offsetParent)
            .filter((control) => {
              const box = control.getBoundingClientRect();
              return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)?.closest('[data-perfvoice-inspector]');
            })
            .map((control) => control.id || control.textContent),
        );
      expect(await page.locator('.panel.collapsed').count()).toBe(1);
      expect(await page.locator('button[data-action=collapse]').getAttribute('aria-expanded')).toBe('false');
      expect(await covered()).toEqual([]);
      await page.screenshot({ path: join(OUT, 'example-vanilla-inspect-390px.png') });
      await page.locator('button[data-action=collapse]').click();
      expect((await covered()).length).toBeGreaterThan(0);
      await page.locator('button[data-action=collapse]').click();
      expect(await covered()).toEqual([]);
      report('390 px wide: the panel starts collapsed and covers none of the example\'s controls');
      await checkPage(visited);
    } finally {
      await demo.close();
    }
  }, 40000);
});
