/**
 * `import source from './x.ts?worklet'` yields the module bundled on its own, minified, as a string:
 * the worklet code ships inside our bundles and is loaded lazily, never at import time.
 * One bundling function, wrapped for tsup (esbuild) and for vitest (vite).
 */
import { build, type Plugin as EsbuildPlugin } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const SUFFIX = '?worklet';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Bundles a worklet entry into minified JavaScript text. */
export async function bundleWorklet(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    write: false,
    // addModule() always runs it as an ES module (strict, its own scope): no IIFE wrapper needed.
    // It has no imports or exports left, so it runs as a plain script too.
    format: 'esm',
    target: 'es2022',
    legalComments: 'none',
  });
  // A second pass with terser: the worklet text counts against the script-tag size budget.
  const { code } = await minify(result.outputFiles[0].text, { ecma: 2020, module: true, compress: { passes: 3 }, mangle: true });
  return (code ?? '').trim();
}

// One bundle per worklet per build process: every tsup entry inlining it and the shipped file
// (writeWorklet) get the very same text, and it is bundled once instead of once per format.
const bundled = new Map<string, Promise<string>>();
const bundleOnce = (entry: string) => {
  if (!bundled.has(entry)) bundled.set(entry, bundleWorklet(entry));
  return bundled.get(entry)!;
};

/** Writes a worklet as a plain script file, for pages whose CSP forbids blob: and data: workers. */
export async function writeWorklet(entry: string, outFile: string): Promise<void> {
  const code = await bundleOnce(resolve(ROOT, entry));
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
}

/** The esbuild plugin, for tsup. */
export const workletEsbuildPlugin = (): EsbuildPlugin => ({
  name: 'worklet',
  setup(builder) {
    // The path esbuild prints into bundles and source maps is relative to the package root, so
    // no machine's directory ships; the absolute path travels in pluginData.
    builder.onResolve({ filter: /\?worklet$/ }, (args) => {
      const absolute = resolve(args.resolveDir, args.path.slice(0, -SUFFIX.length));
      return { path: relative(ROOT, absolute).split(sep).join('/'), namespace: 'worklet', pluginData: { absolute } };
    });
    builder.onLoad({ filter: /.*/, namespace: 'worklet' }, async (args) => ({
      contents: `export default ${JSON.stringify(await bundleOnce(args.pluginData.absolute))};`,
      loader: 'js',
      watchFiles: [args.pluginData.absolute],
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
