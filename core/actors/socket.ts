/**
 * The socket actor: owns one WebSocket for as long as the invoking state lives. It parses every
 * text frame into a `server.*` event and sends whatever it is told to, verbatim.
 */
import { fromCallback } from 'xstate';
import type { Uplink } from '../uplink';
import { DEFAULT_FORMAT, parseServerMessage, type AudioFormat, type ServerEvent } from '../protocol';

export type SocketEvent =
  | ServerEvent
  /** The socket closed (or never opened: `opened` false). */
  | { type: 'socket.closed'; code: number; reason: string; opened: boolean };

export type SocketCommand =
  | { type: 'socket.send'; data: string }
  /** The session is connected: audio chunks may now go straight to the wire. */
  | { type: 'socket.openUplink' };

export interface SocketInput {
  url: string;
  uplink: Uplink;
}

export const socketActor = fromCallback<SocketCommand, SocketInput, SocketEvent>(({ input, sendBack, receive }) => {
  let opened = false;
  input.uplink.chunks = input.uplink.bytes = 0;
  let format: AudioFormat = DEFAULT_FORMAT;
  let socket: WebSocket;
  try {
    socket = new WebSocket(input.url);
  } catch {
    // e.g. a ws: URL from an https: page. Reported like any failed open, a tick later so the
    // machine is done entering the state.
    let live = true;
    queueMicrotask(() => live && sendBack({ type: 'socket.closed', code: 1006, reason: '', opened: false }));
    return () => {
      live = false;
    };
  }

  socket.onopen = () => {
    opened = true;
  };
  socket.onmessage = ({ data }) => {
    if (typeof data !== 'string') {
      sendBack({ type: 'server.invalid', reason: 'binary frame' });
      return;
    }
    const event = parseServerMessage(data, format);
    // The parser needs the agent format to judge PCM byte counts; it is announced once, here.
    if (event.type === 'server.metadata') format = event.outputFormat;
    sendBack(event);
  };
  // A failed open fires `error` then `close`; the close carries everything worth reporting.
  socket.onclose = ({ code, reason }) => sendBack({ type: 'socket.closed', code, reason, opened });

  const send = (data: string) => {
    if (socket.readyState === 1) socket.send(data);
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
    input.uplink.send = null;
    socket.onmessage = socket.onclose = null;
    // Closing a socket that is still connecting makes browsers log a warning with its URL, which
    // holds the API key: let the handshake finish, then close it at once.
    if (socket.readyState) socket.close(1000);
    else socket.onopen = () => socket.close(1000);
  };
});
