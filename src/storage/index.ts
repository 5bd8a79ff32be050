/** The storage layer's public surface: the contract, its errors, and the embedded SQLite backend. */

export { isStorageError, StorageError, type StorageErrorCode } from './errors.ts';
export type { KeyValue, ListOptions, ListResult, Storage, WatchEvent, Watcher } from './interface.ts';
export { openSqliteStorage, SqliteStorage, type SqliteStorageOptions } from './sqlite/sqlite-storage.ts';
