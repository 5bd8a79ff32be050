import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EtcdCluster, startEtcd } from '../../../test/e2e/etcd-harness.ts';
import { isStorageError, type StorageErrorCode } from '../errors.ts';
import type { Storage, WatchEvent, Watcher } from '../interface.ts';
import { runStorageConformance, type StorageFactory } from '../testing/conformance.ts';
import { openEtcdStorage } from './etcd-storage.ts';

const buf = (s: string): Buffer => Buffer.from(s);
/** Bounds a broken run; these are deadlines, not timing assertions. */
const WAIT_MS = 30_000;

let nextPrefix = 0;

/** Each conformance test gets its own key space on the shared cluster, so it starts empty. */
function factoryOn(cluster: () => EtcdCluster): StorageFactory {
  return async () => {
    const storage = await openEtcdStorage({
      endpoints: cluster().endpoints,
      prefix: `/conformance/${process.pid}-${nextPrefix++}/registry`,
      compactInterval: 0,
    });
    return { storage, cleanup: () => storage.close() };
  };
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

async function rejectsWith(promise: Promise<unknown>, code: StorageErrorCode): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isStorageError(err, code), `expected StorageError ${code}, got ${String(err)}`);
    return true;
  });
}

/** Retries `fn` until it succeeds (e.g. while etcd elects a leader); the deadline only bounds a broken run. */
async function eventually<T>(fn: () => Promise<T>, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${String(err)}`);
      await sleep(200);
    }
  }
}

/** Reads a watcher, keeping the rest of a batch for the next take(). */
function reader(watcher: Watcher) {
  const iterator = watcher[Symbol.asyncIterator]();
  let pending: WatchEvent[] = [];
  return async (n: number): Promise<WatchEvent[]> => {
    while (pending.length < n) {
      const next = await within(iterator.next(), WAIT_MS, `${n} watch events`);
      if (next.done) throw new Error(`watch ended: ${String(await watcher.done)}`);
      pending.push(...next.value);
    }
    const out = pending.slice(0, n);
    pending = pending.slice(n);
    return out;
  };
}

const brief = (e: WatchEvent) => `${e.type} ${e.kv.key}=${e.kv.value.toString()}@${e.kv.modRevision}`;

describe('etcd storage on one member', () => {
  let cluster: EtcdCluster | undefined;
  before(async () => {
    cluster = await startEtcd({ members: 1 });
  });
  after(async () => {
    await cluster?.stop();
  });
  runStorageConformance(
    'etcd, one member',
    factoryOn(() => cluster!),
  );
});

describe('etcd storage on a three-member cluster', () => {
  let cluster: EtcdCluster | undefined;
  before(async () => {
    cluster = await startEtcd({ members: 3 });
  });
  after(async () => {
    await cluster?.stop();
  });
  runStorageConformance(
    'etcd, three members',
    factoryOn(() => cluster!),
  );
});

describe('etcd storage specifics', () => {
  it('stores keys under /registry as they are by default, and moves them under another prefix', async () => {
    const cluster = await startEtcd({ members: 1 });
    const plain = await openEtcdStorage({ endpoints: cluster.endpoints, compactInterval: 0 });
    const moved = await openEtcdStorage({ endpoints: cluster.endpoints, prefix: '/tenant-a', compactInterval: 0 });
    try {
      await plain.create('/registry/pods/ns/a', buf('plain'));
      await moved.create('/registry/pods/ns/a', buf('moved'));
      assert.equal((await plain.get('/registry/pods/ns/a'))?.value.toString(), 'plain');
      assert.equal((await moved.get('/registry/pods/ns/a'))?.value.toString(), 'moved');
      assert.deepEqual(
        (await moved.list('/registry/')).items.map((kv) => kv.key),
        ['/registry/pods/ns/a'],
      );
      // Seen through a third key space rooted at "/": the raw etcd keys.
      const raw = await openEtcdStorage({ endpoints: cluster.endpoints, prefix: '/', compactInterval: 0 });
      try {
        const keys = (await raw.list('/registry/')).items.map((kv) => kv.key);
        assert.deepEqual(keys, ['/registry/registry/pods/ns/a', '/registry/tenant-a/pods/ns/a']);
      } finally {
        await raw.close();
      }
    } finally {
      await plain.close();
      await moved.close();
      await cluster.stop();
    }
  });

  it('closing a watch does not mark the member as failed', async () => {
    const cluster = await startEtcd({ members: 1 });
    // A short deadline: a member wrongly skipped for a second would make these reads fail with Unavailable.
    const s = await openEtcdStorage({ endpoints: cluster.endpoints, compactInterval: 0, requestTimeout: 800 });
    try {
      const a = await s.create('/registry/pods/ns/a', buf('a'));
      for (let i = 0; i < 3; i++) {
        const w = s.watch('/registry/pods/', 0);
        const [event] = await reader(w)(1);
        assert.equal(event!.kv.key, a.key);
        w.close();
        assert.equal(await within(w.done, WAIT_MS, 'watch done'), undefined);
        await sleep(100);
        assert.deepEqual(await s.get(a.key), a);
      }
    } finally {
      await s.close();
      await cluster.stop();
    }
  });

  it('rejects a value larger than etcd accepts with InvalidArgument', async () => {
    const cluster = await startEtcd({ members: 1 });
    const s = await openEtcdStorage({ endpoints: cluster.endpoints, compactInterval: 0 });
    try {
      // Over etcd's --max-request-bytes (1.5 MiB), and over its gRPC message limit (2 MiB): both are refused.
      for (const size of [1.6 * 1024 * 1024, 2.5 * 1024 * 1024]) {
        await rejectsWith(s.create('/registry/configmaps/ns/big', Buffer.alloc(size, 1)), 'InvalidArgument');
      }
      assert.equal(await s.get('/registry/configmaps/ns/big'), undefined);
      const small = await s.create('/registry/configmaps/ns/big', Buffer.alloc(1024 * 1024, 1));
      await rejectsWith(s.update(small.key, Buffer.alloc(1.6 * 1024 * 1024, 1), small.modRevision), 'InvalidArgument');
      assert.deepEqual(await s.get(small.key), small);
    } finally {
      await s.close();
      await cluster.stop();
    }
  });

  it('fails fast with Unavailable while etcd is down, and recovers by itself when it is back', async () => {
    const cluster = await startEtcd({ members: 1 });
    let s: Storage | undefined;
    try {
      s = await openEtcdStorage({ endpoints: cluster.endpoints, compactInterval: 0 });
      const a = await s.create('/registry/pods/ns/a', buf('a1'));
      const w = s.watch('/registry/pods/', a.modRevision);
      const take = reader(w);
      const b = await s.create('/registry/pods/ns/b', buf('b1'));
      assert.deepEqual((await take(1)).map(brief), [`ADDED /registry/pods/ns/b=b1@${b.modRevision}`]);

      await cluster.kill(0);
      // Reads, writes and the revision all fail with Unavailable, well before the 30 s of a default client.
      await within(rejectsWith(s.get('/registry/pods/ns/a'), 'Unavailable'), 15_000, 'get to fail');
      await within(rejectsWith(s.create('/registry/pods/ns/c', buf('c')), 'Unavailable'), 15_000, 'create to fail');
      await within(rejectsWith(s.update(a.key, buf('a2'), a.modRevision), 'Unavailable'), 15_000, 'update');
      await within(rejectsWith(s.list('/registry/pods/'), 'Unavailable'), 15_000, 'list to fail');
      await within(rejectsWith(s.currentRevision(), 'Unavailable'), 15_000, 'currentRevision to fail');

      await cluster.restart(0);
      const back = await eventually(() => s!.get('/registry/pods/ns/a'), 'etcd to answer again');
      assert.deepEqual(back, a);
      const c = await s.create('/registry/pods/ns/c', buf('c1'));
      // The watch opened before the outage resumes where it was: nothing missed, nothing repeated.
      assert.deepEqual((await take(1)).map(brief), [`ADDED /registry/pods/ns/c=c1@${c.modRevision}`]);
      w.close();
      assert.equal(await within(w.done, WAIT_MS, 'watch done'), undefined);
    } finally {
      await s?.close();
      await cluster.stop();
    }
  });

  it('openEtcdStorage rejects with Unavailable when no member answers', async () => {
    const cluster = await startEtcd({ members: 1 });
    const endpoints = cluster.endpoints;
    await cluster.stop();
    await within(
      rejectsWith(openEtcdStorage({ endpoints, compactInterval: 0 }), 'Unavailable'),
      15_000,
      'open to fail',
    );
  });

  it('background compaction keeps compactKeep revisions and an old watch then ends with Compacted', async () => {
    const cluster = await startEtcd({ members: 1 });
    const s = await openEtcdStorage({ endpoints: cluster.endpoints, compactInterval: 200, compactKeep: 5 });
    try {
      const first = await s.create('/registry/configmaps/ns/k', buf('0'));
      let kv = first;
      for (let i = 1; i <= 20; i++) kv = await s.update(kv.key, buf(String(i)), kv.modRevision);
      await eventually(async () => {
        const compacted = await s.compactedRevision();
        assert.ok(compacted >= kv.modRevision - 5 - 1, `compacted only to ${compacted}`);
      }, 'background compaction');
      const stale = s.watch('/registry/configmaps/', first.modRevision);
      const why = await within(stale.done, WAIT_MS, 'the stale watch to end');
      assert.ok(isStorageError(why, 'Compacted'), `expected Compacted, got ${String(why)}`);
      await rejectsWith(s.list('/registry/configmaps/', { revision: first.modRevision }), 'Compacted');
      assert.equal((await s.get(kv.key))?.value.toString(), '20');
    } finally {
      await s.close();
      await cluster.stop();
    }
  });

  it('a three-member cluster serves with one member down, fails writes with two down, then recovers', async () => {
    const cluster = await startEtcd({ members: 3 });
    let s: Storage | undefined;
    try {
      s = await openEtcdStorage({ endpoints: cluster.endpoints, compactInterval: 0 });
      const start = await s.currentRevision();
      const w = s.watch('/registry/pods/', start);
      const take = reader(w);
      const written: string[] = [];
      const a = await s.create('/registry/pods/ns/a', buf('a'));
      written.push(`ADDED /registry/pods/ns/a=a@${a.modRevision}`);

      await cluster.kill(0);
      // The first request may meet a leader election (member 0 may have led); after that it keeps serving.
      const b = await eventually(() => s!.create('/registry/pods/ns/b', buf('b')), 'a write with one member down');
      written.push(`ADDED /registry/pods/ns/b=b@${b.modRevision}`);
      for (let i = 0; i < 10; i++) {
        const kv = await s.create(`/registry/pods/ns/p${i}`, buf(String(i)));
        written.push(`ADDED ${kv.key}=${i}@${kv.modRevision}`);
        assert.equal((await s.get(kv.key))?.value.toString(), String(i));
      }
      assert.equal(await s.count('/registry/pods/'), 12);

      await cluster.kill(1);
      // No quorum: writes (and linearizable reads) cannot complete; they fail with Unavailable, not hang. (The
      // write may still be in the surviving member's log and commit later, so it goes outside the watched keys.)
      await within(
        rejectsWith(s.create('/registry/configmaps/ns/lost', buf('?')), 'Unavailable'),
        15_000,
        'a write to fail',
      );
      await within(rejectsWith(s.get('/registry/pods/ns/a'), 'Unavailable'), 15_000, 'a read to fail');

      await cluster.restart(1);
      await cluster.restart(0);
      const c = await eventually(() => s!.create('/registry/pods/ns/c', buf('c')), 'writes after recovery');
      written.push(`ADDED /registry/pods/ns/c=c@${c.modRevision}`);
      assert.equal(await s.count('/registry/pods/'), 13);
      // The watch saw every write exactly once, across the member failures.
      assert.deepEqual((await take(written.length)).map(brief), written);
      const d = await s.create('/registry/pods/ns/d', buf('d'));
      assert.deepEqual((await take(1)).map(brief), [`ADDED /registry/pods/ns/d=d@${d.modRevision}`]);
      w.close();
    } finally {
      await s?.close();
      await cluster.stop();
    }
  });
});
