// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  AUDIO_FORMATS,
  decodeAudio,
  decodePcm16,
  encodeAudio,
  encodePcm16,
  floatToInt16,
  muLawDecodeSample,
  muLawEncodeSample,
  resample,
  sampleRateOf,
} from '../../testing/audio-format.js';
import { DEFAULT_GREETING_TEXT, loadBundledGreeting, resolveGreeting } from '../../testing/greeting.js';
import { EnergyVad, type VadEvent } from '../../testing/vad.js';
import { encodeWav, parseWav } from '../../testing/wav.js';
import { join, silence, speechLike } from './helpers.js';

function tone(frequency: number, seconds: number, rate: number, amplitude = 0.5): Int16Array {
  return floatToInt16(Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / rate)));
}

function rms(samples: Int16Array): number {
  return Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);
}

/** Frequency estimate from zero crossings (pure tones only). */
function frequencyOf(samples: Int16Array, rate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1] < 0 !== samples[i] < 0) crossings++;
  return (crossings / 2 / samples.length) * rate;
}

describe('audio formats', () => {
  it('names rates and round-trips every format', () => {
    expect(AUDIO_FORMATS.map(sampleRateOf)).toEqual([8000, 16000, 22050, 24000, 44100, 48000, 8000]);
    const signal = tone(440, 0.1, 8000);
    for (const format of AUDIO_FORMATS) {
      const back = decodeAudio(encodeAudio(signal, format), format);
      const error = rms(back.map((x, i) => x - signal[i]) as Int16Array);
      expect(error / rms(signal)).toBeLessThan(format === 'ulaw_8000' ? 0.03 : 1e-9);
    }
  });

  it('PCM16 is little-endian and rejects odd byte counts', () => {
    expect([...encodePcm16(Int16Array.of(1, -2, 32767, -32768))]).toEqual([1, 0, 0xfe, 0xff, 0xff, 0x7f, 0x00, 0x80]);
    expect([...decodePcm16(Uint8Array.of(1, 0, 0xfe, 0xff))]).toEqual([1, -2]);
    expect(() => decodePcm16(Uint8Array.of(1, 2, 3))).toThrow(/odd/);
  });

  it('μ-law matches G.711 reference codes', () => {
    expect([0, 1, -1, 1000, -1000, 32767, -32768].map(muLawEncodeSample)).toEqual([0xff, 0xff, 0x7f, 0xce, 0x4e, 0x80, 0x00]);
    expect(muLawDecodeSample(0x80)).toBe(32124);
    expect(muLawDecodeSample(0xff)).toBe(0);
  });

  it('resampling keeps duration, pitch and level', () => {
    const source = tone(440, 1, 16000);
    for (const rate of [8000, 22050, 24000, 44100, 48000]) {
      const out = resample(source, 16000, rate);
      expect(out.length).toBe(rate);
      const middle = out.subarray(rate / 10, rate - rate / 10); // away from the edges
      expect(frequencyOf(middle, rate)).toBeCloseTo(440, -1);
      expect(rms(middle) / rms(source.subarray(1600, 14400))).toBeCloseTo(1, 1);
    }
  });

  it('downsampling filters what the lower rate cannot carry instead of aliasing it', () => {
    // 6 kHz does not exist at 8 kHz; linear interpolation would fold it to 2 kHz at full level.
    const out = resample(tone(6000, 0.5, 16000), 16000, 8000);
    expect(rms(out.subarray(400, 3600)) / rms(tone(6000, 0.5, 16000))).toBeLessThan(0.01);
  });
});

describe('WAV and the greeting asset', () => {
  it('round-trips mono PCM16 WAV', () => {
    const samples = tone(300, 0.05, 22050);
    expect(parseWav(encodeWav({ samples, sampleRate: 22050 }))).toEqual({ samples, sampleRate: 22050 });
    expect(() => parseWav(Buffer.from('not a wav file'))).toThrow(/RIFF/);
  });

  it('loads the bundled greeting: a few seconds of 16 kHz speech', () => {
    const clip = loadBundledGreeting();
    expect(clip.sampleRate).toBe(16000);
    expect(clip.samples.length / 16000).toBeGreaterThan(2);
    expect(clip.samples.length / 16000).toBeLessThan(6);
    expect(rms(clip.samples)).toBeGreaterThan(1000);
    expect(resolveGreeting(undefined)?.text).toBe(DEFAULT_GREETING_TEXT);
    expect(resolveGreeting('Hi')?.audio).toBe(clip);
    expect(resolveGreeting(false)).toBeNull();
  });
});

describe('EnergyVad', () => {
  const turns = (events: VadEvent[]) =>
    events.flatMap((event) => (event.type === 'speech-end' ? [Math.round(event.segment.durationMs)] : []));

  it('finds a 1.2 s turn, ending it after the hangover, whatever the chunk size', () => {
    const input = join(silence(0.3), speechLike(1.2), silence(1));
    for (const chunk of [160, 2048, 333, input.length]) {
      const vad = new EnergyVad(16000);
      const events: VadEvent[] = [];
      for (let i = 0; i < input.length; i += chunk) events.push(...vad.push(input.subarray(i, i + chunk)));
      expect(events.map((e) => e.type)).toEqual(['speech-start', 'speech-end']);
      expect(events[0]).toEqual({ type: 'speech-start', startSample: 4800 });
      expect(turns(events)).toEqual([1200]);
    }
  });

  it('does not end the turn before the hangover has passed', () => {
    const vad = new EnergyVad(16000, { hangoverMs: 700 });
    expect(turns(vad.push(join(speechLike(0.5), silence(0.6))))).toEqual([]);
    expect(vad.inSpeech).toBe(true);
    expect(turns(vad.push(silence(0.2)))).toEqual([500]);
  });

  it('ignores clicks shorter than minSpeechMs and speech below the threshold', () => {
    const vad = new EnergyVad(16000);
    expect(vad.push(join(speechLike(0.06), silence(1)))).toEqual([]);
    const quiet = speechLike(1).map((x) => Math.round(x / 100)) as Int16Array; // about -65 dBFS
    expect(vad.push(join(quiet, silence(1)))).toEqual([]);
  });

  it('adapts to a steady noise floor so noise alone is not an endless turn', () => {
    const vad = new EnergyVad(16000, { noiseWindowMs: 1000 });
    const hum = tone(100, 3, 16000, 0.03); // about -33 dBFS, above the fixed threshold
    const events = vad.push(hum);
    expect(turns(events).length).toBe(1); // read as speech until the floor caught up
    expect(vad.inSpeech).toBe(false);
    expect(vad.push(tone(100, 2, 16000, 0.03))).toEqual([]);
  });

  it('cuts turns at maxSpeechMs and flush() ends a turn in progress', () => {
    const vad = new EnergyVad(16000, { maxSpeechMs: 1000 });
    expect(turns(vad.push(speechLike(1.5)))).toEqual([1000]);
    expect(turns(vad.flush())).toEqual([500]);
  });
});
