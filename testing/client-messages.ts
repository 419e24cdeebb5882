/**
 * What the client told the agent besides audio: the session set-up of
 * `conversation_initiation_client_data`, typed text, context, activity and feedback, as typed
 * records. The client data is read leniently: a field of the wrong shape is skipped, never
 * refused, because the one frame allowed before the metadata must not cost the client a 1008.
 */
import type { AgentClientMessage, ClientDataMessage, ClientMessageKind, FeedbackMessage } from './protocol.js';
import type { ReceivedMessage } from './session-types.js';

/** The overrides of `conversation_initiation_client_data`, merged over every such message. */
export interface ConversationOverrides {
  /** `conversation_config_override.agent.prompt.prompt`: recorded only (no language model runs here). */
  prompt?: string;
  /**
   * `conversation_config_override.agent.first_message`: the greeting's text, `{{variables}}`
   * replaced. Its audio stays the bundled greeting clip (no speech synthesis at runtime).
   */
  firstMessage?: string;
  /** `conversation_config_override.agent.language`: recorded only. */
  language?: string;
  /** `conversation_config_override.tts.voice_id`: recorded only. */
  voiceId?: string;
}

/** `dynamic_variables`: values for the `{{name}}` placeholders of the agent's texts. */
export type DynamicVariables = Record<string, string | number | boolean>;

/** A `user_message` or `contextual_update` as received. */
export interface ReceivedText {
  /** Its `text`. */
  text: string;
  /** Clock time of arrival. */
  at: number;
}

/** A valid `feedback` message as received. */
export interface ReceivedFeedback {
  /** `like` or `dislike`. */
  score: FeedbackMessage['score'];
  /** The rated response's `event_id`. */
  eventId: number;
  /** Clock time of arrival. */
  at: number;
}

/** The session's typed records of client messages, filled by {@link applyClientMessage}. */
export interface ClientRecords {
  /** Every client data message, as received. */
  readonly clientData: ClientDataMessage[];
  /** Their overrides, merged. */
  overrides: ConversationOverrides;
  /** Their dynamic variables, merged. */
  dynamicVariables: DynamicVariables;
  /** The last `user_id` given. */
  userId: string | null;
  /** Typed messages. */
  readonly userMessages: ReceivedText[];
  /** Contextual updates. */
  readonly contextualUpdates: ReceivedText[];
  /** Times of the `user_activity` messages. */
  readonly userActivity: number[];
  /** Valid feedback. */
  readonly feedback: ReceivedFeedback[];
}

/** Records one valid client message (audio, pongs and tool results are handled elsewhere). */
export function applyClientMessage(records: ClientRecords, kind: ClientMessageKind, message: AgentClientMessage, at: number): void {
  // The protocol types carry an index signature that defeats narrowing by `type`, hence the casts.
  const fields = message as Record<string, unknown>;
  switch (kind) {
    case 'conversation_initiation_client_data': {
      records.clientData.push(message as ClientDataMessage);
      const read = readClientData(message as ClientDataMessage);
      records.overrides = { ...records.overrides, ...read.overrides };
      records.dynamicVariables = { ...records.dynamicVariables, ...read.dynamicVariables };
      if (read.userId !== null) records.userId = read.userId;
      return;
    }
    case 'user_message':
      records.userMessages.push({ text: fields.text as string, at });
      return;
    case 'contextual_update':
      records.contextualUpdates.push({ text: fields.text as string, at });
      return;
    case 'user_activity':
      records.userActivity.push(at);
      return;
    case 'feedback':
      records.feedback.push({ score: fields.score as ReceivedFeedback['score'], eventId: fields.event_id as number, at });
      return;
  }
}

/** The typed content of one `conversation_initiation_client_data`; absent or ill-typed fields are left out. */
export function readClientData(message: ClientDataMessage): {
  overrides: ConversationOverrides;
  dynamicVariables: DynamicVariables;
  userId: string | null;
} {
  const override = objectAt(message, 'conversation_config_override');
  const agent = objectAt(override, 'agent');
  const overrides: ConversationOverrides = {};
  const prompt = stringAt(objectAt(agent, 'prompt'), 'prompt');
  const firstMessage = stringAt(agent, 'first_message');
  const language = stringAt(agent, 'language');
  const voiceId = stringAt(objectAt(override, 'tts'), 'voice_id');
  if (prompt !== undefined) overrides.prompt = prompt;
  if (firstMessage !== undefined) overrides.firstMessage = firstMessage;
  if (language !== undefined) overrides.language = language;
  if (voiceId !== undefined) overrides.voiceId = voiceId;
  const dynamicVariables: DynamicVariables = {};
  for (const [name, value] of Object.entries(objectAt(message, 'dynamic_variables') ?? {})) {
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      dynamicVariables[name] = value;
    }
  }
  const userId = stringAt(message, 'user_id') ?? null;
  return { overrides, dynamicVariables, userId };
}

/** What {@link waitForClientData} needs from the session. */
export interface ClientDataSource {
  /** Client data received so far. */
  readonly clientData: readonly ClientDataMessage[];
  /** Whether the session is open. */
  readonly isOpen: boolean;
  /** Settles when the session has ended. */
  readonly closed: Promise<unknown>;
  /** Calls `listener` for every frame received; returns the unsubscribe function. */
  onMessage(listener: (record: ReceivedMessage) => void): () => void;
}

/**
 * Resolves with the session's first client data once it arrives (at once if it already did),
 * or `null` when another frame comes first, after `timeoutMs` or when the session closes.
 */
export function waitForClientData(session: ClientDataSource, timeoutMs: number): Promise<ClientDataMessage | null> {
  if (session.clientData.length) return Promise.resolve(session.clientData[0]);
  if (!session.isOpen || timeoutMs <= 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve(session.clientData[0] ?? null);
    };
    // Real time, not the session clock: this bounds a network round trip, which an injected
    // clock (pacing audio in tests) does not model; and it must end without anyone advancing it.
    const timer = setTimeout(finish, timeoutMs);
    // The client data, if sent at all, is the first frame: any frame ends the wait.
    const unsubscribe = session.onMessage(finish);
    void session.closed.then(finish);
  });
}

/**
 * Replaces the `{{name}}` placeholders of `text` (spaces inside the braces allowed) with the
 * variables' values. Unknown placeholders are left as they are, so a missing variable shows.
 */
export function substituteVariables(text: string, variables: DynamicVariables): string {
  return text.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (placeholder, name: string) =>
    Object.hasOwn(variables, name) ? String(variables[name]) : placeholder,
  );
}

function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  const field = isObject(value) ? value[key] : undefined;
  return isObject(field) ? field : undefined;
}

function stringAt(value: unknown, key: string): string | undefined {
  const field = isObject(value) ? value[key] : undefined;
  return typeof field === 'string' ? field : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
