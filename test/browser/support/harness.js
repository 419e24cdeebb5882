// Injected into every test page before any other script (an init script in Chromium, a preload
// script in Firefox, the first <script> of the page in WebKit: see engines/). It observes what
// the SDK does through the platform itself: AudioContexts, microphone tracks, sockets, what is
// connected to the speakers, listeners added and removed, and the Workers the page starts (each
// started from a small wrapper that records its sockets: see harness-sockets.js). It changes no behaviour.
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
  // For harness-sockets.js, which runs next (non-enumerable: not part of what tests read).
  Object.defineProperty(h, 'native', { value: { add } });

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
  // The native class (harness-sockets.js subclasses it after this runs): its setter is inherited.
  timeHandlers(WebSocket.prototype, 'socket');

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
