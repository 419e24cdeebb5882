/**
 * What the session machine does with what the conversation brings: agent audio and interruptions,
 * transcripts and corrections, client tool calls, feedback, and the errors it reports. The machine
 * (machine.ts) wires these to its states; the resources stay with the actors it invokes.
 */
import { enqueueActions } from 'xstate';
import { PerfVoiceError, redact } from './errors';
import type { SessionContext, SessionEmitted, SessionEvent } from './session-types';
import { addTurn, cap, correctTurn } from './transcript';

/** `enqueueActions` typed for this machine once (its actors are addressed by id). */
const queue = enqueueActions<SessionContext, SessionEvent, undefined, SessionEvent, never, never, never, never, SessionEmitted>;

/** Narrows an event inside a named action; each action is only wired to the events it names. */
export const as = <T extends SessionEvent['type']>(event: SessionEvent) => event as Extract<SessionEvent, { type: T }>;

/** Records an error of this session and reports it through the `error` event. */
export const report = (make: (context: SessionContext, event: SessionEvent) => Error, ends = false) =>
  queue(({ context, event, enqueue }) => {
    const error = make(context, event);
    // Only an error that ends the session is the state's `error`; the others are events only.
    if (ends) {
      enqueue.assign({
        error,
        endedBy: 'error',
        // A session that never got established makes start() reject with this error.
        failure: context.conversationId ? null : error,
        close: context.close ?? { code: 1000, reason: error.message },
      });
    }
    enqueue.emit({ type: 'error', error });
  });

export const conversationActions = {
  /** Ends the session because audio failed (mic denied or unplugged, no Web Audio, worklet error). */
  audioFailed: report((_, event) => as<'mic.failed' | 'playback.failed'>(event).error, true),
  socketClosed: queue(({ context, event, enqueue }) => {
    const { code, reason: raw, opened, error: cause } = as<'socket.closed'>(event);
    const reason = redact(raw, context.options.apiKey);
    const agentEnded = code === 1000 && !!context.conversationId;
    enqueue.assign({ close: { code, reason }, endedBy: agentEnded ? 'agent' : 'error' });
    if (agentEnded) return;
    const detail = opened ? `closed with code ${code}${reason ? `: ${reason}` : ''}` : 'could not open';
    const error =
      cause ??
      (context.conversationId
        ? new PerfVoiceError('connection_lost', `The connection to the agent was lost (${detail}).`)
        : new PerfVoiceError(
            'connection_failed',
            `WebSocket connection failed (${detail}). Check the ${context.options.signedUrl ? 'signed URL' : 'API key, agent ID, wsUrl'} and your network connection.`,
          ));
    enqueue.assign({ error, failure: context.conversationId ? null : error });
    enqueue.emit({ type: 'error', error });
  }),
  connectTimedOut: report(
    (context) =>
      new PerfVoiceError(
        'connect_timeout',
        `The agent was not ready within ${context.options.connectTimeoutMs} ms (no conversation_initiation_metadata). ` +
          'Check the agent ID and wsUrl, or raise connectTimeoutMs.',
      ),
    true,
  ),
  // The relay has already sent the audio itself to the playback worklet: this keeps the record.
  enqueueAudio: queue(({ event, enqueue }) => {
    const audio = as<'server.audio'>(event);
    enqueue.sendTo('playback', { ...audio, type: 'playback.enqueue' });
    enqueue.assign({ lastAudioId: audio.eventId });
  }),
  interrupt: queue(({ event, enqueue }) => {
    // The relay flushed playback before reporting it; the playback actor notes the flush.
    const { generation } = as<'server.interruption'>(event);
    enqueue.sendTo('playback', { type: 'playback.flush', generation });
    enqueue.assign({ agentCut: true });
    enqueue.emit({ type: 'interruption' });
  }),
  agentResponse: queue(({ context, event, enqueue }) => {
    const { text } = as<'server.agentResponse'>(event);
    const turns = context.transcript;
    const last = turns[turns.length - 1];
    // Consecutive agent responses form one turn until the user speaks or interrupts.
    if (last?.role === 'agent' && !context.agentCut) {
      enqueue.assign({ transcript: [...turns.slice(0, -1), { ...last, text: cap(`${last.text} ${text}`, context.options) }], feedbackOpen: true });
    } else {
      enqueue.assign({ transcript: addTurn(turns, 'agent', text, context.options), agentCut: false, feedbackOpen: true });
      enqueue.sendTo('playback', { type: 'playback.turn' });
    }
    enqueue.emit({ type: 'transcript', role: 'agent', text });
  }),
  agentCorrection: queue(({ context, event, enqueue }) => {
    const { original, corrected } = as<'server.agentCorrection'>(event);
    enqueue.assign({ transcript: correctTurn(context.transcript, original, corrected, context.options) });
    // Apps built on the `transcript` event replace what they showed with what was heard.
    enqueue.emit({ type: 'correction', original, corrected });
  }),
  userTranscript: queue(({ context, event, enqueue }) => {
    const { text } = as<'server.userTranscript'>(event);
    enqueue.assign({ transcript: addTurn(context.transcript, 'user', text, context.options), tentative: '' });
    enqueue.emit({ type: 'transcript', role: 'user', text });
  }),
  tentative: queue(({ context, event, enqueue }) => {
    const text = cap(as<'server.tentative'>(event).text, context.options);
    enqueue.assign({ tentative: text });
    enqueue.emit({ type: 'tentativeTranscript', text });
  }),
  feedback: queue(({ context, event, enqueue }) => {
    const score = as<'FEEDBACK'>(event).like ? 'like' : 'dislike';
    enqueue.sendTo('socket', { type: 'socket.send', data: `{"type":"feedback","score":"${score}","event_id":${context.lastAudioId}}` });
    enqueue.assign({ feedbackOpen: false });
  }),
  callTool: queue(({ event, enqueue }) => {
    const { name, id, parameters } = as<'server.toolCall'>(event);
    enqueue.emit({ type: 'toolCall', call: { name, id, parameters } });
    enqueue.sendTo('tools', { type: 'tool.call', name, id, parameters });
  }),
  toolResult: queue(({ event, enqueue }) => {
    const { type: _, ...result } = as<'tool.result'>(event);
    const data = JSON.stringify({ type: 'client_tool_result', tool_call_id: result.id, result: result.result, is_error: result.isError });
    enqueue.sendTo('socket', { type: 'socket.send', data });
    enqueue.emit({ type: 'toolResult', result });
  }),
  reportInvalid: report(
    (_, event) => new PerfVoiceError('invalid_message', `Ignored a malformed server message (${as<'server.invalid'>(event).reason}).`),
  ),
  reportServerError: report((context, event) => {
    const { code, message } = as<'server.error'>(event);
    return new PerfVoiceError('server_error', redact(`Server error${code === null ? '' : ` ${code}`}: ${message}`, context.options.apiKey));
  }),
  reportOverflow: report(
    () => new PerfVoiceError('playback_overflow', 'More than 120 s of agent audio arrived ahead of playback; the oldest is being dropped.'),
  ),
  // Not fatal, and not state.error: the state's `audioBlocked` says it for as long as it lasts.
  reportUnrouted: report((_, event) => as<'audio.unrouted'>(event).error),
  // Not fatal: the session keeps the microphone it has.
  reportMicUnavailable: report((_, event) => as<'mic.unavailable'>(event).error),
};
