// A microphone that cannot be had: the browser's own error, with a message that says what to do
// even where the engine gives none (Chromium's OverconstrainedError has an empty message).
import { describe, expect, it } from 'vitest';
import { ENGINE_AVAILABLE, ENGINE_LABEL } from './support/engines/driver';
import { expectReleased, start } from './support/scenario';
import { browserSuite, report } from './support/suite';

describe.skipIf(!ENGINE_AVAILABLE)(`microphone errors in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite();

  it('an inputDeviceId that matches no microphone: the browser error, a readable message, nothing held', async () => {
    await t.open({ inputDeviceId: 'no-such-microphone' });
    const outcome = await start(t.page);
    report(`bad inputDeviceId: ${outcome.name}: ${outcome.message}`);
    expect(outcome.ok).toBe(false);
    // The engine's own error class is kept (err.name checks keep working)...
    expect(['OverconstrainedError', 'NotFoundError', 'NotReadableError']).toContain(outcome.name);
    // ...and its message says what to do (the engines' own say "Invalid constraint", or nothing).
    if (outcome.name === 'OverconstrainedError') expect(outcome.message).toMatch(/^No microphone matches inputDeviceId: pick a deviceId/);
    else expect(outcome.message?.length).toBeGreaterThan(20);
    expect(t.agent.sessions.size).toBe(0);
    await expectReleased(t.page);
  });
});
