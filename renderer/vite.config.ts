import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Relative asset URLs: the same build is loaded from app://ui/ in Electron and from http://host/ by `loadout serve`.
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // The strict CSP has no 'unsafe-inline': keep every asset a file, never an inlined data: script.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
