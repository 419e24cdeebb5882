/**
 * The script-tag build: `window.PerfVoice` is the class itself, so `new PerfVoice({...})` works as
 * on the reference page. This entry exists only for dist/perfvoice.global.js.
 */
import { PerfVoice } from './perf-voice';

(globalThis as { PerfVoice?: typeof PerfVoice }).PerfVoice = PerfVoice;
