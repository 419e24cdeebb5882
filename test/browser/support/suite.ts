/**
 * One browser suite's fixture: this run's engine (see engines/driver.ts) and a local agent for the
 * file, a checked page per test. Every test page is checked afterwards (no page errors, no API
 * key) and closed.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createLocalAgent, type AgentSession, type LocalAgent, type LocalAgentOptions } from '../../../testing/index';
import { ENGINE, launch, type EnginePage as Page, type LaunchOptions, type Rig } from './engines/driver';
import { checkPage, createVoice, start } from './scenario';

export interface BrowserSuite {
  rig: Rig;
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

/** The fixture for one test file: `launchOptions` go to the engine's {@link launch}. */
export function browserSuite(agentOptions: LocalAgentOptions = {}, launchOptions: LaunchOptions = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    suite.rig = await launch(launchOptions);
    suite.agent = await createLocalAgent(agentOptions);
  }, 60000);
  afterAll(async () => {
    await suite.rig?.close();
    await suite.agent?.close();
  });
  afterEach(async () => {
    if (!suite.page) return;
    const page = suite.page;
    suite.page = undefined as unknown as Page;
    await page.evaluate(() => window.harness.voice?.stop()).catch(() => {});
    await checkPage(page);
  });
  suite.open = async (options = {}, { kind = 'global', url, deny = false } = {}) => {
    suite.page = await suite.rig.open(kind, { deny });
    suite.lines = suite.page.lines;
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
export const report = (line: string) => console.log(`[e2e ${ENGINE}] ${line}`);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
