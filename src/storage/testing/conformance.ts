/**
 * The one behaviour suite every Storage backend must pass (SQLite now, etcd later, unchanged).
 *
 * It asserts only what the contract in ../interface.ts promises: no absolute revision numbers (an etcd cluster's
 * revisions are shared), no timing. Waits use generous deadlines and fail with a message instead of hanging.
 * "Nothing else arrived" is checked with a sentinel write: the next event must be the sentinel's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStorageError, type StorageErrorCode } from '../errors.ts';
import type { KeyValue, Storage, WatchEvent, Watcher } from '../interface.ts';

/** Makes a fresh, empty storage for one test, and disposes of it afterwards. */
export type StorageFactory = () => Promise<{ storage: Storage; cleanup(): Promise<void> }>;

const TEST_TIMEOUT_MS = 60_000;
const WAIT_MS = 20_000;

const buf = (s: string): Buffer => Buffer.from(s);
const text = (kv: KeyValue | undefined): string | undefined => kv?.value.toString();

async function rejectsWith(promise: Promise<unknown>, code: StorageErrorCode): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isStorageError(err, code), `expected StorageError ${code}, got ${String(err)}`);
    return true;
  });
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a watcher through one iterator, keeping events of a batch that overshoots a take(). */
function reader(watcher: Watcher) {
  const iterator = watcher[Symbol.asyncIterator]();
  let pending: WatchEvent[] = [];
  return {
    /** The next `n` events, in order; fails if the watch ends first or they do not arrive in time. */
    async take(n: number): Promise<WatchEvent[]> {
      while (pending.length < n) {
        const next = await within(iterator.next(), WAIT_MS, `${n} watch events (have ${pending.length})`);
        if (next.done) {
          const why = await watcher.done;
          throw new Error(`watch ended after ${pending.length} of ${n} events (${String(why)})`);
        }
        pending.push(...next.value);
      }
      const out = pending.slice(0, n);
      pending = pending.slice(n);
      return out;
    },
    /** Resolves when the iterator finishes; fails if it yields an event instead. */
    async ended(): Promise<void> {
      assert.equal(pending.length, 0, 'unread events before the end');
      const next = await within(iterator.next(), WAIT_MS, 'the watch to end');
      assert.equal(next.done, true, 'expected the watch to end, got events');
    },
  };
}

/** A comparable digest of an event. */
function brief(e: WatchEvent) {
  return {
    type: e.type,
    key: e.kv.key,
    value: e.kv.value.toString(),
    rev: e.kv.modRevision,
    prev: e.prevKv === undefined ? undefined : { value: e.prevKv.value.toString(), rev: e.prevKv.modRevision },
  };
}

/**
 * Registers the conformance suite for a backend. `factory` is called once per test and must return an empty
 * store (or one whose keys under `/registry/` are empty) that only that test uses.
 */
