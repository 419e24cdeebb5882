/**
 * Audio formats of the protocol and the conversions the local agent needs, on whole buffers (the
 * agent converts complete utterances). The sample codecs and the resampler are the SDK's own
 * (core/audio/dsp), so the agent and the browser agree to the bit.
 */
import { Resampler } from '../core/audio/dsp/resampler';
import { floatToPcm16, int16ToPcm16LE, pcm16LEToInt16, pcm16ToFloat, pcm16ToUlaw, ulawToPcm16 } from '../core/audio/dsp/pcm';
import { formatRate, type AudioFormat } from '../core/protocol';

/** A wire audio format, as named by `agent_output_audio_format` / `user_input_audio_format`. */
export type { AudioFormat };

/** Raw PCM signed 16-bit little-endian mono at the named rate. */
export type PcmFormat = Exclude<AudioFormat, 'ulaw_8000'>;

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
export const sampleRateOf: (format: AudioFormat) => number = formatRate;

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
  return Buffer.from(int16ToPcm16LE(samples).buffer);
}

/** Int16 samples from PCM16 little-endian bytes. @throws on an odd byte count. */
export function decodePcm16(bytes: Uint8Array): Int16Array {
  if (bytes.length % 2 !== 0) throw new Error(`PCM16 payload has an odd byte count (${bytes.length})`);
  return pcm16LEToInt16(bytes);
}

/** G.711 μ-law code of one int16 sample. */
export const muLawEncodeSample: (sample: number) => number = pcm16ToUlaw;

/** Int16 sample of one G.711 μ-law code. */
export const muLawDecodeSample: (code: number) => number = ulawToPcm16;

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

/** Float samples in [-1, 1] → int16, clipped. */
export function floatToInt16(samples: Float32Array): Int16Array {
  return Int16Array.from(samples, floatToPcm16);
}

/** Int16 samples → floats in [-1, 1). */
export function int16ToFloat(samples: Int16Array): Float32Array {
  return Float32Array.from(samples, pcm16ToFloat);
}

/**
 * Resamples a whole buffer with the SDK's polyphase low-pass resampler, compensating its delay so
 * the output lines up with the input (round(length × ratio) samples).
 */
export function resample(samples: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return samples.slice();
  const resampler = new Resampler(fromRate, toRate);
  const length = Math.round((samples.length * toRate) / fromRate);
  const skip = Math.round(resampler.delay);
  // The signal, then enough silence to push its tail out through the filter.
  const input = new Float32Array(samples.length + Math.ceil(((skip + 2) * fromRate) / toRate));
  input.set(int16ToFloat(samples));
  const output = new Float32Array(resampler.maxOutput(input.length));
  resampler.process(input, output);
  return Int16Array.from(output.subarray(skip, skip + length), floatToPcm16);
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
