/** The list continue token, in Kubernetes' format: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key>"}. */
import { badRequest } from '../api/status.ts';

/** A decoded continue token: read at `revision`, after the key `startAfter` (relative to the list prefix). */
export interface ContinuePosition {
  revision: number;
  startAfter: string;
}

/** Encodes the position after `lastKey` (a key relative to the list prefix). */
export function encodeContinue(revision: number, lastKey: string): string {
  // Upstream stores the next key to start at (lastKey + "\x00"); we keep that format so tokens look familiar.
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, start: `${lastKey}\u0000` })).toString(
    'base64url',
  );
}

/** Decodes a continue token; a malformed one is a 400 as upstream. */
export function decodeContinue(token: string): ContinuePosition {
  try {
    const data = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: unknown;
      rv?: unknown;
      start?: unknown;
    };
    if (
      data.v !== 'meta.k8s.io/v1' ||
      typeof data.rv !== 'number' ||
      typeof data.start !== 'string' ||
      data.rv === 0 ||
      data.rv < -1
    )
      throw new Error('bad');
    if (data.start.includes('..') || data.start.startsWith('/')) throw new Error('bad');
    return { revision: data.rv, startAfter: data.start.replace(/\u0000$/, '') };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}
