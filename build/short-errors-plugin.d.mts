import type { Plugin } from 'esbuild';

/** Cuts every `new Error(<message>)` in `code` to the message's static opening words (see short-errors-plugin.mjs). */
export function shortenErrors(code: string): string;

/** The esbuild plugin: applies {@link shortenErrors} to xstate's modules. */
export const shortErrorsPlugin: Plugin;
