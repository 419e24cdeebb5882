/**
 * The statechart as SVG markup: one string, used both by the panel (which then highlights states
 * through their `data-id`) and by scripts/statechart.mjs for the README's picture.
 */
import { chartModel, type MachineLike } from './chart-model';
import { TEXT, layoutChart, type ChartLayout, type LayoutOptions } from './chart-layout';

/** Options of {@link statechartSvg}. */
export interface StatechartSvgOptions extends LayoutOptions {
  /**
   * A standalone document (XML declaration, white background, its own stylesheet), as a file or
   * an `<img>`; otherwise markup for inline use, styled by the host (see {@link CHART_CSS}).
   * Default true.
   */
  standalone?: boolean;
  /** Accessible title. Default: `<machine id> statechart`. */
  title?: string;
}

/**
 * The chart's stylesheet: the panel puts it in its shadow root; standalone files embed it. The
 * panel adds `.pv-active` (an active state), `.pv-current` (the active leaf) and `.pv-taken`
 * (the last transition). Built by a call marked pure, so bundlers drop it when the chart is unused.
 */
export const CHART_CSS: string = /* @__PURE__ */ (() => `
.pv-chart{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace}
.pv-state>rect{fill:rgba(100,116,139,.045);stroke:#94a3b8;stroke-width:1}
.pv-atomic>rect{fill:#fff}
.pv-name{font-size:${TEXT.name.size}px;font-weight:700;fill:#0f172a}
.pv-meta{font-size:${TEXT.meta.size}px;fill:#7c3aed}
.pv-internal{font-size:${TEXT.meta.size}px;fill:#64748b}
.pv-edge path{fill:none;stroke:#64748b;stroke-width:1.25;marker-end:url(#pv-arrow)}
.pv-edge rect{fill:#fff;fill-opacity:.94;stroke:#e2e8f0}
.pv-edge text{font-size:${TEXT.label.size}px;fill:#334155;text-anchor:middle}
.pv-initial circle{fill:#334155}
.pv-initial path{stroke:#334155;stroke-width:1.25;marker-end:url(#pv-arrow)}
.pv-arrow{fill:#64748b}
.pv-arrow-on{fill:#16a34a}
.pv-active>rect{stroke:#16a34a;stroke-width:1.5;fill:rgba(22,163,74,.05)}
.pv-current>rect{fill:#dcfce7;stroke:#15803d;stroke-width:2.5}
.pv-current>.pv-name{fill:#14532d}
.pv-taken path{stroke:#16a34a;stroke-width:2.25;marker-end:url(#pv-arrow-on)}
.pv-taken rect{stroke:#16a34a}
.pv-taken text{fill:#14532d;font-weight:700}
`)();

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Coordinates to half a pixel: crisp lines, and a stable file. */
const n = (value: number) => String(Math.round(value * 2) / 2);

/** An orthogonal polyline with rounded corners. */
function pathData(points: [number, number][], radius = 6): string {
  let d = `M${n(points[0][0])} ${n(points[0][1])}`;
  for (let i = 1; i < points.length; i++) {
    const [x, y] = points[i];
    const next = points[i + 1];
    if (!next) {
      d += `L${n(x)} ${n(y)}`;
      break;
    }
    const [px, py] = points[i - 1];
    const r = Math.min(radius, Math.hypot(x - px, y - py) / 2, Math.hypot(next[0] - x, next[1] - y) / 2);
    const ux = Math.sign(x - px);
    const uy = Math.sign(y - py);
    const vx = Math.sign(next[0] - x);
    const vy = Math.sign(next[1] - y);
    d += `L${n(x - ux * r)} ${n(y - uy * r)}Q${n(x)} ${n(y)} ${n(x + vx * r)} ${n(y + vy * r)}`;
  }
  return d;
}

/** Renders a laid-out chart. */
export function renderChart(layout: ChartLayout, options: { standalone?: boolean; title?: string } = {}): string {
  const { standalone = true, title = 'statechart' } = options;
  const out: string[] = [];
  if (standalone) out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="pv-chart" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="img">`,
    `<title>${escape(title)}</title>`,
    '<defs>',
    '<marker id="pv-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="pv-arrow" d="M0 1L10 5L0 9z"/></marker>',
    '<marker id="pv-arrow-on" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="pv-arrow-on" d="M0 1L10 5L0 9z"/></marker>',
    '</defs>',
  );
  if (standalone) {
    out.push(`<style>${CHART_CSS.trim()}</style>`);
    out.push(`<rect width="${layout.width}" height="${layout.height}" rx="10" fill="#fff"/>`);
  }
  // Outer states first, so inner boxes paint over their parents.
  const boxes = [...layout.boxes].sort((a, b) => a.state.depth - b.state.depth);
  for (const box of boxes) {
    const { state } = box;
    const kind = state.children.length ? 'pv-compound' : 'pv-atomic';
    out.push(`<g class="pv-state ${kind}" data-id="${escape(state.id)}" data-path="${escape(state.path)}">`);
    out.push(`<rect x="${n(box.x)}" y="${n(box.y)}" width="${n(box.w)}" height="${n(box.h)}" rx="${state.children.length ? 10 : 7}"/>`);
    let y = box.y + 6 + TEXT.name.size + 1;
    out.push(`<text class="pv-name" x="${n(box.x + 10)}" y="${n(y)}">${escape(state.name)}</text>`);
    y += TEXT.name.line - TEXT.name.size + TEXT.meta.size - 1;
    for (const line of box.meta) {
      out.push(`<text class="pv-meta" x="${n(box.x + 10)}" y="${n(y)}">${escape(line)}</text>`);
      y += TEXT.meta.line;
    }
    for (const line of box.internal) {
      out.push(`<text class="pv-internal" x="${n(box.x + 10)}" y="${n(y)}">${escape(line)}</text>`);
      y += TEXT.meta.line;
    }
    out.push('</g>');
  }
  for (const marker of layout.initials) {
    out.push(
      `<g class="pv-initial"><circle cx="${n(marker.x)}" cy="${n(marker.y)}" r="3"/><path d="M${n(marker.x)} ${n(marker.y + 3)}L${n(marker.x)} ${n(marker.toY)}"/></g>`,
    );
  }
  for (const { edge, points, label } of layout.edges) {
    out.push(
      `<g class="pv-edge" data-source="${escape(edge.source.id)}" data-target="${escape(edge.target.id)}" data-events="${escape(edge.events.join(' '))}">`,
      `<path d="${pathData(points)}"/>`,
      `<rect x="${n(label.x)}" y="${n(label.y)}" width="${n(label.w)}" height="${n(label.h)}" rx="3"/>`,
    );
    label.lines.forEach((line, i) => {
      out.push(`<text x="${n(label.x + label.w / 2)}" y="${n(label.y + 2 + (i + 1) * TEXT.label.line - 3)}">${escape(line)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/**
 * The statechart of a machine (e.g. the SDK's `sessionMachine`), drawn from its definition, as
 * SVG markup.
 */
export function statechartSvg(machine: MachineLike, options: StatechartSvgOptions = {}): string {
  const { standalone = true, title = `${machine.id} statechart`, ...layout } = options;
  return renderChart(layoutChart(chartModel(machine), layout), { standalone, title });
}
