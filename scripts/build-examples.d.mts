/** The example names, in display order. */
export const EXAMPLES: string[];
/** Builds the examples with Vite; resolves with the milliseconds each took. */
export function buildExamples(names?: string[], options?: { logLevel?: 'info' | 'warn' | 'error' | 'silent' }): Promise<Record<string, number>>;
