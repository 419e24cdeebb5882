// The second part of the harness (see harness.js, which runs first): WebSockets and Workers,
// observed on whichever thread the SDK runs its socket. It changes no behaviour.
(() => {
  const h = window.harness;
  // The original addEventListener: the harness's own listeners are not the page's.
  const { add } = h.native;

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
})();
