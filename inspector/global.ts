/**
 * The script-tag build of the inspector (dist/inspector.global.js): defines
 * `window.PerfVoiceInspector` with `mountInspector`, `recordSession` and `statechartSvg`.
 * Replay (which needs xstate) is left to the module build: it runs in tests, not in pages.
 */
import { statechartSvg } from './chart-svg';
import { mountInspector } from './panel';
import { recordSession } from './recorder';

(globalThis as { PerfVoiceInspector?: unknown }).PerfVoiceInspector = { mountInspector, recordSession, statechartSvg };
