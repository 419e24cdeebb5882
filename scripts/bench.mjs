// `npm run bench`: build, the Chromium latency bench (test/bench/latency.bench.test.ts) once, then
// the engine bench (test/bench/engines.bench.test.ts) once per engine, one engine at a time, and
// finally one table with the engines side by side (also written to test-results/bench-engines.md).
// An engine that is not installed is reported as not run, with the reason.
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

/** The rows (metric → value) and header of one engine's test-results/bench-<engine>.md. */
function readTable(engine) {
  const path = `test-results/bench-${engine}.md`;
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8').split('\n');
  const rows = new Map();
  for (const line of lines.slice(lines.findIndex((l) => l.startsWith('|---')) + 1)) {
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    if (cells.length === 2) rows.set(cells[0], cells[1]);
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
  const table = readTable(engine);
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
if (failures.length) console.log(`failed: ${failures.join('; ')}`);
process.exit(failures.length ? 1 : 0);
