/**
 * What the client told the agent besides audio: the session set-up of
 * `conversation_initiation_client_data`, typed text, context, activity and feedback, as typed
 * records. The client data is read leniently: a field of the wrong shape is skipped, never
 * refused, because the one frame allowed before the metadata must not cost the client a 1008.
 */
import type { AgentClientMessage, ClientDataMessage, ClientMessageKind, FeedbackMessage } from './protocol.js';

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
  readonly clientData: ClientDataMessage[];
  overrides: ConversationOverrides;
  dynamicVariables: DynamicVariables;
  userId: string | null;
  readonly userMessages: ReceivedText[];
  readonly contextualUpdates: ReceivedText[];
  readonly userActivity: number[];
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
