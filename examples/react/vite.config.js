import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { shared } from '../shared/vite.js';

export default defineConfig({ ...shared, plugins: [react()] });
