/**
 * Statechart geometry: nested states as boxes, transitions as orthogonal arrows labelled with
 * their events. Deterministic (no DOM, no randomness: text widths come from a monospace font's
 * advance), so the README's picture can be regenerated and compared byte for byte.
 *
 * Children of a state sit in a row or a column; gaps between them are sized for the labels of the
 * arrows that cross them. An arrow between neighbours runs straight across their gap ("corridor");
 * any other (between distant siblings, or between a state and its own child) runs through a lane
 * along the parent's right side (columns) or bottom (rows). Every arrow is placed at the first
 * position, nearest the preferred one, that crosses no box, label or parallel arrow.
 */
import type { ChartEdge, ChartModel, ChartState } from './chart-model';

/** An axis-aligned rectangle. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Text sizes: monospace, so a width is a character count times the advance. */
export const TEXT = {
  name: { size: 12, advance: 7.4, line: 17 },
  meta: { size: 10, advance: 6.1, line: 13 },
  label: { size: 10, advance: 6.1, line: 12 },
} as const;

/** A state's box and the text lines in it. */
export interface BoxLayout extends Rect {
  state: ChartState;
  /** Meta lines under the name: invoked actors and tags. */
  meta: string[];
  /** Transitions that stay in the state, wrapped into lines. */
  internal: string[];
}

/** An arrow: an orthogonal polyline and its label box. */
export interface EdgeLayout {
  edge: ChartEdge;
  points: [number, number][];
  label: Rect & { lines: string[] };
}

/** An initial-state marker: a dot and a short arrow into the initial child. */
export interface InitialMarker {
  x: number;
  y: number;
  toY: number;
  state: ChartState;
}

/** The whole picture. */
export interface ChartLayout {
  width: number;
  height: number;
  boxes: BoxLayout[];
  edges: EdgeLayout[];
  initials: InitialMarker[];
  /** Arrows that found no free position and were drawn at their preferred one anyway. */
  crowded: number;
}

/** Options of {@link layoutChart}. */
export interface LayoutOptions {
  /**
   * The width the chart should fit in; the row/column arrangement of every compound state is
   * chosen to minimise area within it. Default 900.
   */
  maxWidth?: number;
}

const PAD = 12; // inside a compound state, around its children
const TEXT_X = 10; // text inset
const TOP_GAP = 18; // between a header and the children: room for the initial marker
const MARGIN = 8; // around the whole chart
const MIN_ATOMIC_W = 84;

type Dir = 'row' | 'column';

interface EdgeInfo {
  edge: ChartEdge;
  lca: ChartState;
  /** Indexes, among the lca's children, of the children holding the source and the target (-1: the lca itself). */
  a: number;
  b: number;
  corridor: boolean;
  gap: number;
  lines: string[];
  lw: number;
  lh: number;
}

interface Node extends Rect {
  state: ChartState;
  dir: Dir;
  kids: Node[];
  parent: Node | null;
  meta: string[];
  internal: string[];
  headerH: number;
  /** Children's offsets inside the content area. */
  kx: number[];
  ky: number[];
  gaps: number[];
  /** Width of the children's column, or height of the children's row. */
  inner: number;
  /** Lane region: width (column) or height (row). */
  region: number;
  corridors: EdgeInfo[];
  lanes: EdgeInfo[];
  /** Labelled arrows leaving or entering this box through a lane: it must be tall (column) or wide (row) enough for them. */
  ports: EdgeInfo[];
}

const textWidth = (text: string, kind: keyof typeof TEXT) => Math.ceil([...text].length * TEXT[kind].advance);

/** Greedy word wrap of `items` joined by ` · ` into lines at most `width` wide. */
function wrap(items: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line} · ${item}` : item;
    if (line && textWidth(next, 'meta') > width) {
      lines.push(`${line} ·`);
      line = item;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function metaLines(state: ChartState): string[] {
  const parts = [...state.invokes.map((id) => `invoke ${id}`), ...state.tags.map((tag) => `#${tag}`)];
  return parts.length ? [parts.join('  ')] : [];
}

