/** Loads the worklet module into an AudioContext once, on first use. */
import source from './worklets/processors.ts?worklet';
import { PerfVoiceError } from '../errors';

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

async function addModule(context: BaseAudioContext): Promise<void> {
  if (!context.audioWorklet) {
    throw new PerfVoiceError(
      'audio_unavailable',
      'AudioWorklet is not available: serve the page over https (or localhost) in a current browser.',
    );
  }
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
  } catch {
    // A Content-Security-Policy may forbid blob: workers but allow data: URLs.
    await context.audioWorklet.addModule(`data:text/javascript,${encodeURIComponent(source)}`);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Resolves when both processors are registered in `context`. */
export function loadWorklets(context: BaseAudioContext): Promise<void> {
  let promise = loaded.get(context);
  if (!promise) loaded.set(context, (promise = addModule(context)));
  return promise;
}
