/** Reading `kv` rows back as the contract's KeyValue and WatchEvent (see the row table in sql.ts). */
import type { KeyValue, WatchEvent } from '../interface.ts';
import type { KvRow } from './sql.ts';

const EMPTY = Buffer.alloc(0);

/** A create row stores 0 and means itself (as in kine), so a create is a single INSERT. */
export function createRevisionOf(row: KvRow): number {
  return row.created ? row.id : row.create_revision;
}

/** The value a non-tombstone row holds. */
export function rowToKeyValue(row: KvRow): KeyValue {
  return { key: row.name, value: row.value ?? EMPTY, createRevision: createRevisionOf(row), modRevision: row.id };
}

/**
 * The change a row records. DELETED carries the last value with modRevision = the tombstone's revision, and
 * prevKv (MODIFIED, DELETED) is the value the row replaced, rebuilt from old_value and prev_revision.
 */
export function rowToEvent(row: KvRow): WatchEvent {
  const createRevision = createRevisionOf(row);
  if (row.created) return { type: 'ADDED', kv: rowToKeyValue(row) };
  const prevKv: KeyValue = {
    key: row.name,
    value: row.old_value ?? EMPTY,
    createRevision,
    modRevision: row.prev_revision,
  };
  if (row.deleted) {
    return { type: 'DELETED', kv: { ...prevKv, modRevision: row.id }, prevKv };
  }
  return { type: 'MODIFIED', kv: rowToKeyValue(row), prevKv };
}
