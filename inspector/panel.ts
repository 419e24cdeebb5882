/**
 * The debug panel: a live statechart, metrics and a timeline for one voice, in a shadow root.
 *
 * The recorder collects as things happen; the panel draws at most once per animation frame,
 * touching only what changed (class names on the chart, new or grown timeline rows, metric
 * texts), so a busy session costs the page a few DOM writes per frame.
 */
import { statechartSvg } from './chart-svg';
import { formatBytes, type TimelineRow } from './timeline';
import { recordSession, type InspectableVoice, type SessionRecorder } from './recorder';
import { PANEL_CSS } from './styles';

/** Where the panel goes. */
export type InspectorPosition = 'right' | 'left' | 'bottom' | 'inline';

/** Options of {@link mountInspector}. */
export interface InspectorOptions {
  /** The element the panel is added to. Default `document.body`. */
  target?: Element;
  /**
   * `right` (default), `left` and `bottom` dock the panel to that edge of the window, over the
   * page; `inline` puts it in the target's flow (default when a `target` is given).
   */
  position?: InspectorPosition;
  /**
   * Start collapsed to a small button in a corner. Default: collapsed on a narrow window (under
   * 600 px, a phone) when docked over the page, so the panel does not cover the app's controls.
   */
  collapsed?: boolean;
}

/** Below this the chart's text is too small to read: it scrolls instead of shrinking further. */
const MIN_SCALE = 0.72;

/** Timeline rows kept in the DOM (the recorder keeps more, the trace more still). */
const DOM_ROWS = 600;

const GLYPHS: Record<TimelineRow['kind'], string> = { state: '◆', event: '•', in: '↓', out: '↑', command: '⇢', error: '✖' };

const html = String.raw;

function template(position: InspectorPosition): string {
  const metric = (key: string, label: string, extra = '') => html`<div class="metric ${extra}"><dt>${label}</dt><dd data-m="${key}">–</dd></div>`;
  return html`<section class="panel ${position}" part="panel" aria-label="perfvoice inspector">
  <div class="grip" data-action="resize"></div>
  <header>
    <h2>perfvoice <span>inspector</span></h2>
    <span class="state" data-status="disconnected" title="The session machine's state">disconnected</span>
    <span class="spacer"></span>
    <button type="button" data-action="export" title="Download the session trace (JSON, API key redacted) for a bug report">Export trace</button>
    <button type="button" data-action="collapse" aria-expanded="true" title="Collapse">–</button>
  </header>
  <div class="body">
    <div class="chart" aria-label="Statechart of the session machine"><button type="button" class="zoom" data-action="zoom" title="Show the chart at its natural size">1:1</button></div>
    <div class="side">
      <dl class="metrics">
        <div class="metric"><dt>microphone</dt><dd data-m="input">0.00</dd><span class="bar"><b data-bar="input"></b></span></div>
        <div class="metric"><dt>agent output</dt><dd data-m="output">0.00</dd><span class="bar out"><b data-bar="output"></b></span></div>
        <div class="metric"><dt>playback queue</dt><dd data-m="queue">0 ms</dd><span class="bar queue"><b data-bar="queue"></b></span></div>
        ${metric('interruptions', 'interruptions')}
        ${metric('sent', '↑ audio sent')}
        ${metric('received', '↓ audio received')}
        ${metric('ping', 'last ping_ms')}
        ${metric('pong', 'pongs · audio thread')}
        ${metric('jitter', 'jitter buffer: target · underruns')}
        ${metric('turns', 'end of user speech → first agent audio (ms), per turn, latest first', 'wide')}
      </dl>
      <div class="tools"><b>Timeline</b>
        <button type="button" data-filter="machine" aria-pressed="true" title="Machine events and commands">machine</button>
        <button type="button" data-filter="wire" aria-pressed="true" title="Wire messages">wire</button>
        <button type="button" data-filter="audio" aria-pressed="true" title="Audio chunks (summarised)">audio</button>
      </div>
      <p class="note" hidden></p>
      <ol class="timeline" aria-live="off"></ol>
    </div>
  </div>
</section>`;
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);
const chunks = (count: number) => `${count} chunk${count === 1 ? '' : 's'}`;

