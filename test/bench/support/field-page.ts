/**
 * The page's side of the field-conditions bench, installed by page.evaluate after the harness and
 * before the voice starts (so before the SDK makes its AudioContext and Worker). It adds, without
 * touching the harness or the SDK:
 *
 * - a tap: an AudioWorklet processor in the SDK's own context, fed by every node the SDK connects
 *   to the destination (so it hears exactly what reaches the speakers: the playback chain, and
 *   the capture node's silence). On the audio thread it finds every silent stretch of at least
 *   1 ms in the sample data and records where it began and ended: sample positions (exact, on the
 *   context's clock) and the wall time of the render call that produced its first silent and its
 *   first audible sample again (`Date.now() + 0.5`: the real-time clock every side of the bench
 *   shares, see field-agent.ts). Nothing of it runs on the page's thread until it is asked for
 *   its record at the end.
 * - jank: a busy loop blocking the page's thread 250 ms of every 350 ms.
 * - the time spent in the SDK's Worker `onmessage` handlers (the harness already times MessagePort
 *   and WebSocket ones), for engines without a main-thread task metric.
 */
import type { EnginePage as Page } from '../../browser/support/browser';

/** A silent stretch of the output: off = its first silent sample, on = the first audible one after it. */
export interface Silence {
  /** Sample position (context frames); null: silent since the tap began. */
  off: number | null;
  offWall: number | null;
  /** null: still silent. */
  on: number | null;
  onWall: number | null;
}

export interface TapRecord {
  rate: number;
  silences: Silence[];
  /** Where the Date.now() in the worklet came from (for the record). */
  clock: string;
}

