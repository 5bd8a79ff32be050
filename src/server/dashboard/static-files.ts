/**
 * The dashboard's static files (the Vite build in web/dist), read once into memory. Only files found at start-up
 * are served, so a request path never reaches the file system (no traversal to worry about).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file ready to serve. */
export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Vite's hashed assets never change; index.html must be revalidated. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * The web/dist directory: walks up from this module until a directory holding web/dist is found (works from the
 * sources and from the compiled dist/ tree alike).
 */
export function defaultStaticDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Loads every file under `root` keyed by its URL path relative to root (`index.html`, `assets/x.js`). */
export function loadStaticFiles(root: string | undefined): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!root || !existsSync(root)) return files;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      const rel = relative(root, full).split(sep).join('/');
      files.set(rel, {
        body: readFileSync(full),
        contentType: TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream',
        immutable: rel.startsWith('assets/'),
      });
    }
  };
  walk(root);
  return files;
}
