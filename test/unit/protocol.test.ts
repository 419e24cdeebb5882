import { describe, expect, it } from 'vitest';
import {
  connectionUrl,
  encodeAudioChunk,
  encodeClientMessage,
  encodePong,
  formatRate,
  parseServerMessage,
} from '../../core/protocol';
import { fromServer, wire } from '../support/fake-session';
import type { AudioFormat } from '../../core/protocol';

// A frame as a session sees it: the relay takes the real-time ones (audio, pings, interruptions)
// when they are well-formed, the parser judges everything else. Raw strings go to the parser.
const parse = (message: unknown, format?: AudioFormat) =>
  typeof message === 'string' ? parseServerMessage(message) : fromServer(message, format);

describe('server frames: well-formed messages', () => {
  it('reads the initiation metadata, defaulting formats', () => {
    expect(parse(wire.metadata('conv_9', 'ulaw_8000'))).toMatchObject({
      type: 'server.metadata',
      conversationId: 'conv_9',
      outputFormat: 'ulaw_8000',
      inputFormat: 'pcm_16000',
    });
    const bare = { type: 'conversation_initiation_metadata', conversation_initiation_metadata_event: { conversation_id: 'c' } };
    expect(parse(bare)).toMatchObject({ type: 'server.metadata', outputFormat: 'pcm_16000', inputFormat: 'pcm_16000' });
  });

  it('reads audio with its event id and decoded byte length (the samples go to playback, not here)', () => {
    expect(parse(wire.audio(7, 'AAECAw=='))).toEqual({ type: 'server.audio', eventId: 7, byteLength: 4, alignment: { chars: [], starts: [] }, at: expect.any(Number) });
  });

  it('reads transcripts, corrections, interruptions, pings and errors', () => {
    expect(parse(wire.agent('hi'))).toMatchObject({ type: 'server.agentResponse', text: 'hi' });
    expect(parse(wire.user('yo'))).toMatchObject({ type: 'server.userTranscript', text: 'yo' });
    expect(parse(wire.correction('a b', 'a'))).toMatchObject({ type: 'server.agentCorrection', original: 'a b', corrected: 'a' });
    expect(parse(wire.interruption(8))).toMatchObject({ type: 'server.interruption', eventId: 8 });
    expect(parse(wire.ping(9, null))).toMatchObject({ type: 'server.ping', eventId: 9, pingMs: null });
    expect(parse(wire.ping(9, 50))).toMatchObject({ pingMs: 50 });
    expect(parse({ type: 'error', error_event: { code: 1002, message: 'ASR timeout' } })).toMatchObject({
      type: 'server.error',
      code: 1002,
      message: 'ASR timeout',
    });
    expect(parse({ type: 'error' })).toMatchObject({ type: 'server.error', code: null, message: 'unspecified server error' });
  });

  it('passes unknown and informational types through as server.unknown with the raw object', () => {
    const part = { type: 'agent_chat_response_part', text_response_part: { text: 'Hi' } };
    expect(parse(part)).toEqual({ type: 'server.unknown', raw: part });
    expect(parse({ type: 'brand_new_thing', x: [1] })).toMatchObject({ type: 'server.unknown' });
  });
});

