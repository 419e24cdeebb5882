/**
 * Capture processor (runs on the audio thread): device-rate mic audio → 16 kHz (anti-aliased,
 * filter state carried across render blocks) → PCM16 LE → base64 → the finished JSON text of an
 * audio chunk message, posted to the relay's port (the page's thread never sees it on the worker path).
 */
import { Resampler } from '../dsp/resampler';
import { encodeAudioChunk } from '../../protocol';
import { encodeBase64, floatToPcm16 } from '../dsp/pcm';
import { echoGuard } from '../dsp/echo';
import { processor } from './processor';

/** `processorOptions` of the capture node. */
export interface CaptureOptions {
  /** 16 kHz samples per emitted chunk. */
  chunkSize: number;
  muted: boolean;
  /** Holds back the agent's own voice picked up by the microphone (see dsp/echo.ts). */
  guard: boolean;
}

/** Main thread → capture processor: mute, or the port where chunks go from now on (to the relay). */
export type CaptureCommand = { muted: boolean } | MessagePort;

export const CaptureProcessor = processor<CaptureOptions>((port, { chunkSize, muted, guard }) => {
  const resampler = new Resampler(sampleRate, 16000);
  const resampled = new Float32Array(resampler.maxOutput(128));
  const bytes = new Uint8Array(chunkSize * 2);
  let filled = 0;
  let out: MessagePort | undefined;
  const echo = guard && echoGuard();
  const scaled = new Float32Array(128);
  let gain = 1;
  port.onmessage = ({ data }: MessageEvent<CaptureCommand>) => {
    if ('muted' in data) muted = data.muted;
    else out = data;
  };
  return ([input]) => {
    const channel = input?.[0];
    if (!channel) return;
    let block = channel;
    if (echo) {
      // Ramped across the block from the last gain to the new one: no click where the guard acts.
      const next = echo(channel, currentFrame >> 7);
      for (let i = 0; i < 128; i++) scaled[i] = channel[i] * (gain + ((next - gain) * i) / 128);
      block = scaled;
      gain = next;
    }
    const count = resampler.process(block, resampled);
    for (let i = 0; i < count; i++) {
      // Muted still streams (silence): servers treat a silent stream as a live user.
      const sample = muted ? 0 : floatToPcm16(resampled[i]);
      // Little-endian; a Uint8Array keeps the low 8 bits of what it is given.
      bytes[filled++] = sample;
      bytes[filled++] = sample >> 8;
      if (filled === bytes.length) {
        out?.postMessage(encodeAudioChunk(encodeBase64(bytes)));
        filled = 0;
      }
    }
  };
});
