// @vitest-environment jsdom
// The panel's drawing logic in jsdom, frame by frame (the Chromium suite covers it live).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeVoice, fromServer, wire } from '../support/fake-session';
import { mountInspector } from '../../inspector/index';

/** requestAnimationFrame under the test's control: `frame()` runs one. */
function frames() {
  let pending: FrameRequestCallback | null = null;
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => ((pending = callback), 1));
  vi.stubGlobal('cancelAnimationFrame', () => (pending = null));
  return {
    frame: () => {
      const callback = pending;
      pending = null;
      callback?.(performance.now());
    },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

describe('mountInspector', () => {
  it('updates a folded audio row that grew in the same frame as several newer rows', () => {
    const { frame } = frames();
    const fake = fakeVoice();
    const unmount = mountInspector(fake.voice, { target: document.body });
    const server = (message: unknown) => fake.socket.send(fromServer(message));
    void fake.voice.start().catch(() => {});
    fake.microphone.send({ type: 'mic.ready' });
    server(wire.metadata('conv_7'));
    server(wire.audio(1));
    frame();
    const rows = () =>
      [...document.querySelector('[data-perfvoice-inspector]')!.shadowRoot!.querySelectorAll('.timeline li')].map((li) => li.textContent ?? '');
    expect(rows().filter((row) => /↓audio/.test(row))).toEqual([expect.stringContaining('×1 · 4 B · event_id 1')]);
    // Within one frame: the fold grows, then more rows than the last few arrive after it.
    server(wire.audio(2));
    server(wire.audio(3));
    server(wire.agent('one'));
    server(wire.user('two'));
    server(wire.ping(1));
    server(wire.agent('three'));
    frame();
    expect(rows().filter((row) => /↓audio/.test(row))).toEqual([expect.stringContaining('×3 · 12 B · event_id 1–3')]);
    // The last rows drawn: the agent's text, then the command it sent to the playback.
    expect(rows().slice(-2).join(' ')).toContain('three');
    unmount();
    void fake.voice.stop();
  });
});
