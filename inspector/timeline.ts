import { clip } from './redact';

/**
 * The timeline's rows: machine events, state changes and wire messages in both directions, as
 * short plain-text lines. Audio is the one flow too dense to list, so consecutive audio in each
 * direction folds into one row (count, bytes, event ids) until anything else happens.
 */

/** What a row is about. `in`/`out`: wire messages from/to the server. */
export type RowKind = 'state' | 'event' | 'in' | 'out' | 'command' | 'error';

/** One line of the timeline. Rows are plain text: the panel sets them as text, never as HTML. */
export interface TimelineRow {
  /** Increasing, unique. */
  readonly id: number;
  /** Milliseconds since the recording began. */
  readonly t: number;
  readonly kind: RowKind;
  /** The event type or wire message type. */
  name: string;
  /** Details. */
  text: string;
  /** Bumped when a folded audio row grows, so views know to redraw it. */
  rev: number;
}

/** The timeline: bounded, newest last. */
export interface Timeline {
  /** The latest {@link MAX_ROWS} rows. Row ids count every row ever added: `rows[0].id - 1` were dropped. */
  readonly rows: readonly TimelineRow[];
  /** Adds a row; ends the current audio folds. */
  add(t: number, kind: RowKind, name: string, text?: string): TimelineRow;
  /** Agent audio arrived (`stale`: dropped after an interruption). */
  audioIn(t: number, eventId: number, bytes: number, stale: boolean): void;
  /** Microphone chunks were sent. */
  audioOut(t: number, chunks: number, bytes: number): void;
  /**
   * Adds a row, or folds it into the previous one when that is the same message (informational
   * streams such as `vad_score` come many times a second): `×N`, and the latest details.
   */
  repeat(t: number, kind: RowKind, name: string, text: string): void;
}

/** Rows kept; older ones are dropped (the trace keeps more). */
export const MAX_ROWS = 2000;
/**
 * Characters of a row's text: a line, never a payload. With {@link MAX_ROWS}, the timeline holds
 * at most 600 000 characters.
 */
export const MAX_TEXT = 300;

/** `1.2 kB`, `3.4 MB`: decimal units, as network tools show them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/** An empty timeline. */
export function createTimeline(): Timeline {
  const rows: TimelineRow[] = [];
  let nextId = 1;
  let down: { row: TimelineRow; count: number; bytes: number; stale: number; first: number; last: number } | null = null;
  let up: { row: TimelineRow; count: number; bytes: number } | null = null;
  let repeated: { row: TimelineRow; count: number } | null = null;

  const push = (t: number, kind: RowKind, name: string, text: string): TimelineRow => {
    // A copy: the text is often a piece of a server message, which a slice would keep alive whole.
    const row: TimelineRow = { id: nextId++, t, kind, name: clip(name, 100), text: clip(text, MAX_TEXT), rev: 0 };
    rows.push(row);
    if (rows.length > MAX_ROWS) rows.splice(0, rows.length - MAX_ROWS);
    return row;
  };

  return {
    rows,
    add(t, kind, name, text = '') {
      down = up = repeated = null;
      return push(t, kind, name, text);
    },
    repeat(t, kind, name, text) {
      const last = rows[rows.length - 1];
      if (repeated && last === repeated.row && last.kind === kind && last.name === name) {
        repeated.count++;
        last.text = clip(`×${repeated.count} · ${text}`, MAX_TEXT);
        last.rev++;
        return;
      }
      down = up = null;
      repeated = { row: push(t, kind, name, text), count: 1 };
    },
    audioIn(t, eventId, bytes, stale) {
      if (!down) down = { row: push(t, 'in', 'audio', ''), count: 0, bytes: 0, stale: 0, first: eventId, last: eventId };
      down.count++;
      down.bytes += bytes;
      if (stale) down.stale++;
      down.first = Math.min(down.first, eventId);
      down.last = Math.max(down.last, eventId);
      const ids = down.first === down.last ? `event_id ${down.first}` : `event_id ${down.first}–${down.last}`;
      down.row.text = `×${down.count} · ${formatBytes(down.bytes)} · ${ids}${down.stale ? ` · ${down.stale} stale, dropped` : ''}`;
      down.row.rev++;
    },
    audioOut(t, chunks, bytes) {
      if (!up) up = { row: push(t, 'out', 'user_audio_chunk', ''), count: 0, bytes: 0 };
      up.count += chunks;
      up.bytes += bytes;
      up.row.text = `×${up.count} · ${formatBytes(up.bytes)}`;
      up.row.rev++;
    },
  };
}

