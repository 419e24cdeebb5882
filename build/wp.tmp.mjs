import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { minify } from "terser";
const SUFFIX = "?worklet";
const ROOT = fileURLToPath(new URL("..", import.meta.url));
async function bundleWorklet(entry) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    write: false,
    format: "iife",
    target: "es2022",
    legalComments: "none"
  });
  const { code } = await minify(result.outputFiles[0].text, { ecma: 2020, compress: { passes: 3 }, mangle: true });
  return (code ?? "").trim();
}
const bundled = /* @__PURE__ */ new Map();
const bundleOnce = (entry) => {
  if (!bundled.has(entry)) bundled.set(entry, bundleWorklet(entry));
  return bundled.get(entry);
};
async function writeWorklet(entry, outFile) {
  const code = await bundleOnce(resolve(ROOT, entry));
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
}
const workletEsbuildPlugin = () => ({
  name: "worklet",
  setup(builder) {
    builder.onResolve({ filter: /\?worklet$/ }, (args) => {
      const absolute = resolve(args.resolveDir, args.path.slice(0, -SUFFIX.length));
      return { path: relative(ROOT, absolute).split(sep).join("/"), namespace: "worklet", pluginData: { absolute } };
    });
    builder.onLoad({ filter: /.*/, namespace: "worklet" }, async (args) => ({
      contents: `export default ${JSON.stringify(await bundleOnce(args.pluginData.absolute))};`,
      loader: "js",
      watchFiles: [args.pluginData.absolute]
    }));
  }
});
const workletVitePlugin = () => ({
  name: "worklet",
  enforce: "pre",
  resolveId(source, importer) {
    if (!source.endsWith(SUFFIX) || !importer) return null;
    return resolve(dirname(importer), source.slice(0, -SUFFIX.length)) + SUFFIX;
  },
  async load(id) {
    if (!id.endsWith(SUFFIX)) return null;
    return `export default ${JSON.stringify(await bundleWorklet(id.slice(0, -SUFFIX.length)))};`;
  }
});
export {
  bundleWorklet,
  workletEsbuildPlugin,
  workletVitePlugin,
  writeWorklet
};