function ancestors(state: ChartState): ChartState[] {
  const out: ChartState[] = [];
  for (let s: ChartState | null = state; s; s = s.parent) out.push(s);
  return out;
}

/** Where each edge lives: its least common ancestor, and which children of it it joins. */
function classify(model: ChartModel): EdgeInfo[] {
  return model.edges.map((edge) => {
    const up = ancestors(edge.source);
    const lca = ancestors(edge.target).find((s) => up.includes(s))!;
    const childOf = (state: ChartState) => {
      if (state === lca) return -1;
      let s = state;
      while (s.parent !== lca) s = s.parent!;
      return lca.children.indexOf(s);
    };
    const a = childOf(edge.source);
    const b = childOf(edge.target);
    const lines = edge.events;
    return {
      edge,
      lca,
      a,
      b,
      corridor: a >= 0 && b >= 0 && Math.abs(a - b) === 1,
      gap: Math.min(a, b),
      lines,
      lw: Math.max(...lines.map((line) => textWidth(line, 'label'))) + 8,
      lh: lines.length * TEXT.label.line + 4,
    };
  });
}

/** Offsets of the vertical arrows crossing one column gap, and the width they need. */
function spread(widths: number[]): { xs: number[]; width: number } {
  const xs: number[] = [];
  widths.forEach((w, j) => xs.push(j ? xs[j - 1] + Math.max(widths[j - 1], w) / 2 + 8 : w / 2));
  return { xs, width: xs.length ? xs[xs.length - 1] + widths[widths.length - 1] / 2 : 0 };
}

function build(state: ChartState, parent: Node | null, dirs: Map<ChartState, Dir>, infos: EdgeInfo[]): Node {
  const node: Node = {
    state,
    dir: dirs.get(state) ?? 'column',
    kids: [],
    parent,
    meta: metaLines(state),
    internal: [],
    headerH: 0,
    kx: [],
    ky: [],
    gaps: [],
    inner: 0,
    region: 0,
    corridors: infos.filter((i) => i.lca === state && i.corridor),
    lanes: infos.filter((i) => i.lca === state && !i.corridor),
    ports: infos.filter((i) => !i.corridor && i.lca !== state && (i.edge.source === state || i.edge.target === state)),
    x: 0,
    y: 0,
    w: 0,
    h: 0,
  };
  node.kids = state.children.map((child) => build(child, node, dirs, infos));
  return node;
}

function headerHeight(node: Node): number {
  return 6 + TEXT.name.line + (node.meta.length + node.internal.length) * TEXT.meta.line + 4;
}

