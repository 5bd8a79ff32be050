#!/usr/bin/env node
// The installed entry point runs the compiled CLI (built by `npm install` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('superkube is not built yet: run `npm install` (or `npm run build`) in the checkout first.\n');
  process.exit(1);
}
await import(main.href);
