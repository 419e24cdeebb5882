/**
 * Keeping the API key out of everything the inspector shows or exports. The key travels in the
 * socket URL (`api_key=`), and servers sometimes echo it back (close reasons, error messages), so
 * every string is scrubbed twice: the known key anywhere, and any `api_key=` query value.
 */
import { redact } from '../core/errors';

/** Replaces a secret, and the value of any api-key query parameter, with `[redacted]`. */
export type Redact = (text: string) => string;

const KEY_PARAMS = /([?&](?:api_key|apikey|api-key|xi-api-key)=)[^&#\s"'<>]*/gi;

/** A redactor for one secret (the session's API key; empty: only the URL parameters). */
export function redactor(secret: string): Redact {
  return (text) => redact(text, secret).replace(KEY_PARAMS, '$1[redacted]');
}

/** Strings longer than this are cut: a debug trace wants shapes, not megabytes of payload. */
const MAX_STRING = 2000;
const MAX_ITEMS = 100;
const MAX_DEPTH = 6;
/** Object keys longer than this are cut (a server picks them too). */
const MAX_KEY = 100;

/**
 * What one copy keeps at most, in characters, each value or key counting 16 more: whatever its
 * size or shape (a million keys, a megabyte string), a payload becomes a few kB.
 */
export const MAX_SIZE = 4000;

/** What is left of a copy's {@link MAX_SIZE}: shared by the fields of one trace entry. */
export interface Budget {
  left: number;
}

/**
 * A copy of `text`, cut to `max` characters (`mark` after the cut). Always a copy: engines share a
 * slice's memory with its source, so a short piece of a huge message would keep all of it alive.
 */
export const clip = (text: string, max: number, mark = '…'): string =>
  JSON.parse(JSON.stringify(text.length > max ? text.slice(0, max) + mark : text));

/**
 * A JSON-safe, redacted copy of any value: errors become `{ name, message, code }`, functions and
 * symbols are dropped, long strings, arrays and objects are cut, and so is anything past the
 * `budget`; cycles and deep nesting end in a marker.
 */
export function jsonSafe(value: unknown, redact: Redact, depth = 0, budget: Budget = { left: MAX_SIZE }): unknown {
  if (budget.left <= 0) return '…';
  budget.left -= 16;
  if (typeof value === 'string') {
    const text = redact(value);
    const max = Math.max(0, Math.min(MAX_STRING, budget.left));
    budget.left -= Math.min(max, text.length);
    return text.length > max ? clip(text, max, `…(${text.length} chars)`) : text;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined; // undefined, functions, symbols
  if (depth >= MAX_DEPTH) return '[…]';
  if (value instanceof Error) return errorJson(value, redact);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => jsonSafe(item, redact, depth + 1, budget) ?? null);
    if (value.length > MAX_ITEMS) items.push(`…(${value.length} items)`);
    return items;
  }
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (++count > MAX_ITEMS || budget.left <= 0) {
      out['…'] = 'keys left out';
      break;
    }
    budget.left -= Math.min(key.length, MAX_KEY);
    const safe = jsonSafe((value as Record<string, unknown>)[key], redact, depth + 1, budget);
    if (safe !== undefined) out[key.length > MAX_KEY ? clip(key, MAX_KEY) : key] = safe;
  }
  return out;
}

/** An error as JSON: what a bug report needs (name, message, the SDK's stable code). */
export function errorJson(error: Error, redact: Redact): { name: string; message: string; code?: string } {
  const code = (error as { code?: unknown }).code;
  const message = redact(String(error.message));
  return { name: error.name, message: message.length > MAX_STRING ? clip(message, MAX_STRING) : message, ...(typeof code === 'string' ? { code } : {}) };
}
