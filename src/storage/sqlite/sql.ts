/**
 * Every SQL statement of the SQLite backend, in one place.
 *
 * The model is kine's (k3s-io/kine, pkg/drivers/generic): one append-only table whose AUTOINCREMENT row id is the
 * global revision. A write never updates a row in place; it appends one:
 *
 * | write          | created | deleted | create_revision         | prev_revision   | value   | old_value      |
 * | -------------- | ------- | ------- | ----------------------- | --------------- | ------- | -------------- |
 * | create         | 1       | 0       | 0 (read back as `id`)   | tombstone or 0  | new     | NULL           |
 * | update         | 0       | 0       | the key's create rev    | previous row id | new     | previous value |
 * | delete         | 0       | 1       | the key's create rev    | previous row id | NULL    | previous value |
 *
 * `prev_revision` always names the key's immediately preceding row, so UNIQUE(name, prev_revision) is the
 * compare-and-swap guard: two writers that both read revision R of a key cannot both append a successor of R.
 */

/** Bumped when the schema changes incompatibly; stored in `meta` so an old binary refuses a newer file. */
export const SCHEMA_VERSION = 1;

/**
 * Schema, applied idempotently at open. `auto_vacuum` only takes effect on a brand-new file, which is when it
 * matters: it lets compaction hand freed pages back with `incremental_vacuum` instead of a blocking VACUUM.
 *
 * Indexes:
 * - `kv_name_id_deleted`: (name, id, deleted) answers "latest row of a key" with one seek, walks a prefix in key
 *   order, and makes the "is there a newer row" probe and count() index-only.
 * - `kv_name_prev_revision_uindex`: the CAS guard described above.
 * The primary key (id) serves watch replay and compaction, which both walk revision ranges.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS kv (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value BLOB,
  old_value BLOB
);
CREATE INDEX IF NOT EXISTS kv_name_id_deleted ON kv (name, id, deleted);
CREATE UNIQUE INDEX IF NOT EXISTS kv_name_prev_revision_uindex ON kv (name, prev_revision);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * A fresh database starts at revision 1, like a fresh etcd, so no stored object ever has resourceVersion "0"
 * (which Kubernetes clients read as "any version"). sqlite_sequence is an ordinary table AUTOINCREMENT consults.
 */
export const SEED_SEQUENCE_SQL = `INSERT INTO sqlite_sequence (name, seq) SELECT 'kv', 1
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'kv')`;

/** One row of the `kv` table. */
export interface KvRow {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: Buffer | null;
  old_value: Buffer | null;
}

const COLUMNS = 'id, name, created, deleted, create_revision, prev_revision, value, old_value';

/** Statement texts; named parameters are bound from plain objects. */
export const SQL = {
  /**
   * The revision of the last write ever made. Not MAX(id): compaction may delete the newest row (a tombstone), and
   * AUTOINCREMENT guarantees ids are never reused, so sqlite_sequence is the high-water mark.
   */
  currentRevision: `SELECT seq FROM sqlite_sequence WHERE name = 'kv'`,

  metaGet: 'SELECT value FROM meta WHERE key = ?',
  metaPut: 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',

  /** The newest row of one key (possibly a tombstone): one seek down kv_name_id_deleted. */
  // The newest row of a key; its old_value is never needed (callers read value), so the blob is not copied.
  latest: `SELECT id, name, created, deleted, create_revision, prev_revision, value, NULL AS old_value FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1`,

  insert: `INSERT INTO kv (name, created, deleted, create_revision, prev_revision, value, old_value)
    VALUES (@name, @created, @deleted, @create_revision, @prev_revision, @value, @old_value)`,

  /**
   * "The latest row per key under a prefix, as of revision @rev, after a key, in key order" — the subtle one.
   *
   * Walk kv_name_id_deleted over the name range in key order, keeping a row only when it is at or below @rev and no
   * other row of the same key lies in (row.id, @rev]: that makes it the key's newest row as of @rev. Tombstones are
   * then dropped (the key did not exist at @rev). The NOT EXISTS probe is one index seek, the ORDER BY is the index
   * order (no sort), and LIMIT stops the walk early, so a page costs about (keys in the page x their retained
   * history), never a scan of the table. Compaction bounds the retained history per key.
   *
   * Two variants because SQLite uses only one lower bound for an index range: `Gte` starts at the prefix itself,
   * `Gt` strictly after a continue key. INDEXED BY pins the plan: the CAS index also starts with `name` and the
   * planner, without statistics, may otherwise pick it and lose the index-only probe. @end is the first string past the prefix (or a BLOB, which sorts after
   * every TEXT, when the prefix has no upper bound).
   */
  listGte: `SELECT ${COLUMNS} FROM kv AS k INDEXED BY kv_name_id_deleted
    WHERE k.name >= @from AND k.name < @end AND k.id <= @rev AND k.deleted = 0
      AND NOT EXISTS (SELECT 1 FROM kv AS n WHERE n.name = k.name AND n.id > k.id AND n.id <= @rev)
    ORDER BY k.name LIMIT @limit`,
  listGt: `SELECT ${COLUMNS} FROM kv AS k INDEXED BY kv_name_id_deleted
    WHERE k.name > @from AND k.name < @end AND k.id <= @rev AND k.deleted = 0
      AND NOT EXISTS (SELECT 1 FROM kv AS n WHERE n.name = k.name AND n.id > k.id AND n.id <= @rev)
    ORDER BY k.name LIMIT @limit`,

  /** Same predicate as listGte/listGt, counted; index-only thanks to the `deleted` column in the index. */
  countGte: `SELECT COUNT(*) AS n FROM kv AS k INDEXED BY kv_name_id_deleted
    WHERE k.name >= @from AND k.name < @end AND k.id <= @rev AND k.deleted = 0
      AND NOT EXISTS (SELECT 1 FROM kv AS n WHERE n.name = k.name AND n.id > k.id AND n.id <= @rev)`,
  countGt: `SELECT COUNT(*) AS n FROM kv AS k INDEXED BY kv_name_id_deleted
    WHERE k.name > @from AND k.name < @end AND k.id <= @rev AND k.deleted = 0
      AND NOT EXISTS (SELECT 1 FROM kv AS n WHERE n.name = k.name AND n.id > k.id AND n.id <= @rev)`,

  /**
   * Watch replay: the rows of one revision window under a prefix, in revision order. Walks the primary key over
   * (@after, @until] (the unary `+` keeps the planner off the name index, which would need a sort); the caller keeps
   * windows small so one call never blocks the event loop for long.
   */
  history: `SELECT ${COLUMNS} FROM kv
    WHERE id > @after AND id <= @until AND +name >= @from AND +name < @end
    ORDER BY id`,

  /**
   * Compaction of one revision window (@lo, @hi], @hi <= the compaction target. Same rule as kine and the
   * apiserver's etcd compactor: a row whose successor (the row naming it in prev_revision) is at or below the target
   * is superseded, and a tombstone at or below the target means "absent", so neither is needed to read any
   * revision >= target. Superseded rows go first: the tombstones in the window are what name their predecessors.
   */
  compactSuperseded: `DELETE FROM kv WHERE id IN (
    SELECT prev_revision FROM kv WHERE id > @lo AND id <= @hi AND prev_revision != 0)`,
  compactTombstones: 'DELETE FROM kv WHERE id > @lo AND id <= @hi AND deleted = 1',
} as const;

/** meta keys. */
export const META = {
  schemaVersion: 'schema_version',
  compactRevision: 'compact_revision',
} as const;
