import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lease } from '../api/coordination-v1.ts';
import type { Namespace } from '../api/core-v1.ts';
import { createStores, type Stores } from '../registry/stores.ts';
import { openSqliteStorage, type SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { FakeClock } from '../util/clock.ts';
import { runLeaderElection } from './leader-election.ts';

/** Polls `check` until it holds; the deadline only bounds a broken run, it is not asserted. */
async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

interface Elector {
  id: string;
  log: string[];
  election: ReturnType<typeof runLeaderElection>;
}

describe('leader election', () => {
  let storage: SqliteStorage;
  let stores: Stores;
  let clock: FakeClock;
  const errors: unknown[] = [];

  before(async () => {
    storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    clock = new FakeClock(Date.UTC(2026, 0, 1));
    stores = createStores(storage, clock);
    await stores.namespaces.create('', { metadata: { name: 'kube-system' } } as Namespace);
  });
  after(async () => {
    await storage.close();
  });

  /** An elector on `lease`; errors go to the shared list (or `opts.errors`), leases to the shared store. */
  function elector(
    id: string,
    lease: string,
    opts: { leases?: Stores['leases']; leaseDurationMs?: number; renewDeadlineMs?: number; errors?: unknown[] } = {},
  ): Elector {
    const log: string[] = [];
    const election = runLeaderElection(opts.leases ?? stores.leases, clock, {
      namespace: 'kube-system',
      name: lease,
      identity: id,
      leaseDurationMs: opts.leaseDurationMs ?? 15_000,
      renewDeadlineMs: opts.renewDeadlineMs ?? 10_000,
      retryPeriodMs: 10,
      onStartedLeading: () => log.push('started'),
      onStoppedLeading: () => log.push('stopped'),
      onError: (err) => (opts.errors ?? errors).push(err),
    });
    return { id, log, election };
  }

  it('of two electors on one lease exactly one leads; the other takes over when it stops', async () => {
    const a = elector('replica-a', 'controllers');
    const b = elector('replica-b', 'controllers');
    try {
      await eventually(() => a.election.isLeader() || b.election.isLeader(), 'a leader');
      // Many retry periods later there is still exactly one leader (the lease is held and not expired).
      for (let i = 0; i < 30; i++) {
        assert.equal(Number(a.election.isLeader()) + Number(b.election.isLeader()), 1, `one leader, round ${i}`);
        await sleep(5);
      }
      const [leader, follower] = a.election.isLeader() ? [a, b] : [b, a];
      const lease = (await stores.leases.get('kube-system', 'controllers')) as Lease;
      assert.equal(lease.spec?.holderIdentity, leader.id);
      assert.equal(lease.spec?.leaseDurationSeconds, 15);
      assert.equal(lease.spec?.leaseTransitions, 0);
      assert.match(lease.spec?.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'MicroTime');
      assert.deepEqual(follower.log, []);

      await leader.election.stop();
      assert.deepEqual(leader.log, ['started', 'stopped']);
      assert.equal(leader.election.isLeader(), false);
      // The leader gave the lease up: the follower takes it without waiting out the lease duration (the clock
      // does not move).
      await eventually(() => follower.election.isLeader(), 'the follower to take over');
      assert.deepEqual(follower.log, ['started']);
      const taken = (await stores.leases.get('kube-system', 'controllers')) as Lease;
      assert.equal(taken.spec?.holderIdentity, follower.id);
      assert.equal(taken.spec?.leaseTransitions, 1);
    } finally {
      await a.election.stop();
      await b.election.stop();
    }
  });

  it('a lease held by a replica that stopped renewing is taken once it expires', async () => {
    const renewed = new Date(clock.now().getTime()).toISOString().replace('Z', '000Z');
    await stores.leases.create('kube-system', {
      metadata: { name: 'ghosted' },
      spec: {
        holderIdentity: 'crashed-replica',
        leaseDurationSeconds: 15,
        renewTime: renewed,
        acquireTime: renewed,
        leaseTransitions: 3,
      },
    } as Lease);
    const c = elector('replica-c', 'ghosted');
    try {
      // Still valid: many retries, no leadership.
      for (let i = 0; i < 20; i++) {
        assert.equal(c.election.isLeader(), false);
        await sleep(5);
      }
      clock.advance(16_000);
      await eventually(() => c.election.isLeader(), 'the takeover after expiry');
      const lease = (await stores.leases.get('kube-system', 'ghosted')) as Lease;
      assert.equal(lease.spec?.holderIdentity, 'replica-c');
      assert.equal(lease.spec?.leaseTransitions, 4);
    } finally {
      await c.election.stop();
    }
  });

  it('a leader whose renewals fail steps down once the renew deadline passes on its clock', async () => {
    let failing = false;
    const leases = new Proxy(stores.leases, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (prop !== 'find' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
        return (...args: unknown[]) =>
          failing ? Promise.reject(new Error('storage unavailable')) : v.apply(target, args);
      },
    });
    const seen: unknown[] = [];
    // Far longer than the test runs in real time: only the injected clock can take it past the deadline.
    const { log, election } = elector('replica-d', 'flaky', {
      leases,
      leaseDurationMs: 900_000,
      renewDeadlineMs: 600_000,
      errors: seen,
    });
    try {
      await eventually(() => election.isLeader(), 'leadership');
      failing = true;
      await eventually(() => seen.length >= 3, 'failed renewals');
      // Renewals fail, but the clock has not moved past the deadline: still the leader.
      assert.equal(election.isLeader(), true);
      clock.advance(601_000);
      await eventually(() => !election.isLeader(), 'stepping down after the renew deadline');
      assert.deepEqual(log, ['started', 'stopped']);
    } finally {
      failing = false;
      await election.stop();
    }
  });

  it('reports no errors', () => {
    assert.deepEqual(errors, []);
  });
});