function measure(node: Node): void {
  const { state } = node;
  const nameW = textWidth(state.name, 'name');
  const metaW = Math.max(0, ...node.meta.map((line) => textWidth(line, 'meta')));
  if (!node.kids.length) {
    node.internal = wrap(state.internal, 200);
    const internalW = Math.max(0, ...node.internal.map((line) => textWidth(line, 'meta')));
    node.w = Math.max(MIN_ATOMIC_W, nameW + 2 * TEXT_X + 4, metaW + 2 * TEXT_X, internalW + 2 * TEXT_X);
    // Lane arrows meet a box side by side, each with its label beside the box: room for all.
    const ports = node.ports.reduce((sum, info) => sum + info.lh + 8, 0);
    node.h = Math.max(34, headerHeight(node) + 4, ports + 10);
    return;
  }
  node.kids.forEach(measure);
  const n = node.kids.length;
  const inGap = (i: number) => node.corridors.filter((info) => info.gap === i);
  let contentW: number;
  let contentH: number;
  if (node.dir === 'row') {
    node.gaps = Array.from({ length: n - 1 }, (_, i) => Math.max(32, ...inGap(i).map((info) => info.lw + 28)));
    node.inner = Math.max(...node.kids.map((kid) => kid.h));
    // Atomic children span the row: arrows from deep inside a neighbour can reach them straight.
    for (const kid of node.kids) if (!kid.kids.length) kid.h = node.inner;
    let x = 0;
    node.kids.forEach((kid, i) => {
      node.kx.push(x);
      node.ky.push(0);
      x += kid.w + (node.gaps[i] ?? 0);
    });
    const laneH = Math.max(0, ...node.lanes.map((info) => info.lh));
    node.region = node.lanes.length ? node.lanes.length * (laneH + 12) + 10 : 0;
    contentW = x;
    contentH = node.inner + node.region;
  } else {
    node.gaps = Array.from({ length: n - 1 }, (_, i) => {
      const crossing = inGap(i);
      return crossing.length ? crossing.reduce((sum, info) => sum + info.lh + 4, 0) + 20 : 24;
    });
    const spreads = node.gaps.map((_, i) => spread(inGap(i).map((info) => info.lw)).width + 16);
    node.inner = Math.max(...node.kids.map((kid) => kid.w), ...spreads);
    for (const kid of node.kids) stretchWidth(kid, node.inner);
    let y = 0;
    node.kids.forEach((kid, i) => {
      node.kx.push(0);
      node.ky.push(y);
      y += kid.h + (node.gaps[i] ?? 0);
    });
    const laneW = Math.max(0, ...node.lanes.map((info) => info.lw));
    node.region = node.lanes.length ? laneW + 26 + (node.lanes.length - 1) * 10 : 0;
    contentW = node.inner + node.region;
    contentH = y;
  }
  node.w = Math.max(contentW + 2 * PAD, nameW + 2 * TEXT_X + 4, metaW + 2 * TEXT_X);
  node.internal = wrap(state.internal, node.w - 2 * TEXT_X);
  node.w = Math.max(node.w, ...node.internal.map((line) => textWidth(line, 'meta') + 2 * TEXT_X));
  node.headerH = headerHeight(node);
  node.h = node.headerH + TOP_GAP + contentH + PAD;
}

/** Widens a box to `width`; a column's children widen with it. */
function stretchWidth(node: Node, width: number): void {
  if (width <= node.w) return;
  const delta = width - node.w;
  node.w = width;
  if (node.kids.length && node.dir === 'column') {
    node.inner += delta;
    for (const kid of node.kids) stretchWidth(kid, node.inner);
  }
}

function place(node: Node, x: number, y: number, out: Map<ChartState, Node>): void {
  node.x = x;
  node.y = y;
  out.set(node.state, node);
  node.kids.forEach((kid, i) => place(kid, x + PAD + node.kx[i], y + node.headerH + TOP_GAP + node.ky[i], out));
}

// ---------------------------------------------------------------------------------------------
// Routing

type Point = [number, number];
type Segment = { x1: number; y1: number; x2: number; y2: number; edge: ChartEdge };

const overlaps = (a: Rect, b: Rect, margin = 0) =>
  a.x < b.x + b.w + margin && b.x < a.x + a.w + margin && a.y < b.y + b.h + margin && b.y < a.y + a.h + margin;

/** Whether a horizontal or vertical segment passes through a rectangle's interior (grown by `margin`). */
function crosses(s: { x1: number; y1: number; x2: number; y2: number }, r: Rect, margin: number): boolean {
  const [x1, x2] = s.x1 < s.x2 ? [s.x1, s.x2] : [s.x2, s.x1];
  const [y1, y2] = s.y1 < s.y2 ? [s.y1, s.y2] : [s.y2, s.y1];
  return x1 < r.x + r.w + margin && x2 > r.x - margin && y1 < r.y + r.h + margin && y2 > r.y - margin;
}

/** Candidates from `preferred` outwards, every `step`, within [lo, hi]. */
function around(preferred: number, lo: number, hi: number, step = 2): number[] {
  const p = Math.min(hi, Math.max(lo, Math.round(preferred)));
  const out = [p];
  for (let d = step; p - d >= lo || p + d <= hi; d += step) {
    if (p + d <= hi) out.push(p + d);
    if (p - d >= lo) out.push(p - d);
  }
  return out;
}

class Router {
  readonly segments: Segment[] = [];
  readonly labels: Rect[] = [];
  readonly edges: EdgeLayout[] = [];
  crowded = 0;

