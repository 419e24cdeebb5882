/**
 * Signed URLs: keys off the page. A site's backend holds the API key and asks for a short-lived
 * URL (`agent.createSignedUrl()`, or `GET /v1/voice/signed-url` on the agent's HTTP port with the
 * key in an `x-api-key` header); the page connects with that URL and never sees the key.
 *
 * The URL carries `agent_id`, `expires` (Unix time in ms) and `conversation_signature`, an
 * HMAC-SHA256 of `<agent_id>.<expires>` under a random secret of the running agent, so a URL
 * only works on the agent that made it, for that agent id, until it expires.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Options of `LocalAgent.createSignedUrl`. */
export interface SignedUrlOptions {
  /** The `agent_id` the URL is for. Default `'agent_local'`. */
  agentId?: string;
  /** Validity from now, in milliseconds (wall clock). Default 60000. */
  expiresInMs?: number;
}

/** Outcome of checking a connection's query: no signature at all, or its verdict. */
export type SignatureCheck = 'unsigned' | 'valid' | 'expired' | 'invalid';

/** Close reasons of the refused signed connections. */
export const SIGNATURE_REASONS = { expired: 'signed URL expired', invalid: 'invalid signature' } as const;

/** Signs and checks URLs with one secret (one per running agent). */
export class UrlSigner {
  private readonly secret = randomBytes(32);

  /**
   * `base` with `agent_id`, `expires` and `conversation_signature` set.
   * @param now wall-clock time in ms (`Date.now()`), injectable for tests.
   */
  sign(base: string, options: SignedUrlOptions = {}, now = Date.now()): string {
    const agentId = options.agentId ?? 'agent_local';
    const expires = Math.round(now + (options.expiresInMs ?? 60000));
    const url = new URL(base);
    url.searchParams.set('agent_id', agentId);
    url.searchParams.set('conversation_signature', this.signature(agentId, String(expires)));
    url.searchParams.set('expires', String(expires));
    return url.toString();
  }

  /** Checks the signature first (a tampered `expires` is an invalid signature), then the expiry. */
  check(query: URLSearchParams, now = Date.now()): SignatureCheck {
    const signature = query.get('conversation_signature');
    if (signature === null) return 'unsigned';
    const agentId = query.get('agent_id') ?? '';
    const expires = query.get('expires') ?? '';
    const expected = Buffer.from(this.signature(agentId, expires));
    const given = Buffer.from(signature);
    // Constant-time comparison, so the signature cannot be guessed byte by byte from timings.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(expires) > now ? 'valid' : 'expired';
  }

  private signature(agentId: string, expires: string): string {
    return createHmac('sha256', this.secret).update(`${agentId}.${expires}`).digest('base64url');
  }
}

/**
 * The backend half, for a site's server (Node 18+): asks an agent's signed-URL endpoint for a URL
 * the page can use as `wsUrl` without any key, e.g. in the handler of the page's own
 * `/voice-url` route. The API key stays on the server.
 * @param endpoint the agent's `signedUrlEndpoint`.
 * @throws with the endpoint's error when the key or agent id is refused.
 */
export async function fetchSignedUrl(endpoint: string, credentials: { apiKey: string; agentId: string }): Promise<string> {
  const url = new URL(endpoint);
  url.searchParams.set('agent_id', credentials.agentId);
  const response = await fetch(url, { headers: { 'x-api-key': credentials.apiKey } });
  const body = (await response.json().catch(() => ({}))) as { signed_url?: unknown; error?: unknown };
  if (!response.ok || typeof body.signed_url !== 'string') {
    throw new Error(`signed URL refused (${response.status}): ${String(body.error ?? 'no signed_url in the answer')}`);
  }
  return body.signed_url;
}
