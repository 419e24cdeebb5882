/**
 * The default conversation: metadata, keepalive, a spoken greeting, then every user turn found
 * by the VAD is answered by echoing it back; speaking over the agent interrupts it.
 * No speech recognition runs offline, so transcripts honestly describe the audio instead.
 */
import { sampleRateOf } from './audio-format.js';
import { resolveGreeting } from './greeting.js';
import type { AgentSession } from './session.js';
import { EnergyVad, type SpeechSegment } from './vad.js';

/** Which parts of the default conversation {@link runDefaultConversation} runs (all by default). */
export interface DefaultParts {
  /** Speak the greeting after the metadata. */
  greeting?: boolean;
  /** Ping every `pingIntervalMs` and close on a pong timeout. */
  keepalive?: boolean;
  /** Answer user turns with their echo, and stop on barge-in. */
  echo?: boolean;
}

/** Starts the default conversation on `session` (sends the metadata first if it was not sent). */
export function runDefaultConversation(session: AgentSession, parts: DefaultParts = {}): void {
  const { greeting = true, keepalive = true, echo = true } = parts;
  // Load the greeting before sending anything, so a missing asset fails the session cleanly.
  const greetingToSpeak = greeting ? resolveGreeting(session.options.greeting) : null;
  if (session.metadataSentAt === null) session.sendMetadata();
  if (keepalive && session.options.pingIntervalMs) session.startKeepalive();
  if (echo) startEcho(session);
  if (greetingToSpeak) session.speak(greetingToSpeak.audio, { text: greetingToSpeak.text });
}

/** Listens for user turns: barge-in on a turn's start, an echo at its end. */
export function startEcho(session: AgentSession): () => void {
  const vad = new EnergyVad(sampleRateOf(session.inputFormat), session.options.vad);
  return session.onAudio((chunk) => {
    for (const event of vad.push(chunk.samples)) {
      if (event.type === 'speech-end') answer(session, event.segment, vad.sampleRate);
      else if (session.agentSpeaking || session.speeches.some((speech) => speech.active)) session.interrupt();
    }
  });
}

/** Answers a user turn: its transcript, then the agent says it back. */
function answer(session: AgentSession, segment: SpeechSegment, sampleRate: number): void {
  const heard = describeSpeech(segment.durationMs);
  session.sendUserTranscript(heard);
  session.speak(segment.samples, { sampleRate, text: `You said: ${heard}` });
}

/** The stand-in transcript of a turn, e.g. `(1.4 s of speech)`. */
export function describeSpeech(durationMs: number): string {
  return `(${(durationMs / 1000).toFixed(1)} s of speech)`;
}
