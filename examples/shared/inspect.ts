// Debugging: open an example with ?inspect to mount the perfvoice inspector (live statechart,
// timeline, metrics, trace export). The import is dynamic, so without ?inspect it is never loaded.
import type { PerfVoice } from 'perfvoice';

/** Mounts the inspector on `voice` when the URL asks for it; returns the function that removes it. */
export function inspectOnRequest(voice: PerfVoice): () => void {
  if (!new URLSearchParams(location.search).has('inspect')) return () => {};
  let unmount: (() => void) | undefined;
  let gone = false;
  import('perfvoice/inspector').then(({ mountInspector }) => {
    if (!gone) unmount = mountInspector(voice);
  });
  return () => {
    gone = true;
    unmount?.();
  };
}
