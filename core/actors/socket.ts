/**
 * The socket actor: owns one WebSocket for as long as the invoking state lives. It parses every
 * text frame into a `server.*` event and sends whatever it is told to, verbatim.
 */
import { fromCallback } from 'xstate';
import { PerfVoiceError } from '../errors';
import type { Meters } from '../audio/meters';
import type { Uplink } from '../uplink';
import { DEFAULT_FORMAT, parseServerMessage, type AudioFormat, type ServerEvent } from '../protocol';

export type SocketEvent =
  | ServerEvent
  /** The socket closed (or never opened: `opened` false; `error` when the signed URL could not be had). */
  | { type: 'socket.closed'; code: number; reason: string; opened: boolean; error?: Error };

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
}

export const socketActor = fromCallback<SocketCommand, SocketInput, SocketEvent>(({ input, sendBack, receive }) => {
  let opened = false;
  let live = true;
  let socket: WebSocket | undefined;
  input.uplink.chunks = input.uplink.bytes = 0;
  let format: AudioFormat = DEFAULT_FORMAT;
  // Reported a tick later, so the machine is done entering the state.
  const fail = (error?: Error) =>
    queueMicrotask(() => live && sendBack({ type: 'socket.closed', code: 1006, reason: '', opened: false, error }));

  const open = (url: string) => {
    if (!live) return;
    try {
      socket = new WebSocket(url);
    } catch {
      // e.g. a ws: URL from an https: page: reported like any failed open.
      return fail();
    }
    socket.onopen = () => {
      opened = true;
      if (input.setup) socket!.send(input.setup);
    };
    socket.onmessage = ({ data }) => {
      if (typeof data !== 'string') return sendBack({ type: 'server.invalid', reason: 'binary frame' });
      const event = parseServerMessage(data, format);
      // The parser needs the agent format to judge PCM byte counts; it is announced once, here.
      if (event.type === 'server.metadata') format = event.outputFormat;
      // Scores come many times a second: kept for getVadScore(), not routed through the machine.
      if (event.type === 'server.vadScore') input.meters.vad = event.score;
      else sendBack(event);
    };
    // A failed open fires `error` then `close`; the close carries everything worth reporting.
    socket.onclose = ({ code, reason }) => sendBack({ type: 'socket.closed', code, reason, opened });
  };
  const { url } = input;
  if (typeof url === 'string') open(url);
  else {
    url().then(
      (signed) => (typeof signed === 'string' && /^wss?:/.test(signed) ? open(signed) : fail(new PerfVoiceError('connection_failed', 'signedUrl() did not resolve to a ws: or wss: URL.'))),
      (error) => fail(new PerfVoiceError('connection_failed', `signedUrl() failed: ${error instanceof Error ? error.message : String(error)}`)),
    );
  }

  const send = (data: string) => {
    if (socket?.readyState === 1) socket.send(data);
  };
  receive((command) => {
    if (command.type === 'socket.send') return send(command.data);
    const { uplink } = input;
    uplink.send = (frame) => {
      send(frame);
      uplink.chunks++;
      uplink.bytes += frame.length;
    };
  });

  return () => {
    live = false;
    input.uplink.send = null;
    input.meters.vad = 0;
    if (!socket) return;
    const ws = socket;
    ws.onmessage = ws.onclose = null;
    // Closing a socket that is still connecting makes browsers log a warning with its URL, which
    // holds the API key: let the handshake finish, then close it at once.
    if (ws.readyState) ws.close(1000);
    else ws.onopen = () => ws.close(1000);
  };
});
