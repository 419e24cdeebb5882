// What the harness (support/harness.js) puts on `window` in test pages.
declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    harness: any;
    PerfVoice: typeof import('../../core/index').PerfVoice;
  }
}
export {};
