/** Vite build of the dashboard SPA: served by superkube under /dashboard/, output in web/dist. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export const config = defineConfig({
  root,
  base: '/dashboard/',
  // Preact's automatic JSX runtime, without a framework plugin.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The CSP allows no inline script: keep everything in files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});

// Vite looks for the default export of its config file.
export default config;
