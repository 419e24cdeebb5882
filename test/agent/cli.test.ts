// @vitest-environment node
/**
 * Runs the CLI as a built file in a child process, laid out like the package
 * (`dist/testing/cli.js` with the assets copied to `dist/testing/assets/`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside node_modules so that the external `ws` import resolves like in an installed package.
const out = join(root, 'node_modules', '.cache', `perfvoice-testing-cli-${process.pid}`);
const cli = join(out, 'dist', 'testing', 'cli.js');
let child: ChildProcess | undefined;

beforeAll(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'dist', 'testing'), { recursive: true });
  await build({
    entryPoints: [join(root, 'testing', 'cli.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    packages: 'external',
    logLevel: 'silent',
  });
  cpSync(join(root, 'testing', 'assets'), join(out, 'dist', 'testing', 'assets'), { recursive: true });
});

afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
});

it('prints its URL, serves the greeting, and closes sessions cleanly on SIGTERM', async () => {
  child = spawn(process.execPath, [cli, '--port', '0', '--ping-interval', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (data) => (stdout += data));
  const url = await new Promise<string>((resolve, reject) => {
    child!.stdout!.on('data', () => {
      const match = /listening on (ws:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    child!.once('exit', (code) => reject(new Error(`CLI exited with ${code}: ${stdout}`)));
  });
  expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/voice\/conversation$/);

  const client = connect(url, { apiKey: 'pk_live_secret' });
  await client.waitForType('conversation_initiation_metadata');
  await client.waitForType('audio');
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await client.closed).toEqual({ code: 1001, reason: 'local agent shutting down' });
  expect(await exited).toBe(0);
  expect(stdout).toMatch(/conv_[0-9a-f]{24} connected \(agent_id="agent_test"/);
  expect(stdout).toContain('SIGTERM: closing 1 session(s)');
  expect(stdout).not.toContain('pk_live_secret');
});

it('explains its options and rejects bad ones', () => {
  const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('--output-format');
  const bad = spawnSync(process.execPath, [cli, '--output-format', 'mp3_44100'], { encoding: 'utf8' });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('unknown format "mp3_44100"');
});
