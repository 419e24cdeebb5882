/**
 * A strict autoplay policy made in the page itself, the same in every engine. Browser drivers grant
 * user activation to the scripts they run, which relaxes the engines' own policies, so a test that
 * needs "audio may not start without a gesture" installs this before the voice starts: every new
 * AudioContext is held suspended, and `resume()` works only within a second of a trusted (real)
 * click. Pass it to `page.evaluate` as is: it is self-contained.
 */
export function requireTrustedClick(): void {
  const w = window as unknown as { clickedAt: number };
  w.clickedAt = -Infinity;
  document.addEventListener('click', (event) => event.isTrusted && (w.clickedAt = performance.now()), true);
  const Native = window.AudioContext;
  window.AudioContext = class extends Native {
    allowed = false;
    constructor(...args: ConstructorParameters<typeof AudioContext>) {
      super(...args);
      // Registered before the SDK's listener: a start that was not allowed is undone before anyone
      // else hears of it.
      this.addEventListener('statechange', (event) => {
        if (this.state === 'running' && !this.allowed) {
          event.stopImmediatePropagation();
          void super.suspend();
        }
      });
      void super.suspend();
    }
    override resume() {
      if (performance.now() - w.clickedAt > 1000) return Promise.resolve();
      this.allowed = true;
      return super.resume();
    }
  };
}
