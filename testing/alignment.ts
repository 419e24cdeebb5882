/**
 * Character timing for agent audio. No speech synthesis runs at runtime, so the real timing of
 * the words is unknown: the text is spread uniformly over the speech's duration, which is enough
 * for a client to highlight words roughly in step with the audio.
 */
import type { AudioAlignment } from './protocol.js';

/**
 * The alignment of each chunk of a speech saying `text`: character i starts at
 * `i × total / length` ms into the speech and lasts `total / length` ms; each chunk carries the
 * characters that start within it, times relative to the chunk's start (rounded to whole ms).
 * A chunk in which no character starts gets `undefined` (the field is optional on the wire).
 * @param chunkDurationsMs the durations of the speech's chunks, in order.
 */
export function alignText(text: string, chunkDurationsMs: readonly number[]): (AudioAlignment | undefined)[] {
  const chars = Array.from(text); // code points, so an emoji is one character
  const total = chunkDurationsMs.reduce((sum, ms) => sum + ms, 0);
  const perChar = chars.length ? total / chars.length : 0;
  let next = 0;
  let chunkStart = 0;
  return chunkDurationsMs.map((duration, index) => {
    const last = index === chunkDurationsMs.length - 1;
    const alignment: AudioAlignment = { chars: [], char_start_times_ms: [], char_durations_ms: [] };
    // The last chunk takes whatever is left, so rounding never drops a character.
    while (next < chars.length && (last || next * perChar < chunkStart + duration)) {
      alignment.chars.push(chars[next]);
      alignment.char_start_times_ms.push(Math.max(0, Math.round(next * perChar - chunkStart)));
      alignment.char_durations_ms.push(Math.round(perChar));
      next++;
    }
    chunkStart += duration;
    return alignment.chars.length ? alignment : undefined;
  });
}
