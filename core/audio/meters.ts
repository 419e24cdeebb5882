/**
 * Level meters shared between the audio actors (which own the analysers) and the PerfVoice class
 * (which reads them on demand): nothing is computed unless somebody asks.
 */
export interface Meters {
  input: (() => number) | null;
  output: (() => number) | null;
  /** The server's latest voice-activity score (0 when none). */
  vad: number;
  /** What the user has heard of the current agent turn (from alignment and the playback position). */
  heard: (() => string) | null;
  /** The playback worklet's latest jitter-buffer figures. */
  playback: { underruns: number; underrunMs: number; longestUnderrunMs: number; targetMs: number };
}

export const createMeters = (): Meters => ({
  input: null,
  output: null,
  vad: 0,
  heard: null,
  playback: { underruns: 0, underrunMs: 0, longestUnderrunMs: 0, targetMs: 0 },
});

/**
 * A 0..1 level reader over an AnalyserNode: the RMS of the latest window on a dB scale,
 * 0 at -60 dBFS or below and 1 at full scale, which is how level meters read naturally.
 */
export function analyserLevel(analyser: AnalyserNode): () => number {
  const samples = new Float32Array(analyser.fftSize);
  return () => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
    const db = 10 * Math.log10(sum / samples.length || 1e-12);
    return Math.max(0, Math.min(1, 1 + db / 60));
  };
}