  constructor(private readonly nodes: Map<ChartState, Node>) {}

  /** Boxes an arrow from `source` to `target` must not cross: all but theirs and their ancestors'. */
  private obstacles(edge: ChartEdge): Node[] {
    const mine = new Set([...ancestors(edge.source), ...ancestors(edge.target)]);
    return [...this.nodes.values()].filter((node) => !mine.has(node.state));
  }

  private valid(edge: ChartEdge, points: Point[], label: Rect, lca: ChartState): boolean {
    const blocks = this.obstacles(edge);
    const segments = points.slice(1).map(([x2, y2], i) => ({ x1: points[i][0], y1: points[i][1], x2, y2 }));
    for (const s of segments) {
      // Skip the zero-length first/last pieces; shave the ends, which touch their own boxes.
      if (blocks.some((b) => crosses(s, shrink(b, 1), 0))) return false;
      if (this.labels.some((l) => crosses(s, l, 2))) return false;
      const horizontal = s.y1 === s.y2;
      for (const other of this.segments) {
        if (other.edge === edge || (other.y1 === other.y2) !== horizontal) continue;
        if (horizontal && Math.abs(other.y1 - s.y1) < 7 && spanOverlap(s.x1, s.x2, other.x1, other.x2)) return false;
        if (!horizontal && Math.abs(other.x1 - s.x1) < 7 && spanOverlap(s.y1, s.y2, other.y1, other.y2)) return false;
      }
    }
    const home = new Set(ancestors(lca));
    if ([...this.nodes.values()].some((node) => !home.has(node.state) && overlaps(label, node, 2))) return false;
    if (this.labels.some((l) => overlaps(label, l, 3))) return false;
    if (this.segments.some((s) => crosses(s, label, 1))) return false;
    return true;
  }

  /** Takes the first valid candidate; when none is, the first one, counted as crowded. */
  place(info: EdgeInfo, candidates: Iterable<{ points: Point[]; label: Rect }>): void {
    let chosen: { points: Point[]; label: Rect } | undefined;
    let fallback: { points: Point[]; label: Rect } | undefined;
    for (const candidate of candidates) {
      fallback ??= candidate;
      if (this.valid(info.edge, candidate.points, candidate.label, info.lca)) {
        chosen = candidate;
        break;
      }
    }
    if (!chosen) {
      chosen = fallback!;
      this.crowded++;
    }
    const { points, label } = chosen;
    points.slice(1).forEach(([x2, y2], i) => this.segments.push({ x1: points[i][0], y1: points[i][1], x2, y2, edge: info.edge }));
    this.labels.push(label);
    this.edges.push({ edge: info.edge, points, label: { ...label, lines: info.lines } });
  }

  node(state: ChartState): Node {
    return this.nodes.get(state)!;
  }
}

const shrink = (r: Rect, by: number): Rect => ({ x: r.x + by, y: r.y + by, w: r.w - 2 * by, h: r.h - 2 * by });
const spanOverlap = (a1: number, a2: number, b1: number, b2: number) =>
  Math.min(Math.max(a1, a2), Math.max(b1, b2)) - Math.max(Math.min(a1, a2), Math.min(b1, b2)) > 0;
const centred = (cx: number, cy: number, w: number, h: number): Rect => ({ x: cx - w / 2, y: cy - h / 2, w, h });

/** Where an arrow should meet a box: mid-height for a simple state, the header for a compound one. */
const preferredY = (node: Node) => (node.kids.length ? node.y + 12 : node.y + node.h / 2);

