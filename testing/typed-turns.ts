/**
 * The default conversation's answers to text: a typed `user_message` is answered like speech (its
 * `user_transcript`, then a spoken reply), `/tool <name> <json>` makes the agent call that client
 * tool and say the outcome, and contextual updates are acknowledged in the next spoken turn.
 * Every reply is spoken with the bundled "Got your message." clip; its words are in the text.
 */
import { loadBundledReplyClip } from './greeting.js';
import type { UserTextMessage, ContextualUpdateMessage } from './protocol.js';
import type { AgentSession } from './session.js';

/**
 * Contextual updates not yet acknowledged. Each spoken turn's text takes them as a prefix,
 * `(noted: <text>) `, so a client can see that the agent got the context.
 */
export class ContextNotes {
  private pending: string[] = [];

  /** Starts collecting the session's `contextual_update`s (it stops when the session closes). */
  constructor(session: AgentSession) {
    session.onMessage((record) => {
      if (record.kind === 'contextual_update') this.pending.push((record.message as ContextualUpdateMessage).text);
    });
  }

  /** `text` with the pending notes before it; they count as acknowledged from now on. */
  prefix(text: string): string {
    const notes = this.pending.map((note) => `(noted: ${note}) `).join('');
    this.pending = [];
    return notes + text;
  }
}

/** The typed-message handler of a session, answering once {@link TypedAnswers.start} was called. */
export interface TypedAnswers {
  /** Answers the messages held so far, and every later one at once (call after the metadata). */
  start(): void;
}

/** Answers the session's typed messages; those received before `start()` are held until then. */
export function answerTypedMessages(session: AgentSession, notes: ContextNotes): TypedAnswers {
  let started = false;
  const held: string[] = [];
  session.onMessage((record) => {
    if (record.kind !== 'user_message') return;
    const text = (record.message as UserTextMessage).text;
    if (started) answerText(session, notes, text);
    else held.push(text);
  });
  return {
    start: () => {
      started = true;
      for (const text of held.splice(0)) answerText(session, notes, text);
    },
  };
}

/** A parsed `/tool` command, or why it could not be read. */
export type ToolCommand = { name: string; parameters: Record<string, unknown> } | { error: string };

/**
 * Reads `/tool <name> <json>` (the JSON object of parameters is optional, default `{}`);
 * `null` when `text` is no tool command at all.
 */
export function parseToolCommand(text: string): ToolCommand | null {
  const match = /^\/tool(?:\s+(\S+))?\s*([\s\S]*)$/.exec(text.trim());
  if (!match) return null;
  const [, name, json] = match;
  if (!name) return { error: 'no tool name (use /tool <name> <json>)' };
  if (!json) return { name, parameters: {} };
  let parameters: unknown;
  try {
    parameters = JSON.parse(json);
  } catch {
    return { error: `parameters of ${name} are not JSON` };
  }
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    return { error: `parameters of ${name} are not a JSON object` };
  }
  return { name, parameters: parameters as Record<string, unknown> };
}

function answerText(session: AgentSession, notes: ContextNotes, text: string): void {
  session.sendUserTranscript(text);
  const command = parseToolCommand(text);
  if (!command) return reply(session, notes, `You wrote: ${text}`);
  if ('error' in command) return reply(session, notes, `I could not call that tool: ${command.error}`);
  const { name, parameters } = command;
  session.callClientTool(name, parameters).then(
    (result) => reply(session, notes, `Tool ${name} ${result.isError ? 'failed' : 'returned'}: ${result.result}`),
    () => {
      // Closing rejects the call too; then there is nobody left to tell.
      if (session.isOpen) reply(session, notes, `Tool ${name} failed: no result within ${session.options.clientToolTimeoutMs} ms`);
    },
  );
}

/** Speaks `text` (after the pending notes) with the bundled reply clip; queued behind any speech. */
function reply(session: AgentSession, notes: ContextNotes, text: string): void {
  session.speak(loadBundledReplyClip(), { text: notes.prefix(text) });
}
