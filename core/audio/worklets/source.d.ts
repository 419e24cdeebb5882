// A `?worklet` import is the bundled worklet module as JavaScript text (build/worklet-plugin.ts).
declare module '*?worklet' {
  const source: string;
  export default source;
}