function* corridorRow(router: Router, lcaNode: Node, info: EdgeInfo) {
  const S = router.node(info.edge.source);
  const T = router.node(info.edge.target);
  const forward = info.a < info.b;
  const xs = forward ? S.x + S.w : S.x;
  const xt = forward ? T.x : T.x + T.w;
  const left = lcaNode.kids[Math.min(info.a, info.b)];
  const right = lcaNode.kids[Math.max(info.a, info.b)];
  const mid = (left.x + left.w + right.x) / 2;
  const lo = Math.max(S.y, T.y) + 7;
  const hi = Math.min(S.y + S.h, T.y + T.h) - 7;
  // Into or out of a compound state: at its header. Between simple states: mid-height.
  const compound = [S, T].filter((node) => node.kids.length);
  const prefer = compound.length ? Math.max(...compound.map(preferredY)) : (lo + hi) / 2;
  for (const y of around(prefer, lo, hi)) yield { points: [[xs, y], [xt, y]] as Point[], label: centred(mid, y, info.lw, info.lh) };
  // No straight line: a dog-leg through the middle of the gap.
  const y1 = preferredY(S);
  const y2 = preferredY(T);
  yield { points: [[xs, y1], [mid, y1], [mid, y2], [xt, y2]] as Point[], label: centred(mid, (y1 + y2) / 2, info.lw, info.lh) };
}

function* corridorColumn(router: Router, lcaNode: Node, info: EdgeInfo) {
  const S = router.node(info.edge.source);
  const T = router.node(info.edge.target);
  const down = info.a < info.b;
  const ys = down ? S.y + S.h : S.y;
  const yt = down ? T.y : T.y + T.h;
  const upper = lcaNode.kids[Math.min(info.a, info.b)];
  const lower = lcaNode.kids[Math.max(info.a, info.b)];
  const inGap = lcaNode.corridors.filter((other) => other.gap === info.gap);
  const j = inGap.indexOf(info);
  const lo = Math.max(S.x, T.x) + 8;
  const hi = Math.min(S.x + S.w, T.x + T.w) - 8;
  const { xs, width } = spread(inGap.map((other) => other.lw));
  const prefer = (lo + hi) / 2 - width / 2 + xs[j];
  const gapTop = upper.y + upper.h;
  const ly = gapTop + 10 + inGap.slice(0, j).reduce((sum, other) => sum + other.lh + 4, 0) + info.lh / 2;
  void lower;
  for (const x of around(prefer, lo, hi)) yield { points: [[x, ys], [x, yt]] as Point[], label: centred(x, ly, info.lw, info.lh) };
}

function* laneColumn(router: Router, lcaNode: Node, info: EdgeInfo, lane: number) {
  const L = lcaNode;
  const S = router.node(info.edge.source);
  const T = router.node(info.edge.target);
  const laneW = Math.max(...L.lanes.map((other) => other.lw));
  const contentRight = L.x + PAD + L.inner;
  const laneX = contentRight + laneW + 16 + lane * 10;
  const ys = (node: Node) => around(preferredY(node), node.y + 7, node.kids.length ? node.y + node.headerH : node.y + node.h - 7, 3);
  if (S === L) {
    // From the parent's border into its child.
    for (const y of ys(T)) yield { points: [[L.x + L.w, y], [T.x + T.w, y]] as Point[], label: centred(T.x + T.w + 6 + info.lw / 2, y, info.lw, info.lh) };
    return;
  }
  if (T === L) {
    for (const y of ys(S)) yield { points: [[S.x + S.w, y], [L.x + L.w, y]] as Point[], label: centred(S.x + S.w + 6 + info.lw / 2, y, info.lw, info.lh) };
    return;
  }
  for (const y1 of ys(S)) {
    for (const y2 of ys(T)) {
      yield {
        points: [[S.x + S.w, y1], [laneX, y1], [laneX, y2], [T.x + T.w, y2]] as Point[],
        label: centred(S.x + S.w + 6 + info.lw / 2, y1, info.lw, info.lh),
      };
    }
  }
}

