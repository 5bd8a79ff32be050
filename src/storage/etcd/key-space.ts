/**
 * Where storage keys live in etcd. Storage keys start with `/registry` (see ../interface.ts); the etcd prefix
 * replaces that root, so with the default prefix "/registry" keys are stored as they are (kube-apiserver's
 * --etcd-prefix layout) and another prefix moves the whole tree, e.g. "/tenant-a/pods/ns/x".
 */

/** The root every storage key starts with. */
export const STORAGE_ROOT = '/registry';

/** An etcd key range [start, end); `end` undefined means the single key `start`. */
export interface EtcdRange {
  start: Buffer;
  end: Buffer | undefined;
}

/** The bytewise successor of every key starting with `prefix` (etcd's prefix range end); [0] means "to the end". */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** Maps storage keys to etcd keys under one prefix, and back. */
export class KeySpace {
  private readonly prefix: string;

  constructor(prefix: string) {
    if (typeof prefix !== 'string' || !prefix.startsWith('/'))
      throw new TypeError('the etcd prefix must start with "/"');
    // "/registry/" and "/registry" name the same tree; "/" is the root itself (keys "/pods/...").
    this.prefix = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  }

  /** The etcd key of a storage key. Keys outside /registry are caller misuse (TypeError). */
  key(key: string): Buffer {
    if (typeof key !== 'string' || key.length === 0) throw new TypeError('key must be a non-empty string');
    if (!key.startsWith(STORAGE_ROOT)) throw new TypeError(`key must start with ${STORAGE_ROOT}: ${key}`);
    return Buffer.from(this.prefix + key.slice(STORAGE_ROOT.length));
  }

  /** The storage key of an etcd key read back from this key space. */
  storageKey(etcdKey: Buffer): string {
    return STORAGE_ROOT + etcdKey.toString().slice(this.prefix.length);
  }

  /**
   * The etcd range holding the storage keys that start with `prefix`, or undefined when no storage key can (a
   * prefix that diverges from /registry). A prefix that is itself a prefix of /registry ("", "/") means all keys.
   */
  range(prefix: string): EtcdRange | undefined {
    if (typeof prefix !== 'string') throw new TypeError('prefix must be a string');
    let start: Buffer;
    if (STORAGE_ROOT.startsWith(prefix)) start = Buffer.from(this.prefix);
    else if (prefix.startsWith(STORAGE_ROOT)) start = Buffer.from(this.prefix + prefix.slice(STORAGE_ROOT.length));
    else return undefined;
    return { start, end: prefixEnd(start) };
  }
}
