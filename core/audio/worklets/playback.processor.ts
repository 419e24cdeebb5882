/**
 * Playback processor (runs on the audio thread): a FIFO of agent audio in the agent's format,
 * decoded here and resampled to the context rate as it plays. Gapless across chunks, a short
 * fade on flush (no click, and no agent talking on after an interruption), bounded in length.
 * An adaptive jitter buffer (dsp/jitter.ts) holds back the start until enough audio is queued
 * to ride out the network's lateness seen so far; a dry-out fades out and a resume fades in.
 * It reports when sound starts and when the queue has drained: the session's `agentSpeaking`
 * state follows these reports, not guesses from the server's messages. Jitter statistics are
 * reported as they change.
 */
import { Resampler } from '../dsp/resampler';
import { decodeBase64, pcm16LEToInt16, ulawToPcm16 } from '../dsp/pcm';
import { Jitter, type JitterStats } from '../dsp/jitter';
import { played, rms } from '../dsp/echo';
import { processor } from './processor';

/** `processorOptions` of the playback node. */
export interface PlaybackOptions {
  /** Agent audio sample rate. */
  rate: number;
  /** μ-law bytes (ulaw_8000) rather than PCM16 LE. */
  ulaw: boolean;
  /** Bound of the queue in seconds of agent audio. */
  maxSeconds: number;
}

/** Relay → playback processor (on the port the page hands over). */
export type PlaybackCommand = { type: 'audio'; audio: string } | { type: 'flush'; generation: number };

/** Jitter-buffer statistics, sent when an underrun is counted or the target moves by 1 ms or more. */
export type PlaybackStats = { type: 'stats'; generation: number } & JitterStats;

/** Playback processor → main thread. `generation` tells reports from before a flush apart. */
export type PlaybackReport = { type: 'started' | 'drained' | 'overflow'; generation: number } | PlaybackStats;

/** Fade on flush, dry-out and resume: long enough to avoid a click, short enough to sound instant. */
const FADE_SECONDS = 0.004;
/** Agent-rate samples handed to the resampler at a time. */
const STEP = 64;

export const PlaybackProcessor = processor<PlaybackOptions>((port, { rate, ulaw, maxSeconds }) => {
  const limit = maxSeconds * rate;
  const resampler = new Resampler(rate, sampleRate);
  const step = new Float32Array(STEP);
  const staged = new Float32Array(resampler.maxOutput(STEP));
  /** Samples of a fade. */
  const fade = Math.ceil(sampleRate * FADE_SECONDS);
  const jitter = new Jitter();
  /**
   * Output delayed by one fade: the first `fade` samples are rendered but not yet heard, so a
   * dry-out or flush can always fade them out, even when the queue ran dry at a block's edge.
   */
  let line: Float32Array;
  let chunks: Int16Array[] = [];
  let head = 0;
  let queued = 0;
  let stagedAt = 0;
  let stagedEnd = 0;
  let generation = 0;
  /** Samples rendered since sound (re)started: the fade-in's position. */
  let ramp = 0;
  let overflowing = false;

  const report = (type: PlaybackReport['type'], stats?: JitterStats) => port.postMessage({ type, generation, ...stats });

  /** Takes up to `max` samples off the front of the queue. */
  const take = (max: number) => {
    const chunk = chunks[0];
    const part = chunk.subarray(head, (head += Math.min(max, chunk.length - head)));
    queued -= part.length;
    if (head === chunk.length) {
      chunks.shift();
      head = 0;
    }
    return part;
  };

  /** Fades the `fade` samples of the line from `at` linearly down to zero. */
  const fadeOut = (at: number) => {
    for (let i = 0; i < fade; i++) line[at + i] *= 1 - (i + 1) / fade;
  };

  // The page sends one thing: the port on which the relay sends audio and flushes.
  port.onmessage = ({ data: relay }: MessageEvent<MessagePort>) => {
    relay.onmessage = ({ data }: MessageEvent<PlaybackCommand>) => {
      if (data.type === 'audio') {
        const bytes = decodeBase64(data.audio);
        if (!bytes?.length) return;
        const samples = ulaw ? Int16Array.from(bytes, ulawToPcm16) : pcm16LEToInt16(bytes);
        chunks.push(samples);
        queued += samples.length;
        jitter.arrive(currentTime * 1e3);
        // The oldest audio goes. One report per overflow episode: a flood must not turn into a
        // flood of error events.
        for (; queued > limit; overflowing = true) {
          if (!overflowing) report('overflow');
          take(queued - limit);
        }
      } else {
        generation = data.generation;
        // The next few ms of audio (rendered, not yet heard), faded to zero, replace everything queued.
        // Not playing, they are silence or faded already; audio waiting for the jitter buffer is dropped.
        if (jitter.playing) fadeOut(0);
        chunks = [];
        head = queued = stagedAt = stagedEnd = 0;
        overflowing = false;
        jitter.flush();
        resampler.reset();
      }
    };
  };

  return (_, [[out]]) => {
    const length = out.length;
    const now = currentTime * 1e3;
    line ??= new Float32Array(fade + length);
    line.fill(0, fade);
    if (!jitter.playing && queued && jitter.ready((queued * 1e3) / rate, now)) {
      jitter.start(now);
      ramp = 0;
      report('started');
    }
    if (jitter.playing) {
      // Upcoming audio into the line after its unheard part, resampled a step at a time, faded in after a start.
      let written = 0;
      while (written < length) {
        if (stagedAt < stagedEnd) line[fade + written++] = staged[stagedAt++] * Math.min(1, ++ramp / fade);
        else if (queued) {
          const part = take(STEP);
          // int16 → float (pcm16ToFloat), written out: terser leaves that call uninlined.
          for (let i = 0; i < part.length; i++) step[i] = part[i] / 32768;
          stagedAt = 0;
          stagedEnd = resampler.process(step.subarray(0, part.length), staged);
        } else break;
      }
      jitter.play((length * 1e3) / sampleRate);
      if (written < length) {
        // Dry: the last samples rendered fade out (the line still holds them), no click.
        fadeOut(written);
        jitter.dry(now + (written * 1e3) / sampleRate);
        overflowing = false;
        report('drained');
      }
    }
    if (jitter.changed()) report('stats', jitter.stats);
    out.set(line.subarray(0, length));
    line.copyWithin(0, length);
    // For the echo guard, in the capture processor of the same context.
    played[(currentFrame >> 7) & (played.length - 1)] = rms(out);
  };
});
