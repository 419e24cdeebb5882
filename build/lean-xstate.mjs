/**
 * For the script-tag file only: the parts of xstate's classes that a page running PerfVoice never
 * calls, removed from its source before bundling.
 *
 * A bundler keeps every method of a class it keeps, used or not. The session machine is built
 * once and driven only through `send`, `subscribe`, `on` and `getSnapshot`; persistence
 * (`getPersistedSnapshot`, `restoreSnapshot`), serialisation (`toJSON`, `definition`), `provide`,
 * `select`, `microstep`, the observable interop, the devtools hook (never passed) and the event
 * lists are never reached from the script tag. npm users get xstate as a dependency, untouched;
 * `test/package/lean-xstate.test.ts` checks that each member named here is found (a new xstate release that renames one fails the
 * test rather than silently keeping it) and that the file still runs a session.
 */

/** `[file, member header]`: a header as it opens the member's line in xstate's formatted dist. */
export const DROPPED = [
  ['StateMachine', '  get definition() {'],
  ['StateMachine', '  toJSON() {'],
  ['StateMachine', '  get events() {'],
  ['StateMachine', '  provide(implementations) {'],
  ['StateMachine', '  resolveState(config) {'],
  ['StateMachine', '  getPersistedSnapshot(snapshot, options) {'],
  ['StateMachine', '  restoreSnapshot(snapshot, _actorScope) {'],
  ['StateMachine', '  microstep(snapshot, event, actorScope) {'],
  ['StateMachine', '  get ownEvents() {'],
  ['raise', '  toJSON() {'],
  ['raise', '  getPersistedSnapshot(options) {'],
  ['raise', '  [symbolObservable]() {'],
  ['raise', '  select(selector, equalityFn = Object.is) {'],
  ['raise', '  attachDevTools() {'],
];

/** Statements that only feed the dropped members. */
const LINES = [
  ['StateMachine', '    this.getPersistedSnapshot = this.getPersistedSnapshot.bind(this);\n'],
  ['StateMachine', '    this.restoreSnapshot = this.restoreSnapshot.bind(this);\n'],
  ['StateMachine', '    this.events = this.root.events;\n'],
  ['raise', '    if (this.options.devTools) {\n      this.attachDevTools();\n    }\n'],
];

/** Which DROPPED/LINES entries apply to a dist file, by its name (`StateMachine-….esm.js`). */
const applies = (path, file) => new RegExp(`[\\\\/]${file}-[0-9a-f]+\\.esm\\.js$`).test(path);

/**
 * Removes the members from one module's source; returns the code and the count of removals.
 * Each member runs from its header to the first line that closes it at the same indentation.
 */
export function leanXstate(code, path) {
  let removed = 0;
  for (const [file, header] of DROPPED) {
    if (!applies(path, file)) continue;
    let at = code.indexOf(`\n${header}\n`);
    while (at >= 0) {
      const end = code.indexOf('\n  }\n', at);
      code = code.slice(0, at) + code.slice(end + 4);
      removed++;
      at = code.indexOf(`\n${header}\n`);
    }
  }
  for (const [file, line] of LINES) {
    if (!applies(path, file) || !code.includes(line)) continue;
    code = code.split(line).join('');
    removed++;
  }
  return { code, removed };
}
