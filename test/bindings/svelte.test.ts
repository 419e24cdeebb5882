import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPerfVoice } from 'perfvoice/svelte';
import { OPTIONS, fakeVoice, fromServer, wire } from '../support/fake-session';
import { frames } from '../support/frames';
import LegacyVoice from './fixtures/LegacyVoice.svelte';
import RunesVoice from './fixtures/RunesVoice.svelte';

const XSS = '<img src=x onerror="window.__pwned=1">';

afterEach(() => {
  document.body.innerHTML = '';
});

function connect(v: ReturnType<typeof fakeVoice>) {
  v.microphone.send({ type: 'mic.ready' });
  v.socket.send(fromServer(wire.metadata('conv_s')));
}

describe('perfvoice/svelte', () => {
  for (const [name, Component] of [
    ['a Svelte 5 runes component', RunesVoice],
    ['a Svelte 4-style component', LegacyVoice],
  ] as const) {
    it(`drives ${name} through $store`, async () => {
      const v = fakeVoice();
      const store = createPerfVoice(v.voice);
      const component = mount(Component, { target: document.body, props: { store } });
      const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent;
      expect(text('status')).toBe('disconnected');
      document.querySelector('button')!.click();
      flushSync();
      expect(text('status')).toBe('connecting');
      connect(v);
      v.socket.send(fromServer(wire.agent(XSS)));
      v.socket.send(fromServer(wire.user('hello')));
      flushSync();
      expect(text('status')).toBe('connected');
      const items = [...document.querySelectorAll('li')];
      expect(items.map((li) => [li.dataset.role, li.textContent])).toEqual([
        ['agent', XSS],
        ['user', 'hello'],
      ]);
      expect(document.querySelector('img')).toBeNull();
      unmount(component);
      // A voice passed in is left alone when the component goes.
      expect(v.voice.status).toBe('connected');
    });
  }

  it('stops a voice it created when the last subscriber leaves, not before', () => {
    const store = createPerfVoice(OPTIONS);
    const stop = vi.spyOn(store.voice, 'stop');
    const states: string[] = [];
    const a = store.subscribe((state) => states.push(state.status));
    const b = store.subscribe(() => {});
    expect(states).toEqual(['disconnected']);
    a();
    expect(stop).not.toHaveBeenCalled();
    b();
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('leaves a voice it was given running when unsubscribed', () => {
    const v = fakeVoice();
    const store = createPerfVoice(v.voice);
    const stop = vi.spyOn(v.voice, 'stop');
    store.subscribe(() => {})();
    expect(stop).not.toHaveBeenCalled();
    expect(store.voice).toBe(v.voice);
  });

  it('forwards the controls', async () => {
    const v = fakeVoice();
    const store = createPerfVoice(v.voice);
    const started = store.start();
    connect(v);
    await started;
    store.setMuted(true);
    store.setVolume(0.5);
    expect(v.voice.getSnapshot().isMuted).toBe(true);
    expect(v.playback.received).toContainEqual({ type: 'playback.volume', volume: 0.5 });
    store.stop();
    expect(v.voice.status).toBe('disconnected');
  });

  it('levels: once per animation frame while a session runs and someone subscribes, published only when they change', async () => {
    const v = fakeVoice();
    const store = createPerfVoice(v.voice);
    const input = vi.spyOn(v.voice, 'getInputLevel').mockReturnValue(0.25);
    vi.spyOn(v.voice, 'getOutputLevel').mockReturnValue(0.5);
    const seen: unknown[] = [];
    const unsubscribe = store.levels.subscribe((levels) => seen.push(levels));
    await frames(2);
    // No session: no loop.
    expect(input).not.toHaveBeenCalled();
    void v.voice.start().catch(() => {});
    connect(v);
    await frames(3);
    expect(seen).toEqual([{ input: 0, output: 0 }, { input: 0.25, output: 0.5 }]);
    expect(input.mock.calls.length).toBeGreaterThanOrEqual(2);
    v.voice.stop();
    expect(seen.at(-1)).toEqual({ input: 0, output: 0 });
    void v.voice.start().catch(() => {});
    connect(v);
    await frames(2);
    unsubscribe();
    const reads = input.mock.calls.length;
    await frames(3);
    // Nobody listens: no more reads.
    expect(input.mock.calls.length).toBe(reads);
    v.voice.stop();
  });
});
