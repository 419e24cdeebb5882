import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { shared } from '../shared/vite.js';

export default defineConfig({ ...shared, plugins: [vue()] });
