/**
 * Loads the worklet module into an AudioContext once, on first use. Three ways, in order: the
 * self-hosted file the page names (`workletUrl`: what a strict Content-Security-Policy allows),
 * then the bundled source as a Blob URL, then as a `data:` URL (CSPs that allow one but not the
 * other). When every way is refused the page gets one sentence that names the fix, not the
 * browser's dump of a 20 kB data URL.
 */
import source from './worklets/processors.ts?worklet';
import { PerfVoiceError } from '../errors';

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

async function addModule(context: BaseAudioContext, workletUrl: string | undefined): Promise<void> {
  if (!context.audioWorklet) {
    throw new PerfVoiceError(
      'audio_unavailable',
      'AudioWorklet is not available: serve the page over https (or localhost) in a current browser.',
    );
  }
  const blob = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    for (const url of [workletUrl, blob, `data:text/javascript,${encodeURIComponent(source)}`]) {
      try {
        if (url) return await context.audioWorklet.addModule(url);
      } catch {
        // next way
      }
    }
  } finally {
    URL.revokeObjectURL(blob);
  }
  throw new PerfVoiceError(
    'audio_blocked_by_csp',
    workletUrl
      ? `The audio worklet could not be loaded from workletUrl (${workletUrl}) and the page's Content-Security-Policy blocks the built-in copy: serve perfvoice/worklets/processors.js at that URL.`
      : "The page's Content-Security-Policy blocks the audio worklet: self-host perfvoice/worklets/processors.js and pass its URL as the workletUrl option.",
  );
}

/** Resolves when both processors are registered in `context`. */
export function loadWorklets(context: BaseAudioContext, workletUrl?: string): Promise<void> {
  let promise = loaded.get(context);
  if (!promise) loaded.set(context, (promise = addModule(context, workletUrl)));
  return promise;
}
