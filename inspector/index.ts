/**
 * perfvoice/inspector: see inside a PerfVoice session while debugging. Offline, no dependencies
 * beyond the SDK's own (xstate), and nothing happens on import:
 *
 *   import { mountInspector } from 'perfvoice/inspector';
 *   const unmount = mountInspector(voice);   // live statechart, timeline, metrics, trace export
 *
 * Not imported, it costs nothing: the core package never references it.
 */
export { mountInspector, type InspectorOptions, type InspectorPosition } from './panel';
export {
  recordSession,
  type InspectableActor,
  type InspectableVoice,
  type RecorderOptions,
  type SessionRecorder,
  type SnapshotLike,
  type TakenTransition,
} from './recorder';
export { replayTrace, type ReplayMismatch, type ReplayResult } from './replay';
export {
  TRACE_FORMAT,
  TRACE_VERSION,
  parseTrace,
  stateKey,
  type SessionTrace,
  type TraceCommandEntry,
  type TraceEntry,
  type TraceErrorEntry,
  type TraceEvent,
  type TraceEventEntry,
  type TraceOptions,
  type TraceSendEntry,
  type TraceSource,
  type TraceUplinkEntry,
} from './trace';
export type { InspectorMetrics, TurnLatency } from './metrics';
export type { Timeline, TimelineRow, RowKind } from './timeline';
export { statechartSvg, CHART_CSS, type StatechartSvgOptions } from './chart-svg';
export type { MachineLike, StateNodeLike, TransitionLike } from './chart-model';
