/**
 * The playback actor: owns the playback worklet node, its gain and a level analyser for as long
 * as the session is connected. Agent audio and flushes reach the worklet from the relay, on a
 * port of their own (the actor hands it over); the actor keeps what was heard and turns the
 * worklet's started/drained reports into events, minus those from before a flush.
 */
import { fromCallback } from 'xstate';
import { PerfVoiceError } from '../errors';
import { analyserLevel, type Meters } from '../audio/meters';
import { loadWorklets } from '../audio/worklet-loader';
import { PLAYBACK_PROCESSOR } from '../audio/worklets/names';
import type { PlaybackOptions, PlaybackReport } from '../audio/worklets/playback.processor';
import type { Uplink } from '../uplink';
import { formatRate, type Alignment, type AudioFormat } from '../protocol';

export type PlaybackEvent =
  | { type: 'playback.started' }
  | { type: 'playback.drained' }
  | { type: 'playback.overflow' }
  | { type: 'playback.failed'; error: Error };

export type PlaybackActorCommand =
  /** Agent audio the relay sent to the worklet: its length and alignment, for what was heard. */
  /** `at`: when the audio reached the relay (Date.now()); absent in replays, which play nothing. */
  | { type: 'playback.enqueue'; byteLength: number; alignment?: Alignment; at?: number }
  /** A new agent turn: what was heard starts over. */
  | { type: 'playback.turn' }
  /** The relay flushed the worklet (flush number `generation`). */
  | { type: 'playback.flush'; generation: number }
  | { type: 'playback.volume'; volume: number };

export interface PlaybackInput {
  audio: AudioContext | null;
  format: AudioFormat;
  volume: number;
  meters: Meters;
  uplink: Uplink;
  workletUrl: string | undefined;
}

/** Agent audio beyond this is dropped, oldest first (a server flood must not exhaust memory). */
export const MAX_QUEUED_SECONDS = 120;

export const playbackActor = fromCallback<PlaybackActorCommand, PlaybackInput, PlaybackEvent>(
  ({ input, sendBack, receive }) => {
    const { audio, meters } = input;
    meters.playback = { underruns: 0, underrunMs: 0, longestUnderrunMs: 0, targetMs: 0 };
    let live = true;
    let generation = 0;
    let node: AudioWorkletNode | undefined;
    const gain = audio?.createGain();
    if (gain) gain.gain.value = input.volume;
    const rate = formatRate(input.format);
    const ulaw = input.format.startsWith('ulaw');
    // What was heard: each aligned character at its time on the playout timeline (context ms).
    // Playback is gapless, so a chunk starts where the previous one ends, or now if the queue ran dry.
    let marks: [at: number, char: string][] = [];
    let end = 0;
    const now = () => (audio ? audio.currentTime * 1000 : 0);
    meters.heard = () => {
      const t = now();
      return marks.reduce((text, [at, char]) => (at <= t ? text + char : text), '');
    };

    (async () => {
      if (!audio || !gain) throw new PerfVoiceError('audio_unavailable', 'This browser has no Web Audio (AudioContext).');
      await loadWorklets(audio, input.workletUrl);
      if (!live) return;
      const options: PlaybackOptions = {
        rate,
        ulaw,
        maxSeconds: MAX_QUEUED_SECONDS,
      };
      node = new AudioWorkletNode(audio, PLAYBACK_PROCESSOR, {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions: options,
      });
      node.port.onmessage = ({ data }: MessageEvent<PlaybackReport>) => {
        if (data.type === 'stats') return void (meters.playback = data);
        // A report may overtake the relay's news of the flush it follows: a newer one is current.
        if (data.generation < generation) return;
        generation = data.generation;
        sendBack({ type: `playback.${data.type}` });
      };
      const { port1, port2 } = new MessageChannel();
      node.port.postMessage(port1, [port1]);
      input.uplink.playback?.(port2);
      const analyser = audio.createAnalyser();
      analyser.fftSize = 1024;
      node.connect(gain).connect(audio.destination);
      gain.connect(analyser);
      meters.output = analyserLevel(analyser);
    })().catch((error: Error) => {
      if (live) sendBack({ type: 'playback.failed', error });
    });

    receive((command) => {
      if (command.type === 'playback.enqueue') {
        // Records wait (merged in the relay, or behind a busy page): the audio itself came earlier.
        const start = Math.max(end, now() - Date.now() + (command.at ?? Date.now()));
        end = start + ((command.byteLength / (ulaw ? 1 : 2)) * 1000) / rate;
        command.alignment?.chars.forEach((char, i) => marks.push([start + command.alignment!.starts[i], char]));
        // A hostile server that never ends a turn must not grow this without bound.
        if (marks.length > 2e4) marks = marks.slice(-1e4);
      } else if (command.type === 'playback.flush') {
        generation = Math.max(generation, command.generation);
        // What was heard stays; the rest never will be.
        const t = (end = now());
        marks = marks.filter(([at]) => at <= t);
      } else if (command.type === 'playback.turn') marks = [];
      else if (gain) gain.gain.value = command.volume;
    });

    return () => {
      live = false;
      meters.output = meters.heard = null;
      if (node) {
        node.port.onmessage = null;
        node.port.close();
        node.disconnect();
      }
      gain?.disconnect();
    };
  },
);
