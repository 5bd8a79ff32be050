/** The storage layer's public surface: the contract, its errors, the embedded SQLite backend and the etcd backend. */

export { isStorageError, StorageError, type StorageErrorCode } from './errors.ts';
export { EtcdStorage, type EtcdStorageOptions, openEtcdStorage } from './etcd/etcd-storage.ts';
export type { KeyValue, ListOptions, ListResult, Storage, WatchEvent, Watcher } from './interface.ts';
export { openSqliteStorage, SqliteStorage, type SqliteStorageOptions } from './sqlite/sqlite-storage.ts';