describe('server frames: malformed input never throws', () => {
  const cases: [string, unknown, string][] = [
    ['bad JSON', '{"type":', 'not JSON'],
    ['empty text', '', 'not JSON'],
    ['an array', '[1,2]', 'not a JSON object'],
    ['null', 'null', 'not a JSON object'],
    ['a number', '42', 'not a JSON object'],
    ['a string', '"ping"', 'not a JSON object'],
    ['no type', { audio_event: {} }, 'no message type'],
    ['a numeric type', { type: 3 }, 'no message type'],
    ['metadata without payload', { type: 'conversation_initiation_metadata' }, 'conversation_id'],
    ['metadata with a bad format', { ...wire.metadata(), conversation_initiation_metadata_event: { conversation_id: 'c', agent_output_audio_format: 'mp3_44100' } }, 'agent_output_audio_format'],
    ['audio without data', { type: 'audio', audio_event: { event_id: 1 } }, 'audio_base_64'],
    ['audio without event id', { type: 'audio', audio_event: { audio_base_64: 'AAAA' } }, 'event_id'],
    ['audio with a negative event id', wire.audio(-1), 'event_id'],
    ['audio with a fractional event id', wire.audio(1.5), 'event_id'],
    ['audio payload as an array', { type: 'audio', audio_event: ['AAAA'] }, 'audio_base_64'],
    ['invalid base64', wire.audio(1, 'AA$A'), 'audio_base_64 of whole samples'],
    ['base64 of a bad length', wire.audio(1, 'AAA'), 'audio_base_64 of whole samples'],
    ['an odd PCM byte count', wire.audio(1, 'AAEC'), 'audio_base_64 of whole samples'],
    ['audio with an id beyond safe integers', wire.audio(1e20), 'event_id'],
    ['an interruption with an id beyond safe integers', wire.interruption(1e20), 'event_id'],
    ['agent_response without text', { type: 'agent_response', agent_response_event: {} }, 'agent_response'],
    ['user_transcript with a number', { type: 'user_transcript', user_transcription_event: { user_transcript: 4 } }, 'user_transcript'],
    ['interruption without event id', { type: 'interruption', interruption_event: {} }, 'event_id'],
    ['ping without event id', { type: 'ping', ping_event: { ping_ms: 3 } }, 'event_id'],
    ['ping without payload', { type: 'ping' }, 'event_id'],
    ['correction without fields', { type: 'agent_response_correction', agent_response_correction_event: {} }, 'correction'],
  ];
  for (const [name, input, reason] of cases) {
    it(`returns server.invalid for ${name}`, () => {
      const event = parse(input);
      expect(event.type).toBe('server.invalid');
      expect((event as { reason: string }).reason).toContain(reason);
    });
  }

  it('accepts an odd byte count for μ-law audio', () => {
    expect(parse(wire.audio(1, 'AAE='), 'ulaw_8000')).toMatchObject({ type: 'server.audio', byteLength: 2 });
    expect(parse(wire.audio(1, 'AAEC'), 'ulaw_8000')).toMatchObject({ type: 'server.audio', byteLength: 3 });
    expect(parse(wire.audio(1, 'AAEC'))).toMatchObject({ type: 'server.invalid' });
  });

  it('survives a fuzz of random frames', () => {
    const alphabet = '{}[]":,0123456789abtypeaudio_event ';
    for (let i = 0; i < 2000; i++) {
      let text = '';
      for (let j = 0; j < 1 + (i % 40); j++) text += alphabet[(i * 7919 + j * 104729) % alphabet.length];
      expect(() => parseServerMessage(text)).not.toThrow();
    }
  });
});

describe('client encoders', () => {
  it('builds the audio chunk and pong frames', () => {
    expect(JSON.parse(encodeAudioChunk('AAAA'))).toEqual({ user_audio_chunk: 'AAAA' });
    expect(JSON.parse(encodePong(12))).toEqual({ type: 'pong', event_id: 12 });
    expect(JSON.parse(encodeClientMessage({ type: 'user_message', text: 'hi "there"' }))).toEqual({ type: 'user_message', text: 'hi "there"' });
  });

  it('puts credentials in the query string, URL-encoded', () => {
    const url = new URL(connectionUrl('wss://example.test/v1/voice/conversation?x=1', 'pk live&1', 'agent/1'));
    expect(url.searchParams.get('api_key')).toBe('pk live&1');
    expect(url.searchParams.get('agent_id')).toBe('agent/1');
    expect(url.searchParams.get('x')).toBe('1');
  });

  it('knows every format rate', () => {
    expect(formatRate('pcm_22050')).toBe(22050);
    expect(formatRate('ulaw_8000')).toBe(8000);
  });
});
