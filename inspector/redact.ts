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

/**
 * A JSON-safe, redacted copy of any value: errors become `{ name, message, code }`, functions and
 * symbols are dropped, long strings and arrays are cut, cycles and deep nesting end in a marker.
 */
export function jsonSafe(value: unknown, redact: Redact, depth = 0): unknown {
  if (typeof value === 'string') {
    const text = redact(value);
    return text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…(${text.length} chars)` : text;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined; // undefined, functions, symbols
  if (depth >= MAX_DEPTH) return '[…]';
  if (value instanceof Error) return errorJson(value, redact);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => jsonSafe(item, redact, depth + 1) ?? null);
    if (value.length > MAX_ITEMS) items.push(`…(${value.length} items)`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const safe = jsonSafe(item, redact, depth + 1);
    if (safe !== undefined) out[key] = safe;
  }
  return out;
}

/** An error as JSON: what a bug report needs (name, message, the SDK's stable code). */
export function errorJson(error: Error, redact: Redact): { name: string; message: string; code?: string } {
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: redact(String(error.message)), ...(typeof code === 'string' ? { code } : {}) };
}
