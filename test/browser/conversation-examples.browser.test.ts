// The two-way conversation in the four examples, used as a person would, against the local agent:
// type a message and hear the reply, rate it, let the agent call the page's client tool, see the
// words as they are heard after an interruption, enable audio the browser held back, and Stop.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAgent, type AgentSession, type LocalAgent } from '../../testing/index';
import { buildExamples, EXAMPLES } from '../../scripts/build-examples.mjs';
import { startDemo } from '../../scripts/demo-server.mjs';
import { requireTrustedClick } from './support/autoplay';
import { ENGINE, ENGINE_AVAILABLE, ENGINE_LABEL, ROOT, caps, launch, type EnginePage, type Rig } from './support/browser';
import { playwrightOf } from './support/engines/chromium';
import { checkPage, tone } from './support/scenario';

type Demo = Awaited<ReturnType<typeof startDemo>>;
type Name = (typeof EXAMPLES)[number];

const OUT = join(ROOT, 'test-results');
const report = (line: string) => console.log(`[e2e conversation] ${line}`);
const ACCENT = 'rgb(230, 57, 70)';

/**
 * These tests need a microphone that is silent, or speaks, at a chosen moment of each page's
 * session: Chromium's fake capture device plays the speech file from its start (after the
 * lead-in) for every page. Firefox's and WebKitGTK's microphone is a PulseAudio source looping the
 * speech since the browser started, so a typed turn would be cut short by speech at any moment.
 */
const UNSUPPORTED = ENGINE === 'chromium' ? '' : ` (skipped in ${ENGINE_LABEL}: its microphone loops the speech from launch, so no page gets a silent or timed microphone)`;
const SKIP = !ENGINE_AVAILABLE || !!UNSUPPORTED;

/**
 * The examples, built once for the file, as `npm run build:examples` builds them: Vite follows
 * NODE_ENV, which Vitest sets to `test` (a development build of React and Vue otherwise).
 */
let built: Promise<void> | undefined;
const buildOnce = () =>
  (built ??= (async () => {
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await buildExamples();
    } finally {
      if (env === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = env;
    }
  })());

/** Opens an example served by `demo`, with the harness. */
const visit = (rig: Rig, demo: Demo, name: Name) => rig.visit(`${demo.url}/examples/${name}/dist/`);

/** Clicks Start (a real click) and waits until the example shows it is connected. */
async function startConversation(page: EnginePage, agent: LocalAgent): Promise<AgentSession> {
  const next = agent.nextSession(15000);
  await page.click('#start');
  const session = await next;
  await page.waitFor(() => document.querySelector('#status')?.getAttribute('data-status') === 'connected', undefined, 15000);
  return session;
}

/** Whether an agent turn shown contains `text`. */
const agentSays = (page: EnginePage, text: string, timeoutMs = 15000) =>
  page.waitFor(
    (wanted) => [...document.querySelectorAll('#transcript li[data-role="agent"] .text')].some((words) => words.textContent?.includes(wanted)),
    text,
    timeoutMs,
  );

