/**
 * The default conversation: it waits briefly for the client data, sends the metadata, keeps the
 * connection alive, speaks a greeting (the client's `first_message` if given), then answers every
 * user turn found by the VAD by echoing it back, and every typed message with a short reply;
 * speaking over the agent interrupts it. No speech recognition runs offline, so transcripts
 * honestly describe the audio instead.
 */
import { sampleRateOf } from './audio-format.js';
import { substituteVariables } from './client-messages.js';
import { loadBundledReplyClip, resolveGreeting } from './greeting.js';
import type { AgentSession } from './session.js';
import { TurnEvents } from './turn-events.js';
import { answerTypedMessages, ContextNotes } from './typed-turns.js';
import { EnergyVad, type SpeechSegment } from './vad.js';

/** Which parts of the default conversation {@link runDefaultConversation} runs (all by default). */
export interface DefaultParts {
  /** Speak the greeting after the metadata. */
  greeting?: boolean;
  /** Ping every `pingIntervalMs` and close on a pong timeout. */
  keepalive?: boolean;
  /**
   * Answer user turns with their echo, and stop on barge-in; with the agent's `tentative` and
   * `vadScores` options, stream tentative transcripts and VAD scores during the turns.
   */
  echo?: boolean;
  /** Answer typed `user_message`s, including the `/tool <name> <json>` command. */
  typed?: boolean;
  /** Before sending the metadata, wait up to the agent's `clientDataWaitMs` for the client data. */
  waitForClientData?: boolean;
}

/**
 * Starts the default conversation on `session`: the metadata (if not sent yet, after waiting for
 * the client data), then the chosen parts. Resolves once the greeting is under way.
 * @throws (synchronously) if a bundled clip cannot be loaded.
 */
export function runDefaultConversation(session: AgentSession, parts: DefaultParts = {}): Promise<void> {
  const { greeting = true, keepalive = true, echo = true, typed = true, waitForClientData = true } = parts;
  // Load the clips before sending anything, so a missing asset fails the session cleanly.
  const greetingToSpeak = greeting ? resolveGreeting(session.options.greeting) : null;
  if (typed) loadBundledReplyClip();
  // Listening starts now, so context or text sent while the agent waits is answered afterwards.
  const notes = new ContextNotes(session);
  const typedAnswers = typed ? answerTypedMessages(session, notes) : null;
  return (async () => {
    if (session.metadataSentAt === null) {
      if (waitForClientData) await session.waitForClientData();
      if (!session.isOpen) return;
      session.sendMetadata();
    }
    if (keepalive && session.options.pingIntervalMs) session.startKeepalive();
    if (echo) startEcho(session, notes);
    if (greetingToSpeak) {
      const text = substituteVariables(session.overrides.firstMessage ?? greetingToSpeak.text, session.dynamicVariables);
      // The clip stays the bundled one whatever the text says: no speech synthesis at runtime.
      session.speak(greetingToSpeak.audio, { text: notes.prefix(text) });
    }
    typedAnswers?.start();
  })();
}

/**
 * Listens for user turns: barge-in on a turn's start, an echo at its end, and (per the agent's
 * options) tentative transcripts and VAD scores in between. Returns the unsubscribe function.
 * @param notes contextual updates to acknowledge in the answers (default: none tracked).
 */
export function startEcho(session: AgentSession, notes?: ContextNotes): () => void {
  const vad = new EnergyVad(sampleRateOf(session.inputFormat), session.options.vad);
  const { tentative, vadScores } = session.options;
  const turnEvents = tentative || vadScores ? new TurnEvents(session, vad, { tentative, vadScores }) : null;
  return session.onAudio((chunk) => {
    const events = vad.push(chunk.samples);
    for (const event of events) {
      if (event.type === 'speech-end') answer(session, event.segment, vad.sampleRate, notes);
      else if (session.agentSpeaking || session.speeches.some((speech) => speech.active)) session.interrupt();
    }
    turnEvents?.update(chunk.samples, events);
  });
}

/** Answers a user turn: its transcript, then the agent says it back. */
function answer(session: AgentSession, segment: SpeechSegment, sampleRate: number, notes?: ContextNotes): void {
  const heard = describeSpeech(segment.durationMs);
  session.sendUserTranscript(heard);
  const text = `You said: ${heard}`;
  session.speak(segment.samples, { sampleRate, text: notes ? notes.prefix(text) : text });
}

/** The stand-in transcript of a turn, e.g. `(1.4 s of speech)`. */
export function describeSpeech(durationMs: number): string {
  return `(${(durationMs / 1000).toFixed(1)} s of speech)`;
}
