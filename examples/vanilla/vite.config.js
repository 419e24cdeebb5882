// The reference page's Full Example: a plain page with the script-tag build. Vite only copies it;
// the page loads /dist/perfvoice.global.js (the SDK build) and /demo-config.js (the local agent's
// address), both served by `npm start`.
import { defineConfig } from 'vite';

export default defineConfig({ base: './', logLevel: 'warn' });
