/**
 * The esbuild plugin for the script-tag file's copy of xstate: its error messages cut short
 * (short-errors.mjs) and the class members a page never calls dropped (lean-xstate.mjs).
 * npm users get xstate as a dependency, untouched.
 */
import { readFile } from 'node:fs/promises';
import { leanXstate } from './lean-xstate.mjs';
import { shortenErrors } from './short-errors.mjs';

export const xstatePlugin = {
  name: 'script-tag-xstate',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]xstate[\\/]dist[\\/].*\.js$/ }, async ({ path }) => ({
      contents: leanXstate(shortenErrors(await readFile(path, 'utf8')), path).code,
      loader: 'js',
    }));
  },
};
