/**
 * The audio-state actor: watches whether the session's AudioContext is running, for as long as
 * the session lives. A context that never runs (autoplay policy, start() outside a user gesture,
 * no output device) would otherwise make a session that says `connected` and is silent both ways.
 * It also resumes the context when told to, synchronously, so that a call from a click handler
 * counts as a user gesture, and on its own when the page is shown again (a background tab's
 * context that the engine suspended). A context whose clock stays frozen while it says it runs
 * (iOS after a phone call, an output that stalled) plays and hears nothing and never recovers, so
 * it is reported for the machine to replace. It plays the context through the chosen output device,
 * and back through the system default when that device goes.
 */
import { fromCallback } from 'xstate';
import { PerfVoiceError } from '../errors';
import { canRoute, devices, route, sinkOf } from '../audio/output';

export type AudioStateEvent =
  /** The context is running: audio flows both ways. */
  | { type: 'audio.running' }
  /** It stopped running (suspended by the engine or the page, or interrupted by the OS). */
  | { type: 'audio.suspended' }
  /** The engine says at once that audio needs a gesture (Firefox's `getAutoplayPolicy`). */
  | { type: 'audio.blocked' }
  /** Its clock stood still for 2 s while it said it runs (iOS after a call): the machine builds another. */
  | { type: 'audio.frozen' }
  /** The chosen output device cannot be used, or went: the system default plays. Not fatal. */
  | { type: 'audio.unrouted'; error: Error };

export type AudioStateCommand = { type: 'audio.resume' };

export interface AudioStateInput {
  audio: AudioContext | null;
  /** The output device to play through (undefined: the system default). */
  output?: string;
}

export const audioStateActor = fromCallback<AudioStateCommand, AudioStateInput, AudioStateEvent>(
  ({ input: { audio, output }, sendBack, receive }) => {
    // No context at all is the microphone actor's error to report (audio_unavailable).
    if (!audio) return;
    let live = true;
    const check = () => {
      if (live) sendBack({ type: audio.state === 'running' ? 'audio.running' : 'audio.suspended' });
    };
    audio.addEventListener('statechange', check);
    // Reported a tick later, so that the machine has finished entering the state.
    queueMicrotask(() => {
      const policy = (navigator as { getAutoplayPolicy?: (type: string) => string }).getAutoplayPolicy;
      if (audio.state === 'running') check();
      else if (live && policy?.call(navigator, 'audiocontext') === 'disallowed') sendBack({ type: 'audio.blocked' });
    });
    // Two checks a second apart with no progress: timers that run late (a busy or hidden page) only
    // see more of the clock move, and a laptop waking from sleep has it moving again by the second.
    let last = -1;
    let still = 0;
    const watch = setInterval(() => {
      if (audio.state != 'running' || audio.currentTime != last) (last = audio.currentTime), (still = 0);
      else if (++still == 2) sendBack({ type: 'audio.frozen' });
    }, 1000);
    const resume = () => audio.resume().catch(() => {});
    receive(resume);
    const shown = () => document.visibilityState == 'visible' && resume();
    addEventListener('visibilitychange', shown);
    const unrouted = (why: string) =>
      live && sendBack({ type: 'audio.unrouted', error: new PerfVoiceError('output_unavailable', `${why}: the system default plays.`) });
    if (output) {
      if (canRoute()) route(audio, output).catch(() => unrouted(`The audio output ${output} cannot be used`));
      else unrouted('This browser cannot choose the audio output');
    }
    // A chosen output that is unplugged: back to the default, which the engine may not do itself.
    const gone = async () => {
      const sink = sinkOf(audio);
      if (sink && !(await devices('audiooutput')).some((device) => device.deviceId == sink)) {
        unrouted('The audio output went away');
        route(audio).catch(() => {});
      }
    };
    navigator.mediaDevices?.addEventListener('devicechange', gone);
    return () => {
      live = false;
      clearInterval(watch);
      audio.removeEventListener('statechange', check);
      removeEventListener('visibilitychange', shown);
      navigator.mediaDevices?.removeEventListener('devicechange', gone);
    };
  },
);
