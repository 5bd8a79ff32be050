/**
 * Argument checks every Storage backend applies the same way (the contract in interface.ts): programming errors
 * are TypeErrors, thrown before any I/O, with the same messages whatever the backend.
 */
import type { ListOptions } from './interface.ts';

export function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError('key must be a non-empty string');
}

export function checkPrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw new TypeError('prefix must be a string');
}

export function checkValue(value: Buffer): void {
  if (!Buffer.isBuffer(value)) throw new TypeError('value must be a Buffer');
}

export function checkRevision(revision: number): void {
  if (!Number.isSafeInteger(revision) || revision < 0) throw new TypeError('revision must be a non-negative integer');
}

/** A list's options, checked: `startAfter` only when it lies at or past the prefix (before it, it adds nothing). */
export interface ListBounds {
  limit: number;
  /** 0 means the current revision. */
  revision: number;
  startAfter: string | undefined;
}

/** Checks `opts` of a list under `prefix` and resolves its defaults. */
export function listBounds(prefix: string, opts: ListOptions): ListBounds {
  checkPrefix(prefix);
  const limit = opts.limit ?? 0;
  const revision = opts.revision ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new TypeError('limit must be a non-negative integer');
  checkRevision(revision);
  if (opts.startAfter !== undefined && typeof opts.startAfter !== 'string') {
    throw new TypeError('startAfter must be a string');
  }
  const startAfter =
    opts.startAfter !== undefined && Buffer.compare(Buffer.from(opts.startAfter), Buffer.from(prefix)) >= 0
      ? opts.startAfter
      : undefined;
  return { limit, revision, startAfter };
}
