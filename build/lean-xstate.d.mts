/** `[dist file prefix, member header]` pairs removed by {@link leanXstate}. */
export const DROPPED: readonly (readonly [string, string])[];

/** Removes the unused members from one xstate dist module (see lean-xstate.mjs). */
export function leanXstate(code: string, path: string): { code: string; removed: number };
