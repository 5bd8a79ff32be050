import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { isStorageError } from '../errors.ts';
import type { WatchEvent } from '../interface.ts';
import { runStorageConformance } from '../testing/conformance.ts';
import { openSqliteStorage } from './sqlite-storage.ts';

const buf = (s: string): Buffer => Buffer.from(s);

function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'superkube-sqlite-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls `check` until it holds; the deadline only bounds a broken run, it is not asserted. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

runStorageConformance('sqlite :memory:', async () => {
  const storage = openSqliteStorage({ path: ':memory:' });
  return { storage, cleanup: () => storage.close() };
});

runStorageConformance('sqlite :memory: without the latest-value cache', async () => {
  const storage = openSqliteStorage({ path: ':memory:', latestCacheBytes: 0 });
  return { storage, cleanup: () => storage.close() };
});

runStorageConformance('sqlite file', async () => {
  const tmp = tempDir();
  const storage = openSqliteStorage({ path: join(tmp.dir, 'state.db') });
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      tmp.remove();
    },
  };
});

describe('sqlite storage', () => {
  it('point reads served from the latest-value cache follow every write', async () => {
    const s = openSqliteStorage({ path: ':memory:' });
    try {
      const key = '/registry/pods/ns/a';
      const a1 = await s.create(key, buf('a1'));
      assert.deepEqual(await s.get(key), a1); // now cached
      const a2 = await s.update(key, buf('a2'), a1.modRevision);
      assert.deepEqual(await s.get(key), a2);
      await s.delete(key, a2.modRevision);
      assert.equal(await s.get(key), undefined);
      const a3 = await s.create(key, buf('a3'));
      assert.deepEqual(await s.get(key), a3);
      await assert.rejects(s.update(key, buf('stale'), a2.modRevision), (e) => isStorageError(e, 'Conflict'));
      assert.deepEqual(await s.get(key), a3);
      const got = await s.get(key);
      assert.equal(got?.value.toString(), 'a3');
    } finally {
      await s.close();
    }
  });

  it('starts at revision 1 so no object ever has resourceVersion 0', async () => {
    const s = openSqliteStorage({ path: ':memory:' });
    try {
      assert.equal(await s.currentRevision(), 1);
      assert.equal(await s.compactedRevision(), 0);
      assert.equal((await s.create('/registry/a', buf('a'))).modRevision, 2);
    } finally {
      await s.close();
    }
  });

  it('reopening a file keeps data, revisions and the compacted revision', async () => {
    const tmp = tempDir();
    const path = join(tmp.dir, 'state.db');
    try {
      const first = openSqliteStorage({ path });
      const a = await first.create('/registry/pods/ns/a', buf('a1'));
      const a2 = await first.update(a.key, buf('a2'), a.modRevision);
      await first.create('/registry/pods/ns/b', buf('b'));
      const bDel = await first.delete('/registry/pods/ns/b');
      await first.compact(a2.modRevision);
      await first.close();

      const second = openSqliteStorage({ path });
      try {
        assert.equal(await second.currentRevision(), bDel.modRevision);
        assert.equal(await second.compactedRevision(), a2.modRevision);
        assert.deepEqual(await second.get(a.key), a2);
        assert.equal(await second.get('/registry/pods/ns/b'), undefined);
        const next = await second.create('/registry/pods/ns/c', buf('c'));
        assert.equal(next.modRevision, bDel.modRevision + 1);
        await assert.rejects(second.list('/registry/', { revision: a.modRevision }), (e) =>
          isStorageError(e, 'Compacted'),
        );
      } finally {
        await second.close();
      }
    } finally {
      tmp.remove();
    }
  });

  it('the revision never goes back, even when compaction removes the newest row', async () => {
    const s = openSqliteStorage({ path: ':memory:' });
    try {
      await s.create('/registry/a', buf('a'));
      const del = await s.delete('/registry/a');
      await s.compact(del.modRevision);
      assert.equal(await s.currentRevision(), del.modRevision);
      assert.ok((await s.create('/registry/a', buf('b'))).modRevision > del.modRevision);
    } finally {
      await s.close();
    }
  });

  it('the background compactor keeps at least compactKeep revisions', async () => {
    const keep = 25;
    const s = openSqliteStorage({ path: ':memory:', compactInterval: 5, compactKeep: keep });
    try {
      let kv = await s.create('/registry/leases/ns/l', buf('0'));
      for (let i = 1; i < 100; i++) kv = await s.update(kv.key, buf(String(i)), kv.modRevision);
      const top = kv.modRevision;
      await eventually(async () => (await s.compactedRevision()) === top - keep, 'background compaction');
      const oldest = top - keep;
      assert.equal((await s.list('/registry/leases/', { revision: oldest })).items.length, 1);
      await assert.rejects(s.list('/registry/leases/', { revision: oldest - 1 }), (e) =>
        isStorageError(e, 'Compacted'),
      );
      // Every kept revision is still watchable, with its previous value.
      const w = s.watch('/registry/leases/', oldest);
      const events = [];
      for await (const batch of w) {
        events.push(...batch);
        if (events.length >= keep) break;
      }
      assert.deepEqual(
        events.map((e) => e.kv.modRevision),
        Array.from({ length: keep }, (_, i) => oldest + 1 + i),
      );
      assert.equal(events[0]!.prevKv?.modRevision, oldest);
    } finally {
      await s.close();
    }
  });

  it('compaction to a future revision is InvalidArgument; to an older one does nothing', async () => {
    const s = openSqliteStorage({ path: ':memory:' });
    try {
      const kv = await s.create('/registry/a', buf('a'));
      await assert.rejects(s.compact(kv.modRevision + 1), (e) => isStorageError(e, 'InvalidArgument'));
      await s.compact(kv.modRevision);
      await s.compact(kv.modRevision - 1);
      assert.equal(await s.compactedRevision(), kv.modRevision);
      await assert.rejects(s.list('/registry/', { revision: kv.modRevision + 1 }), (e) =>
        isStorageError(e, 'InvalidArgument'),
      );
    } finally {
      await s.close();
    }
  });

  it('compaction works through many batches and leaves only the live rows readable', async () => {
    const s = openSqliteStorage({ path: ':memory:' });
    try {
      const live = new Map<string, number>();
      // More revisions than one compaction batch (1000), so the batch boundaries are crossed.
      for (let i = 0; i < 2500; i++) {
        const key = `/registry/cm/ns/k${i % 7}`;
        const cur = await s.get(key);
        if (cur === undefined) live.set(key, (await s.create(key, buf(`${i}`))).modRevision);
        else if (i % 5 === 0) {
          await s.delete(key);
          live.delete(key);
        } else live.set(key, (await s.update(key, buf(`${i}`), cur.modRevision)).modRevision);
      }
      const before = (await s.list('/registry/cm/')).items;
      await s.compact(await s.currentRevision());
      assert.deepEqual((await s.list('/registry/cm/')).items, before);
      const items = (await s.list('/registry/cm/')).items;
      assert.deepEqual(
        items.map((kv) => [kv.key, kv.modRevision]),
        [...live].sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    } finally {
      await s.close();
    }
  });

  it('compaction physically removes superseded rows and tombstones', async () => {
    const tmp = tempDir();
    const path = join(tmp.dir, 'state.db');
    const s = openSqliteStorage({ path });
    const rows = () => {
      const db = new Database(path, { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM kv').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    try {
      let a = await s.create('/registry/a', buf('a'));
      for (let i = 0; i < 5; i++) a = await s.update(a.key, buf(String(i)), a.modRevision);
      await s.create('/registry/b', buf('b'));
      await s.delete('/registry/b');
      await s.create('/registry/c', buf('c'));
      const mid = await s.currentRevision();
      await s.delete('/registry/c');
      assert.equal(rows(), 10);
      await s.compact(mid);
      // a's newest row, c's live row as of `mid`, and c's tombstone above `mid`.
      assert.equal(rows(), 3);
      await s.compact(await s.currentRevision());
      assert.equal(rows(), 1);
    } finally {
      await s.close();
      tmp.remove();
    }
  });

  it('a watch still replaying history ends with Compacted when compaction overtakes it', async () => {
    const s = openSqliteStorage({ path: ':memory:' });
    try {
      const start = await s.currentRevision();
      let kv = await s.create('/registry/leases/ns/l', buf('0'));
      // More than one replay window (1000 revisions), so the replay needs several reads.
      for (let i = 1; i < 2500; i++) kv = await s.update(kv.key, buf(String(i)), kv.modRevision);
      const w = s.watch('/registry/leases/', start);
      const it = w[Symbol.asyncIterator]();
      const first = await it.next();
      assert.equal(first.done, false);
      await s.compact(kv.modRevision);
      const next = await it.next();
      assert.equal(next.done, true, 'replay went on past compacted history');
      assert.ok(isStorageError(await w.done, 'Compacted'));
    } finally {
      await s.close();
    }
  });

  it('a watch from a future revision starts after that revision', async () => {
    const s = openSqliteStorage({ path: ':memory:' });
    try {
      const now = await s.currentRevision();
      const w = s.watch('/registry/', now + 2);
      await s.create('/registry/a', buf('a'));
      await s.create('/registry/b', buf('b'));
      const c = await s.create('/registry/c', buf('c'));
      const first = await w[Symbol.asyncIterator]().next();
      assert.equal(first.done, false);
      assert.deepEqual(
        (first.value as WatchEvent[]).map((e) => e.kv.modRevision),
        [c.modRevision],
      );
      w.close();
    } finally {
      await s.close();
    }
  });

  it('a watcher that stops reading is ended as too slow instead of buffering without bound', async () => {
    const s = openSqliteStorage({ path: ':memory:', maxWatchBuffer: 5 });
    try {
      const slow = s.watch('/registry/', await s.currentRevision());
      const other = s.watch('/registry/', await s.currentRevision());
      let kv = await s.create('/registry/a', buf('0'));
      const it = other[Symbol.asyncIterator]();
      for (let i = 1; i < 12; i++) {
        kv = await s.update(kv.key, buf(String(i)), kv.modRevision);
        if (i % 3 === 0) await it.next();
      }
      const why = await slow.done;
      assert.ok(isStorageError(why, 'Unavailable'));
      assert.equal(why.message, 'watcher too slow');
      assert.equal((await slow[Symbol.asyncIterator]().next()).done, true);
      other.close();
      assert.equal(await other.done, undefined);
    } finally {
      await s.close();
    }
  });

  it('close() ends open watches and later calls fail with Unavailable', async () => {
    const s = openSqliteStorage({ path: ':memory:' });
    const w = s.watch('/registry/', 0);
    await s.close();
    assert.ok(isStorageError(await w.done, 'Unavailable'));
    await assert.rejects(s.get('/registry/a'), (e) => isStorageError(e, 'Unavailable'));
    await assert.rejects(s.create('/registry/a', buf('a')), (e) => isStorageError(e, 'Unavailable'));
    assert.ok(isStorageError(await s.watch('/registry/', 0).done, 'Unavailable'));
    await s.close();
  });

  it('an empty prefix lists every key, and keys are compared as UTF-8 bytes', async () => {
    const s = openSqliteStorage({ path: ':memory:' });
    try {
      for (const key of ['/b', '/a\u{10FFFF}', '/a', '/a\u00e9', '/a\uffff']) await s.create(key, buf(key));
      assert.deepEqual(
        (await s.list('')).items.map((kv) => kv.key),
        ['/a', '/a\u00e9', '/a\uffff', '/a\u{10FFFF}', '/b'],
      );
      assert.equal(await s.count('/a'), 4);
      assert.equal(await s.count('/a\uffff'), 1);
    } finally {
      await s.close();
    }
  });

  it('misuse is a TypeError', async () => {
    const s = openSqliteStorage({ path: ':memory:' });
    try {
      await assert.rejects(s.create('', buf('a')), TypeError);
      await assert.rejects(s.create('/a', 'text' as unknown as Buffer), TypeError);
      await assert.rejects(s.list('/', { limit: -1 }), TypeError);
      assert.throws(() => s.watch('/', -1), TypeError);
    } finally {
      await s.close();
    }
  });
});
