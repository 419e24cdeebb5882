/** The public state object, derived from a machine snapshot: never kept in a second variable. */
import type { SnapshotFrom } from 'xstate';
import type { sessionMachine } from './machine';
import type { PerfVoiceState, Status } from './types';

/**
 * Derives the state object; returns `previous` itself when nothing in it changed, so that
 * subscribers (and React's useSyncExternalStore) see a new object only on a real change.
 */
export function toState(snapshot: SnapshotFrom<typeof sessionMachine>, previous?: PerfVoiceState): PerfVoiceState {
  const { context } = snapshot;
  const status: Status = snapshot.hasTag('connected') ? 'connected' : snapshot.hasTag('connecting') ? 'connecting' : 'disconnected';
  const next: PerfVoiceState = {
    status,
    // Agent audio plays only while the context runs: a suspended one (a phone call) holds it.
    mode: snapshot.hasTag('speaking') && snapshot.hasTag('audible') ? 'speaking' : 'listening',
    isInterrupted: snapshot.hasTag('interrupted'),
    conversationId: status === 'connected' ? context.conversationId : null,
    error: context.error,
    endedBy: status === 'disconnected' ? context.endedBy : null,
    tentative: context.tentative,
    canSendFeedback: status === 'connected' && context.feedbackOpen && context.lastAudioId >= 0,
    audioBlocked: snapshot.hasTag('audioBlocked'),
    isMuted: context.muted,
    reconnecting: status === 'connecting' ? context.reconnects : 0,
    transcript: context.transcript,
  };
  if (previous && (Object.keys(next) as (keyof PerfVoiceState)[]).every((key) => next[key] === previous[key])) return previous;
  return Object.freeze(next);
}
