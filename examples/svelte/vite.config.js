import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { shared } from '../shared/vite.js';

export default defineConfig({ ...shared, plugins: [svelte()] });