function* laneRow(router: Router, lcaNode: Node, info: EdgeInfo, lane: number) {
  const L = lcaNode;
  const S = router.node(info.edge.source);
  const T = router.node(info.edge.target);
  const laneH = Math.max(...L.lanes.map((other) => other.lh));
  const contentBottom = L.y + L.headerH + TOP_GAP + L.inner;
  const laneY = contentBottom + 10 + lane * (laneH + 12) + laneH / 2;
  const xs = (node: Node) => around(node.x + node.w / 2, node.x + 8, node.x + node.w - 8, 3);
  if (S === L || T === L) {
    const inner = S === L ? T : S;
    for (const x of xs(inner)) {
      const ends: Point[] = [[x, L.y + L.h], [x, inner.y + inner.h]];
      yield { points: S === L ? ends : ends.reverse(), label: { x: x + 6, y: (inner.y + inner.h + L.y + L.h) / 2 - info.lh / 2, w: info.lw, h: info.lh } };
    }
    return;
  }
  for (const x1 of xs(S)) {
    for (const x2 of xs(T)) {
      yield {
        points: [[x1, S.y + S.h], [x1, laneY], [x2, laneY], [x2, T.y + T.h]] as Point[],
        label: centred((x1 + x2) / 2, laneY, info.lw, info.lh),
      };
    }
  }
}

function route(nodes: Map<ChartState, Node>, infos: EdgeInfo[]): Router {
  const router = new Router(nodes);
  // Inner states first: they have the least room.
  const order = [...infos].sort((p, q) => q.lca.depth - p.lca.depth || Number(q.corridor) - Number(p.corridor));
  for (const info of order) {
    const lcaNode = nodes.get(info.lca)!;
    const lane = lcaNode.lanes.indexOf(info);
    const candidates = info.corridor
      ? lcaNode.dir === 'row'
        ? corridorRow(router, lcaNode, info)
        : corridorColumn(router, lcaNode, info)
      : lcaNode.dir === 'row'
        ? laneRow(router, lcaNode, info, lane)
        : laneColumn(router, lcaNode, info, lane);
    router.place(info, candidates);
  }
  return router;
}

function layoutWith(model: ChartModel, dirs: Map<ChartState, Dir>, infos: EdgeInfo[]): ChartLayout {
  const root = build(model.root, null, dirs, infos);
  measure(root);
  const nodes = new Map<ChartState, Node>();
  place(root, MARGIN, MARGIN, nodes);
  const router = route(nodes, infos);
  const boxes: BoxLayout[] = [...nodes.values()].map((node) => ({
    state: node.state,
    x: node.x,
    y: node.y,
    w: node.w,
    h: node.h,
    meta: node.meta,
    internal: node.internal,
  }));
  const initials: InitialMarker[] = [];
  for (const node of nodes.values()) {
    const initial = node.kids.find((kid) => kid.state.id === node.state.initial);
    if (initial) initials.push({ x: initial.x + 14, y: initial.y - 13, toY: initial.y, state: initial.state });
  }
  // Edges in model order, so the output does not depend on routing order.
  const edges = model.edges.map((edge) => router.edges.find((e) => e.edge === edge)!);
  return { width: Math.ceil(root.w + 2 * MARGIN), height: Math.ceil(root.h + 2 * MARGIN), boxes, edges, initials, crowded: router.crowded };
}

/**
 * Lays out a statechart. Each compound state's children go in a row or a column: every
 * combination is tried (up to 2^10) and the one with the fewest crowded arrows, then the
 * smallest area within `maxWidth`, wins.
 */
export function layoutChart(model: ChartModel, options: LayoutOptions = {}): ChartLayout {
  const { maxWidth = 900 } = options;
  const infos = classify(model);
  const compounds = model.states.filter((s) => s.children.length > 1);
  const tries = compounds.length <= 10 ? 2 ** compounds.length : 1;
  let best: { layout: ChartLayout; cost: number } | null = null;
  for (let mask = 0; mask < tries; mask++) {
    const dirs = new Map<ChartState, Dir>();
    compounds.forEach((state, i) => {
      // With too many compound states to try them all: alternate by depth.
      const row = tries === 1 ? state.depth % 2 === 0 : (mask >> i) & 1;
      dirs.set(state, row ? 'row' : 'column');
    });
    const layout = layoutWith(model, dirs, infos);
    const over = Math.max(0, layout.width - maxWidth);
    const cost = layout.crowded * 1e9 + over * 1e5 + layout.width * layout.height;
    if (!best || cost < best.cost) best = { layout, cost };
  }
  return best!.layout;
}
