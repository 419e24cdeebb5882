/**
 * One browser suite's fixture: Chromium and a local agent for the file, a checked page per test.
 * Every test page is checked afterwards (no page errors, no API key) and closed.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { createLocalAgent, type AgentSession, type LocalAgent, type LocalAgentOptions } from '../../../testing/index';
import { launch, type BrowserRig } from './browser';
import { checkPage, createVoice, start } from './scenario';

export interface BrowserSuite {
  rig: BrowserRig;
  agent: LocalAgent;
  /** The current test's page (set by `open`). */
  page: Page;
  /** Its console lines and page errors. */
  lines: string[];
  /** Opens a page and creates the voice in it, talking to `url` (default: the suite's agent). */
  open(options?: Record<string, unknown>, how?: { kind?: 'global' | 'module'; url?: string; deny?: boolean }): Promise<Page>;
  /** Opens a page, starts the voice, and has the agent send the metadata: a connected session. */
  connected(options?: Record<string, unknown>, how?: { kind?: 'global' | 'module' }): Promise<AgentSession>;
}

export function browserSuite(agentOptions: LocalAgentOptions = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    suite.rig = await launch();
    suite.agent = await createLocalAgent(agentOptions);
  }, 30000);
  afterAll(async () => {
    await suite.rig?.close();
    await suite.agent?.close();
  });
  afterEach(async () => {
    if (!suite.page) return;
    await suite.page.evaluate(() => window.harness.voice?.stop()).catch(() => {});
    await checkPage(suite.page, suite.lines);
  });
  suite.open = async (options = {}, { kind = 'global', url, deny = false } = {}) => {
    ({ page: suite.page, console: suite.lines } = await suite.rig.open(kind, { deny }));
    await createVoice(suite.page, url ?? suite.agent.url, options);
    return suite.page;
  };
  suite.connected = async (options = {}, how = {}) => {
    await suite.open(options, how);
    const started = start(suite.page);
    const session = await suite.agent.nextSession();
    session.sendMetadata();
    expect(await started).toEqual({ ok: true });
    return session;
  };
  return suite;
}

/** A line of measured figures in the test output. */
export const report = (line: string) => console.log(`[e2e] ${line}`);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
