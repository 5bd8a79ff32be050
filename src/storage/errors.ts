/** Storage failures, discriminated by code. registry/ maps them to API Status errors in exactly one place. */

/** The ways a storage operation can fail. */
export type StorageErrorCode =
  | 'KeyNotFound'
  | 'KeyExists'
  | 'Conflict'
  | 'Compacted'
  | 'Unavailable'
  | 'InvalidArgument';

/** A storage failure. `key` names the key involved; `revision` is the current revision where it helps (Conflict, Compacted). */
export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly key: string | undefined;
  readonly revision: number | undefined;
  constructor(
    code: StorageErrorCode,
    message: string,
    opts: { key?: string; revision?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'StorageError';
    this.code = code;
    this.key = opts.key;
    this.revision = opts.revision;
  }
}

/** True when `err` is a StorageError with the given code. */
export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}
