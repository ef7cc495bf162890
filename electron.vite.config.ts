import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // The worker is its own entry so worker-pool.ts finds out/main/worker.js beside the bundle.
        input: { index: resolve('src-main/index.ts'), worker: resolve('src-main/jobs/worker.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src-main/preload.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    build: { outDir: 'out/renderer', rollupOptions: { input: resolve('src-renderer/index.html') } },
    plugins: [react()],
  },
});
