// Type tests: checked by `tsc` in `npm test` (and harmless at run time).
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ComputedRef } from 'vue';
import {
  PerfVoice,
  PerfVoiceError,
  type Mode,
  type PerfVoiceErrorCode,
  type PerfVoiceEventMap,
  type PerfVoiceOptions,
  type PerfVoiceState,
  type Status,
  type TranscriptTurn,
} from 'perfvoice';
import { createPerfVoice, type PerfVoiceStore } from 'perfvoice/svelte';
import { usePerfVoice } from 'perfvoice/vue';

describe('public types', () => {
  it('types the documented class', () => {
    expectTypeOf<PerfVoice['start']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<PerfVoice['status']>().toEqualTypeOf<Status>();
    expectTypeOf<Status>().toEqualTypeOf<'disconnected' | 'connecting' | 'connected'>();
    expectTypeOf<Mode>().toEqualTypeOf<'listening' | 'speaking'>();
    expectTypeOf<PerfVoice['conversationId']>().toEqualTypeOf<string | null>();
    // The key and the agent are required together, unless the server signed a URL.
    expectTypeOf({ apiKey: 'k', agentId: 'a' }).toMatchTypeOf<PerfVoiceOptions>();
    expectTypeOf({ signedUrl: 'wss://x' }).toMatchTypeOf<PerfVoiceOptions>();
    expectTypeOf({ agentId: 'a' }).not.toMatchTypeOf<PerfVoiceOptions>();
    expectTypeOf({ apiKey: 'k', signedUrl: 'wss://x' }).not.toMatchTypeOf<PerfVoiceOptions>();
    expectTypeOf<PerfVoiceOptions['wsUrl']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<PerfVoiceError['code']>().toEqualTypeOf<PerfVoiceErrorCode>();
  });

  it('types every event listener with its documented arguments', () => {
    expectTypeOf<Parameters<PerfVoiceEventMap['transcript']>>().toEqualTypeOf<[role: 'agent' | 'user', text: string]>();
    expectTypeOf<Parameters<PerfVoiceEventMap['connected']>>().toEqualTypeOf<[conversationId: string]>();
    expectTypeOf<Parameters<PerfVoiceEventMap['disconnected']>>().toEqualTypeOf<[code: number, reason: string, endedBy: 'user' | 'agent' | 'error']>();
    expectTypeOf<Parameters<PerfVoiceEventMap['status']>>().toEqualTypeOf<[status: Status]>();
    expectTypeOf<Parameters<PerfVoiceEventMap['error']>>().toEqualTypeOf<[err: Error]>();
    expectTypeOf<Parameters<PerfVoiceEventMap['interruption']>>().toEqualTypeOf<[]>();
    const voice = new PerfVoice({ apiKey: 'k', agentId: 'a' });
    voice.on('transcript', (role, text) => {
      expectTypeOf(role).toEqualTypeOf<'agent' | 'user'>();
      expectTypeOf(text).toBeString();
    });
    // @ts-expect-error: a listener of the wrong shape is refused
    voice.on('connected', (id: number) => id);
    // @ts-expect-error: unknown events are refused (at run time too)
    expect(() => voice.on('transcripts', () => {})).toThrow(TypeError);
  });

  it('types the state object and the bindings', () => {
    expectTypeOf<PerfVoiceState['transcript']>().toEqualTypeOf<readonly TranscriptTurn[]>();
    expectTypeOf<PerfVoiceState['error']>().toEqualTypeOf<Error | null>();
    expectTypeOf(createPerfVoice).parameter(0).toEqualTypeOf<PerfVoiceOptions | PerfVoice>();
    expectTypeOf(createPerfVoice).returns.toEqualTypeOf<PerfVoiceStore>();
    expectTypeOf<PerfVoiceStore['subscribe']>().parameter(0).toEqualTypeOf<(state: PerfVoiceState) => void>();
    type Vue = ReturnType<typeof usePerfVoice>;
    expectTypeOf<Vue['status']>().toEqualTypeOf<ComputedRef<Status>>();
    expectTypeOf<Vue['state']['value']>().toEqualTypeOf<PerfVoiceState>();
    expectTypeOf<Vue['voice']>().toEqualTypeOf<PerfVoice>();
  });
});
