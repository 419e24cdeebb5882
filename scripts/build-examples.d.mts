/** The example names, in display order. */
export const EXAMPLES: string[];
/** Builds the examples with Vite; resolves with the milliseconds each took. */
export function buildExamples(names?: string[]): Promise<Record<string, number>>;
