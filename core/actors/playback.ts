/**
 * The playback actor: owns the playback worklet node, its gain and a level analyser for as long
 * as the session is connected. Agent audio goes to the worklet as base64 text (decoded there);
 * the worklet's started/drained reports come back as events, minus those from before a flush.
 */
import { fromCallback } from 'xstate';
import { PerfVoiceError } from '../errors';
import { analyserLevel, type Meters } from '../audio/meters';
import { loadWorklets } from '../audio/worklet-loader';
import { PLAYBACK_PROCESSOR } from '../audio/worklets/names';
import type { PlaybackCommand, PlaybackOptions, PlaybackReport } from '../audio/worklets/playback.processor';
import { formatRate, type Alignment, type AudioFormat } from '../protocol';

export type PlaybackEvent =
  | { type: 'playback.started' }
  | { type: 'playback.drained' }
  | { type: 'playback.overflow' }
  | { type: 'playback.failed'; error: Error };

export type PlaybackActorCommand =
  | { type: 'playback.enqueue'; audio: string; byteLength: number; alignment?: Alignment }
  /** A new agent turn: what was heard starts over. */
  | { type: 'playback.turn' }
  | { type: 'playback.flush' }
  | { type: 'playback.volume'; volume: number };

export interface PlaybackInput {
  audio: AudioContext | null;
  format: AudioFormat;
  volume: number;
  meters: Meters;
  workletUrl: string | undefined;
}

/** Agent audio beyond this is dropped, oldest first (a server flood must not exhaust memory). */
export const MAX_QUEUED_SECONDS = 120;

export const playbackActor = fromCallback<PlaybackActorCommand, PlaybackInput, PlaybackEvent>(
  ({ input, sendBack, receive }) => {
    const { audio, meters } = input;
    let live = true;
    let generation = 0;
    let node: AudioWorkletNode | undefined;
    // Commands that arrive while the node is being created (one microtask at most: the module is
    // already loaded by the microphone actor) keep their order.
    const pending: PlaybackCommand[] = [];
    const post = (command: PlaybackCommand) => (node ? node.port.postMessage(command) : pending.push(command));
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
        if (data.generation !== generation || data.type === 'stats') return;
        sendBack({ type: `playback.${data.type}` });
      };
      const analyser = audio.createAnalyser();
      analyser.fftSize = 1024;
      node.connect(gain).connect(audio.destination);
      gain.connect(analyser);
      meters.output = analyserLevel(analyser);
      pending.splice(0).forEach(post);
    })().catch((error: Error) => {
      if (live) sendBack({ type: 'playback.failed', error });
    });

    receive((command) => {
      if (command.type === 'playback.enqueue') {
        post({ type: 'audio', audio: command.audio });
        const start = Math.max(end, now());
        end = start + ((command.byteLength / (ulaw ? 1 : 2)) * 1000) / rate;
        command.alignment?.chars.forEach((char, i) => marks.push([start + command.alignment!.starts[i], char]));
        // A hostile server that never ends a turn must not grow this without bound.
        if (marks.length > 2e4) marks = marks.slice(-1e4);
      } else if (command.type === 'playback.flush') {
        post({ type: 'flush', generation: ++generation });
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
