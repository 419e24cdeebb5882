/** The conversation's turns: pure functions over the immutable transcript the state exposes. */
import type { Role, TranscriptTurn } from './types';

/** The transcript with a new turn at its end. */
export const addTurn = (turns: readonly TranscriptTurn[], role: Role, text: string): readonly TranscriptTurn[] => [
  ...turns,
  { role, text, at: Date.now() },
];

/**
 * The transcript after an `agent_response_correction`: the latest agent turn holding `original`
 * says `corrected` instead (what the user heard) and is marked `interrupted`; a turn cut before a
 * word was heard never happened and is removed. Unchanged when no turn holds `original`.
 */
export function correctTurn(turns: readonly TranscriptTurn[], original: string, corrected: string): readonly TranscriptTurn[] {
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i];
    const at = turn.role === 'agent' ? turn.text.lastIndexOf(original) : -1;
    if (at >= 0) {
      const text = (turn.text.slice(0, at) + corrected + turn.text.slice(at + original.length)).trim();
      return [...turns.slice(0, i), ...(text ? [{ ...turn, text, interrupted: true as const }] : []), ...turns.slice(i + 1)];
    }
  }
  return turns;
}
