// A two-way conversation in a real browser against the local agent: a typed message answered by
// voice, a client tool round trip, session settings in the greeting, feedback, a signed-URL
// session (and an expired one), tentative transcripts and VAD scores while the user speaks.
import { describe, expect, it } from 'vitest';
import { ENGINE_AVAILABLE, ENGINE_LABEL } from './support/engines/driver';
import { events, outputPeak, start, until } from './support/scenario';
import { browserSuite, report, sleep } from './support/suite';

const KEY = { apiKey: 'pk_live_E2E_SECRET_9f3b', agentId: 'agent_e2e' };

/** Agent transcript texts the page has received. */
const agentLines = async (page: Parameters<typeof events>[0]) =>
  (await events(page)).filter((e) => e.name === 'transcript' && e.args[0] === 'agent').map((e) => e.args[1] as string);

describe.skipIf(!ENGINE_AVAILABLE)(`a two-way conversation in real ${ENGINE_LABEL}`, () => {
  // The microphone stays silent for 30 s, so the agent's voice detection never cuts its replies.
  const t = browserSuite({}, { leadInS: 30 });

  it('answers a typed message by voice, with session settings applied to the greeting', async () => {
    await t.open({ overrides: { agent: { firstMessage: 'Welcome back, {{name}}.' } }, dynamicVariables: { name: 'Ada' }, userId: 'user_e2e' });
    expect(await start(t.page)).toEqual({ ok: true });
    const session = await t.agent.nextSession();
    expect(session.userId).toBe('user_e2e');
    expect(await until(t.page, () => (window.harness.events as { name: string; args: unknown[] }[]).some((e) => e.name === 'transcript' && e.args[1] === 'Welcome back, Ada.'), 10000)).toBe(true);
    // Let the greeting finish (as the agent models the playout, and as the page plays it), then type.
    const greeted = Date.now() + 20000;
    while ((session.agentSpeaking || session.speeches.some((speech) => speech.active)) && Date.now() < greeted) await sleep(50);
    await until(t.page, () => window.harness.voice.mode === 'listening', 15000);
    const sentAt = Date.now();
    await t.page.evaluate(() => window.harness.voice.sendUserMessage('Hello from the keyboard'));
    await until(t.page, () => (window.harness.events as { name: string; args: unknown[] }[]).some((e) => e.name === 'transcript' && e.args[1] === 'You wrote: Hello from the keyboard'), 10000);
    await until(t.page, () => window.harness.outputPeak() > 0.05, 10000);
    report(`typed message → spoken reply audible in ${Date.now() - sentAt} ms`);
    // What was heard grows with the playback (the agent sends alignment), and ends as the whole reply.
    const partial = await t.page.evaluate(() => window.harness.voice.getHeardText());
    const heard = await until(t.page, () => window.harness.voice.mode === 'listening' && window.harness.voice.getHeardText(), 15000);
    report(`heard text: "${partial}" while playing, "${heard}" at the end`);
    expect(heard).toBe('You wrote: Hello from the keyboard');
    expect(heard.startsWith(partial)).toBe(true);
    expect(session.userMessages.map((m) => m.text)).toEqual(['Hello from the keyboard']);
    expect((await events(t.page)).some((e) => e.name === 'transcript' && e.args[0] === 'user' && e.args[1] === 'Hello from the keyboard')).toBe(true);
    // Feedback on that response, once.
    await until(t.page, () => window.harness.voice.getSnapshot().canSendFeedback, 5000);
    await t.page.evaluate(() => window.harness.voice.sendFeedback(true));
    await until(t.page, () => !window.harness.voice.getSnapshot().canSendFeedback, 2000);
    const deadline = Date.now() + 5000;
    while (!session.feedback.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(session.feedback).toEqual([expect.objectContaining({ score: 'like', eventId: expect.any(Number) })]);
  });

  it('runs a client tool the agent calls, and answers with its result or its error', async () => {
    t.page = await t.rig.open('global');
    t.lines = t.page.lines;
    // Tools are page functions, so the voice is created in the page.
    await t.page.evaluate(
      ([url, key]) =>
        window.harness.create({
          ...key,
          wsUrl: url,
          clientTools: {
            setTitle: ({ title }: { title?: unknown }) => {
              if (typeof title !== 'string') throw new Error('title must be text');
              document.title = title;
              return { ok: true, title };
            },
          },
        }),
      [t.agent.url, KEY] as [string, typeof KEY],
    );
    // The harness logs the reference page's events; these are new ones.
    await t.page.evaluate(() => {
      const w = window as unknown as { tools: string[] };
      w.tools = [];
      window.harness.voice.on('toolCall', () => w.tools.push('toolCall'));
      window.harness.voice.on('toolResult', () => w.tools.push('toolResult'));
    });
    expect(await start(t.page)).toEqual({ ok: true });
    const session = await t.agent.nextSession();
    const ok = await session.callClientTool('setTitle', { title: 'Agent was here' });
    expect(ok).toMatchObject({ result: '{"ok":true,"title":"Agent was here"}', isError: false, matched: true });
    expect(await t.page.evaluate(() => document.title)).toBe('Agent was here');
    const failed = await session.callClientTool('setTitle', { title: 42 });
    expect(failed).toMatchObject({ result: 'title must be text', isError: true });
    const unknown = await session.callClientTool('openPodBayDoors');
    expect(unknown).toMatchObject({ result: 'Unknown client tool "openPodBayDoors".', isError: true });
    // The same through the agent's own conversation: "/tool name {json}" typed by the user.
    await t.page.evaluate(() => window.harness.voice.sendUserMessage('/tool setTitle {"title":"Typed"}'));
    await until(t.page, () => document.title === 'Typed', 10000);
    await until(t.page, () => (window.harness.events as { name: string; args: unknown[] }[]).some((e) => e.name === 'transcript' && String(e.args[1]).startsWith('Tool setTitle returned:')), 10000);
    const calls = await t.page.evaluate(() => (window as unknown as { tools: string[] }).tools);
    expect(calls).toEqual(['toolCall', 'toolResult', 'toolCall', 'toolResult', 'toolCall', 'toolResult', 'toolCall', 'toolResult']);
    report(`client tools: ${calls.length / 2} calls answered (result, error, unknown, typed /tool)`);
  });

  it('connects with a signed URL fetched by a page function (no API key in the page), and refuses an expired one clearly', async () => {
    const signed = t.agent.createSignedUrl({ agentId: 'agent_e2e' });
    expect(signed).not.toContain('api_key');
    t.page = await t.rig.open('global');
    t.lines = t.page.lines;
    await t.page.evaluate((url) => {
      const w = window as unknown as { fetches: number };
      w.fetches = 0;
      return window.harness.create({ signedUrl: () => (w.fetches++, Promise.resolve(url)) });
    }, signed);
    expect(await start(t.page)).toEqual({ ok: true });
    await t.agent.nextSession();
    await until(t.page, () => window.harness.outputPeak() > 0.05, 10000);
    report(`signed URL session: greeting audible, output peak ${(await outputPeak(t.page)).toFixed(2)}`);
    expect(await t.page.evaluate(() => (window as unknown as { fetches: number }).fetches)).toBe(1);
    await t.page.evaluate(() => window.harness.voice.stop());
    await until(t.page, () => window.harness.voice.status === 'disconnected');

    const expired = t.agent.createSignedUrl({ agentId: 'agent_e2e', expiresInMs: -1000 });
    await t.page.evaluate((url) => window.harness.create({ signedUrl: url }), expired);
    const outcome = await start(t.page);
    report(`expired signed URL: ${outcome.code}: ${outcome.message}`);
    expect(outcome).toMatchObject({ ok: false, code: 'connection_failed', message: expect.stringContaining('signed URL expired') });
  });

  it('refuses to send while not connected, and sends nothing later', async () => {
    await t.open();
    const refused = await t.page.evaluate(() => {
      try {
        window.harness.voice.sendUserMessage('too early');
        return null;
      } catch (error) {
        return (error as { code?: string }).code;
      }
    });
    expect(refused).toBe('not_connected');
    expect(await start(t.page)).toEqual({ ok: true });
    const session = await t.agent.nextSession();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(session.userMessages).toEqual([]);
  });
});

describe.skipIf(!ENGINE_AVAILABLE)(`what the server says while the user speaks, in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite();

  it('tentative transcripts reach the page as events and state, and the VAD score through getVadScore()', async () => {
    await t.open();
    await t.page.evaluate(() => {
      const w = window as unknown as { tentative: string[] };
      w.tentative = [];
      window.harness.voice.on('tentativeTranscript', (text: string) => w.tentative.push(text));
    });
    expect(await start(t.page)).toEqual({ ok: true });
    const seen = await until(
      t.page,
      () => {
        const w = window as unknown as { maxVad?: number };
        w.maxVad = Math.max(w.maxVad ?? 0, window.harness.voice.getVadScore());
        return (window as unknown as { tentative: string[] }).tentative.length > 0 && w.maxVad > 0.5 && w.maxVad;
      },
      15000,
    );
    expect(seen).toBeGreaterThan(0.5);
    await until(t.page, () => (window.harness.events as { name: string; args: unknown[] }[]).some((e) => e.name === 'transcript' && e.args[0] === 'user'), 15000);
    const tentative = await t.page.evaluate(() => (window as unknown as { tentative: string[] }).tentative);
    report(`while speaking: ${tentative.length} tentative transcripts (last "${tentative.at(-1)}"), highest VAD score ${Number(seen).toFixed(2)}`);
    expect(tentative.length).toBeGreaterThan(0);
  });
});