export function runStorageConformance(name: string, factory: StorageFactory): void {
  const test = (title: string, fn: (s: Storage) => Promise<void>) =>
    it(title, { timeout: TEST_TIMEOUT_MS }, async () => {
      const { storage, cleanup } = await factory();
      try {
        await fn(storage);
      } finally {
        await cleanup();
      }
    });

  describe(`storage conformance: ${name}`, () => {
    describe('create and get', () => {
      test('create stores a value whose createRevision and modRevision are the new revision', async (s) => {
        const before = await s.currentRevision();
        const kv = await s.create('/registry/pods/ns/a', buf('v1'));
        assert.equal(kv.key, '/registry/pods/ns/a');
        assert.equal(text(kv), 'v1');
        assert.ok(kv.modRevision > before);
        assert.equal(kv.createRevision, kv.modRevision);
        assert.equal(await s.currentRevision(), kv.modRevision);
        assert.deepEqual(await s.get('/registry/pods/ns/a'), kv);
      });

      test('create of an existing key fails with KeyExists and writes nothing', async (s) => {
        const kv = await s.create('/registry/pods/ns/a', buf('v1'));
        await rejectsWith(s.create('/registry/pods/ns/a', buf('v2')), 'KeyExists');
        assert.equal(text(await s.get('/registry/pods/ns/a')), 'v1');
        assert.equal(await s.currentRevision(), kv.modRevision);
      });

      test('get of an absent key is undefined', async (s) => {
        assert.equal(await s.get('/registry/pods/ns/none'), undefined);
        await s.create('/registry/pods/ns/a', buf('v'));
        assert.equal(await s.get('/registry/pods/ns/'), undefined);
        assert.equal(await s.get('/registry/pods/ns/ab'), undefined);
      });

      test('values are bytes, kept exactly, including empty ones', async (s) => {
        const bytes = Buffer.from([0, 1, 2, 255, 0x7b, 0]);
        await s.create('/registry/secrets/ns/bin', bytes);
        await s.create('/registry/secrets/ns/empty', Buffer.alloc(0));
        assert.deepEqual((await s.get('/registry/secrets/ns/bin'))?.value, bytes);
        assert.equal((await s.get('/registry/secrets/ns/empty'))?.value.length, 0);
      });
    });

    describe('update', () => {
      test('update with the current revision writes a new revision and keeps createRevision', async (s) => {
        const created = await s.create('/registry/pods/ns/a', buf('v1'));
        const updated = await s.update('/registry/pods/ns/a', buf('v2'), created.modRevision);
        assert.ok(updated.modRevision > created.modRevision);
        assert.equal(updated.createRevision, created.createRevision);
        assert.equal(text(updated), 'v2');
        assert.deepEqual(await s.get('/registry/pods/ns/a'), updated);
      });

      test('update with a stale revision fails with Conflict and writes nothing', async (s) => {
        const created = await s.create('/registry/pods/ns/a', buf('v1'));
        const updated = await s.update('/registry/pods/ns/a', buf('v2'), created.modRevision);
        await rejectsWith(s.update('/registry/pods/ns/a', buf('v3'), created.modRevision), 'Conflict');
        assert.deepEqual(await s.get('/registry/pods/ns/a'), updated);
        assert.equal(await s.currentRevision(), updated.modRevision);
      });

      test('update of an absent or deleted key fails with KeyNotFound', async (s) => {
        await rejectsWith(s.update('/registry/pods/ns/none', buf('v'), 1), 'KeyNotFound');
        const created = await s.create('/registry/pods/ns/a', buf('v1'));
        const deleted = await s.delete('/registry/pods/ns/a');
        await rejectsWith(s.update('/registry/pods/ns/a', buf('v2'), created.modRevision), 'KeyNotFound');
        await rejectsWith(s.update('/registry/pods/ns/a', buf('v2'), deleted.modRevision), 'KeyNotFound');
      });
    });

    describe('delete', () => {
      test('delete returns the last value with modRevision set to the delete revision', async (s) => {
        const created = await s.create('/registry/pods/ns/a', buf('v1'));
        const updated = await s.update('/registry/pods/ns/a', buf('v2'), created.modRevision);
        const deleted = await s.delete('/registry/pods/ns/a');
        assert.equal(text(deleted), 'v2');
        assert.equal(deleted.key, '/registry/pods/ns/a');
        assert.equal(deleted.createRevision, created.createRevision);
        assert.ok(deleted.modRevision > updated.modRevision);
        assert.equal(await s.currentRevision(), deleted.modRevision);
        assert.equal(await s.get('/registry/pods/ns/a'), undefined);
      });

      test('delete with the expected revision succeeds; with another one fails with Conflict', async (s) => {
        const a = await s.create('/registry/pods/ns/a', buf('a'));
        const b = await s.create('/registry/pods/ns/b', buf('b'));
        await rejectsWith(s.delete('/registry/pods/ns/a', b.modRevision), 'Conflict');
        assert.deepEqual(await s.get('/registry/pods/ns/a'), a);
        const deleted = await s.delete('/registry/pods/ns/a', a.modRevision);
        assert.equal(text(deleted), 'a');
        assert.equal(await s.get('/registry/pods/ns/a'), undefined);
      });

      test('delete of an absent or already deleted key fails with KeyNotFound', async (s) => {
        await rejectsWith(s.delete('/registry/pods/ns/none'), 'KeyNotFound');
        const a = await s.create('/registry/pods/ns/a', buf('a'));
        await s.delete('/registry/pods/ns/a');
        await rejectsWith(s.delete('/registry/pods/ns/a'), 'KeyNotFound');
        await rejectsWith(s.delete('/registry/pods/ns/a', a.modRevision), 'KeyNotFound');
      });

      test('a deleted key can be created again, with a new createRevision', async (s) => {
        const first = await s.create('/registry/pods/ns/a', buf('one'));
        const deleted = await s.delete('/registry/pods/ns/a');
        const again = await s.create('/registry/pods/ns/a', buf('two'));
        assert.ok(again.modRevision > deleted.modRevision);
        assert.equal(again.createRevision, again.modRevision);
        assert.notEqual(again.createRevision, first.createRevision);
        assert.deepEqual(await s.get('/registry/pods/ns/a'), again);
        const updated = await s.update('/registry/pods/ns/a', buf('three'), again.modRevision);
        assert.equal(updated.createRevision, again.createRevision);
      });
    });

    test('revisions strictly increase across keys and operations', async (s) => {
      let last = await s.currentRevision();
      const seen: number[] = [];
      const step = (kv: KeyValue) => {
        assert.ok(kv.modRevision > last, `revision ${kv.modRevision} after ${last}`);
        last = kv.modRevision;
        seen.push(last);
      };
      const kvs = new Map<string, KeyValue>();
      for (let i = 0; i < 5; i++) {
        const kv = await s.create(`/registry/configmaps/ns${i % 2}/k${i}`, buf(`c${i}`));
        kvs.set(kv.key, kv);
        step(kv);
      }
      for (const [key, kv] of kvs) step(await s.update(key, buf('u'), kv.modRevision));
      step(await s.delete('/registry/configmaps/ns0/k0'));
      step(await s.create('/registry/namespaces/x', buf('ns')));
      assert.equal(await s.currentRevision(), last);
      assert.equal(new Set(seen).size, seen.length);
    });

    describe('list', () => {
      test('list returns the keys under a plain string prefix, in key order, at the current revision', async (s) => {
        for (const key of [
          '/registry/pods/b/y',
          '/registry/podsx/a/z',
          '/registry/pods/a/x',
          '/registry/pod',
          '/registry/pods',
          '/registry/pods/a/w',
          '/registry/services/a/s',
        ]) {
          await s.create(key, buf(key));
        }
        const all = await s.list('/registry/pods/');
        assert.deepEqual(
          all.items.map((kv) => kv.key),
          ['/registry/pods/a/w', '/registry/pods/a/x', '/registry/pods/b/y'],
        );
        assert.equal(all.more, false);
        assert.equal(all.revision, await s.currentRevision());
        for (const kv of all.items) assert.deepEqual(kv, await s.get(kv.key));
        assert.deepEqual(
          (await s.list('/registry/pods/a/')).items.map((kv) => kv.key),
          ['/registry/pods/a/w', '/registry/pods/a/x'],
        );
        assert.deepEqual((await s.list('/registry/nothing/')).items, []);
      });

      test('list leaves out deleted keys and shows re-created ones', async (s) => {
        await s.create('/registry/pods/ns/a', buf('a'));
        await s.create('/registry/pods/ns/b', buf('b'));
        await s.create('/registry/pods/ns/c', buf('c'));
        await s.delete('/registry/pods/ns/b');
        await s.delete('/registry/pods/ns/c');
        await s.create('/registry/pods/ns/c', buf('c2'));
        const result = await s.list('/registry/pods/ns/');
        assert.deepEqual(
          result.items.map((kv) => [kv.key, text(kv)]),
          [
            ['/registry/pods/ns/a', 'a'],
            ['/registry/pods/ns/c', 'c2'],
          ],
        );
      });

      test('limit and startAfter page through one snapshot even while writes happen between pages', async (s) => {
        const keys = Array.from({ length: 10 }, (_, i) => `/registry/pods/ns/p${String(i).padStart(2, '0')}`);
        const original = new Map<string, KeyValue>();
        for (const key of keys) original.set(key, await s.create(key, buf(`${key}=1`)));
        await s.create('/registry/podsx/ns/p00', buf('outside'));

        const first = await s.list('/registry/pods/', { limit: 4 });
        assert.equal(first.items.length, 4);
        assert.equal(first.more, true);
        if (first.remaining !== undefined) assert.equal(first.remaining, 6);
        const items = [...first.items];
        const revision = first.revision;
        let pages = 1;
        let last = first;
        while (last.more) {
          // Changes after the snapshot: none of them may show up in later pages.
          const n = pages;
          const victim = keys[4 + n]!;
          const current = await s.get(victim);
          if (current) await s.update(victim, buf('changed'), current.modRevision);
          await s.delete(keys[9 - n]!).catch(() => undefined);
          await s.create(`/registry/pods/ns/p0${n}a`, buf('new')).catch(() => undefined);
          last = await s.list('/registry/pods/', {
            limit: 4,
            revision,
            startAfter: last.items[last.items.length - 1]!.key,
          });
          assert.equal(last.revision, revision);
          items.push(...last.items);
          pages++;
          assert.ok(pages <= 3, 'too many pages');
        }
        assert.equal(pages, 3);
        assert.equal(last.items.length, 2);
        if (last.remaining !== undefined) assert.equal(last.remaining, 0);
        assert.deepEqual(items, [...original.values()]);
        // The present differs from the snapshot.
        assert.notDeepEqual((await s.list('/registry/pods/')).items, items);
      });

      test('startAfter is exclusive and a limit that fits everything reports no more', async (s) => {
        for (const k of ['a', 'b', 'c']) await s.create(`/registry/roles/ns/${k}`, buf(k));
        const page = await s.list('/registry/roles/ns/', { startAfter: '/registry/roles/ns/a', limit: 2 });
        assert.deepEqual(
          page.items.map((kv) => kv.key),
          ['/registry/roles/ns/b', '/registry/roles/ns/c'],
        );
        assert.equal(page.more, false);
        const tail = await s.list('/registry/roles/ns/', { startAfter: '/registry/roles/ns/c' });
        assert.deepEqual(tail.items, []);
        assert.equal(tail.more, false);
      });

      test('list at an old revision returns the state as of that revision', async (s) => {
        const a1 = await s.create('/registry/pods/ns/a', buf('a1'));
        const b1 = await s.create('/registry/pods/ns/b', buf('b1'));
        const a2 = await s.update('/registry/pods/ns/a', buf('a2'), a1.modRevision);
        const bDel = await s.delete('/registry/pods/ns/b');
        const c1 = await s.create('/registry/pods/ns/c', buf('c1'));
        const at = async (revision: number) => {
          const result = await s.list('/registry/pods/ns/', { revision });
          assert.equal(result.revision, revision);
          return result.items;
        };
        assert.deepEqual(await at(a1.modRevision), [a1]);
        assert.deepEqual(await at(b1.modRevision), [a1, b1]);
        assert.deepEqual(await at(a2.modRevision), [a2, b1]);
        assert.deepEqual(await at(bDel.modRevision), [a2]);
        assert.deepEqual(await at(c1.modRevision), [a2, c1]);
        assert.deepEqual((await s.list('/registry/pods/ns/')).items, [a2, c1]);
      });

      test('count counts the live keys under a prefix', async (s) => {
        assert.equal(await s.count('/registry/pods/'), 0);
        await s.create('/registry/pods/a/1', buf('1'));
        await s.create('/registry/pods/a/2', buf('2'));
        const third = await s.create('/registry/pods/b/3', buf('3'));
        await s.create('/registry/podsx/a/1', buf('x'));
        await s.update('/registry/pods/b/3', buf('3b'), third.modRevision);
        await s.delete('/registry/pods/a/1');
        assert.equal(await s.count('/registry/pods/'), 2);
        assert.equal(await s.count('/registry/pods/a/'), 1);
        assert.equal(await s.count('/registry/podsx/'), 1);
      });
    });

    describe('watch', () => {
      test('watch from a revision delivers every later change in order, with prevKv', async (s) => {
        const start = await s.currentRevision();
        const a1 = await s.create('/registry/pods/ns/a', buf('a1'));
        const a2 = await s.update('/registry/pods/ns/a', buf('a2'), a1.modRevision);
        const b1 = await s.create('/registry/pods/ns/b', buf('b1'));
        const aDel = await s.delete('/registry/pods/ns/a');
        const a3 = await s.create('/registry/pods/ns/a', buf('a3'));
        const expected = [
          { type: 'ADDED', key: a1.key, value: 'a1', rev: a1.modRevision, prev: undefined },
          {
            type: 'MODIFIED',
            key: a1.key,
            value: 'a2',
            rev: a2.modRevision,
            prev: { value: 'a1', rev: a1.modRevision },
          },
          { type: 'ADDED', key: b1.key, value: 'b1', rev: b1.modRevision, prev: undefined },
          {
            type: 'DELETED',
            key: a1.key,
            value: 'a2',
            rev: aDel.modRevision,
            prev: { value: 'a2', rev: a2.modRevision },
          },
          { type: 'ADDED', key: a1.key, value: 'a3', rev: a3.modRevision, prev: undefined },
        ];

        const all = s.watch('/registry/pods/', start);
        const fromAll = reader(all);
        const events = await fromAll.take(5);
        assert.deepEqual(events.map(brief), expected);
        assert.equal(events[3]!.kv.createRevision, a1.createRevision);
        assert.equal(events[4]!.kv.createRevision, a3.modRevision);

        const later = s.watch('/registry/pods/', a2.modRevision);
        assert.deepEqual((await reader(later).take(3)).map(brief), expected.slice(2));

        // Live events continue the same stream, and nothing was repeated.
        const c = await s.create('/registry/pods/ns/c', buf('c'));
        assert.deepEqual((await fromAll.take(1)).map(brief), [
          { type: 'ADDED', key: c.key, value: 'c', rev: c.modRevision, prev: undefined },
        ]);
        all.close();
        later.close();
      });

      test('watch from the current revision sees only later changes', async (s) => {
        await s.create('/registry/pods/ns/old', buf('old'));
        const w = s.watch('/registry/pods/', await s.currentRevision());
        const next = await s.create('/registry/pods/ns/new', buf('new'));
        assert.deepEqual((await reader(w).take(1)).map(brief), [
          { type: 'ADDED', key: next.key, value: 'new', rev: next.modRevision, prev: undefined },
        ]);
        w.close();
      });

      test('no event is missed or repeated when writes happen while history is replayed', async (s) => {
        const start = await s.currentRevision();
        const historic = 150;
        const concurrent = 150;
        for (let i = 0; i < historic; i++) await s.create(`/registry/events/ns/h${i}`, buf(`h${i}`));
        const w = s.watch('/registry/events/', start);
        const r = reader(w);
        const writer = (async () => {
          for (let i = 0; i < concurrent; i++) await s.create(`/registry/events/ns/c${i}`, buf(`c${i}`));
        })();
        const events = await r.take(historic + concurrent);
        await writer;
        const revs = events.map((e) => e.kv.modRevision);
        for (let i = 1; i < revs.length; i++) assert.ok(revs[i]! > revs[i - 1]!, `order broken at ${i}`);
        const keys = events.map((e) => e.kv.key.slice('/registry/events/ns/'.length));
        assert.deepEqual(keys, [
          ...Array.from({ length: historic }, (_, i) => `h${i}`),
          ...Array.from({ length: concurrent }, (_, i) => `c${i}`),
        ]);
        const sentinel = await s.create('/registry/events/ns/sentinel', buf('s'));
        assert.equal((await r.take(1))[0]!.kv.modRevision, sentinel.modRevision);
        w.close();
      });

      test('a watch only sees its prefix', async (s) => {
        const w = s.watch('/registry/pods/', await s.currentRevision());
        await s.create('/registry/podsx/ns/a', buf('x'));
        await s.create('/registry/pod', buf('x'));
        await s.create('/registry/services/ns/a', buf('x'));
        const mine = await s.create('/registry/pods/ns/a', buf('mine'));
        const [event] = await reader(w).take(1);
        assert.equal(event!.kv.key, mine.key);
        assert.equal(event!.kv.modRevision, mine.modRevision);
        w.close();
      });

      test('several watchers each get every event', async (s) => {
        const start = await s.currentRevision();
        const watchers = [
          s.watch('/registry/', start),
          s.watch('/registry/pods/', start),
          s.watch('/registry/pods/', start),
        ];
        const written: number[] = [];
        let kv = await s.create('/registry/pods/ns/a', buf('0'));
        written.push(kv.modRevision);
        for (let i = 1; i < 20; i++) {
          kv = await s.update(kv.key, buf(String(i)), kv.modRevision);
          written.push(kv.modRevision);
        }
        for (const w of watchers) {
          const events = await reader(w).take(20);
          assert.deepEqual(
            events.map((e) => e.kv.modRevision),
            written,
          );
          assert.deepEqual(
            events.map((e) => text(e.kv)),
            written.map((_, i) => String(i)),
          );
          w.close();
        }
      });

      test('close() ends the iterator and done resolves without an error', async (s) => {
        const w = s.watch('/registry/pods/', await s.currentRevision());
        const r = reader(w);
        const ending = r.ended();
        w.close();
        w.close();
        await ending;
        assert.equal(await within(w.done, WAIT_MS, 'done'), undefined);
      });

      test('leaving a for-await loop ends the watch', async (s) => {
        const w = s.watch('/registry/pods/', await s.currentRevision());
        await s.create('/registry/pods/ns/a', buf('a'));
        for await (const batch of w) {
          assert.ok(batch.length > 0);
          break;
        }
        assert.equal(await within(w.done, WAIT_MS, 'done'), undefined);
      });
    });

    describe('compaction', () => {
      test('reads and watches older than the compacted revision fail with Compacted', async (s) => {
        const a1 = await s.create('/registry/pods/ns/a', buf('a1'));
        const a2 = await s.update('/registry/pods/ns/a', buf('a2'), a1.modRevision);
        const b1 = await s.create('/registry/pods/ns/b', buf('b1'));
        const bDel = await s.delete('/registry/pods/ns/b');
        const c1 = await s.create('/registry/pods/ns/c', buf('c1'));
        const c2 = await s.update('/registry/pods/ns/c', buf('c2'), c1.modRevision);
        assert.ok(b1.modRevision < bDel.modRevision);

        await s.compact(c1.modRevision);
        assert.equal(await s.compactedRevision(), c1.modRevision);

        await rejectsWith(s.list('/registry/pods/', { revision: a2.modRevision }), 'Compacted');
        await rejectsWith(s.list('/registry/pods/', { revision: bDel.modRevision }), 'Compacted');
        const stale = s.watch('/registry/pods/', a2.modRevision);
        const why = await within(stale.done, WAIT_MS, 'the compacted watch to end');
        assert.ok(isStorageError(why, 'Compacted'), `expected Compacted, got ${String(why)}`);
        await reader(stale).ended();

        // The compacted revision itself stays readable, and so does everything after it.
        assert.deepEqual((await s.list('/registry/pods/', { revision: c1.modRevision })).items, [a2, c1]);
        const fresh = s.watch('/registry/pods/', c1.modRevision);
        assert.deepEqual((await reader(fresh).take(1)).map(brief), [
          {
            type: 'MODIFIED',
            key: c1.key,
            value: 'c2',
            rev: c2.modRevision,
            prev: { value: 'c1', rev: c1.modRevision },
          },
        ]);
        fresh.close();
      });

      test('compaction keeps the newest value of each key, and writes go on as before', async (s) => {
        const a1 = await s.create('/registry/pods/ns/a', buf('a1'));
        const a2 = await s.update('/registry/pods/ns/a', buf('a2'), a1.modRevision);
        await s.create('/registry/pods/ns/b', buf('b1'));
        await s.delete('/registry/pods/ns/b');
        const c1 = await s.create('/registry/pods/ns/c', buf('c1'));
        const top = await s.currentRevision();
        await s.compact(top);
        assert.equal(await s.compactedRevision(), top);
        assert.deepEqual(await s.get('/registry/pods/ns/a'), a2);
        assert.deepEqual(await s.get('/registry/pods/ns/c'), c1);
        assert.equal(await s.get('/registry/pods/ns/b'), undefined);
        assert.deepEqual((await s.list('/registry/pods/')).items, [a2, c1]);
        assert.equal(await s.count('/registry/pods/'), 2);

        await rejectsWith(s.update('/registry/pods/ns/a', buf('x'), a1.modRevision), 'Conflict');
        const a3 = await s.update('/registry/pods/ns/a', buf('a3'), a2.modRevision);
        assert.equal(a3.createRevision, a1.createRevision);
        const b2 = await s.create('/registry/pods/ns/b', buf('b2'));
        assert.equal(b2.createRevision, b2.modRevision);
        await rejectsWith(s.create('/registry/pods/ns/c', buf('c')), 'KeyExists');
        const cDel = await s.delete('/registry/pods/ns/c', c1.modRevision);
        assert.equal(text(cDel), 'c1');
        assert.equal(await s.currentRevision(), cDel.modRevision);
        assert.ok(cDel.modRevision > top);
      });
    });
  });
}