/** Types into the message box, sends with Enter or the Send button, and waits for the box to clear. */
async function type(page: EnginePage, text: string, how: 'enter' | 'send'): Promise<void> {
  if (caps.playwright) {
    const pw = playwrightOf(page);
    await pw.fill('#message', text); // real typing events
    if (how === 'enter') await pw.press('#message', 'Enter');
    else await page.click('#send');
  } else {
    await page.evaluate((value) => {
      const input = document.querySelector('#message') as HTMLInputElement;
      // The native setter, so framework-controlled inputs (React) see the change.
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, text);
    if (how === 'enter') await page.evaluate(() => (document.querySelector('#compose') as HTMLFormElement).requestSubmit());
    else await page.click('#send');
  }
  await page.waitFor(() => (document.querySelector('#message') as HTMLInputElement).value === '', undefined, 5000);
}

/** The transcript as shown: role, words (without the rating buttons) and the interrupted mark. */
const shownTranscript = (page: EnginePage) =>
  page.evaluate(() =>
    [...document.querySelectorAll('#transcript li')].map((li) => ({
      role: li.getAttribute('data-role'),
      text: li.querySelector('.text')?.textContent ?? '',
      interrupted: li.hasAttribute('data-interrupted'),
      rated: !!li.querySelector('.feedback'),
    })),
  );

/** What the tentative line shows ('' when it is hidden or gone). */
const shownTentative = () => {
  const line = document.querySelector('#tentative') as HTMLElement | null;
  return line && !line.hidden && getComputedStyle(line).display !== 'none' ? (line.textContent ?? '') : '';
};

/** Frames the client sent since `from`, leaving out the microphone audio and the keepalive pongs. */
const framesSince = (session: AgentSession, from: number) =>
  session.received
    .slice(from)
    .filter((frame) => frame.kind !== 'user_audio_chunk' && frame.kind !== 'pong')
    .map((frame) => String(frame.data));

describe.skipIf(SKIP)(`the examples' two-way conversation, in real ${ENGINE_LABEL}${UNSUPPORTED}`, () => {
  let rig: Rig;
  let agent: LocalAgent;
  let demo: Demo;

  beforeAll(async () => {
    await buildOnce();
    // A user who does not speak (a minute of silence first): every turn here is typed, so no
    // barge-in cuts a reply short mid-check.
    rig = await launch({ leadInS: 60 });
    agent = await createLocalAgent();
    demo = await startDemo({ agentUrl: agent.url });
  }, 90000);
  afterAll(async () => {
    await rig?.close();
    await demo?.close();
    await agent?.close();
  });

  for (const name of EXAMPLES) {
    it(`${name}: type and Send, the reply is shown and heard; like it (and dislike the next); the agent sets the accent colour (and is told of a bad one); Stop`, async () => {
      const page = await visit(rig, demo, name);
      const wire: { action: string; frames: string[] }[] = [];
      const hint = await page.evaluate(() => document.querySelector('.hint')?.textContent);
      expect(hint).toBe('Type /tool setAccentColor {"color":"#e63946"} to let the agent call it.');
      expect(await page.evaluate(() => (document.querySelector('#message') as HTMLInputElement).disabled)).toBe(true);
      expect(await page.evaluate(() => (document.querySelector('#send') as HTMLButtonElement).disabled)).toBe(true);

      let mark = 0;
      const session = await startConversation(page, agent);
      wire.push({ action: 'Start', frames: framesSince(session, mark) });
      expect(await page.evaluate(() => (document.querySelector('#send') as HTMLButtonElement).disabled)).toBe(false);
      // The greeting plays to its end first, so the reply's sound is the reply's.
      await agentSays(page, 'local echo agent');
      await session.waitFor(() => !session.speeches.some((speech) => speech.active), 15000, 'the greeting played');
      await page.waitFor(() => window.harness.outputPeak() < 0.01, undefined, 5000);

      // A typed message: its text shows as the user's turn, the agent's reply as text and sound.
      mark = session.received.length;
      await type(page, 'Hello from the keyboard', 'enter');
      await agentSays(page, 'You wrote: Hello from the keyboard');
      expect(await shownTranscript(page)).toContainEqual({ role: 'user', text: 'Hello from the keyboard', interrupted: false, rated: false });
      await page.waitFor(() => window.harness.outputPeak() > 0.05, undefined, 10000);
      // The Agent meter moves with it (Svelte and Vue read the bindings' levels).
      await page.waitFor(() => document.querySelectorAll('meter')[1]!.value > 0.05, undefined, 5000);
      expect(session.userMessages.map((message) => message.text)).toEqual(['Hello from the keyboard']);
      wire.push({ action: 'type "Hello from the keyboard", Enter', frames: framesSince(session, mark) });

      // Like the reply: the agent records it, the buttons disable.
      await page.waitFor(() => {
        const like = document.querySelector('.feedback .like') as HTMLButtonElement | null;
        return !!like && !like.disabled && !!like.closest('li')?.querySelector('.text')?.textContent?.includes('You wrote');
      });
      mark = session.received.length;
      await page.click('.feedback .like');
      await session.waitFor(() => session.feedback.length > 0, 5000, 'the feedback');
      expect(session.feedback.map((feedback) => feedback.score)).toEqual(['like']);
      await page.waitFor(() =>
        [...document.querySelectorAll<HTMLButtonElement>('.feedback button')].every((button) => button.disabled),
      );
      wire.push({ action: 'click Like', frames: framesSince(session, mark) });

      // The agent calls the page's client tool: the accent colour changes and the agent says so.
      mark = session.received.length;
      await type(page, `/tool setAccentColor {"color":"${ACCENT}"}`, 'send');
      await agentSays(page, `Tool setAccentColor returned: accent colour set to ${ACCENT}`);
      const accent = await page.evaluate(() => ({
        property: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
        send: getComputedStyle(document.querySelector('#send')!).backgroundColor,
        status: getComputedStyle(document.querySelector('#status')!).color,
      }));
      expect(accent).toEqual({ property: ACCENT, send: ACCENT, status: ACCENT });
      expect(session.toolResults.at(-1)).toMatchObject({ result: `accent colour set to ${ACCENT}`, isError: false, matched: true });
      // A new agent response: it may be rated again.
      await page.waitFor(() => !(document.querySelector('.feedback .like') as HTMLButtonElement | null)?.disabled);
      wire.push({ action: 'type the /tool command, click Send', frames: framesSince(session, mark) });
      mark = session.received.length;
      await page.click('.feedback .dislike');
      await session.waitFor(() => session.feedback.length > 1, 5000, 'the second feedback');
      expect(session.feedback.map((feedback) => feedback.score)).toEqual(['like', 'dislike']);
      await page.waitFor(() =>
        [...document.querySelectorAll<HTMLButtonElement>('.feedback button')].every((button) => button.disabled),
      );
      wire.push({ action: 'click Dislike', frames: framesSince(session, mark) });

      // Something that is no colour: the tool throws, the agent is told and says it failed.
      mark = session.received.length;
      await type(page, '/tool setAccentColor {"color":"url(javascript:alert(1))"}', 'send');
      await agentSays(page, 'Tool setAccentColor failed: "url(javascript:alert(1))" is not a CSS colour');
      expect(session.toolResults.at(-1)).toMatchObject({ isError: true, matched: true });
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('#send')!).backgroundColor)).toBe(ACCENT);
      wire.push({ action: 'type /tool with a bad colour, click Send', frames: framesSince(session, mark) });

      // Nothing alarming was shown on this healthy session.
      expect(await page.evaluate(() => [document.querySelector('#error')?.textContent, document.querySelector('#note')?.textContent])).toEqual(['', '']);
      if (caps.playwright) {
        mkdirSync(OUT, { recursive: true });
        await playwrightOf(page).screenshot({ path: join(OUT, `conversation-${name}.png`), fullPage: true });
      }

      // Stop: disconnected, the microphone released, typing disabled.
      mark = session.received.length;
      await page.click('#stop');
      await page.waitFor(() => document.querySelector('#status')?.getAttribute('data-status') === 'disconnected');
      await page.waitFor(() => window.harness.liveTracks() === 0 && window.harness.runningContexts() === 0, undefined, 5000);
      expect((await session.closed).code).toBe(1000);
      expect(await page.evaluate(() => (document.querySelector('#message') as HTMLInputElement).disabled)).toBe(true);
      expect(await page.evaluate(() => document.querySelector('#error')?.textContent)).toBe('');
      // The meters fall back to zero with the session.
      await page.waitFor(() => [...document.querySelectorAll('meter')].every((meter) => meter.value === 0), undefined, 5000);
      wire.push({ action: 'click Stop', frames: framesSince(session, mark) });
      // No speech from the microphone reached the agent: every turn was typed.
      expect(session.sent.map((frame) => String(frame.data)).join('\n')).not.toContain('s of speech');

      mkdirSync(OUT, { recursive: true });
      writeFileSync(join(OUT, `conversation-frames-${name}.json`), JSON.stringify(wire, null, 2));
      for (const { action, frames } of wire) report(`${name}: ${action} → ${frames.join(' ') || '(no frame)'}`);
      await checkPage(page);
    }, 90000);

    it(`${name}: audio the browser held back starts from a click on Enable audio`, async () => {
      const page = await visit(rig, demo, name);
      // The page's autoplay policy, made strict in the page (see support/autoplay.ts).
      await page.evaluate(requireTrustedClick);
      expect(await page.evaluate(() => document.querySelector('#enable-audio:not([hidden])'))).toBeNull();
      const next = agent.nextSession(15000);
      // Start pressed by a script, not a person: no user activation, so the audio stays blocked.
      await page.evaluate(() => (document.querySelector('#start') as HTMLButtonElement).click());
      const session = await next;
      await page.waitFor(() => !!document.querySelector('#enable-audio:not([hidden])'), undefined, 10000);
      expect(await page.evaluate(() => [document.querySelector('#status')?.getAttribute('data-status'), document.querySelector('#error')?.textContent])).toEqual([
        'connected',
        '',
      ]);
      await page.click('#enable-audio');
      await page.waitFor(() => !document.querySelector('#enable-audio:not([hidden])'), undefined, 10000);
      await page.waitFor(() => window.harness.outputPeak() > 0.05, undefined, 10000); // the greeting, now heard
      await session.waitForAudio(16000, 10000); // and the microphone streams
      expect(await page.evaluate(() => document.querySelector('#note')?.textContent)).toBe('');
      await page.click('#stop');
      await page.waitFor(() => window.harness.liveTracks() === 0 && window.harness.runningContexts() === 0, undefined, 5000);
      await checkPage(page);
    }, 60000);
  }
});

