import { describe, expect, it } from 'vitest';
import {
  base64ByteLength,
  decodeBase64,
  encodeBase64,
  floatToPcm16,
  int16ToPcm16LE,
  pcm16LEToInt16,
  pcm16ToFloat,
  pcm16ToUlaw,
  ulawToPcm16,
} from '../../core/audio/dsp/pcm';

/** Seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  return () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}
const rand = rng(42);
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));

describe('PCM16', () => {
  it('round-trips every int16 through float', () => {
    for (let s = -32768; s <= 32767; s++) {
      const x = pcm16ToFloat(s);
      expect(x >= -1 && x < 1).toBe(true);
      if (floatToPcm16(x) !== s) expect(floatToPcm16(x)).toBe(s);
    }
  });

  it('clamps and rounds floats', () => {
    expect(floatToPcm16(0)).toBe(0);
    expect(floatToPcm16(1)).toBe(32767);
    expect(floatToPcm16(-1)).toBe(-32768);
    expect(floatToPcm16(7.5)).toBe(32767);
    expect(floatToPcm16(-Infinity)).toBe(-32768);
    expect(floatToPcm16(NaN)).toBe(0);
    expect(floatToPcm16(0.4 / 32768)).toBe(0);
    expect(floatToPcm16(0.6 / 32768)).toBe(1);
    expect(floatToPcm16(-0.6 / 32768)).toBe(-1);
    expect(floatToPcm16(100.49 / 32768)).toBe(100);
  });

  it('converts little-endian bytes explicitly, both ways', () => {
    expect(Array.from(pcm16LEToInt16(Uint8Array.of(0x01, 0x00, 0xff, 0xff, 0x00, 0x80, 0xff, 0x7f, 0x34, 0x12, 0xaa)))).toEqual([
      1, -1, -32768, 32767, 0x1234,
    ]);
    expect(Array.from(int16ToPcm16LE(Int16Array.of(1, -1, -32768, 32767, 0x1234)))).toEqual([
      0x01, 0x00, 0xff, 0xff, 0x00, 0x80, 0xff, 0x7f, 0x34, 0x12,
    ]);
    expect(pcm16LEToInt16(new Uint8Array(1)).length).toBe(0);
  });

  it('round-trips random samples and matches Node Buffer LE reads', () => {
    const bytes = randomBytes(20001);
    const samples = pcm16LEToInt16(bytes);
    expect(samples.length).toBe(10000);
    const buf = Buffer.from(bytes);
    for (let i = 0; i < samples.length; i++) if (samples[i] !== buf.readInt16LE(2 * i)) expect(samples[i]).toBe(buf.readInt16LE(2 * i));
    expect(int16ToPcm16LE(samples)).toEqual(bytes.subarray(0, 20000));
  });

  it('writes into a caller buffer and returns it', () => {
    const out = new Uint8Array(16).fill(0xee);
    expect(int16ToPcm16LE(Int16Array.of(-2, 3), out)).toBe(out);
    expect(Array.from(out.subarray(0, 6))).toEqual([0xfe, 0xff, 0x03, 0x00, 0xee, 0xee]);
  });
});

describe('base64', () => {
  const check = (bytes: Uint8Array) => {
    const ref = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
    expect(encodeBase64(bytes)).toBe(ref);
    expect(base64ByteLength(ref)).toBe(bytes.length);
    const dec = decodeBase64(ref);
    expect(dec).toBeInstanceOf(Uint8Array);
    // Buffer.equals rather than toEqual: deep-equality on megabyte arrays takes seconds.
    expect(Buffer.from(ref, 'base64').equals(dec!)).toBe(true);
    expect(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).equals(dec!)).toBe(true);
  };

  it('matches Node Buffer for every length 0..64 (several random fills each)', () => {
    for (let n = 0; n <= 64; n++) for (let k = 0; k < 8; k++) check(randomBytes(n));
  });

  it('matches Node Buffer for large inputs', () => {
    for (const n of [3 * 65536, 3 * 65536 + 1, 3 * 65536 + 2, 1_000_000]) check(randomBytes(n));
    const all = Uint8Array.from({ length: 768 }, (_, i) => i & 255); // every byte value in every position
    check(all);
    check(all.subarray(1));
    check(all.subarray(2));
  }, 30_000);

  it('encodes only the first `length` bytes when given', () => {
    const bytes = randomBytes(100);
    for (const n of [0, 1, 2, 3, 50, 98, 99, 100]) {
      expect(encodeBase64(bytes, n)).toBe(Buffer.from(bytes.subarray(0, n)).toString('base64'));
    }
  });

  it('handles the RFC 4648 test vectors', () => {
    const vec: [string, string][] = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [plain, enc] of vec) {
      const bytes = Uint8Array.from(plain, (c) => c.charCodeAt(0));
      expect(encodeBase64(bytes)).toBe(enc);
      expect(decodeBase64(enc)).toEqual(bytes);
    }
  });

  it('decodes the empty string to an empty array', () => {
    expect(decodeBase64('')).toEqual(new Uint8Array(0));
    expect(base64ByteLength('')).toBe(0);
  });

  it('rejects invalid input', () => {
    const bad = [
      // length not a multiple of 4
      'A', 'AA', 'AAA', 'AAAAA', 'Zg=', 'Zg', 'Zm9vYg=', 'Zm9vYg===',
      // bad padding
      '=', '==', '===', '====', 'A===', '=AAA', 'A=AA', 'AA=A', 'Zg==Zg==', 'Zm9=Zm9v', 'Zm==Zg==',
      // characters outside the standard alphabet (URL-safe, punctuation, control, non-ASCII)
      'Zm9-', 'Zm9_', 'Zm9.', 'Zm9*', 'Zm9\0', 'Zm9é', 'Zm9\u0141', 'Zm9\u{1F600}'.slice(0, 4), '😀😀',
      // whitespace anywhere
      ' Zm9v', 'Zm9v ', 'Zm 9v', 'Zm9v\n', 'Zm9\nv', 'Zm9vYmFy\r\n', '\tZm9v', 'Zm\u00a09v',
    ];
    for (const s of bad) {
      expect(base64ByteLength(s), JSON.stringify(s)).toBe(-1);
      expect(decodeBase64(s), JSON.stringify(s)).toBeNull();
    }
  });

  it('validates multi-megabyte strings without throwing', () => {
    const s = 'QUJD'.repeat(4_000_000);
    expect(base64ByteLength(s)).toBe(12_000_000);
    expect(base64ByteLength(s + '!AA=')).toBe(-1);
  });
});

// Reference μ-law straight from the G.711 segment description (after the classic
// Sun Microsystems g711.c, 16-bit variant): find the segment by comparing the
// biased magnitude against each segment's end point, then take 4 mantissa bits.
const SEG_END = [0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff, 0x3fff, 0x7fff];
function refEncode(pcm: number): number {
  let mask: number;
  if (pcm < 0) {
    pcm = 0x84 - pcm;
    mask = 0x7f;
  } else {
    pcm += 0x84;
    mask = 0xff;
  }
  let seg = 0;
  while (seg < 8 && pcm > SEG_END[seg]) seg++;
  if (seg >= 8) return 0x7f ^ mask; // out of range: maximum code
  return ((seg << 4) | ((pcm >> (seg + 3)) & 0xf)) ^ mask;
}
function refDecode(u: number): number {
  u = ~u & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

describe('G.711 μ-law', () => {
  it('matches the reference encoder for every int16', () => {
    for (let s = -32768; s <= 32767; s++) if (pcm16ToUlaw(s) !== refEncode(s)) expect([s, pcm16ToUlaw(s)]).toEqual([s, refEncode(s)]);
  });

  it('matches the reference decoder for every byte', () => {
    for (let u = 0; u < 256; u++) expect(ulawToPcm16(u)).toBe(refDecode(u));
  });

  it('has the well-known code points', () => {
    expect(pcm16ToUlaw(0)).toBe(0xff);
    expect(pcm16ToUlaw(-1)).toBe(0x7f);
    expect(pcm16ToUlaw(32767)).toBe(0x80);
    expect(pcm16ToUlaw(-32768)).toBe(0x00);
    expect(ulawToPcm16(0xff)).toBe(0);
    expect(ulawToPcm16(0x7f)).toBe(0); // +0, not -0
    expect(ulawToPcm16(0x80)).toBe(32124);
    expect(ulawToPcm16(0x00)).toBe(-32124);
    expect(ulawToPcm16(0xf0)).toBe(120); // segment 0, mantissa 15 → ((15<<3)+132) − 132
  });

  it('round-trip error is within half a quantisation step across the whole int16 range', () => {
    let worstRel = 0;
    for (let s = -32768; s <= 32767; s++) {
      const d = ulawToPcm16(pcm16ToUlaw(s));
      const err = Math.abs(d - s);
      const m = Math.abs(s);
      if (m <= 32635) {
        // step in segment e is 2^(e+3) and |s|+132 ≥ 2^(e+7), so half a step ≤ (|s|+132)/32
        if (err > (m + 132) / 32) expect([s, d]).toBe('within bound');
        worstRel = Math.max(worstRel, err / (m + 132));
      } else if (err > 644) expect([s, d]).toBe('within clip bound');
      if (Math.sign(d) * Math.sign(s) < 0) expect([s, d]).toBe('same sign');
    }
    expect(worstRel).toBeLessThanOrEqual(1 / 32);
  });

  it('is idempotent on decoded values and monotonic', () => {
    for (let u = 0; u < 256; u++) {
      const d = ulawToPcm16(u);
      expect(ulawToPcm16(pcm16ToUlaw(d))).toBe(d);
    }
    let prev = -Infinity;
    for (let s = -32768; s <= 32767; s += 7) {
      const d = ulawToPcm16(pcm16ToUlaw(s));
      expect(d).toBeGreaterThanOrEqual(prev);
      prev = d;
    }
  });
});
