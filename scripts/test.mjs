// `npm test`: build, unit tests, package checks, then the real-browser suite once per engine
// (Chromium, Firefox, WebKitGTK; see test/browser/support/engines/). Prints one closing line
// `N passed, N failed` (plus skipped) over everything that ran.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const timings = [];

function run(name, command, args, env = {}) {
  const vars = Object.entries(env).map(([key, value]) => `${key}=${value} `).join('');
  console.log(`\n▶ ${name}: ${vars}${command} ${args.join(' ')}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32', env: { ...process.env, ...env } });
  return status === 0;
}

/** A check that is one test: passes or fails as a whole. */
function check(name, command, args) {
  if (run(name, command, args)) results.passed++;
  else {
    results.failed++;
    failures.push(name);
  }
}

/** A vitest project (in one browser engine for `browser`): counts every test from its JSON report. */
function vitest(project, engine) {
  const label = engine ? `${project}, ${engine}` : project;
  const report = `test-results/vitest-${engine ? `${project}-${engine}` : project}.json`;
  rmSync(report, { force: true }); // never count a previous run's report
  const began = Date.now();
  const ok = run(`vitest (${label})`, 'npx', [
    'vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`,
  ], engine ? { PERFVOICE_ENGINE: engine } : {});
  if (engine) timings.push(`${engine} ${((Date.now() - began) / 1000).toFixed(0)} s`);
  let counted = false;
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    results.passed += json.numPassedTests;
    results.failed += json.numFailedTests;
    results.skipped += json.numPendingTests + json.numTodoTests;
    counted = true;
    if (json.numFailedTests) {
      // Name them here too, with the first lines of why: the closing lines are what a CI log shows first.
      const why = (test) => (test.failureMessages?.[0] ?? '').replace(/\u001b\[[0-9;]*m/g, '').replace(/\b(pk|sk)_\w+/g, '$1_…').split('\n').filter((line) => line.trim()).slice(0, 3).map((line) => `      ${line.trim().slice(0, 240)}`);
      const names = json.testResults.flatMap((file) => file.assertionResults.filter((test) => test.status === 'failed').flatMap((test) => [`  ✗ ${test.fullName}`, ...why(test)]));
      failures.push(`vitest (${label}): ${json.numFailedTests} failed\n${names.join('\n')}`);
    }
  } catch {
    // no report: counted below as one failure
  }
  if (!ok && (!counted || !failures.some((f) => f.startsWith(`vitest (${label})`)))) {
    results.failed++;
    failures.push(`vitest (${label}) did not complete`);
  }
}

mkdirSync('test-results', { recursive: true });
if (!run('build', 'npm', ['run', 'build'])) {
  console.log('\nbuild failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
check('size budget', 'node', ['scripts/size.mjs']);
check('typecheck', 'npx', ['tsc', '--noEmit', '-p', '.']);
check('publint', 'npx', ['publint', '--strict']);
check('attw', 'npx', ['attw', '--pack', '.', '--profile', 'strict', '--exclude-entrypoints', './worklets/processors.js', './worklets/*']);
vitest('unit');
vitest('bindings');
// One engine at a time: real-time audio on a two-core machine.
for (const engine of ['chromium', 'firefox', 'webkit']) vitest('browser', engine);

if (timings.length) console.log(`\nbrowser suite wall-clock: ${timings.join(', ')}`);
if (failures.length) console.log(`\nfailed: ${failures.join('; ')}`);
console.log(`\n${results.passed} passed, ${results.failed} failed${results.skipped ? `, ${results.skipped} skipped` : ''}`);
process.exit(results.failed ? 1 : 0);
