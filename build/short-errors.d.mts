/** Cuts every `new Error(<message>)` in `code` to the message's static opening words (see short-errors.mjs). */
export function shortenErrors(code: string): string;