/**
 * Mounts the inspector panel for a voice: a live statechart drawn from the session machine, the
 * timeline of machine events and wire messages, live metrics, and an "Export trace" button.
 * Mount it before `voice.start()` to record whole sessions (only those replay).
 * @returns `unmount()`: removes the panel and stops recording.
 */
export function mountInspector(voice: InspectableVoice, options: InspectorOptions = {}): () => void {
  const target = options.target ?? document.body;
  const position = options.position ?? (options.target ? 'inline' : 'right');
  const recorder: SessionRecorder = recordSession(voice);
  const machine = voice.actor.logic;

  const host = document.createElement('div');
  host.setAttribute('data-perfvoice-inspector', '');
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>${PANEL_CSS}</style>${template(position)}`;
  const $ = <T extends Element>(selector: string) => root.querySelector(selector) as T;
  const panel = $<HTMLElement>('.panel');
  const stateLabel = $<HTMLElement>('.state');
  const list = $<HTMLOListElement>('.timeline');
  const note = $<HTMLElement>('.note');
  // The chart's markup comes from the machine definition (names escaped), never from the wire.
  $<HTMLElement>('.chart').insertAdjacentHTML('beforeend', statechartSvg(machine, { standalone: false }));
  const chart = $<HTMLElement>('.chart');
  const svg = chart.querySelector('svg')!;
  const size = { w: Number(svg.getAttribute('width')), h: Number(svg.getAttribute('height')) };
  let natural = false;
  /**
   * Fits the whole chart in its area, unless that makes its text too small to read: then it fits
   * the width and scrolls, following the active state.
   */
  const sizeChart = () => {
    const w = chart.clientWidth - 16;
    const h = chart.clientHeight - 16;
    if (w <= 0 || h <= 0) return;
    let scale = natural ? 1 : Math.min(w / size.w, h / size.h, 1.2);
    if (!natural && scale < MIN_SCALE) scale = Math.min(1, Math.max(w / size.w, MIN_SCALE));
    svg.style.width = `${Math.floor(size.w * scale)}px`;
    svg.style.height = `${Math.floor(size.h * scale)}px`;
  };
  const resizes = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(sizeChart);
  resizes?.observe(chart);
  const stateBoxes = new Map<string, Element>();
  for (const box of root.querySelectorAll('.pv-state')) stateBoxes.set(box.getAttribute('data-id')!, box);
  const edges = [...root.querySelectorAll('.pv-edge')];
  const values = new Map<string, HTMLElement>();
  for (const dd of root.querySelectorAll<HTMLElement>('[data-m]')) values.set(dd.dataset.m!, dd);
  const bars = new Map<string, HTMLElement>();
  for (const bar of root.querySelectorAll<HTMLElement>('[data-bar]')) bars.set(bar.dataset.bar!, bar);
  const collapseButton = root.querySelector<HTMLElement>('button[data-action=collapse]')!;
  const collapse = (collapsed: boolean) => {
    panel.classList.toggle('collapsed', collapsed);
    collapseButton.setAttribute('aria-expanded', String(!collapsed));
    collapseButton.textContent = collapsed ? '▢' : '–';
    collapseButton.title = collapsed ? 'Expand' : 'Collapse';
  };
  collapse(options.collapsed ?? (position !== 'inline' && innerWidth < 600));

  // --- drawing -------------------------------------------------------------------------------
  let drawnVersion = -1;
  let drawnState = '';
  let drawnTaken: unknown = null;
  let lastRowId = 0;
  const rowElements = new Map<number, { element: HTMLLIElement; rev: number; row: TimelineRow }>();
  const texts = new Map<string, string>();

  const setText = (key: string, text: string) => {
    if (texts.get(key) === text) return;
    texts.set(key, text);
    values.get(key)!.textContent = text;
  };
  const setBar = (key: string, fraction: number) => {
    bars.get(key)!.style.transform = `scaleX(${Math.max(0, Math.min(1, fraction)).toFixed(3)})`;
  };

  function drawState(state: string): void {
    drawnState = state;
    const active = new Set([machine.id]);
    for (const leaf of state.split(', ')) {
      let id = machine.id;
      for (const key of leaf.split('.')) active.add((id = `${id}.${key}`));
    }
    const leaves = new Set(state.split(', ').map((leaf) => `${machine.id}.${leaf}`));
    for (const [id, box] of stateBoxes) {
      box.classList.toggle('pv-active', active.has(id));
      box.classList.toggle('pv-current', leaves.has(id));
    }
    // Keep the active state in sight when the chart scrolls.
    const current = stateBoxes.get([...leaves][0]);
    if (current && chart.scrollHeight > chart.clientHeight + 1) {
      const box = current.getBoundingClientRect();
      const view = chart.getBoundingClientRect();
      if (box.top < view.top || box.bottom > view.bottom) {
        // Centred, or its top in view when it is taller than the view.
        const offset = box.height > view.height ? 8 : (view.height - box.height) / 2;
        chart.scrollTo({ top: chart.scrollTop + box.top - view.top - offset, behavior: 'smooth' });
      }
    }
    stateLabel.textContent = state;
    stateLabel.title = `The session machine's state: ${state}`;
    stateLabel.dataset.status = recorder.status;
  }

  function drawTaken(): void {
    const taken = recorder.lastTransitions;
    drawnTaken = taken;
    for (const edge of edges) {
      const source = edge.getAttribute('data-source');
      const target = edge.getAttribute('data-target');
      edge.classList.toggle('pv-taken', taken.some((t) => t.source === source && t.target === target));
    }
  }

  function rowElement(row: TimelineRow): HTMLLIElement {
    const li = document.createElement('li');
    const audio = row.name === 'audio' || row.name === 'user_audio_chunk';
    li.className = `k-${row.kind}${audio ? ' audio' : ''}`;
    const time = document.createElement('time');
    time.textContent = fixed(row.t / 1000, 3);
    const glyph = document.createElement('i');
    glyph.textContent = GLYPHS[row.kind];
    const name = document.createElement('b');
    name.textContent = row.name;
    const text = document.createElement('span');
    text.textContent = row.text; // server text: always as text, never as HTML
    li.append(time, glyph, name, text);
    return li;
  }

  function drawTimeline(): void {
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
    const rows = recorder.timeline.rows;
    let first = rows.length;
    while (first > 0 && rows[first - 1].id > lastRowId) first--;
    const fragment = document.createDocumentFragment();
    for (const row of rows.slice(first)) {
      const element = rowElement(row);
      rowElements.set(row.id, { element, rev: row.rev, row });
      fragment.append(element);
      lastRowId = row.id;
    }
    // Folded rows grow in place. A fold is open only while it is among the last two rows, so the
    // rows that can have grown since the last draw are the last few drawn then (rows new since
    // are drawn with their current text).
    for (const row of rows.slice(Math.max(0, first - 3), first)) {
      const entry = rowElements.get(row.id);
      if (entry && entry.rev !== row.rev) {
        entry.rev = row.rev;
        entry.element.lastElementChild!.textContent = row.text;
      }
    }
    list.append(fragment);
    while (rowElements.size > DOM_ROWS) {
      const [id, entry] = rowElements.entries().next().value!;
      entry.element.remove();
      rowElements.delete(id);
    }
    // However long the session, what is kept is bounded: say when the oldest is gone.
    const older = (rowElements.keys().next().value ?? 1) - 1;
    const { dropped } = recorder;
    note.hidden = !older && !dropped;
    const text = `${older ? `${older} older rows not shown` : ''}${older && dropped ? ' · ' : ''}${dropped ? `the trace dropped its ${dropped} oldest entries` : ''}`;
    if (note.textContent !== text) note.textContent = text;
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function drawMetrics(): void {
    const m = recorder.metrics();
    setText('input', fixed(m.inputLevel));
    setText('output', fixed(m.outputLevel));
    setText('queue', `${m.queueMs} ms`);
    setBar('input', m.inputLevel);
    setBar('output', m.outputLevel);
    setBar('queue', m.queueMs / 5000);
    setText('sent', `${chunks(m.sent.chunks)} · ${formatBytes(m.sent.bytes)}`);
    setText('received', `${chunks(m.received.chunks)} · ${formatBytes(m.received.bytes)}${m.received.stale ? ` · ${m.received.stale} stale` : ''}`);
    setText('interruptions', String(m.interruptions));
    setText('ping', m.pingMs === null ? '–' : `${m.pingMs} ms`);
    setText('pong', `${m.pongs} · ${m.audioThread ?? '–'}`);
    setText('jitter', `${m.jitter.targetMs} ms · ${m.jitter.underruns}${m.jitter.underruns ? ` (${m.jitter.underrunMs} ms)` : ''}`);
    setText('turns', m.turns.length ? m.turns.map((turn) => Math.round(turn.ms)).reverse().join(' · ') : '–');
  }

  let frame = 0;
  const draw = () => {
    frame = requestAnimationFrame(draw);
    recorder.poll();
    const collapsed = panel.classList.contains('collapsed');
    if (recorder.version !== drawnVersion) {
      drawnVersion = recorder.version;
      if (recorder.state !== drawnState) drawState(recorder.state);
      if (!collapsed) {
        if (recorder.lastTransitions !== drawnTaken) drawTaken();
        drawTimeline();
      }
    }
    if (!collapsed) drawMetrics();
  };

  // --- controls ------------------------------------------------------------------------------
  const exportTrace = () => {
    const trace = recorder.trace();
    const blob = new Blob([JSON.stringify(trace, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `perfvoice-trace-${trace.recordedAt.replace(/[:.]/g, '-')}.json`;
    root.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  const onClick = (event: Event) => {
    const button = (event.target as Element).closest('button');
    if (!button) return;
    const action = button.getAttribute('data-action');
    const filter = button.getAttribute('data-filter');
    if (action === 'export') exportTrace();
    else if (action === 'zoom') {
      natural = !natural;
      sizeChart();
      button.textContent = natural ? 'fit' : '1:1';
      button.title = natural ? 'Fit the chart to the panel' : 'Show the chart at its natural size';
    }
    else if (action === 'collapse') {
      collapse(!panel.classList.contains('collapsed'));
      drawnVersion = -1; // catch up on what happened while collapsed
    } else if (filter) {
      const shown = button.getAttribute('aria-pressed') !== 'true';
      button.setAttribute('aria-pressed', String(shown));
      list.classList.toggle(`hide-${filter}`, !shown);
    }
  };
  // Dragging the inner edge resizes a docked panel.
  const onPointerDown = (event: PointerEvent) => {
    if (!(event.target as Element).matches('[data-action=resize]')) return;
    event.preventDefault();
    const move = (e: PointerEvent) => {
      if (position === 'bottom') panel.style.setProperty('--pv-height', `${Math.max(120, innerHeight - e.clientY)}px`);
      else panel.style.setProperty('--pv-width', `${Math.max(320, position === 'right' ? innerWidth - e.clientX : e.clientX)}px`);
    };
    const up = () => {
      removeEventListener('pointermove', move);
      removeEventListener('pointerup', up);
    };
    addEventListener('pointermove', move);
    addEventListener('pointerup', up);
  };
  root.addEventListener('click', onClick);
  root.addEventListener('pointerdown', onPointerDown as EventListener);

  target.append(host);
  sizeChart();
  drawState(recorder.state);
  frame = requestAnimationFrame(draw);

  let mounted = true;
  return () => {
    if (!mounted) return;
    mounted = false;
    cancelAnimationFrame(frame);
    resizes?.disconnect();
    recorder.stop();
    root.removeEventListener('click', onClick);
    root.removeEventListener('pointerdown', onPointerDown as EventListener);
    host.remove();
  };
}