/** Installs `window.field` in the page (self-contained: it is sent to the page as source text). */
export function installField(): boolean {
  const w = window as unknown as { field: unknown; harness: { contexts: AudioContext[]; voice: { getStats(): unknown } } };
  // Every sample at or above this is audible (the tone's amplitude is 0.5; fades cross it in µs).
  const source = `registerProcessor('field-tap', class extends AudioWorkletProcessor {
    constructor() {
      super();
      const minRun = Math.round(sampleRate / 1000);
      let last = -Infinity, lastWall = null, offWall = null;
      const silences = [];
      this.port.onmessage = () => {
        const open = currentFrame - last - 1 >= minRun ? [{ off: last === -Infinity ? null : last + 1, offWall, on: null, onWall: null }] : [];
        this.port.postMessage({ rate: sampleRate, silences: silences.concat(open), clock: 'Date.now() in the AudioWorkletGlobalScope' });
      };
      this.step = (input) => {
        const wall = Date.now() + 0.5;
        const frame = currentFrame;
        const length = input[0] ? input[0].length : 128;
        for (let i = 0; i < length; i++) {
          let x = 0;
          for (const channel of input) x = Math.max(x, Math.abs(channel[i]));
          const at = frame + i;
          if (x >= 1e-3) {
            if (at - last - 1 >= minRun) silences.push({ off: last === -Infinity ? null : last + 1, offWall: last === -Infinity ? null : offWall, on: at, onWall: wall });
            last = at;
          } else if (at === last + 1) offWall = wall;
        }
      };
    }
    process(inputs) { this.step(inputs[0]); return true; }
  });`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const taps = new Map<BaseAudioContext, { node: AudioWorkletNode | null; waiting: AudioNode[] }>();
  const connect = AudioNode.prototype.connect;
  // On top of the harness's own hook: whatever goes to the speakers also goes to the tap.
  AudioNode.prototype.connect = function (this: AudioNode, target: AudioNode | AudioParam, ...rest: unknown[]) {
    const result = (connect as (...args: unknown[]) => unknown).call(this, target, ...rest);
    if (target instanceof AudioDestinationNode && !(this instanceof AudioWorkletNode && (this as { fieldTap?: boolean }).fieldTap)) {
      const context = this.context;
      let tap = taps.get(context);
      if (!tap) {
        const made = (tap = { node: null as AudioWorkletNode | null, waiting: [] as AudioNode[] });
        taps.set(context, made);
        context.audioWorklet.addModule(url).then(() => {
          const node = new AudioWorkletNode(context, 'field-tap', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], channelCount: 1, channelCountMode: 'explicit' });
          (node as { fieldTap?: boolean }).fieldTap = true;
          made.node = node;
          for (const waiting of made.waiting) (connect as (...args: unknown[]) => unknown).call(waiting, node);
          // Its output is silence; reaching the destination keeps it rendered in every engine.
          node.connect(context.destination);
        });
      }
      if (tap.node) (connect as (...args: unknown[]) => unknown).call(this, tap.node);
      else tap.waiting.push(this);
    }
    return result;
  } as typeof AudioNode.prototype.connect;

  // Main-thread time in the SDK's Worker handlers (the relay's reports in the worker path).
  const handlerMs = { worker: 0, workerCalls: 0 };
  let proto: object = Worker.prototype;
  while (!Object.getOwnPropertyDescriptor(proto, 'onmessage')) proto = Object.getPrototypeOf(proto);
  const { get, set } = Object.getOwnPropertyDescriptor(proto, 'onmessage')!;
  Object.defineProperty(proto, 'onmessage', {
    configurable: true,
    enumerable: true,
    get() {
      return get!.call(this);
    },
    set(handler: ((event: MessageEvent) => unknown) | null) {
      set!.call(
        this,
        handler &&
          function (this: Worker, event: MessageEvent) {
            const begin = performance.now();
            try {
              return handler.call(this, event);
            } finally {
              handlerMs.worker += performance.now() - begin;
              handlerMs.workerCalls++;
            }
          },
      );
    },
  });

  let jank: ReturnType<typeof setTimeout> | undefined;
  w.field = {
    /** The tap is in place in the session's context. */
    ready: () => [...taps.values()].some((tap) => tap.node),
    /** Blocks this thread `busyMs` of every `periodMs` (a busy loop) until `jank(0)`. */
    jank(busyMs: number, periodMs = 350): boolean | number {
      clearTimeout(jank);
      if (!busyMs) return true;
      const began = performance.now();
      const cycle = (k: number) => {
        const end = began + k * periodMs + busyMs;
        while (performance.now() < end);
        // The next cycle on the absolute schedule (a late timer shortens the free part, not the cycle).
        jank = setTimeout(() => cycle(Math.max(k + 1, Math.floor((performance.now() - began) / periodMs))), began + (k + 1) * periodMs - performance.now());
      };
      jank = setTimeout(() => cycle(0), 0);
      // Where the cycle began, on the real-time clock the agent shares (ms are enough for phases).
      return performance.timeOrigin + began;
    },
    /** The tap's record, from the audio thread. */
    tap(): Promise<unknown> {
      const node = [...taps.values()].find((tap) => tap.node)!.node!;
      return new Promise((resolve) => {
        node.port.addEventListener('message', ({ data }) => resolve(data), { once: true });
        node.port.start();
        node.port.postMessage('report');
      });
    },
    /** ms spent so far in the SDK's handlers on this thread, and this thread's clock. */
    handlers: () => ({ ...(window as unknown as { harness: { handlerMs: Record<string, number> } }).harness.handlerMs, ...handlerMs, at: performance.now() }),
    stats: () => w.harness.voice.getStats(),
  };
  return true;
}

interface FieldApi {
  ready(): boolean;
  jank(busyMs: number, periodMs?: number): boolean | number;
  tap(): Promise<TapRecord>;
  handlers(): { port: number; socket: number; worker: number; workerCalls: number; at: number };
  stats(): { audioThread: string; underruns: number; underrunMs: number; longestUnderrunMs: number; bufferTargetMs: number };
}
export const install = (page: Page) => page.evaluate(installField);
export const jank = (page: Page, busyMs: number, periodMs = 350) =>
  page.evaluate(([busy, period]) => (window as unknown as { field: FieldApi }).field.jank(busy, period), [busyMs, periodMs] as [number, number]);
