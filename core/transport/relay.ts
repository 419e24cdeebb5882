/**
 * The relay: owns the WebSocket and the real-time flows, so that they never wait for the page.
 * Microphone chunks come in on a port from the capture worklet and go straight to the wire; pings
 * are answered at once; fresh agent audio goes straight to the playback worklet's port, and an
 * interruption flushes playback before the page hears of it. Everything else (and any of those
 * frames that is malformed) goes to the page as text, where the full parser judges it.
 *
 * It runs in a dedicated Worker, or on the page's own thread where no Worker can be had; either
 * way it talks through `scope` only. Its source text (`relay.toString()`) is what the Worker runs,
 * so this function may use nothing from outside its own body but the globals every engine has
 * in a Worker: no imports, no module constants.
 */
import type { Alignment } from '../protocol';

/** Page → relay. */
export type RelayCommand =
  /** Opens the socket; `setup` is the first frame, sent as soon as it is open. */
  | { open: string; setup: string | null }
  | { send: string }
  /**
   * The session is connected: microphone chunks may go to the wire, and the server may send
   * nothing for `uplink` ms at most once it has pinged (0: no limit).
   */
  | { uplink: number }
  /** Where the capture worklet posts its finished chunk frames. */
  | { mic: MessagePort }
  /** The playback worklet's port: agent audio and flushes go there. */
  | { play: MessagePort }
  /** Closes the socket (politely, even while it is still connecting) and ends the relay. */
  | { close: true };

/** Relay → page: frames for the parser as text, and events already in the machine's shape. */
export type RelayReport =
  | string
  /** A ping, already answered. */
  | { type: 'server.ping'; eventId: number; pingMs?: unknown }
  /**
   * The record of agent audio sent to playback: one frame, or consecutive frames merged (`eventId`
   * the last one's, `byteLength` their sum, the alignment's times from the first one's start;
   * `at`: when the first one reached the relay, Date.now()).
   */
  | { type: 'server.audio'; eventId: number; byteLength: number; alignment: Alignment; at: number }
  | { type: 'server.interruption'; eventId: number; generation: number }
  | { type: 'server.invalid'; reason: string }
  | { type: 'socket.closed'; code: number; reason: string; opened: boolean }
  /** Compact counters of the audio sent, for the inspector (once a second while sending). */
  | { type: 'uplink'; chunks: number; bytes: number };

/** What the relay talks through: a Worker's global scope, or its stand-in on the page. */
export interface RelayScope {
  postMessage(report: RelayReport): void;
  onmessage: ((event: { data: RelayCommand }) => void) | null;
  /** Ends a Worker; absent on the page. */
  close?(): void;
}

