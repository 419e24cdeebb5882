/**
 * Traces as regression tests: a trace exported from the inspector (a bug report) replays through
 * the real session machine with fake actors, and must reach the same state after every event.
 *
 *   it('bug 123: ...', () => expectReplays(loadTrace('bug-123.trace.json')));
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { sessionMachine } from '../../core/machine';
import { parseTrace, replayTrace, type ReplayResult, type SessionTrace } from '../../inspector/index';

/** Reads a trace saved under test/inspector/traces/ (or any path). */
export function loadTrace(file: string): SessionTrace {
  const path = file.includes('/') ? file : join(import.meta.dirname, '../inspector/traces', file);
  return parseTrace(readFileSync(path, 'utf8'));
}

/** Replays a trace through the SDK's session machine. */
export const replay = (trace: SessionTrace | string): ReplayResult => replayTrace(trace, sessionMachine);

/** Replays a trace and expects every recorded state, and the final one, to be reproduced. */
export function expectReplays(trace: SessionTrace | string): ReplayResult {
  const result = replay(trace);
  const parsed = parseTrace(trace);
  expect(result.mismatches).toEqual([]);
  expect(result.finalState).toBe(parsed.final.state);
  expect(result.complete).toBe(true);
  return result;
}
