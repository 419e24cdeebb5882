// The statechart is drawn from the machine definition: the README's picture must match the
// machine, and the drawing must be complete and uncluttered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { sessionMachine } from '../../core/machine';
import { statechartSvg } from '../../inspector/index';
import { chartModel } from '../../inspector/chart-model';
import { layoutChart, type Rect } from '../../inspector/chart-layout';

const ROOT = join(import.meta.dirname, '../..');

describe('the statechart', () => {
  it('docs/statechart.svg is the current session machine (else: npm run statechart, and commit it)', () => {
    const committed = readFileSync(join(ROOT, 'docs/statechart.svg'), 'utf8');
    expect(statechartSvg(sessionMachine, { title: 'The perfvoice session machine' }) === committed, 'docs/statechart.svg is stale: run `npm run statechart`').toBe(true);
  });

  it('has a box for every state and an arrow, labelled with its events, for every transition', () => {
    const svg = statechartSvg(sessionMachine);
    const ids = [...svg.matchAll(/class="pv-state [^"]+" data-id="([^"]+)"/g)].map((m) => m[1]);
    const states: string[] = [];
    const walk = (node: { id: string; states: Record<string, unknown> }) => {
      states.push(node.id);
      Object.values(node.states).forEach((child) => walk(child as never));
    };
    walk(sessionMachine.root as never);
    expect(ids.sort()).toEqual(states.sort());
    const arrows = [...svg.matchAll(/data-source="([^"]+)" data-target="([^"]+)" data-events="([^"]+)"/g)].map((m) => `${m[1]} → ${m[2]}: ${m[3]}`);
    expect(arrows.sort()).toEqual(
      [
        'perfvoice.disconnected → perfvoice.session: START',
        'perfvoice.session → perfvoice.disconnected: STOP mic.failed',
        'perfvoice.session.connection.microphone → perfvoice.session.connection.online: mic.ready',
        'perfvoice.session.connection.online → perfvoice.disconnected: socket.closed',
        'perfvoice.session.connection.online → perfvoice.session.connection.reconnecting: socket.closed [mayReconnect]',
        'perfvoice.session.connection.online.connecting → perfvoice.session.connection.reconnecting: after connectTimeout [mayReconnect]',
        'perfvoice.session.connection.reconnecting → perfvoice.session.connection.online: after backoff',
        'perfvoice.session.connection.online.connecting → perfvoice.session.connection.online.connected: server.metadata',
        'perfvoice.session.connection.online.connecting → perfvoice.disconnected: after connectTimeout',
        'perfvoice.session.connection.online.connected.playing → perfvoice.session.connection.online.connected.playing.interrupted: server.interruption',
        'perfvoice.session.connection.online.connected → perfvoice.disconnected: playback.failed',
        'perfvoice.session.connection.online.connected.playing.listening → perfvoice.session.connection.online.connected.playing.agentSpeaking: playback.started',
        'perfvoice.session.connection.online.connected.playing.agentSpeaking → perfvoice.session.connection.online.connected.playing.listening: playback.drained',
        'perfvoice.session.connection.online.connected.playing.interrupted → perfvoice.session.connection.online.connected.playing.agentSpeaking: playback.started',
        'perfvoice.session.connection.online.connected.playing.interrupted → perfvoice.session.connection.online.connected.playing.listening: server.userTranscript',
        'perfvoice.session.audio.context.starting → perfvoice.session.audio.context.running: audio.running',
        'perfvoice.session.audio.context.starting → perfvoice.session.audio.context.blocked: audio.blocked after audioStart',
        'perfvoice.session.audio.context.blocked → perfvoice.session.audio.context.running: audio.running',
        'perfvoice.session.audio.context.running → perfvoice.session.audio.context.starting: audio.suspended',
      ].sort(),
    );
    // Transitions that stay in their state are listed in it, guards included.
    expect(svg).toContain('server.audio');
    expect(svg).toContain('invoke socket');
    expect(svg).toContain('#speaking');
  });

  it('follows the machine: another definition draws another chart', () => {
    const machine = setup({}).createMachine({
      id: 'door',
      initial: 'closed',
      states: { closed: { on: { OPEN: 'open' } }, open: { on: { CLOSE: 'closed' }, after: { 5000: 'closed' } } },
    });
    const svg = statechartSvg(machine);
    expect(svg).toContain('data-source="door.closed" data-target="door.open" data-events="OPEN"');
    expect(svg).toContain('data-events="CLOSE after 5000 ms"');
    expect(svg).not.toContain('perfvoice');
  });

  it('is uncluttered: boxes nest, siblings and labels do not overlap, no arrow was forced', () => {
    const layout = layoutChart(chartModel(sessionMachine));
    expect(layout.crowded).toBe(0);
    const inside = (a: Rect, b: Rect) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
    const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    const box = new Map(layout.boxes.map((b) => [b.state, b]));
    for (const b of layout.boxes) {
      if (b.state.parent) expect(inside(b, box.get(b.state.parent)!), b.state.id).toBe(true);
      for (const other of layout.boxes) {
        if (other !== b && other.state.parent === b.state.parent) expect(overlap(b, other), `${b.state.id} / ${other.state.id}`).toBe(false);
      }
    }
    const labels = layout.edges.map((e) => e.label);
    labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => expect(overlap(a, b)).toBe(false)));
    for (const label of labels) {
      // A label sits in a gap: over no box but its ancestors'.
      const covered = layout.boxes.filter((b) => overlap(label, b) && !inside(label, b));
      expect(covered.map((b) => b.state.id)).toEqual([]);
    }
    expect(layout.width).toBeLessThanOrEqual(900);
  });
});
