// Vite settings shared by the framework examples. In your own app, `npm install perfvoice` and
// drop the aliases: they point the examples at this repository's fresh build instead.
import { fileURLToPath } from 'node:url';

const dist = (file) => fileURLToPath(new URL(`../../dist/${file}`, import.meta.url));

export const shared = {
  base: './',
  logLevel: 'warn',
  resolve: {
    alias: [
      { find: /^perfvoice\/svelte$/, replacement: dist('svelte.js') },
      { find: /^perfvoice\/vue$/, replacement: dist('vue.js') },
      { find: /^perfvoice\/inspector$/, replacement: dist('inspector.js') },
      { find: /^perfvoice$/, replacement: dist('index.js') },
    ],
  },
};
