import type { Plugin } from 'esbuild';

/** The esbuild plugin for the script-tag file's xstate (see xstate-plugin.mjs). */
export const xstatePlugin: Plugin;
