// Injected into every test page before any other script (an init script in Chromium, a preload
// script in Firefox, the first <script> of the page in WebKit: see engines/). It observes what
// the SDK does through the platform itself: AudioContexts, microphone tracks, sockets, what is
// connected to the speakers, listeners added and removed, and the Workers the page starts (each
// started from a small wrapper that records its sockets: see below). It changes no behaviour.
(() => {
  const h = (window.harness = {
    contexts: [],
    tracks: [],
    sockets: [],
    events: [],
    listeners: 0,
    interruptions: [],
    voice: null,
  });

  // Listener bookkeeping below counts the page's listeners; the harness's own use the originals.
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;

  // Console calls made by page scripts (the SDK included), for the no-secrets checks.
  h.console = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
    const original = console[method].bind(console);
    console[method] = (...args) => {
      h.console.push(`${method}: ${args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
      original(...args);
    };
  }

  // Uncaught errors and rejections, recorded here because WebKit's driver reports none.
  h.errors = [];
  add.call(window, 'error', (event) => h.errors.push(`pageerror: ${event.message}`));
  add.call(window, 'unhandledrejection', (event) => h.errors.push(`pageerror: unhandled rejection ${event.reason && event.reason.message ? event.reason.message : String(event.reason)}`));

  // Every AudioContext the page creates.
  const NativeContext = window.AudioContext;
  window.AudioContext = class extends NativeContext {
    constructor(...args) {
      super(...args);
      h.contexts.push(this);
    }
  };

  // What reaches the speakers: anything connected to a destination is also fed to two analysers.
  const taps = new WeakMap();
  const tapOf = (context) => {
    let tap = taps.get(context);
    if (!tap) {
      const small = context.createAnalyser();
      small.fftSize = 32;
      const large = context.createAnalyser();
      large.fftSize = 2048;
      tap = { small, large, context };
      taps.set(context, tap);
      h.tap = tap;
    }
    return tap;
  };
  const connect = AudioNode.prototype.connect;
  AudioNode.prototype.connect = function (target, ...rest) {
    const result = connect.call(this, target, ...rest);
    if (target instanceof AudioDestinationNode) {
      const tap = tapOf(this.context);
      connect.call(this, tap.small);
      connect.call(this, tap.large);
    }
    return result;
  };
  const peak = (analyser) => {
    const data = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(data);
    let max = 0;
    for (const x of data) max = Math.max(max, Math.abs(x));
    return max;
  };
  /** Peak of the last ~43 ms of output (0 when nothing was ever connected). */
  h.outputPeak = () => (h.tap ? peak(h.tap.large) : 0);

  // Microphone tracks handed to the page.
  // On the prototype, not on navigator.mediaDevices: WebKit may collect that object's wrapper and
  // hand out a fresh one without our property (it stopped seeing getUserMedia after 2-3 calls).
  // (Firefox runs preload scripts in the initial about:blank too, which has no MediaDevices.)
  if (window.MediaDevices) {
    const gum = MediaDevices.prototype.getUserMedia;
    MediaDevices.prototype.getUserMedia = async function (constraints) {
      h.constraints = constraints;
      const stream = await gum.call(this, constraints);
      h.tracks.push(...stream.getTracks());
      return stream;
    };
  }
  h.liveTracks = () => h.tracks.filter((t) => t.readyState === 'live').length;
  h.runningContexts = () => h.contexts.filter((c) => c.state !== 'closed').length;

  // Sockets: arrival time of every frame, seen before the SDK's own handler runs. One record per
  // socket, on whichever thread it runs: { thread: 'main' | 'worker', frames: [{ at, type }],
  // sent, readyState } (`socket` is the WebSocket itself on the main thread, null in a Worker).
  // Frame times are in the page's performance.now() timebase on both threads.
  const frameType = (text) => (text.match(/"type":"([a-z_]+)"/) || [])[1] || (text ? '?' : 'binary');
  const onFrame = (record, at, type) => {
    record.frames.push({ at, type });
    if (type === 'interruption') h.lastInterruptionArrival = at;
  };
  const NativeSocket = window.WebSocket;
  const sockets = new WeakMap();
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      const socket = this;
      const record = {
        socket,
        thread: 'main',
        frames: [],
        sent: 0,
        get readyState() {
          return socket.readyState;
        },
      };
      h.sockets.push(record);
      sockets.set(this, record);
      add.call(this, 'message', (event) => onFrame(record, performance.now(), frameType(typeof event.data === 'string' ? event.data : '')));
    }
    send(data) {
      if (this.readyState === 1) sockets.get(this).sent++;
      return super.send(data);
    }
  };

  // Workers: every Worker the page creates (h.workers: { url, observed, terminated, closed,
  // errored }), and the sockets inside them. A classic worker is started from a wrapper that first
  // installs a WebSocket wrapper in the worker's scope (below, `inWorker`), then runs the original
  // script. The wrapper reports on the worker's own channel, as messages tagged with a key unique
  // to this page; a listener registered on the Worker before any of the page's takes them out
  // (stopImmediatePropagation), so the page never sees them, and the SDK's first message is still
  // the first it gets. Being on the same channel, a frame's record reaches the page before
  // anything the worker's own code reports about that frame.
  //
  // How the original script runs inside the wrapper, without letting a Worker start that the real
  // page would refuse (its Content-Security-Policy):
  // - a blob: URL made on this page: a new Blob of the wrapper followed by the original Blob
  //   itself (a Blob part, never read), so the wrapper is a blob: worker exactly as the original
  //   was, under the same policy, and loads nothing else;
  // - any other URL (a self-hosted script): a blob: wrapper that importScripts() the original,
  //   only if a blob: worker was seen to start on this page (a probe, when the harness loads).
  //   Under a policy that refuses blob: workers, or before the probe has answered, the worker is
  //   started from its own URL, unwrapped: it behaves as on the real page and its sockets are not
  //   recorded (its record says observed: false). Module workers are never wrapped either.
  h.workers = [];
  h.liveWorkers = () => h.workers.filter((w) => !w.terminated && !w.closed).length;
  const NativeWorker = window.Worker;
  const createURL = URL.createObjectURL;
  const revokeURL = URL.revokeObjectURL;
  const blobs = new Map(); // blob: URL made on this page → its Blob
  const wrappers = new Map(); // original blob: URL → the wrappers made of it
  URL.createObjectURL = function (object) {
    const url = createURL.call(this, object);
    if (object instanceof Blob) blobs.set(url, object);
    return url;
  };
  URL.revokeObjectURL = function (url) {
    blobs.delete(url);
    // A wrapper lives as long as what it wraps.
    for (const wrapper of wrappers.get(url) ?? []) revokeURL.call(URL, wrapper);
    wrappers.delete(url);
    return revokeURL.call(this, url);
  };

  // Runs first in a wrapped worker: records its sockets and reports them (and its own close).
  // Its source text is what runs there: nothing from outside its own body.
  function inWorker(key) {
    const report = self.postMessage.bind(self);
    const post = (body) => report({ [key]: body });
    const now = () => performance.timeOrigin + performance.now();
    const frameType = (text) => (text.match(/"type":"([a-z_]+)"/) || [])[1] || (text ? '?' : 'binary');
    const Native = self.WebSocket;
    let count = 0;
    const ids = new WeakMap();
    self.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        const id = count++;
        ids.set(this, id);
        post({ socket: id, opened: true });
        this.addEventListener('open', () => post({ socket: id, readyState: 1 }));
        this.addEventListener('message', (event) => post({ socket: id, at: now(), type: frameType(typeof event.data === 'string' ? event.data : '') }));
        this.addEventListener('close', () => post({ socket: id, readyState: 3 }));
      }
      send(data) {
        if (this.readyState === 1) post({ socket: ids.get(this), sent: 1 });
        return super.send(data);
      }
      close(...args) {
        const result = super.close(...args);
        post({ socket: ids.get(this), readyState: this.readyState });
        return result;
      }
    };
    const close = self.close;
    self.close = function () {
      post({ closed: true });
      return close.call(this);
    };
  }

  // Whether this page may start blob: workers (see above): unknown until the probe answers.
  let blobWorkers = 'unknown';
  if (NativeWorker && /^https?:$/.test(location.protocol)) {
    const url = createURL.call(URL, new Blob(['postMessage(0)'], { type: 'text/javascript' }));
    const settle = (answer, probe) => {
      blobWorkers = answer;
      probe?.terminate();
      revokeURL.call(URL, url);
    };
    try {
      const probe = new NativeWorker(url);
      add.call(probe, 'message', () => settle('allowed', probe));
      add.call(probe, 'error', (event) => {
        event.preventDefault();
        settle('refused', probe);
      });
    } catch {
      settle('refused');
    }
  }

  const records = new WeakMap();
  if (NativeWorker) {
    window.Worker = class extends NativeWorker {
      constructor(url, options) {
        const record = { url: String(url), observed: false, terminated: false, closed: false, errored: false };
        const key = `perfvoice-harness-${Math.random().toString(36).slice(2)}`;
        const prefix = `(${inWorker})(${JSON.stringify(key)});\n`;
        let target = url;
        if (!(options && options.type === 'module')) {
          const href = new URL(String(url), document.baseURI).href;
          let wrapper;
          if (blobs.has(href)) wrapper = createURL.call(URL, new Blob([prefix, blobs.get(href)], { type: 'text/javascript' }));
          else if (blobWorkers === 'allowed' && /^https?:/.test(href)) wrapper = createURL.call(URL, new Blob([`${prefix}importScripts(${JSON.stringify(href)});`], { type: 'text/javascript' }));
          if (wrapper) {
            target = wrapper;
            record.observed = true;
            if (blobs.has(href)) wrappers.set(href, [...(wrappers.get(href) ?? []), wrapper]);
          }
        }
        super(target, options);
        records.set(this, record);
        h.workers.push(record);
        const inside = new Map(); // the worker's socket ids → their records
        add.call(this, 'error', () => (record.errored = true));
        add.call(this, 'message', (event) => {
          const data = event.data;
          if (!data || typeof data !== 'object' || !(key in data)) return;
          event.stopImmediatePropagation();
          const body = data[key];
          if (body.closed) return void (record.closed = true);
          if (body.opened) {
            const socket = { socket: null, thread: 'worker', frames: [], sent: 0, readyState: 0 };
            inside.set(body.socket, socket);
            return void h.sockets.push(socket);
          }
          const socket = inside.get(body.socket);
          if (body.at !== undefined) onFrame(socket, body.at - performance.timeOrigin, body.type);
          else if (body.sent) socket.sent += body.sent;
          else if (body.readyState !== undefined) socket.readyState = Math.max(socket.readyState, body.readyState);
        });
      }
      terminate() {
        records.get(this).terminated = true;
        return super.terminate();
      }
    };
  }

  // Listener bookkeeping, for leak checks over many sessions.
  EventTarget.prototype.addEventListener = function (...args) {
    h.listeners++;
    return add.apply(this, args);
  };
  EventTarget.prototype.removeEventListener = function (...args) {
    h.listeners--;
    return remove.apply(this, args);
  };

  // Main-thread time spent in the SDK's message handlers (worklet ports and the socket).
  h.handlerMs = { port: 0, socket: 0 };
  h.chunkHandling = [];
  const timeHandlers = (proto, key) => {
    const { get, set } = Object.getOwnPropertyDescriptor(proto, 'onmessage');
    Object.defineProperty(proto, 'onmessage', {
      configurable: true,
      enumerable: true,
      get() {
        return get.call(this);
      },
      set(handler) {
        set.call(
          this,
          handler &&
            function (event) {
              const begin = performance.now();
              try {
                return handler.call(this, event);
              } finally {
                const spent = performance.now() - begin;
                h.handlerMs[key] += spent;
                if (key === 'port' && typeof event.data === 'string') h.chunkHandling.push(spent);
              }
            },
        );
      },
    });
  };
  timeHandlers(MessagePort.prototype, 'port');
  timeHandlers(NativeSocket.prototype, 'socket');

  /**
   * Resolves with the time from the next agent audio frame's arrival to the first audible output,
   * polling the output every task (a MessageChannel loop: no timer clamping, yields to the SDK).
   */
  h.timeToAudible = () =>
    new Promise((resolve) => {
      const record = h.sockets[h.sockets.length - 1];
      const seen = record.frames.length;
      const channel = new MessageChannel();
      const began = performance.now();
      // addEventListener, not onmessage: this loop is not SDK time.
      add.call(channel.port1, 'message', () => {
        const audio = record.frames.slice(seen).find((f) => f.type === 'audio');
        if (audio && peak(h.tap.small) > 0.01) return resolve(performance.now() - audio.at);
        if (performance.now() - began > 5000) return resolve(null);
        channel.port2.postMessage(0);
      });
      channel.port1.start();
      channel.port2.postMessage(0);
    });

  /** Creates the voice under test and logs every event it fires, with a timestamp. */
  h.create = (options) => {
    const voice = (h.voice = new window.PerfVoice(options));
    for (const name of ['transcript', 'connected', 'disconnected', 'status', 'error', 'interruption', 'message']) {
      voice.on(name, (...args) => {
        h.events.push({
          name,
          at: performance.now(),
          args: args.map((a) => (a instanceof Error ? { name: a.name, message: a.message, code: a.code } : a)),
        });
      });
    }
    // Interruption → silence: poll the output from the event (fired right after the flush was
    // posted to the audio thread) until it is silent, timed from the frame's arrival. A
    // MessageChannel loop, not a busy-wait: Firefox updates an analyser's data on the main
    // thread, between tasks, so a loop that never yields would never see the silence.
    voice.on('interruption', () => {
      const arrival = h.lastInterruptionArrival ?? performance.now();
      const audibleBefore = h.outputPeak();
      const record = { audibleBefore, ms: null, done: false };
      const channel = new MessageChannel();
      add.call(channel.port1, 'message', () => {
        const now = performance.now();
        if (peak(h.tap.small) < 1e-4) record.ms = now - arrival;
        else if (now - arrival < 1000) return channel.port2.postMessage(0);
        record.done = true;
        channel.port1.close();
        h.interruptions.push(record);
      });
      channel.port1.start();
      channel.port2.postMessage(0);
    });
    return true;
  };
  h.startVoice = () =>
    h.voice.start().then(
      () => ({ ok: true }),
      (e) => ({ ok: false, name: e.name, message: e.message, code: e.code }),
    );
})();