export const tapRecord = (page: Page) => page.evaluate(() => (window as unknown as { field: FieldApi }).field.tap());
export const handlers = (page: Page) => page.evaluate(() => (window as unknown as { field: FieldApi }).field.handlers());
export const stats = (page: Page) => page.evaluate(() => (window as unknown as { field: FieldApi }).field.stats());
export const tapReady = (page: Page) => page.waitFor(() => (window as unknown as { field: FieldApi }).field.ready(), undefined, 10000);

/** Sound onsets (first audible sample after a silence) as wall times, with their sample positions. */
export const onsets = (record: TapRecord) => record.silences.filter((s) => s.on !== null).map((s) => ({ at: s.onWall!, pos: s.on! }));
/** Silences that ended, with their length in ms (from sample positions: exact). */
export const gaps = (record: TapRecord) =>
  record.silences.filter((s) => s.off !== null && s.on !== null).map((s) => ({ offWall: s.offWall!, onWall: s.onWall!, ms: ((s.on! - s.off!) * 1000) / record.rate }));

/**
 * The engine's floor, no SDK: a bare Worker that opens a WebSocket to `url` and answers its pings,
 * and posts `Date.now()` every 20 ms over a MessageChannel to a probe worklet, which records how
 * late each arrives (its own `Date.now()` minus the stamp, whole ms). Self-contained (page code).
 */
export async function startFloor(url: string): Promise<boolean> {
  const worker = new Worker(
    URL.createObjectURL(
      new Blob(
        [
          `const socket = new WebSocket(${JSON.stringify(url)});
          socket.onmessage = ({ data }) => {
            const message = JSON.parse(data);
            if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong', event_id: message.ping_event.event_id }));
          };
          onmessage = ({ data: port }) => setInterval(() => port.postMessage(Date.now()), 20);`,
        ],
        { type: 'text/javascript' },
      ),
    ),
  );
  const context = new AudioContext();
  const probe = `registerProcessor('field-probe', class extends AudioWorkletProcessor {
    constructor() {
      super();
      const delays = [];
      this.port.onmessage = ({ data }) => {
        if (data === 'report') return this.port.postMessage(delays);
        if (data === 'clear') return void (delays.length = 0);
        data.onmessage = ({ data: stamp }) => delays.push(Date.now() - stamp);
      };
    }
    process() { return true; }
  });`;
  await context.audioWorklet.addModule(URL.createObjectURL(new Blob([probe], { type: 'text/javascript' })));
  const node = new AudioWorkletNode(context, 'field-probe', { numberOfInputs: 0, numberOfOutputs: 1 });
  node.connect(context.destination);
  await context.resume();
  const { port1, port2 } = new MessageChannel();
  node.port.postMessage(port1, [port1]);
  worker.postMessage(port2, [port2]);
  (window as unknown as { fieldFloor: unknown }).fieldFloor = {
    transit: () =>
      new Promise((resolve) => {
        node.port.addEventListener('message', ({ data }) => resolve(data), { once: true });
        node.port.start();
        node.port.postMessage('report');
      }),
    clear: () => (node.port.postMessage('clear'), true),
    stop: () => (worker.terminate(), context.close(), true),
  };
  return true;
}
export const floorTransit = (page: Page) => page.evaluate(() => (window as unknown as { fieldFloor: { transit(): Promise<number[]> } }).fieldFloor.transit());
export const clearFloor = (page: Page) => page.evaluate(() => (window as unknown as { fieldFloor: { clear(): boolean } }).fieldFloor.clear());
export const stopFloor = (page: Page) => page.evaluate(() => (window as unknown as { fieldFloor: { stop(): boolean } }).fieldFloor.stop());
