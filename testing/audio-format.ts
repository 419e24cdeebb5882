/**
 * Audio formats of the protocol and the conversions the local agent needs: PCM16 LE and
 * G.711 μ-law encoding, float → int16, and a windowed-sinc resampler. Everything works on whole
 * buffers: the agent converts complete utterances, so no streaming state is needed here.
 */

/** Raw PCM signed 16-bit little-endian mono at the named rate. */
export type PcmFormat = 'pcm_8000' | 'pcm_16000' | 'pcm_22050' | 'pcm_24000' | 'pcm_44100' | 'pcm_48000';

/** A wire audio format, as named by `agent_output_audio_format` / `user_input_audio_format`. */
export type AudioFormat = PcmFormat | 'ulaw_8000';

/** Every format the local agent can speak or listen in. */
export const AUDIO_FORMATS: readonly AudioFormat[] = [
  'pcm_8000',
  'pcm_16000',
  'pcm_22050',
  'pcm_24000',
  'pcm_44100',
  'pcm_48000',
  'ulaw_8000',
];

/** Whether `value` names a supported {@link AudioFormat}. */
export function isAudioFormat(value: unknown): value is AudioFormat {
  return typeof value === 'string' && (AUDIO_FORMATS as readonly string[]).includes(value);
}

/** Sample rate in Hz of a format (`pcm_22050` → 22050, `ulaw_8000` → 8000). */
export function sampleRateOf(format: AudioFormat): number {
  return Number(format.slice(format.indexOf('_') + 1));
}

/** Bytes per sample on the wire: 1 for μ-law, 2 for PCM16. */
export function bytesPerSample(format: AudioFormat): 1 | 2 {
  return format.startsWith('ulaw') ? 1 : 2;
}

/** Duration in milliseconds of `sampleCount` samples at `sampleRate`. */
export function durationMs(sampleCount: number, sampleRate: number): number {
  return (sampleCount / sampleRate) * 1000;
}

/** Encodes int16 samples (already at the format's rate) into the wire bytes of `format`. */
export function encodeAudio(samples: Int16Array, format: AudioFormat): Buffer {
  return format === 'ulaw_8000' ? encodeMuLaw(samples) : encodePcm16(samples);
}

/**
 * Decodes wire bytes of `format` into int16 samples at the format's rate.
 * @throws if a PCM16 payload has an odd number of bytes.
 */
export function decodeAudio(bytes: Uint8Array, format: AudioFormat): Int16Array {
  return format === 'ulaw_8000' ? decodeMuLaw(bytes) : decodePcm16(bytes);
}

/** PCM16 little-endian bytes of `samples`, independent of the host's endianness. */
export function encodePcm16(samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i], i * 2);
  return out;
}

/** Int16 samples from PCM16 little-endian bytes. @throws on an odd byte count. */
export function decodePcm16(bytes: Uint8Array): Int16Array {
  if (bytes.length % 2 !== 0) throw new Error(`PCM16 payload has an odd byte count (${bytes.length})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/** G.711 μ-law code of one int16 sample. */
export function muLawEncodeSample(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), MULAW_CLIP) + MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = sign | (exponent << 4) | mantissa;
  return ~magnitude & 0xff;
}

/** Int16 sample of one G.711 μ-law code. */
export function muLawDecodeSample(code: number): number {
  const byte = ~code & 0xff;
  const exponent = (byte >> 4) & 0x07;
  const magnitude = ((((byte & 0x0f) << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return byte & 0x80 ? -magnitude : magnitude;
}

/** G.711 μ-law bytes of `samples`. */
export function encodeMuLaw(samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = muLawEncodeSample(samples[i]);
  return out;
}

/** Int16 samples of G.711 μ-law bytes. */
export function decodeMuLaw(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = muLawDecodeSample(bytes[i]);
  return out;
}

/** Float samples in [-1, 1] → int16, clipped (the Web Audio convention: 1.0 → 32767, -1.0 → -32768). */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    out[i] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
  }
  return out;
}

/** Int16 samples → floats in [-1, 1). */
export function int16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] / 32768;
  return out;
}

/** Zero crossings of the sinc on each side of the kernel: 16 keeps aliasing below ~-60 dB. */
const SINC_ZERO_CROSSINGS = 16;

/**
 * Resamples a whole buffer with a Blackman-windowed sinc low-pass. The cut-off sits at 95 % of the
 * lower Nyquist frequency, so downsampling (e.g. 16 kHz → 8 kHz) does not fold speech energy
 * above 4 kHz back into the band, which linear interpolation would.
 */
export function resample(samples: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return samples.slice();
  const ratio = toRate / fromRate;
  const cutoff = Math.min(1, ratio) * 0.95; // fraction of the input Nyquist frequency
  const halfWidth = SINC_ZERO_CROSSINGS / cutoff; // kernel half-width, in input samples
  const out = new Int16Array(Math.round(samples.length * ratio));
  for (let i = 0; i < out.length; i++) {
    const center = i / ratio;
    const first = Math.max(0, Math.ceil(center - halfWidth));
    const last = Math.min(samples.length - 1, Math.floor(center + halfWidth));
    let acc = 0;
    for (let j = first; j <= last; j++) {
      const x = j - center;
      acc += samples[j] * cutoff * sinc(cutoff * x) * blackman(x / halfWidth);
    }
    out[i] = Math.max(-32768, Math.min(32767, Math.round(acc)));
  }
  return out;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Blackman window over t ∈ [-1, 1]. */
function blackman(t: number): number {
  if (t <= -1 || t >= 1) return 0;
  const phase = Math.PI * (t + 1); // 0 … 2π across the window
  return 0.42 - 0.5 * Math.cos(phase) + 0.08 * Math.cos(2 * phase);
}

/** Concatenates int16 buffers. */
export function concatSamples(parts: readonly Int16Array[]): Int16Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Int16Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
