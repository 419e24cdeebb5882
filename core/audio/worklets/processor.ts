/**
 * One AudioWorkletProcessor class shape for both processors: `setup` runs at construction and
 * returns the per-block work. State lives in that closure's locals rather than in fields, which
 * minify to a letter each, where every `this.#field` would stay in the shipped text.
 */
export const processor = <Options>(
  setup: (port: MessagePort, options: Options) => (inputs: Float32Array[][], outputs: Float32Array[][]) => void,
): new (options: { processorOptions: Options }) => AudioWorkletProcessor =>
  class extends AudioWorkletProcessor {
    readonly #render;

    constructor({ processorOptions }: { processorOptions: Options }) {
      super();
      this.#render = setup(this.port, processorOptions);
    }

    // On the prototype, where registerProcessor looks for it; the node stays alive while it returns true.
    process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
      this.#render(inputs, outputs);
      return true;
    }
  };