describe.skipIf(SKIP)(`the examples after an interruption, in real ${ENGINE_LABEL}${UNSUPPORTED}`, () => {
  let rig: Rig;
  let scripted: LocalAgent;
  let scriptedDemo: Demo;
  let echo: LocalAgent;
  let echoDemo: Demo;
  const GREETING = "Hello! I'm the local echo agent. Say something, and I will repeat it.";
  const HEARD = "Hello! I'm the local";

  beforeAll(async () => {
    await buildOnce();
    // The user lets the greeting start, then talks over it.
    rig = await launch({ leadInS: 2 });
    // Driven step by step by the test: every page gets the very same frames.
    scripted = await createLocalAgent({ script: (session) => session.sendMetadata(), pingIntervalMs: false });
    scriptedDemo = await startDemo({ agentUrl: scripted.url });
    echo = await createLocalAgent();
    echoDemo = await startDemo({ agentUrl: echo.url });
  }, 90000);
  afterAll(async () => {
    await rig?.close();
    await scriptedDemo?.close();
    await scripted?.close();
    await echoDemo?.close();
    await echo?.close();
  });

  it('vanilla (built on events) shows the same transcript as Svelte, Vue and React (built on the state): corrected, merged, removed, marked; a malformed frame is a note, a lost connection the alert', async () => {
    const shown: Record<string, Awaited<ReturnType<typeof shownTranscript>>> = {};
    for (const name of EXAMPLES) {
      const page = await visit(rig, scriptedDemo, name);
      const session = await startConversation(page, scripted);
      const greeting = session.speak(tone(3, 330, 16000, 0.3), { sampleRate: 16000, text: GREETING });
      await agentSays(page, GREETING);
      await page.waitFor(() => window.harness.outputPeak() > 0.05, undefined, 10000);
      // The user talks over the greeting: the agent stops, and says what was heard of it.
      greeting.stop('interrupted');
      session.sendInterruption();
      session.sendAgentResponseCorrection(GREETING, HEARD);
      await page.waitFor(() => !!document.querySelector('#transcript li[data-interrupted]'));
      // The user's words so far show while they speak, and go when the final ones arrive.
      session.sendTentativeUserTranscript('Wait');
      expect(await page.waitFor(shownTentative)).toBe('Wait');
      session.sendTentativeUserTranscript('Wait, one');
      await page.waitFor(() => document.querySelector('#tentative')?.textContent === 'Wait, one');
      session.sendUserTranscript('Wait, one question.');
      await page.waitFor(() => [...document.querySelectorAll('#transcript li[data-role="user"]')].length === 1);
      expect(await page.evaluate(shownTentative)).toBe('');
      // Two responses make one turn; cut short, it keeps what was heard.
      session.sendAgentResponse('Sure.');
      session.sendAudio(tone(0.4, 330, 16000, 0.3), { sampleRate: 16000 });
      session.sendAgentResponse('Go ahead.');
      session.sendInterruption();
      session.sendAgentResponseCorrection('Go ahead.', 'Go');
      // A response cut before a word was heard: the turn goes.
      session.sendAgentResponse('Never mind.');
      session.sendInterruption();
      session.sendAgentResponseCorrection('Never mind.', '');
      session.sendUserTranscript('OK.');
      await page.waitFor(() => [...document.querySelectorAll('#transcript li[data-role="user"]')].length === 2);
      shown[name] = await shownTranscript(page);
      if (name === 'vanilla' && caps.playwright) {
        mkdirSync(OUT, { recursive: true });
        await playwrightOf(page).screenshot({ path: join(OUT, 'conversation-vanilla-interrupted.png'), fullPage: true });
      }
      // A malformed frame on a healthy session: a passing note, no alert.
      session.sendRaw('{"type":"agent_response",');
      await page.waitFor(() => document.querySelector('#note')?.textContent?.includes('malformed'));
      expect(await page.evaluate(() => [document.querySelector('#error')?.textContent, document.querySelector('#status')?.getAttribute('data-status')])).toEqual([
        '',
        'connected',
      ]);
      // The agent fails: that error ended the session, and it is the alert.
      session.close(1011, 'agent crashed');
      await page.waitFor(() => document.querySelector('#status')?.getAttribute('data-status') === 'disconnected');
      expect(await page.evaluate(() => document.querySelector('#error')?.textContent)).toBe('The connection to the agent was lost (closed with code 1011: agent crashed).');
      await page.waitFor(() => window.harness.liveTracks() === 0 && window.harness.runningContexts() === 0, undefined, 5000);
      await checkPage(page);
    }
    expect(shown.vanilla).toEqual([
      { role: 'agent', text: HEARD, interrupted: true, rated: false },
      { role: 'user', text: 'Wait, one question.', interrupted: false, rated: false },
      { role: 'agent', text: 'Sure. Go', interrupted: true, rated: true },
      { role: 'user', text: 'OK.', interrupted: false, rated: false },
    ]);
    for (const name of EXAMPLES) expect(shown[name], name).toEqual(shown.vanilla);
  }, 120000);

  for (const name of ['vanilla', 'react'] as const) {
    it(`${name}: the default agent's greeting, cut when the user speaks, shows as heard and marked; the user's words show as they come`, async () => {
      const page = await visit(rig, echoDemo, name);
      const session = await startConversation(page, echo);
      await agentSays(page, 'Hello!');
      // The microphone speaks: tentative words, then the greeting is corrected to what was heard.
      const tentative = await page.waitFor(shownTentative, undefined, 15000);
      expect(tentative).toMatch(/^\(\d+\.\d s of speech…?\)$/);
      await page.waitFor(() => !!document.querySelector('#transcript li[data-role="user"]'), undefined, 20000);
      expect(await page.evaluate(shownTentative)).toBe('');
      const correction = session.sent
        .map((frame) => JSON.parse(String(frame.data)) as { type: string; agent_response_correction_event?: { original_agent_response: string; corrected_agent_response: string } })
        .find((message) => message.type === 'agent_response_correction')?.agent_response_correction_event;
      expect(correction?.original_agent_response).toBe(GREETING);
      const heard = correction!.corrected_agent_response.trim();
      const turns = await shownTranscript(page);
      if (heard) expect(turns[0]).toMatchObject({ role: 'agent', text: heard, interrupted: true });
      else expect(turns[0]?.role).toBe('user');
      expect(await page.evaluate(() => document.querySelector('#error')?.textContent)).toBe('');
      await page.click('#stop');
      await page.waitFor(() => window.harness.liveTracks() === 0 && window.harness.runningContexts() === 0, undefined, 5000);
      await checkPage(page);
    }, 60000);
  }
});
