// Sample-format and transport helpers usable inside AudioWorklets (no atob/btoa,
// no TextEncoder, no Buffer), and cheap enough for the main thread.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
// Char-class star plus a length check instead of (?:x{4})* groups: no
// backtracking, so multi-megabyte strings cannot blow the regex stack.
// The group is the text before its padding.
const B64_RE = /^([A-Za-z0-9+/]*)={0,2}$/;

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
  // Bits not yet written sit at the bottom of `acc`; what shifts out the top is written already.
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < length; i++) {
    acc = (acc << 8) | bytes[i];
    for (bits += 8; bits >= 6; ) s += B64[(acc >> (bits -= 6)) & 63];
  }
  if (bits) s += B64[(acc << (6 - bits)) & 63];
  while (s.length & 3) s += '=';
  return s;
}

/**
 * Decoded size of standard base64 `text`, or -1 if it is not valid
 * (length not a multiple of 4, characters outside the alphabet, whitespace,
 * misplaced or excess padding). Non-zero pad bits are tolerated, like atob.
 */
export function base64ByteLength(text: string): number {
  const match = B64_RE.exec(text);
  // 4 characters to 3 bytes; the 1 or 2 characters before padding carry 1 or 2 bytes.
  return text.length & 3 || !match ? -1 : (match[1].length * 3) >> 2;
}

/** Decodes standard base64; null if `text` is not valid (see base64ByteLength). */
export function decodeBase64(text: string): Uint8Array | null {
  const len = base64ByteLength(text);
  if (len < 0) return null;
  const out = new Uint8Array(len);
  // Six bits a character; a byte out whenever eight are gathered; the loop ends at `len`,
  // before any '=' is read.
  for (let i = 0, j = 0, acc = 0, bits = 0; j < len; i++) {
    const c = text.charCodeAt(i);
    // The alphabet's runs by char code: A-Z, a-z, 0-9, then '+' and '/'.
    acc = (acc << 6) | (c > 96 ? c - 71 : c > 64 ? c - 65 : c > 47 ? c + 4 : c > 43 ? 63 : 62);
    if ((bits += 6) >= 8) out[j++] = acc >> (bits -= 8);
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
