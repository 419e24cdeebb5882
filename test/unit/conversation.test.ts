// @vitest-environment jsdom
// A two-way conversation: typed text, context, activity and feedback; the session set-up frame;
// client tools and every way they can end; tentative transcripts, corrections, vad scores; why a
// session ended; signed URLs.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PerfVoice, PerfVoiceError } from '../../core/index';
import { resolveOptions } from '../../core/options';
import { OPTIONS, fakeVoice, fromServer, wire } from '../support/fake-session';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

type Fake = ReturnType<typeof fakeVoice>;

/** Runs a fake voice to `connected`. */
async function connected(options: Parameters<typeof fakeVoice>[0] = {}): Promise<Fake> {
  const v = fakeVoice(options);
  const started = v.voice.start();
  v.microphone.send({ type: 'mic.ready' });
  v.socket.send(fromServer(wire.metadata('conv_2w')));
  await started;
  return v;
}

const server = (v: Fake, message: unknown) => v.socket.send(fromServer(message));
const toolCall = (name: string, id: string, parameters: unknown = {}) => ({
  type: 'client_tool_call',
  client_tool_call: { tool_name: name, tool_call_id: id, parameters, event_id: 5 },
});
/** Lets promises settle (tools are async). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('messages to the agent', () => {
  it('sends typed text, context and activity as their wire frames while connected', async () => {
    const v = await connected();
    v.voice.sendUserMessage('What is on my screen?');
    v.voice.sendContextualUpdate('The user opened the pricing page.');
    v.voice.sendUserActivity();
    expect(v.sent()).toEqual([
      '{"type":"user_message","text":"What is on my screen?"}',
      '{"type":"contextual_update","text":"The user opened the pricing page."}',
      '{"type":"user_activity"}',
    ]);
  });

  it('refuses to send (nothing queued) unless connected, and refuses non-text', async () => {
    const v = fakeVoice();
    expect(() => v.voice.sendUserMessage('hi')).toThrow(expect.objectContaining({ name: 'PerfVoiceError', code: 'not_connected' }));
    void v.voice.start().catch(() => {});
    v.microphone.send({ type: 'mic.ready' });
    expect(() => v.voice.sendContextualUpdate('x')).toThrow(/No conversation is connected: call start\(\) and wait for it to resolve\./);
    expect(() => v.voice.sendUserActivity()).toThrow(PerfVoiceError);
    v.socket.send(fromServer(wire.metadata()));
    expect(() => v.voice.sendUserMessage(42 as never)).toThrow(new TypeError('PerfVoice: text must be a string.'));
    v.voice.stop();
    expect(() => v.voice.sendUserMessage('late')).toThrow(expect.objectContaining({ code: 'not_connected' }));
    expect(v.sent()).toEqual([]);
  });

  it('rates each agent response at most once, with the latest agent audio event_id', async () => {
    const v = await connected();
    expect(v.voice.getSnapshot().canSendFeedback).toBe(false);
    expect(() => v.voice.sendFeedback(true)).toThrow(expect.objectContaining({ code: 'feedback_unavailable' }));
    server(v, wire.agent('Hello.'));
    server(v, wire.audio(4));
    server(v, wire.audio(5));
    expect(v.voice.getSnapshot().canSendFeedback).toBe(true);
    v.voice.sendFeedback(false);
    expect(v.sent()).toEqual(['{"type":"feedback","score":"dislike","event_id":5}']);
    expect(v.voice.getSnapshot().canSendFeedback).toBe(false);
    expect(() => v.voice.sendFeedback(true)).toThrow(/no unrated agent response/);
    server(v, wire.agent('Anything else?'));
    server(v, wire.audio(6));
    v.voice.sendFeedback(true);
    expect(v.sent().at(-1)).toBe('{"type":"feedback","score":"like","event_id":6}');
  });
});

describe('session set-up (overrides, dynamic variables, user id)', () => {
  it('builds one conversation_initiation_client_data frame, in the wire names', () => {
    const { setup } = resolveOptions({
      ...OPTIONS,
      overrides: { agent: { prompt: 'Be brief.', firstMessage: 'Hi {{name}}!', language: 'en' }, tts: { voiceId: 'voice_7' } },
      dynamicVariables: { name: 'Ada', visits: 3, vip: true },
      userId: 'user_42',
    });
    expect(JSON.parse(setup!)).toEqual({
      type: 'conversation_initiation_client_data',
      conversation_config_override: { agent: { prompt: { prompt: 'Be brief.' }, first_message: 'Hi {{name}}!', language: 'en' }, tts: { voice_id: 'voice_7' } },
      dynamic_variables: { name: 'Ada', visits: 3, vip: true },
      user_id: 'user_42',
    });
    expect(resolveOptions(OPTIONS).setup).toBeNull();
    expect(JSON.parse(resolveOptions({ ...OPTIONS, overrides: { agent: { firstMessage: 'Yo' } } }).setup!)).toEqual({
      type: 'conversation_initiation_client_data',
      conversation_config_override: { agent: { first_message: 'Yo' } },
    });
  });

  it('rejects malformed set-up options at construction with a TypeError that names the field', () => {
    const make = (extra: object) => () => new PerfVoice({ ...OPTIONS, ...extra } as never);
    expect(make({ overrides: { agent: { firstMesage: 'typo' } } })).toThrow(
      new TypeError('PerfVoice: overrides.agent.firstMesage is not an option (prompt, firstMessage, language).'),
    );
    expect(make({ overrides: { agent: { prompt: 1 } } })).toThrow(/overrides\.agent\.prompt must be a string/);
    expect(make({ overrides: { voice: {} } })).toThrow(/overrides\.voice is not an option/);
    expect(make({ overrides: { agent: 'Be brief' } })).toThrow(/overrides\.agent must be an object/);
    expect(make({ overrides: 'x' })).toThrow(/overrides must be an object/);
    expect(make({ dynamicVariables: { when: new Date() } })).toThrow(/dynamicVariables\.when must be a string, number or boolean/);
    expect(make({ dynamicVariables: [1] })).toThrow(/dynamicVariables must be an object/);
    expect(make({ userId: 7 })).toThrow(/userId must be a string/);
    expect(make({ clientTools: { go: 'not a function' } })).toThrow(/clientTools must map tool names to functions/);
    expect(make({ clientToolTimeoutMs: 0 })).toThrow(/clientToolTimeoutMs/);
  });

  it('hands the frame to the socket, which sends it first on open', async () => {
    const v = await connected({ userId: 'u1' });
    expect(v.socket.input).toMatchObject({ setup: '{"type":"conversation_initiation_client_data","user_id":"u1"}' });
  });
});

describe('client tools', () => {
  const results = (v: Fake) => v.sent().map((frame) => JSON.parse(frame));

  it('answers every call: a string as is, an object as JSON, a throw, a rejection, an unknown name', async () => {
    const v = await connected({
      clientTools: {
        setAccent: ({ color }) => `accent is now ${color}`,
        lookup: async () => ({ plan: 'pro', seats: 3 }),
        broken: () => {
          throw new Error('no DOM here');
        },
        refusing: () => Promise.reject(new Error('user said no')),
      },
    });
    server(v, toolCall('setAccent', 't1', { color: '#e63' }));
    server(v, toolCall('lookup', 't2'));
    server(v, toolCall('broken', 't3'));
    server(v, toolCall('refusing', 't4'));
    server(v, toolCall('missing', 't5'));
    await settle();
    expect(results(v).sort((a, b) => a.tool_call_id.localeCompare(b.tool_call_id))).toEqual([
      { type: 'client_tool_result', tool_call_id: 't1', result: 'accent is now #e63', is_error: false },
      { type: 'client_tool_result', tool_call_id: 't2', result: '{"plan":"pro","seats":3}', is_error: false },
      { type: 'client_tool_result', tool_call_id: 't3', result: 'no DOM here', is_error: true },
      { type: 'client_tool_result', tool_call_id: 't4', result: 'user said no', is_error: true },
      { type: 'client_tool_result', tool_call_id: 't5', result: 'Unknown client tool "missing".', is_error: true },
    ]);
    const calls = v.events.filter(([name]) => name === 'toolCall');
    expect(calls[0]).toEqual(['toolCall', { name: 'setAccent', id: 't1', parameters: { color: '#e63' } }]);
    const outcomes = v.events.filter(([name]) => name === 'toolResult');
    expect(outcomes).toHaveLength(5);
    expect(outcomes).toContainEqual([
      'toolResult',
      { name: 'broken', id: 't3', parameters: {}, result: 'no DOM here', isError: true },
    ]);
  });

  it('answers a tool that does not settle in time with an error, once, and ignores its late result', async () => {
    vi.useFakeTimers();
    let finish: (value: string) => void = () => {};
    const v = await connected({ clientTools: { slow: () => new Promise<string>((resolve) => (finish = resolve)) }, clientToolTimeoutMs: 5000 });
    server(v, toolCall('slow', 's1'));
    await vi.advanceTimersByTimeAsync(4999);
    expect(v.sent()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(results(v)).toEqual([
      { type: 'client_tool_result', tool_call_id: 's1', result: 'Client tool "slow" did not finish within 5000 ms.', is_error: true },
    ]);
    finish('too late');
    await vi.advanceTimersByTimeAsync(10);
    expect(v.sent()).toHaveLength(1);
  });

  it('drops a result that arrives after the session ended (and never sends it on a new session)', async () => {
    let finish: (value: string) => void = () => {};
    const v = await connected({ clientTools: { slow: () => new Promise<string>((resolve) => (finish = resolve)) } });
    server(v, toolCall('slow', 'late1'));
    v.voice.stop();
    const again = v.voice.start();
    v.microphone.send({ type: 'mic.ready' });
    v.socket.send(fromServer(wire.metadata('conv_next')));
    await again;
    finish('from the old session');
    await settle();
    expect(v.sent()).toEqual([]);
    expect(v.events.filter(([name]) => name === 'toolResult')).toEqual([]);
  });

  it('rejects a malformed tool call as an invalid frame, answering nothing', async () => {
    const v = await connected({ clientTools: { go: () => 'ok' } });
    const errors: Error[] = [];
    v.voice.on('error', (error) => errors.push(error));
    server(v, { type: 'client_tool_call', client_tool_call: { tool_name: 'go' } });
    server(v, toolCall('go', 'p1', ['not', 'an', 'object']));
    await settle();
    expect(errors.map((e) => e.message)).toEqual([
      'Ignored a malformed server message (client_tool_call without a valid tool_name or tool_call_id).',
      'Ignored a malformed server message (client_tool_call without a valid parameters).',
    ]);
    expect(v.sent()).toEqual([]);
  });
});

describe('what the server says, as events and state', () => {
  it('tentative transcripts: an event each, state.tentative until the final transcript clears it', async () => {
    const v = await connected();
    server(v, { type: 'tentative_user_transcription_event' });
    server(v, { type: 'tentative_user_transcript', tentative_user_transcription_event: { user_transcript: 'what is', event_id: 6 } });
    expect(v.voice.getSnapshot().tentative).toBe('what is');
    server(v, { type: 'tentative_user_transcript', tentative_user_transcription_event: { user_transcript: 'what is the time', event_id: 7 } });
    server(v, wire.user('What is the time?'));
    expect(v.voice.getSnapshot().tentative).toBe('');
    expect(v.events.filter(([name]) => name === 'tentativeTranscript' || name === 'transcript')).toEqual([
      ['tentativeTranscript', 'what is'],
      ['tentativeTranscript', 'what is the time'],
      ['transcript', 'user', 'What is the time?'],
    ]);
  });

  it('corrections: every surface agrees on what was heard (event, corrected turn marked interrupted)', async () => {
    const v = await connected();
    server(v, wire.agent("Hello! I'm the local echo agent. Say something."));
    server(v, wire.interruption(3));
    server(v, wire.correction("Hello! I'm the local echo agent. Say something.", "Hello! I'm the"));
    expect(v.voice.getSnapshot().transcript).toEqual([{ role: 'agent', text: "Hello! I'm the", at: expect.any(Number), interrupted: true }]);
    expect(v.events.filter(([name]) => name === 'correction')).toEqual([
      ['correction', "Hello! I'm the local echo agent. Say something.", "Hello! I'm the"],
    ]);
  });

  it('an interruption whose event_id is not a safe integer is ignored, so later audio still plays', async () => {
    const v = await connected();
    server(v, { type: 'interruption', interruption_event: { event_id: 1e20 } });
    server(v, wire.audio(7));
    expect(v.playback.received).toEqual([{ type: 'playback.enqueue', eventId: expect.any(Number), byteLength: 4, alignment: { chars: [], starts: [] }, at: expect.any(Number) }]);
  });
});

describe('why a session ended', () => {
  it('says user, agent or error, in the disconnected event and the state', async () => {
    const byUser = await connected();
    byUser.voice.stop();
    expect(byUser.events.at(-1)).toEqual(['disconnected', 1000, '', 'user']);
    expect(byUser.voice.getSnapshot().endedBy).toBe('user');

    const byAgent = await connected();
    byAgent.socket.send({ type: 'socket.closed', code: 1000, reason: 'call ended', opened: true });
    expect(byAgent.events.at(-1)).toEqual(['disconnected', 1000, 'call ended', 'agent']);
    expect(byAgent.voice.getSnapshot()).toMatchObject({ endedBy: 'agent', error: null });

    const byError = await connected();
    byError.socket.send({ type: 'socket.closed', code: 1011, reason: '', opened: true });
    expect(byError.events.at(-1)).toEqual(['disconnected', 1011, '', 'error']);
    expect(byError.voice.getSnapshot()).toMatchObject({ endedBy: 'error', error: expect.objectContaining({ code: 'connection_lost' }) });

    // While a session runs there is no reason yet.
    void byError.voice.start().catch(() => {});
    expect(byError.voice.getSnapshot().endedBy).toBeNull();
  });
});

describe('signed URLs (keys off the page)', () => {
  it('needs no apiKey with a signedUrl, and uses it as the connection URL', async () => {
    const v = fakeVoice({ apiKey: undefined, agentId: undefined, signedUrl: 'wss://signed.example/v1?conversation_signature=s' } as never);
    void v.voice.start().catch(() => {});
    v.microphone.send({ type: 'mic.ready' });
    expect(v.socket.input).toMatchObject({ url: 'wss://signed.example/v1?conversation_signature=s' });
    v.voice.stop();
  });

  it('passes a signedUrl function to the socket (called there, once per start) and validates the option', () => {
    const fetchUrl = vi.fn(async () => 'wss://signed.example/v1');
    const v = fakeVoice({ signedUrl: fetchUrl } as never);
    void v.voice.start().catch(() => {});
    v.microphone.send({ type: 'mic.ready' });
    expect((v.socket.input as { url: unknown }).url).toBe(fetchUrl);
    v.voice.stop();
    expect(() => new PerfVoice({ signedUrl: 'https://x.test/' } as never)).toThrow(/signedUrl must be a ws: or wss: URL, or a function/);
    expect(() => new PerfVoice({ agentId: 'a' } as never)).toThrow(/apiKey is required .* or a signedUrl from your server/);
  });

  it('names the signed URL, not the API key, when a signed connection is refused', async () => {
    const v = fakeVoice({ apiKey: undefined, agentId: undefined, signedUrl: 'wss://signed.example/v1' } as never);
    const started = v.voice.start();
    v.microphone.send({ type: 'mic.ready' });
    v.socket.send({ type: 'socket.closed', code: 1008, reason: 'signed URL expired', opened: true });
    await expect(started).rejects.toThrow(
      'WebSocket connection failed (closed with code 1008: signed URL expired). Check the signed URL and your network connection.',
    );
  });

  it('makes start() reject with what went wrong when the signed URL could not be had', async () => {
    const v = fakeVoice();
    const started = v.voice.start();
    v.microphone.send({ type: 'mic.ready' });
    const error = new PerfVoiceError('connection_failed', 'signedUrl() failed: HTTP 401');
    v.socket.send({ type: 'socket.closed', code: 1006, reason: '', opened: false, error });
    await expect(started).rejects.toBe(error);
  });
});
