import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConfigMap, Namespace } from '../api/core-v1.ts';
import { createStores, type Stores } from '../registry/stores.ts';
import { openSqliteStorage, type SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { FakeClock } from '../util/clock.ts';
import { EventRecorder } from './events.ts';

describe('EventRecorder', () => {
  let storage: SqliteStorage;
  let stores: Stores;
  const at = Date.UTC(2026, 4, 1, 8, 30, 0);
  const clock = new FakeClock(at);

  before(async () => {
    storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    stores = createStores(storage, clock);
    await stores.namespaces.create('', { metadata: { name: 'apps' } } as Namespace);
  });
  after(async () => {
    await storage.close();
  });

  it("names events as upstream does, <object>.<hex of the event time in ns>, from the recorder's clock", async () => {
    const errors: unknown[] = [];
    const recorder = new EventRecorder(stores.events, clock, 'tester', (e) => errors.push(e));
    const cm = await stores.configMaps.create('apps', { metadata: { name: 'settings' } } as ConfigMap);
    await recorder.record(cm, 'Normal', 'Checked', 'looked at it');
    await recorder.record(cm, 'Normal', 'Checked', 'looked again');
    assert.deepEqual(errors, []);
    const events = (await stores.events.list('apps')).items;
    assert.equal(events.length, 2);
    for (const ev of events) {
      const m = /^settings\.([0-9a-f]+)$/.exec(ev.metadata.name ?? '');
      assert.ok(m, ev.metadata.name);
      assert.equal(BigInt(`0x${m[1]}`) / 1_000_000n, BigInt(at));
      assert.equal(ev.firstTimestamp, '2026-05-01T08:30:00Z');
    }
  });
});
