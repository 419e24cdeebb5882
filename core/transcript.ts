/** The conversation's turns: pure functions over the immutable transcript the state exposes. */
import type { SessionOptions } from './session-types';
import type { Role, TranscriptTurn } from './types';

type Limits = Pick<SessionOptions, 'maxTranscriptTurns' | 'maxTurnChars'>;

/**
 * `text` cut to `max` characters, the cut marked with '…'. The start is kept: a turn reads from
 * its beginning, and a turn that long has long stopped being read by the time it overflows. A cut
 * text is a copy, because engines share a slice's memory with its source: a slice of a huge
 * message would keep all of it alive.
 */
export const cap = (text: string, { maxTurnChars: max }: { maxTurnChars: number }): string =>
  text.length > max ? JSON.parse(JSON.stringify(text.slice(0, max - 1) + '…')) : text;

/** The transcript with a new turn at its end, its oldest turns dropped beyond the limit. */
export const addTurn = (turns: readonly TranscriptTurn[], role: Role, text: string, limits: Limits): readonly TranscriptTurn[] =>
  [...turns, { role, text: cap(text, limits), at: Date.now() }].slice(-limits.maxTranscriptTurns);

/**
 * The transcript after an `agent_response_correction`: the latest agent turn holding `original`
 * says `corrected` instead (what the user heard) and is marked `interrupted`; a turn cut before a
 * word was heard never happened and is removed. Unchanged when no turn holds `original`.
 */
export function correctTurn(turns: readonly TranscriptTurn[], original: string, corrected: string, limits: Limits): readonly TranscriptTurn[] {
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i];
    const at = turn.role === 'agent' ? turn.text.lastIndexOf(original) : -1;
    if (at >= 0) {
      const text = cap((turn.text.slice(0, at) + corrected + turn.text.slice(at + original.length)).trim(), limits);
      return [...turns.slice(0, i), ...(text ? [{ ...turn, text, interrupted: true as const }] : []), ...turns.slice(i + 1)];
    }
  }
  return turns;
}
