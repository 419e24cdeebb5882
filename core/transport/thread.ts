/**
 * Where the relay runs: a dedicated Worker when one can be started (the self-hosted `workerUrl`
 * first, then the relay's own source as a Blob URL), else the page's own thread, chosen at
 * start-up. Commands wait until the thread is known, so the ports they carry are never
 * transferred to a Worker that failed to start.
 */
import { PerfVoiceError } from '../errors';
import { relay, type RelayCommand, type RelayReport, type RelayScope } from './relay';

import type { AudioThread } from '../types';

export type { AudioThread };

export interface RelayHandle {
  post(command: RelayCommand, transfer?: Transferable[]): void;
  /** Closes the socket and ends the relay; nothing is reported after this. */
  end(): void;
}

type Target = Pick<Worker, 'postMessage'>;

/**
 * Starts a relay.
 * @param prefer `main` runs on the page; `worker` insists on a Worker (an error if none starts);
 *   undefined tries a Worker and falls back to the page.
 * @param onThread called once, with where it runs, or with the error when `worker` was insisted on.
 */
export function startRelay(
  prefer: AudioThread | undefined,
  workerUrl: string | undefined,
  onReport: (report: RelayReport) => void,
  onThread: (thread: AudioThread | Error) => void,
): RelayHandle {
  let queue: [RelayCommand, Transferable[]][] | null = [];
  let target: Target | undefined;
  let worker: Worker | undefined;
  let ended = false;
  let blob: string | undefined;

  const use = (next: Target, thread: AudioThread) => {
    target = next;
    onThread(thread);
    queue!.forEach(([command, transfer]) => next.postMessage(command, transfer));
    queue = null;
  };
  const onPage = () => {
    // The Worker's scope, played on this thread: calls go straight through, as today's socket did.
    const scope: RelayScope = { postMessage: (report) => ended || onReport(report), onmessage: null };
    relay(scope);
    use({ postMessage: (command: RelayCommand) => scope.onmessage!({ data: command }) }, 'main');
  };
  const next = (urls: string[]) => {
    const url = urls.shift();
    if (ended) return;
    if (!url) {
      return prefer
        ? onThread(new PerfVoiceError('worker_unavailable', "No Worker could start: allow worker-src blob: in the page's Content-Security-Policy, pass workerUrl, or leave audioThread unset."))
        : onPage();
    }
    try {
      worker = new Worker(url);
    } catch {
      // CSP refusals throw here in some engines and fire `error` in others.
      return next(urls);
    }
    const started = worker;
    started.onerror = () => {
      started.terminate();
      next(urls);
    };
    // The relay's first message says it runs.
    started.onmessage = () => {
      started.onerror = null;
      started.onmessage = ({ data }) => ended || onReport(data);
      use(started, 'worker');
    };
  };

  if (prefer === 'main' || (!prefer && typeof Worker === 'undefined')) onPage();
  else {
    blob = URL.createObjectURL(new Blob([`(${relay})(self);postMessage(0)`], { type: 'text/javascript' }));
    next(workerUrl ? [workerUrl, blob] : [blob]);
  }

  return {
    post: (command, transfer = []) => (queue ? queue.push([command, transfer]) : target!.postMessage(command, transfer)),
    end() {
      ended = true;
      if (blob) URL.revokeObjectURL(blob);
      // A relay that runs closes its socket itself (and a Worker then ends itself); one still
      // starting has opened nothing and just goes.
      if (!target) return worker?.terminate();
      target.postMessage({ close: true });
      // Bounded even if the server never answers the close.
      if (worker) setTimeout(worker.terminate.bind(worker), 3000);
    },
  };
}
