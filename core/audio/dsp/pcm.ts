// Sample-format and transport helpers usable inside AudioWorklets (no atob/btoa,
// no TextEncoder, no Buffer), and cheap enough for the main thread.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** char code → 6-bit value; only consulted after the text has been validated. */
const B64_INDEX = /* @__PURE__ */ (() => {
  const t = new Uint8Array(128);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();
// Char-class star plus a length check instead of (?:x{4})* groups: no
// backtracking, so multi-megabyte strings cannot blow the regex stack.
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Float sample in [-1, 1] → int16, clamped and rounded (NaN → 0). */
export function floatToPcm16(x: number): number {
  // Scale by 32768 (not 32767) so pcm16ToFloat round-trips exactly.
  x *= 32768;
  return x > 32767 ? 32767 : x < -32768 ? -32768 : Math.round(x) | 0;
}

/** int16 → float in [-1, 1). */
export function pcm16ToFloat(s: number): number {
  return s / 32768;
}

/** Standard base64 (with padding) of the first `length` bytes. */
export function encodeBase64(bytes: Uint8Array, length = bytes.length): string {
  let s = '';
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63];
  }
  if (i < length) {
    const two = i + 1 < length;
    const v = (bytes[i] << 16) | (two ? bytes[i + 1] << 8 : 0);
    s += B64[v >> 18] + B64[(v >> 12) & 63] + (two ? B64[(v >> 6) & 63] : '=') + '=';
  }
  return s;
}

/**
 * Decoded size of standard base64 `text`, or -1 if it is not valid
 * (length not a multiple of 4, characters outside the alphabet, whitespace,
 * misplaced or excess padding). Non-zero pad bits are tolerated, like atob.
 */
export function base64ByteLength(text: string): number {
  const n = text.length;
  if (n & 3 || !B64_RE.test(text)) return -1;
  const pad = text.charCodeAt(n - 1) === 61 ? (text.charCodeAt(n - 2) === 61 ? 2 : 1) : 0;
  return (n >> 2) * 3 - pad;
}

/** Decodes standard base64; null if `text` is not valid (see base64ByteLength). */
export function decodeBase64(text: string): Uint8Array | null {
  const len = base64ByteLength(text);
  if (len < 0) return null;
  const out = new Uint8Array(len);
  for (let i = 0, j = 0; j < len; i += 4) {
    const v =
      (B64_INDEX[text.charCodeAt(i)] << 18) |
      (B64_INDEX[text.charCodeAt(i + 1)] << 12) |
      (B64_INDEX[text.charCodeAt(i + 2)] << 6) |
      B64_INDEX[text.charCodeAt(i + 3)];
    out[j++] = v >> 16;
    if (j < len) out[j++] = v >> 8;
    if (j < len) out[j++] = v;
  }
  return out;
}

/** Little-endian 16-bit PCM bytes → samples, whatever the host endianness; an odd trailing byte is ignored. */
export function pcm16LEToInt16(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = bytes[2 * i] | (bytes[2 * i + 1] << 8);
  return out;
}

/**
 * Samples → little-endian 16-bit PCM bytes. Writes into `out` when given
 * (must hold 2·samples.length bytes; it is returned whole, not trimmed).
 */
export function int16ToPcm16LE(samples: Int16Array, out = new Uint8Array(samples.length * 2)): Uint8Array {
  for (let i = 0; i < samples.length; i++) {
    out[2 * i] = samples[i];
    out[2 * i + 1] = samples[i] >> 8;
  }
  return out;
}

// G.711 μ-law: bias 0x84 puts every segment boundary on a power of two, so the
// segment (exponent) is just the position of the top bit.

/** G.711 μ-law byte → int16 sample (range ±32124). */
export function ulawToPcm16(byte: number): number {
  const u = ~byte;
  const t = (((u & 15) << 3) + 0x84) << ((u >> 4) & 7);
  return u & 0x80 ? 0x84 - t : t - 0x84; // not -(t - 0x84): that gives -0 for 0x7F
}

/** int16 sample → G.711 μ-law byte (magnitude clipped at 32635). */
export function pcm16ToUlaw(sample: number): number {
  let s = sample | 0;
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  s = (s > 32635 ? 32635 : s) + 0x84;
  const e = 24 - Math.clz32(s); // top bit 7..14 → segment 0..7
  return ~(sign | (e << 4) | ((s >> (e + 3)) & 15)) & 255;
}
