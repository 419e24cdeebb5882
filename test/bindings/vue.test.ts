import { createApp, effectScope, nextTick, watchEffect } from 'vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PerfVoice } from 'perfvoice';
import { usePerfVoice } from 'perfvoice/vue';
import { OPTIONS, fakeVoice, fromServer, wire } from '../support/fake-session';
import { frames } from '../support/frames';
import Voice from './fixtures/Voice.vue';

const XSS = '<img src=x onerror="window.__pwned=1">';

afterEach(() => {
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('perfvoice/vue', () => {
  it('renders a <script setup> component from the state, text only, and unsubscribes on unmount', async () => {
    const v = fakeVoice();
    // Count deliveries to the composable's listener.
    let delivered = 0;
    const subscribe = v.voice.subscribe;
    Object.defineProperty(v.voice, 'subscribe', {
      value: (listener: (state: unknown) => void) => subscribe((state) => (delivered++, listener(state))),
    });
    const root = document.createElement('div');
    document.body.append(root);
    const app = createApp(Voice, { source: v.voice });
    app.mount(root);
    const text = (id: string) => root.querySelector(`[data-testid="${id}"]`)?.textContent;
    expect(text('status')).toBe('disconnected');
    root.querySelector('button')!.click();
    await nextTick();
    expect(text('status')).toBe('connecting');
    v.microphone.send({ type: 'mic.ready' });
    v.socket.send(fromServer(wire.metadata()));
    v.socket.send(fromServer(wire.agent(XSS)));
    v.playback.send({ type: 'playback.started' });
    await nextTick();
    expect(text('status')).toBe('connected');
    expect(text('mode')).toBe('speaking');
    expect(root.querySelector('li')!.textContent).toBe(XSS);
    expect(root.querySelector('img')).toBeNull();
    app.unmount();
    // Unsubscribed: later changes reach no one, and a voice passed in keeps running.
    const before = delivered;
    v.socket.send(fromServer(wire.user('after')));
    expect(delivered).toBe(before);
    expect(before).toBeGreaterThan(3);
    expect(v.voice.status).toBe('connected');
  });

  it('stops a voice it created when its scope is disposed', () => {
    const stop = vi.spyOn(PerfVoice.prototype, 'stop');
    const scope = effectScope();
    const voice = scope.run(() => usePerfVoice(OPTIONS))!;
    expect(voice.status.value).toBe('disconnected');
    expect(voice.state.value.transcript).toEqual([]);
    scope.stop();
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('keeps state readonly and computed values in step', async () => {
    const v = fakeVoice();
    const scope = effectScope();
    const voice = scope.run(() => usePerfVoice(v.voice))!;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    (voice.state as { value: unknown }).value = null;
    expect(voice.state.value).not.toBeNull(); // the write was refused…
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('target is readonly'), expect.anything()); // …and Vue said so
    voice.start();
    expect(voice.status.value).toBe('connecting');
    v.microphone.send({ type: 'mic.ready' });
    v.socket.send(fromServer(wire.metadata()));
    v.socket.send(fromServer(wire.user('hi')));
    expect(voice.transcript.value.map((t) => t.text)).toEqual(['hi']);
    expect(voice.mode.value).toBe('listening');
    scope.stop();
  });

  it('levels: no loop until read, then once per animation frame while a session runs, until the scope is disposed', async () => {
    const v = fakeVoice();
    const input = vi.spyOn(v.voice, 'getInputLevel').mockReturnValue(0.25);
    vi.spyOn(v.voice, 'getOutputLevel').mockReturnValue(0.5);
    const scope = effectScope();
    const voice = scope.run(() => usePerfVoice(v.voice))!;
    void v.voice.start().catch(() => {});
    v.microphone.send({ type: 'mic.ready' });
    v.socket.send(fromServer(wire.metadata('conv_v')));
    await frames(2);
    // Connected, but nothing read the levels yet.
    expect(input).not.toHaveBeenCalled();
    const seen: unknown[] = [];
    scope.run(() => watchEffect(() => void seen.push(voice.levels.value)));
    await frames(3);
    expect(seen).toEqual([{ input: 0, output: 0 }, { input: 0.25, output: 0.5 }]);
    scope.stop();
    const reads = input.mock.calls.length;
    await frames(3);
    expect(input.mock.calls.length).toBe(reads);
    v.voice.stop();
  });
});
