/**
 * `import source from './x.ts?worklet'` yields the module bundled on its own, minified, as a string:
 * the worklet code ships inside our bundles and is loaded lazily, never at import time.
 * One bundling function, wrapped for tsup (esbuild) and for vitest (vite).
 */
import { build, type Plugin as EsbuildPlugin } from 'esbuild';
import { minify } from 'terser';
import { resolve, dirname } from 'node:path';

const SUFFIX = '?worklet';

/** Bundles a worklet entry into minified JavaScript text. */
export async function bundleWorklet(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    legalComments: 'none',
  });
  // A second pass with terser: the worklet text counts against the script-tag size budget.
  const { code } = await minify(result.outputFiles[0].text, { ecma: 2020, compress: { passes: 3 }, mangle: true });
  return (code ?? '').trim();
}

/** The esbuild plugin, for tsup. */
export const workletEsbuildPlugin = (): EsbuildPlugin => ({
  name: 'worklet',
  setup(builder) {
    builder.onResolve({ filter: /\?worklet$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.slice(0, -SUFFIX.length)),
      namespace: 'worklet',
    }));
    builder.onLoad({ filter: /.*/, namespace: 'worklet' }, async (args) => ({
      contents: `export default ${JSON.stringify(await bundleWorklet(args.path))};`,
      loader: 'js',
    }));
  },
});

/** The vite plugin, for vitest. */
export const workletVitePlugin = () => ({
  name: 'worklet',
  enforce: 'pre' as const,
  resolveId(source: string, importer?: string) {
    if (!source.endsWith(SUFFIX) || !importer) return null;
    return resolve(dirname(importer), source.slice(0, -SUFFIX.length)) + SUFFIX;
  },
  async load(id: string) {
    if (!id.endsWith(SUFFIX)) return null;
    return `export default ${JSON.stringify(await bundleWorklet(id.slice(0, -SUFFIX.length)))};`;
  },
});