export function relay(scope: RelayScope): void {
  let socket: WebSocket | undefined;
  let play: MessagePort | undefined;
  let mic: MessagePort | undefined;
  let held: unknown[] = [];
  let opened = false;
  // Agent audio plays only after the initiation metadata, as the page's machine expects.
  let live = false;
  let sending = false;
  let pcm = true;
  let rate = 16000;
  let dropBelow = 0;
  // Audio records go to the page at most four times a second: the first of a burst at once, later
  // ones merged into one (every record is a machine event; the page's thread is the costly one).
  let record: Extract<RelayReport, { type: 'server.audio' }> | undefined;
  let quiet = true;
  let generation = 0;
  let chunks = 0;
  let bytes = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  // When the server last sent a frame; the watchdog starts with its first ping (a server that
  // never pings may well be quiet while the user thinks).
  let heard = 0;
  let pinged = false;
  const flushRecord = () => {
    quiet = !record;
    if (record) scope.postMessage(record), setTimeout(flushRecord, 250);
    record = undefined;
  };
  // Whatever else is posted comes after the audio received before it.
  const post = (report: RelayReport) => {
    if (record) scope.postMessage(record);
    record = undefined;
    scope.postMessage(report);
  };
  const send = (data: string) => socket?.readyState === 1 && (socket.send(data), true);
  // Audio that arrives before the playback worklet exists waits here (it is created on connect,
  // a few ms after the metadata); a server that floods before it gets its oldest frames dropped.
  const playback = (command: unknown) => (play ? play.postMessage(command) : held.push(command) > 500 && held.shift());
  const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
  const end = () => {
    clearInterval(timer);
    scope.close?.();
  };

  const receive = (text: string) => {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      // the parser on the page says why
    }
    const type = message?.type;
    const body = message?.[type + '_event'];
    const id = body?.event_id;
    if (type === 'ping' && isId(id)) {
      pinged = true;
      send(`{"type":"pong","event_id":${id}}`);
      return post({ type: 'server.ping', eventId: id, pingMs: body.ping_ms });
    }
    if (type === 'interruption' && isId(id)) {
      dropBelow = Math.max(dropBelow, id);
      held = [];
      playback({ type: 'flush', generation: ++generation });
      return post({ type: 'server.interruption', eventId: id, generation });
    }
    const audio = body?.audio_base_64;
    if (type === 'audio' && isId(id) && typeof audio === 'string' && !(audio.length & 3) && /^[A-Za-z0-9+/]*={0,2}$/.test(audio)) {
      const byteLength = (audio.length / 4) * 3 - (audio.endsWith('==') ? 2 : audio.endsWith('=') ? 1 : 0);
      if (!(byteLength & 1 && pcm)) {
        // Audio of an interrupted response is dropped here: it is never played nor reported.
        if (id < dropBelow || !live) return;
        playback({ type: 'audio', audio });
        const { chars, char_start_times_ms: starts } = body.alignment ?? {};
        record ??= { type: 'server.audio', eventId: id, byteLength: 0, alignment: { chars: [], starts: [] }, at: Date.now() };
        // Where this frame starts in the merged record, in ms.
        const at = ((record.byteLength / (pcm ? 2 : 1)) * 1e3) / rate;
        record.eventId = id;
        record.byteLength += byteLength;
        // Character timings only when whole and well-formed: they are an extra, the audio plays anyway.
        if (Array.isArray(chars) && Array.isArray(starts) && chars.length === starts.length && starts.every(Number.isFinite))
          chars.forEach((c: unknown, i: number) => {
            record!.alignment.chars.push(String(c));
            record!.alignment.starts.push(at + starts[i]);
          });
        if (quiet) flushRecord();
        return;
      }
    }
    if (type === 'conversation_initiation_metadata') {
      live = true;
      // Anything a server sends here must not throw (the page's parser judges the metadata).
      const format = `${body?.agent_output_audio_format ?? ''}`;
      pcm = !/^ulaw/.test(format);
      rate = +format.slice(format.indexOf('_') + 1) || rate;
    }
    post(text);
  };

  scope.onmessage = ({ data }) => {
    if ('open' in data) {
      try {
        socket = new WebSocket(data.open);
      } catch {
        // e.g. a ws: URL from an https: page: reported like any failed open.
        return post({ type: 'socket.closed', code: 1006, reason: '', opened });
      }
      socket.onopen = () => {
        opened = true;
        if (data.setup) socket!.send(data.setup);
      };
      socket.onmessage = ({ data: frame }) => {
        heard = Date.now();
        if (typeof frame === 'string') receive(frame);
        else post({ type: 'server.invalid', reason: 'binary frame' });
      };
      socket.onclose = ({ code, reason }) => {
        post({ type: 'socket.closed', code, reason, opened });
        socket = undefined;
      };
    } else if ('send' in data) send(data.send);
    else if ('uplink' in data) {
      sending = true;
      const limit = data.uplink;
      timer = setInterval(() => {
        post({ type: 'uplink', chunks, bytes });
        // A connection that died without a close (Wi-Fi gone, a laptop asleep, a half-open TCP)
        // tells nothing: silence from a server that pings is how it shows. Reported once, as the
        // 1006 the browser would give; the page then closes the socket.
        if (limit && pinged && Date.now() - heard > limit) {
          clearInterval(timer);
          post({ type: 'socket.closed', code: 1006, reason: `no message from the agent for ${limit / 1e3} s`, opened });
        }
      }, 1000);
    } else if ('mic' in data) {
      // Chunks before the session is connected are dropped: nothing leaves before the metadata.
      // A newer one (a rebuilt context's microphone) replaces it.
      mic?.close();
      (mic = data.mic).onmessage = ({ data: frame }: MessageEvent<string>) => {
        if (sending && send(frame)) {
          chunks++;
          bytes += frame.length;
        }
      };
    } else if ('play' in data) {
      play?.close();
      play = data.play;
      held.forEach((command) => play!.postMessage(command));
      held = [];
    } else {
      sending = false;
      const ws = socket;
      if (!ws) return end();
      ws.onmessage = null;
      ws.onclose = end;
      // Closing a socket that is still connecting makes browsers log a warning with its URL, which
      // holds the API key: let the handshake finish, then close it at once.
      if (ws.readyState) ws.close(1000);
      else ws.onopen = () => ws.close(1000);
    }
  };
}
