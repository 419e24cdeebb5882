/**
 * The script-tag build: `window.PerfVoice` is the class itself, so `new PerfVoice({...})` works as
 * on the reference page, and `window.PerfVoiceError` is its error class, for `instanceof` checks.
 * This entry exists only for dist/perfvoice.global.js.
 */
import { PerfVoiceError } from './errors';
import { PerfVoice } from './perf-voice';

Object.assign(globalThis, { PerfVoice, PerfVoiceError });