/** Wire names of the messages behind the SDK's `server.*` events. */
const WIRE_NAMES: Record<string, string> = {
  'server.metadata': 'conversation_initiation_metadata',
  'server.audio': 'audio',
  'server.agentResponse': 'agent_response',
  'server.agentCorrection': 'agent_response_correction',
  'server.userTranscript': 'user_transcript',
  'server.interruption': 'interruption',
  'server.ping': 'ping',
  'server.error': 'error',
  'server.invalid': 'invalid frame',
  'server.tentative': 'tentative_user_transcript',
  'server.toolCall': 'client_tool_call',
};

const quote = (text: unknown) => {
  const value = String(text);
  return `“${value.length > 160 ? `${value.slice(0, 160)}…` : value}”`;
};

/**
 * The row for an event the machine received (already redacted). Server messages get their wire
 * name and the fields that matter; other events their type and their sender.
 */
export function describeEvent(event: { type: string; [field: string]: unknown }, source: string): { kind: RowKind; name: string; text: string } {
  const e = event as Record<string, unknown> & { type: string };
  if (e.type.startsWith('server.')) {
    const raw = e.raw as { type?: unknown } | undefined;
    const name = WIRE_NAMES[e.type] ?? (typeof raw?.type === 'string' ? raw.type : e.type.slice(7));
    let text = '';
    switch (e.type) {
      case 'server.metadata':
        text = `${e.conversationId} · out ${e.outputFormat} · in ${e.inputFormat}`;
        break;
      case 'server.ping':
        text = `#${e.eventId}${e.pingMs === null ? '' : ` · ping_ms ${e.pingMs}`}`;
        break;
      case 'server.interruption':
        text = `#${e.eventId}`;
        break;
      case 'server.agentResponse':
      case 'server.userTranscript':
      case 'server.tentative':
        text = quote(e.text);
        break;
      case 'server.toolCall':
        text = `${e.name} #${e.id} ${JSON.stringify(e.parameters).slice(0, 160)}`;
        break;
      case 'server.agentCorrection':
        text = `${quote(e.original)} → ${quote(e.corrected)}`;
        break;
      case 'server.error':
        text = `${e.code === null ? '' : `${e.code}: `}${e.message}`;
        break;
      case 'server.invalid':
        text = String(e.reason);
        break;
      case 'server.unknown':
        text = JSON.stringify(raw ?? {}).slice(0, 200);
        break;
    }
    return { kind: 'in', name, text };
  }
  if (e.type.startsWith('xstate.after.')) {
    // xstate.after.<delay>.<state id>: show it as the statechart labels it.
    const delay = e.type.slice(13).split('.')[0];
    return { kind: 'event', name: `after ${delay}`, text: source === 'machine' ? '' : `← ${source}` };
  }
  let text = source === 'app' || source === 'machine' ? '' : `← ${source}`;
  if (e.type === 'socket.closed') text = `${e.code}${e.reason ? ` ${quote(e.reason)}` : ''}${e.opened ? '' : ' · never opened'} ${text}`;
  else if (e.type === 'SET_MUTED') text = String(e.muted);
  else if (e.type === 'SET_VOLUME') text = String(e.volume);
  else if (e.type === 'tool.result') text = `${e.name} #${e.id} → ${e.isError ? 'error ' : ''}${quote(e.result)} ${text}`;
  else if (e.error && typeof e.error === 'object') text = `${(e.error as { message?: string }).message ?? ''} ${text}`;
  return { kind: 'event', name: e.type, text: text.trim() };
}
