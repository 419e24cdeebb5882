// `npm run bench`: build, the Chromium latency bench (test/bench/latency.bench.test.ts) once, then
// the engine bench (test/bench/engines.bench.test.ts) once per engine, one engine at a time, and
// one table with the engines side by side (also written to test-results/bench-engines.md); then
// the field-conditions bench (test/bench/field.bench.test.ts: jank, jitter, main-thread cost, for
// the Worker and the main-thread path) once per engine, and its table with a column per engine and
// path (also written to test-results/bench-field.md). An engine that is not installed is reported
// as not run, with the reason.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const ENGINES = ['chromium', 'firefox', 'webkit'];
const LABEL = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKitGTK' };
const failures = [];

function run(name, command, args, env = {}) {
  const vars = Object.entries(env).map(([key, value]) => `${key}=${value} `).join('');
  console.log(`\n▶ ${name}: ${vars}${command} ${args.join(' ')}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32', env: { ...process.env, ...env } });
  if (status !== 0) failures.push(`${name} (exit status ${status})`);
  return status === 0;
}

const found = (paths) => paths.find((path) => path && existsSync(path));
/** Why an engine cannot run here, or null when it can (the same look-ups as the test driver's). */
function missing(engine) {
  if (engine === 'chromium') {
    return found([process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'])
      ? null
      : 'no Chromium found (apt-get install -y chromium, or set CHROME_PATH)';
  }
  const pulse = ['/usr/bin/pulseaudio', '/usr/bin/pactl', '/usr/bin/paplay'].every((path) => existsSync(path));
  if (engine === 'firefox') {
    if (!found([process.env.FIREFOX_PATH, '/usr/lib/firefox-esr/firefox-esr', '/usr/lib/firefox/firefox'])) return 'no Firefox found (apt-get install -y firefox-esr, or set FIREFOX_PATH)';
    return pulse ? null : 'no PulseAudio (apt-get install -y pulseaudio pulseaudio-utils): Firefox\'s AudioContexts never run without a sound server';
  }
  const minibrowser = found([process.env.MINIBROWSER_PATH, '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser']);
  if (!minibrowser || !existsSync('/usr/bin/WebKitWebDriver') || !existsSync('/usr/bin/Xvfb')) return 'WebKitGTK not installed (apt-get install -y webkit2gtk-driver xvfb)';
  return pulse ? null : 'no PulseAudio (apt-get install -y pulseaudio pulseaudio-utils)';
}

/**
 * The rows (metric → value cells) and header of a test-results/<name>.md table whose rows have
 * `width` cells (the metric included): one value for the engine bench, worker, main and goal for
 * the field bench.
 */
function readTable(name, width = 2) {
  const path = `test-results/${name}.md`;
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8').split('\n');
  const rows = new Map();
  for (const line of lines.slice(lines.findIndex((l) => l.startsWith('|---')) + 1)) {
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    if (cells.length === width) rows.set(cells[0], width === 2 ? cells[1] : cells.slice(1));
  }
  return { header: lines[0], rows };
}

mkdirSync('test-results', { recursive: true });
if (!run('build', 'npm', ['run', 'build'])) process.exit(1);

// The Chromium latency, cost and size bench: one engine, once.
run('latency bench (chromium)', 'npx', ['vitest', 'run', '--project', 'bench', 'test/bench/latency.bench.test.ts'], { PERFVOICE_ENGINE: 'chromium' });

// The engine bench, one engine at a time: real-time audio on a small machine.
const results = {};
for (const engine of ENGINES) {
  const path = `test-results/bench-${engine}.md`;
  rmSync(path, { force: true }); // never show a previous run's figures
  const reason = missing(engine);
  if (reason) {
    console.log(`\n▶ engine bench (${engine}): not run: ${reason}`);
    results[engine] = { note: `not run: ${reason}` };
    continue;
  }
  const ok = run(`engine bench (${engine})`, 'npx', ['vitest', 'run', '--project', 'bench', 'test/bench/engines.bench.test.ts'], { PERFVOICE_ENGINE: engine });
  const table = readTable(`bench-${engine}`);
  results[engine] = table
    ? { ...table, note: ok ? null : 'some measurements failed: see the log above' }
    : { note: `no figures: the run ${ok ? 'skipped every test' : 'failed'} (see the log above)` };
}

// One table: rows = metrics, columns = engines.
const metrics = [];
for (const engine of ENGINES) for (const metric of results[engine].rows?.keys() ?? []) if (!metrics.includes(metric)) metrics.push(metric);
const table = [
  `| metric | ${ENGINES.map((engine) => LABEL[engine]).join(' | ')} |`,
  `|---|${ENGINES.map(() => '---').join('|')}|`,
  ...metrics.map((metric) => `| ${metric} | ${ENGINES.map((engine) => results[engine].rows?.get(metric) ?? (results[engine].rows ? '–' : 'not run')).join(' | ')} |`),
].join('\n');
const notes = [
  ...ENGINES.filter((engine) => results[engine].header).map((engine) => `- ${results[engine].header}`),
  ...ENGINES.filter((engine) => results[engine].note).map((engine) => `- ${LABEL[engine]}: ${results[engine].note}`),
].join('\n');
const text =
  `perfvoice per-engine benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n\n${table}\n\n${notes}\n\n` +
  '"engine floor" is the same page with no SDK: a bare AudioContext and a tone worklet told to start or stop by a port message;\n' +
  '"ours = SDK − engine" is what the SDK adds on top of it. Figures vary with machine load: compare engines with themselves.\n';
writeFileSync('test-results/bench-engines.md', text);
console.log(`\n${text}`);

// The field-conditions bench, one engine at a time, both paths in each run.
const PATHS = ['worker', 'main'];
const field = {};
for (const engine of ENGINES) {
  rmSync(`test-results/bench-field-${engine}.md`, { force: true });
  const reason = missing(engine);
  if (reason) {
    field[engine] = { note: `not run: ${reason}` };
    continue;
  }
  const ok = run(`field bench (${engine})`, 'npx', ['vitest', 'run', '--project', 'bench', 'test/bench/field.bench.test.ts'], { PERFVOICE_ENGINE: engine });
  const fieldTable = readTable(`bench-field-${engine}`, 4);
  field[engine] = fieldTable
    ? { ...fieldTable, note: ok ? null : 'some measurements failed: see the log above' }
    : { note: `no figures: the run ${ok ? 'skipped every test' : 'failed'} (see the log above)` };
}
// One table: rows = metrics, columns = engine × path, then the goal for the Worker path.
const fieldMetrics = [];
const goals = new Map();
for (const engine of ENGINES) {
  for (const [metric, [, , goal]] of field[engine].rows ?? []) {
    if (!fieldMetrics.includes(metric)) fieldMetrics.push(metric);
    if (goal && !goals.get(metric)) goals.set(metric, goal);
  }
}
const cell = (engine, metric, i) => (field[engine].rows ? (field[engine].rows.get(metric)?.[i] ?? '–') : 'not run');
const fieldTable = [
  `| metric | ${ENGINES.flatMap((engine) => PATHS.map((path) => `${LABEL[engine]} ${path}`)).join(' | ')} | goal (worker) |`,
  `|---|${ENGINES.flatMap(() => PATHS.map(() => '---')).join('|')}|---|`,
  ...fieldMetrics.map((metric) => `| ${metric} | ${ENGINES.flatMap((engine) => PATHS.map((_, i) => cell(engine, metric, i))).join(' | ')} | ${goals.get(metric) ?? ''} |`),
].join('\n');
const fieldNotes = [
  ...ENGINES.filter((engine) => field[engine].header).map((engine) => `- ${field[engine].header}`),
  ...ENGINES.filter((engine) => field[engine].note).map((engine) => `- ${LABEL[engine]}: ${field[engine].note}`),
].join('\n');
const fieldText =
  `perfvoice field-conditions benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n\n${fieldTable}\n\n${fieldNotes}\n\n` +
  '"worker": the relay (socket, pings, agent audio, flushes) in its Worker; "main": the same relay on the page\'s thread (audioThread: \'main\').\n' +
  'Jank: the page busy-loops 250 ms of every 350 ms. Jitter: each 40 ms agent frame 0-250 ms late (seeded), in order.\n' +
  'Gaps, silence and first sound are measured on the audio thread (a tap worklet in the SDK\'s context); pong delays by the agent.\n' +
  'Goals are reported, not asserted. Figures vary with machine load: compare paths and engines with themselves.\n';
writeFileSync('test-results/bench-field.md', fieldText);
console.log(`\n${fieldText}`);
if (failures.length) console.log(`failed: ${failures.join('; ')}`);
process.exit(failures.length ? 1 : 0);
