/**
 * Capture processor (runs on the audio thread): device-rate mic audio → 16 kHz (anti-aliased,
 * filter state carried across render blocks) → PCM16 LE → base64 → the finished JSON text of an
 * audio chunk message, posted to the relay's port (the page's thread never sees it on the worker path).
 */
import { Resampler } from '../dsp/resampler';
import { encodeAudioChunk } from '../../protocol';
import { encodeBase64, floatToPcm16 } from '../dsp/pcm';

/** `processorOptions` of the capture node. */
export interface CaptureOptions {
  /** 16 kHz samples per emitted chunk. */
  chunkSize: number;
  muted: boolean;
}

/** Main thread → capture processor: mute, or the port where chunks go from now on (to the relay). */
export type CaptureCommand = { muted: boolean } | MessagePort;

export class CaptureProcessor extends AudioWorkletProcessor {
  readonly #resampler = new Resampler(sampleRate, 16000);
  readonly #resampled = new Float32Array(this.#resampler.maxOutput(128));
  readonly #bytes: Uint8Array;
  #filled = 0;
  #muted: boolean;
  #out: MessagePort | undefined;

  constructor({ processorOptions }: { processorOptions: CaptureOptions }) {
    super();
    this.#bytes = new Uint8Array(processorOptions.chunkSize * 2);
    this.#muted = processorOptions.muted;
    this.port.onmessage = ({ data }: MessageEvent<CaptureCommand>) => {
      if ('muted' in data) this.#muted = data.muted;
      else this.#out = data;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    const count = this.#resampler.process(channel, this.#resampled);
    const bytes = this.#bytes;
    for (let i = 0; i < count; i++) {
      // Muted still streams (silence): servers treat a silent stream as a live user.
      const sample = this.#muted ? 0 : floatToPcm16(this.#resampled[i]);
      bytes[this.#filled++] = sample & 255;
      bytes[this.#filled++] = (sample >> 8) & 255;
      if (this.#filled === bytes.length) {
        this.#out?.postMessage(encodeAudioChunk(encodeBase64(bytes)));
        this.#filled = 0;
      }
    }
    return true;
  }
}
