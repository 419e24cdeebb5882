/**
 * The microphone actor: owns the MediaStream, its source node, a level analyser and the capture
 * worklet for as long as the session lives. It reports `mic.ready` once audio is flowing into the
 * worklet; each finished chunk (a JSON text frame) goes to the relay on a port the uplink lends,
 * and the relay drops it unless the session is connected.
 */
import { fromCallback } from 'xstate';
import { PerfVoiceError, readable } from '../errors';
import { analyserLevel, type Meters } from '../audio/meters';
import type { Uplink } from '../uplink';
import { loadWorklets } from '../audio/worklet-loader';
import { CAPTURE_PROCESSOR } from '../audio/worklets/names';
import type { CaptureCommand, CaptureOptions } from '../audio/worklets/capture.processor';

export type MicrophoneEvent =
  | { type: 'mic.ready' }
  /** getUserMedia was refused or failed, the track ended, or the audio graph could not be built. */
  | { type: 'mic.failed'; error: Error };

export type MicrophoneCommand = { type: 'mic.mute'; muted: boolean };

export interface MicrophoneInput {
  audio: AudioContext | null;
  chunkSize: number;
  deviceId: string | undefined;
  workletUrl: string | undefined;
  muted: boolean;
  meters: Meters;
  uplink: Uplink;
}

export const microphoneActor = fromCallback<MicrophoneCommand, MicrophoneInput, MicrophoneEvent>(
  ({ input, sendBack, receive }) => {
    const { audio, meters } = input;
    let live = true;
    let stream: MediaStream | undefined;
    let node: AudioWorkletNode | undefined;
    let source: MediaStreamAudioSourceNode | undefined;

    const ended = () =>
      sendBack({
        type: 'mic.failed',
        error: new PerfVoiceError('microphone_ended', 'The microphone stopped (device unplugged or permission revoked).'),
      });

    (async () => {
      if (!audio) throw new PerfVoiceError('audio_unavailable', 'This browser has no Web Audio (AudioContext).');
      if (!navigator.mediaDevices?.getUserMedia) {
        throw new PerfVoiceError(
          'audio_unavailable',
          'Microphone access is not available: serve the page over https (or localhost) in a current browser.',
        );
      }
      const constraints: MediaTrackConstraints = {
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
        channelCount: 1,
        ...(input.deviceId ? { deviceId: { exact: input.deviceId } } : {}),
      };
      // Browser errors keep their name; an empty or vague message gets one that says what to do.
      const media = await navigator.mediaDevices.getUserMedia({ audio: constraints }).catch((error: Error) => {
        throw readable(error);
      });
      stream = media;
      if (!live) return media.getTracks().forEach((track) => track.stop());
      await loadWorklets(audio, input.workletUrl);
      if (!live) return;
      const options: CaptureOptions = { chunkSize: input.chunkSize, muted: input.muted };
      node = new AudioWorkletNode(audio, CAPTURE_PROCESSOR, {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        channelCount: 1,
        channelCountMode: 'explicit',
        processorOptions: options,
      });
      const capture = node;
      // The relay asks for a port of its own each time a socket starts.
      input.uplink.capture = () => {
        const { port1, port2 } = new MessageChannel();
        capture.port.postMessage(port1 satisfies CaptureCommand, [port1]);
        return port2;
      };
      source = audio.createMediaStreamSource(media);
      const analyser = audio.createAnalyser();
      analyser.fftSize = 1024;
      source.connect(node);
      source.connect(analyser);
      // Some engines only run nodes that reach the destination; the capture node outputs silence.
      node.connect(audio.destination);
      meters.input = analyserLevel(analyser);
      media.getAudioTracks()[0]?.addEventListener('ended', ended);
      sendBack({ type: 'mic.ready' });
    })().catch((error: Error) => {
      if (live) sendBack({ type: 'mic.failed', error });
    });

    receive((command) => {
      node?.port.postMessage({ muted: command.muted } satisfies CaptureCommand);
    });

    return () => {
      live = false;
      meters.input = null;
      input.uplink.capture = null;
      source?.disconnect();
      if (node) {
        node.port.close();
        node.disconnect();
      }
      stream?.getTracks().forEach((track) => {
        track.removeEventListener('ended', ended);
        track.stop();
      });
    };
  },
);
