/**
 * Constructor options: checked once, at construction, with a TypeError that says what to fix, and
 * turned into what the session needs (defaults applied, the session set-up frame built).
 */
import type { SessionOptions } from './machine';
import type { PerfVoiceOptions } from './types';

/** The Perf voice endpoint used when `wsUrl` is not given. */
export const DEFAULT_WS_URL = 'wss://api.withperf.pro/v1/voice/conversation';

const fail = (message: string): never => {
  throw new TypeError(`PerfVoice: ${message}`);
};

const isWs = (url: string) => {
  try {
    return /^wss?:$/.test(new URL(url).protocol);
  } catch {
    return false;
  }
};

/** An object with only the named fields (strings, unless `type` says otherwise), or fails naming the stray or wrong one. */
function fields(value: unknown, name: string, keys: string[], type = 'string'): Record<string, string> {
  if (typeof value !== 'object' || !value || Array.isArray(value)) fail(`${name} must be an object.`);
  for (const [key, field] of Object.entries(value as object)) {
    if (!keys.includes(key)) fail(`${name}.${key} is not an option (${keys.join(', ')}).`);
    if (typeof field !== type) fail(`${name}.${key} must be a${type === 'object' ? 'n' : ''} ${type}.`);
  }
  return value as Record<string, string>;
}

/**
 * The `conversation_initiation_client_data` frame for `overrides`, `dynamicVariables` and
 * `userId`, or null when none is given (nothing is sent then).
 */
function setupFrame({ overrides, dynamicVariables, userId }: PerfVoiceOptions): string | null {
  if (overrides === undefined && dynamicVariables === undefined && userId === undefined) return null;
  const frame: Record<string, unknown> = { type: 'conversation_initiation_client_data' };
  if (overrides !== undefined) {
    const { agent, tts } = fields(overrides, 'overrides', ['agent', 'tts'], 'object') as NonNullable<PerfVoiceOptions['overrides']>;
    const config: Record<string, unknown> = {};
    if (agent !== undefined) {
      const { prompt, firstMessage, language } = fields(agent, 'overrides.agent', ['prompt', 'firstMessage', 'language']);
      config.agent = { prompt: prompt === undefined ? undefined : { prompt }, first_message: firstMessage, language };
    }
    if (tts !== undefined) config.tts = { voice_id: fields(tts, 'overrides.tts', ['voiceId']).voiceId };
    frame.conversation_config_override = config;
  }
  if (dynamicVariables !== undefined) {
    if (typeof dynamicVariables !== 'object' || !dynamicVariables || Array.isArray(dynamicVariables)) fail('dynamicVariables must be an object.');
    for (const [key, value] of Object.entries(dynamicVariables)) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) fail(`dynamicVariables.${key} must be a string, number or boolean.`);
    }
    frame.dynamic_variables = dynamicVariables;
  }
  if (userId !== undefined) frame.user_id = typeof userId === 'string' ? userId : fail('userId must be a string.');
  // undefined fields (e.g. no prompt) vanish here.
  return JSON.stringify(frame);
}

/** Checks the options and applies the defaults. */
export function resolveOptions(options: PerfVoiceOptions): SessionOptions {
  const {
    apiKey = '',
    agentId = '',
    wsUrl = DEFAULT_WS_URL,
    signedUrl,
    chunkSize = 2048,
    connectTimeoutMs = 15000,
    inputDeviceId,
    outputDeviceId,
    workletUrl,
    audioThread,
    workerUrl,
    clientTools = {},
    clientToolTimeoutMs = 30000,
    inactivityTimeoutMs = 10000,
    maxTranscriptTurns = 1000,
    maxTurnChars = 10000,
    reconnect,
    echoGuard = false,
  } = options ?? fail('options are required ({ apiKey, agentId }).');
  if (signedUrl === undefined) {
    if (typeof apiKey !== 'string' || !apiKey) fail('apiKey is required (your project API key, pk_live_...), or a signedUrl from your server.');
    if (typeof agentId !== 'string' || !agentId) fail('agentId is required (the voice agent ID from the dashboard).');
  } else if (typeof signedUrl === 'string' ? !isWs(signedUrl) : typeof signedUrl !== 'function') {
    fail('signedUrl must be a ws: or wss: URL, or a function that resolves to one.');
  }
  if (!isWs(wsUrl)) fail('wsUrl must be a ws: or wss: URL.');
  if (!Number.isInteger(chunkSize) || chunkSize < 128) fail('chunkSize must be a whole number of samples, 128 or more.');
  if (!(connectTimeoutMs > 0)) fail('connectTimeoutMs must be a positive number of milliseconds.');
  if (workletUrl !== undefined && (typeof workletUrl !== 'string' || !workletUrl)) fail('workletUrl must be the URL of perfvoice/worklets/processors.js.');
  if (audioThread !== undefined && audioThread !== 'worker' && audioThread !== 'main') fail("audioThread must be 'worker' or 'main'.");
  if (workerUrl !== undefined && (typeof workerUrl !== 'string' || !workerUrl)) fail('workerUrl must be the URL of perfvoice/worklets/relay.js.');
  if (typeof clientTools !== 'object' || !clientTools || Object.values(clientTools).some((tool) => typeof tool !== 'function')) {
    fail('clientTools must map tool names to functions.');
  }
  if (!(clientToolTimeoutMs > 0)) fail('clientToolTimeoutMs must be a positive number of milliseconds.');
  if (!(inactivityTimeoutMs >= 0)) fail('inactivityTimeoutMs must be a number of milliseconds, 0 for no limit.');
  const retry = reconnect && { attempts: 5, backoffMs: 500, ...(reconnect === true ? {} : (fields(reconnect, 'reconnect', ['attempts', 'backoffMs'], 'number') as object)) };
  for (const [name, limit] of Object.entries({ maxTranscriptTurns, maxTurnChars, 'reconnect.attempts': retry ? retry.attempts : 1 })) {
    if (!(limit >= 1)) fail(`${name} must be a number, 1 or more.`);
  }
  if (retry && !(retry.backoffMs >= 0)) fail('reconnect.backoffMs must be a number of milliseconds.');
  return {
    apiKey,
    agentId,
    wsUrl,
    signedUrl,
    chunkSize,
    connectTimeoutMs,
    inputDeviceId,
    outputDeviceId,
    workletUrl,
    audioThread,
    workerUrl,
    clientTools,
    clientToolTimeoutMs,
    inactivityTimeoutMs,
    maxTranscriptTurns,
    maxTurnChars,
    reconnect: retry || null,
    echoGuard: !!echoGuard,
    setup: setupFrame(options),
  };
}
