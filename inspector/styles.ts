/**
 * The panel's stylesheet. It lives in the panel's shadow root, so it cannot touch the host page
 * and the page's styles cannot reach in (`:host { all: initial }` also stops inherited ones).
 */
import { CHART_CSS } from './chart-svg';

/** The panel's CSS, chart included. Built by a call marked pure: bundlers drop it when the panel is unused. */
export const PANEL_CSS: string = /* @__PURE__ */ (() => `
:host{all:initial}
*{box-sizing:border-box}
.panel{position:fixed;z-index:2147483000;display:flex;flex-direction:column;background:#fff;color:#0f172a;
  font:12px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;box-shadow:0 0 0 1px #cbd5e1,0 8px 30px rgba(15,23,42,.18);overflow:hidden}
.panel.right{top:0;right:0;bottom:0;width:min(var(--pv-width,clamp(420px,50vw,760px)),100vw)}
.panel.left{top:0;left:0;bottom:0;width:min(var(--pv-width,clamp(420px,50vw,760px)),100vw)}
.panel.bottom{left:0;right:0;bottom:0;height:min(var(--pv-height,60vh),100vh)}
.panel.inline{position:relative;z-index:auto;width:100%;height:var(--pv-height,900px);box-shadow:0 0 0 1px #cbd5e1;border-radius:8px}
.panel.collapsed{top:auto;bottom:12px;height:auto;width:auto;left:auto;right:12px;border-radius:8px}
.panel.collapsed.left{left:12px;right:auto}
.panel.collapsed .body,.panel.collapsed .grip{display:none}
.grip{position:absolute;z-index:1;background:transparent}
.right>.grip{left:0;top:0;bottom:0;width:6px;cursor:ew-resize}
.left>.grip{right:0;top:0;bottom:0;width:6px;cursor:ew-resize}
.bottom>.grip{left:0;right:0;top:0;height:6px;cursor:ns-resize}
.inline>.grip{display:none}
header{display:flex;align-items:center;gap:8px;padding:7px 10px;border-bottom:1px solid #e2e8f0;background:#f8fafc;flex:none}
header h2{all:unset;font-weight:700;font-size:12px;letter-spacing:.01em}
header h2 span{color:#64748b;font-weight:500}
.state{font:600 11px/1.2 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#14532d;background:#dcfce7;border:1px solid #86efac;
  border-radius:999px;padding:3px 8px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;min-width:0}
.state[data-status=disconnected]{color:#334155;background:#f1f5f9;border-color:#cbd5e1}
.state[data-status=connecting]{color:#713f12;background:#fef9c3;border-color:#fde047}
.spacer{flex:1}
button{font:inherit;font-size:11px;color:#0f172a;background:#fff;border:1px solid #cbd5e1;border-radius:6px;padding:3px 9px;cursor:pointer}
button:hover{background:#f1f5f9}
button[aria-pressed=false]{color:#94a3b8;text-decoration:line-through}
.body{flex:1;min-height:0;display:grid;grid-template-rows:minmax(160px,58%) minmax(0,1fr)}
.bottom .body{grid-template-rows:100%;grid-template-columns:minmax(280px,55%) minmax(0,1fr)}
.chart{position:relative;min-height:0;min-width:0;overflow:auto;padding:8px;border-bottom:1px solid #e2e8f0}
.bottom .chart{border-bottom:0;border-right:1px solid #e2e8f0}
.chart svg{display:block;margin:0 auto}
.zoom{position:absolute;top:6px;right:8px;z-index:1;font-size:10px;padding:1px 6px;opacity:.8}
.side{min-height:0;min-width:0;display:flex;flex-direction:column}
.metrics{flex:none;display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:5px 12px;margin:0;padding:7px 10px;border-bottom:1px solid #e2e8f0}
.metric{min-width:0}
.metric dt{color:#64748b;font-size:10px;text-transform:uppercase;letter-spacing:.04em}
.metric dd{margin:0;font:12px/1.35 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.metric.wide{grid-column:1/-1}
.bar{display:block;height:5px;margin-top:3px;border-radius:3px;background:#e2e8f0;overflow:hidden}
.bar b{display:block;height:100%;width:100%;transform-origin:left;transform:scaleX(0);background:#16a34a;will-change:transform}
.bar.out b{background:#2563eb}
.bar.queue b{background:#d97706}
.tools{flex:none;display:flex;align-items:center;gap:6px;padding:6px 10px;border-bottom:1px solid #e2e8f0;color:#64748b}
.tools b{font-weight:600;color:#0f172a;margin-right:auto}
.note{flex:none;margin:0;padding:2px 10px;color:#94a3b8;font:italic 11px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.note[hidden]{display:none}
.timeline{flex:1;min-height:120px;overflow:auto;margin:0;padding:4px 0;list-style:none;
  font:11px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.timeline li{display:grid;grid-template-columns:5.2em 1.4em auto 1fr;gap:0 6px;padding:0 10px;white-space:nowrap}
.timeline li:hover{background:#f8fafc}
.timeline time{color:#94a3b8;text-align:right}
.timeline i{font-style:normal;text-align:center}
.timeline b{font-weight:600}
.timeline span{overflow:hidden;text-overflow:ellipsis;color:#475569}
.k-in i,.k-in b{color:#2563eb}
.k-out i,.k-out b{color:#0d9488}
.k-state{background:#f0fdf4}
.k-state i,.k-state b{color:#15803d}
.k-event i,.k-event b{color:#7c3aed}
.k-command i,.k-command b{color:#64748b;font-weight:500}
.k-error{background:#fef2f2}
.k-error i,.k-error b,.k-error span{color:#b91c1c}
.hide-audio .audio,.hide-wire .k-in,.hide-wire .k-out,.hide-machine .k-event,.hide-machine .k-command{display:none}
.hide-wire .k-in.audio{display:none}
${CHART_CSS}
`)();
