/**
 * The socket actor: owns the relay (and through it the WebSocket) for as long as the invoking
 * state lives. The relay handles the real-time flows on its own thread; what reaches the page
 * becomes `server.*` events: text frames through the full parser, the relay's own reports as they are.
 */
import { fromCallback } from 'xstate';
import { PerfVoiceError } from '../errors';
import type { Meters } from '../audio/meters';
import type { Uplink } from '../uplink';
import { parseServerMessage, type ServerEvent } from '../protocol';
import { startRelay, type AudioThread } from '../transport/thread';

export type SocketEvent =
  | ServerEvent
  /** The socket closed (or never opened: `opened` false; `error` when the signed URL could not be had). */
  | { type: 'socket.closed'; code: number; reason: string; opened: boolean; error?: Error }
  /** Where the relay runs, once known. */
  | { type: 'socket.thread'; thread: AudioThread };

export type SocketCommand =
  | { type: 'socket.send'; data: string }
  /** The session is connected: audio chunks may now go straight to the wire. */
  | { type: 'socket.openUplink' };

export interface SocketInput {
  /** The connection URL, or a function that fetches a signed one (called here, once). */
  url: string | (() => Promise<string>);
  uplink: Uplink;
  meters: Meters;
  /** The session set-up frame, sent first, before the metadata (the one frame allowed then). */
  setup: string | null;
  /** Where the relay runs (undefined: a Worker if one starts, else the page). */
  thread?: AudioThread;
  /** The self-hosted relay script, tried before the built-in copy. */
  workerUrl?: string;
  /** How long a server that pings may send nothing before the session counts as lost (0: no limit). */
  inactivityTimeoutMs?: number;
}

export const socketActor = fromCallback<SocketCommand, SocketInput, SocketEvent>(({ input, sendBack, receive }) => {
  const { uplink, meters } = input;
  let live = true;
  uplink.chunks = uplink.bytes = 0;
  // Reported a tick later, so the machine is done entering the state.
  const fail = (error?: Error) =>
    queueMicrotask(() => live && sendBack({ type: 'socket.closed', code: 1006, reason: '', opened: false, error }));

  const relay = startRelay(
    input.thread,
    input.workerUrl,
    (report) => {
      if (typeof report === 'string') {
        const event = parseServerMessage(report);
        // Scores come many times a second: kept for getVadScore(), not routed through the machine.
        if (event.type === 'server.vadScore') meters.vad = event.score;
        else sendBack(event);
      } else if (report.type === 'uplink') {
        uplink.chunks = report.chunks;
        uplink.bytes = report.bytes;
      } else sendBack(report);
    },
    (thread) => (thread instanceof Error ? fail(thread) : queueMicrotask(() => live && sendBack({ type: 'socket.thread', thread }))),
  );
  uplink.playback = (port) => relay.post({ play: port }, [port]);
  uplink.mic = (mic) => relay.post({ mic }, [mic]);
  const mic = uplink.capture?.();
  if (mic) uplink.mic(mic);

  const open = (url: string) => relay.post({ open: url, setup: input.setup });
  const { url } = input;
  if (typeof url === 'string') open(url);
  else {
    url().then(
      (signed) => (typeof signed === 'string' && /^wss?:/.test(signed) ? live && open(signed) : fail(new PerfVoiceError('connection_failed', 'signedUrl() did not resolve to a ws: or wss: URL.'))),
      (error) => fail(new PerfVoiceError('connection_failed', `signedUrl() failed: ${error instanceof Error ? error.message : String(error)}`)),
    );
  }

  receive((command) => relay.post(command.type === 'socket.send' ? { send: command.data } : { uplink: input.inactivityTimeoutMs ?? 0 }));
  // The browser knows before any timer can: no network, no conversation.
  const offline = () => sendBack({ type: 'socket.closed', code: 1006, reason: 'the browser went offline', opened: true });
  addEventListener('offline', offline);

  return () => {
    removeEventListener('offline', offline);
    live = false;
    uplink.playback = uplink.mic = null;
    meters.vad = 0;
    relay.end();
  };
});
