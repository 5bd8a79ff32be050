import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Event, Namespace } from '../../api/core-v1.ts';
import { StatusError } from '../../api/status.ts';
import { openSqliteStorage, type SqliteStorage } from '../../storage/sqlite/sqlite-storage.ts';
import { FakeClock } from '../../util/clock.ts';
import { createStores, type Stores } from '../stores.ts';

describe('events strategy', () => {
  let storage: SqliteStorage;
  let stores: Stores;
  before(async () => {
    storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    stores = createStores(storage, new FakeClock(Date.UTC(2026, 0, 1)));
    for (const name of ['apps', 'other']) await stores.namespaces.create('', { metadata: { name } } as Namespace);
  });
  after(async () => {
    await storage.close();
  });

  const event = (name: string, involvedNamespace: string): Event =>
    ({
      metadata: { name },
      involvedObject: { kind: 'Pod', name: 'web', namespace: involvedNamespace },
      reason: 'Started',
      message: 'started',
    }) as Event;

  it("refuses an event whose involved object lives in another namespace, with upstream's message", async () => {
    await stores.events.create('apps', event('ok', 'apps'));
    const err = await stores.events.create('apps', event('bad', 'other')).then(
      () => assert.fail('created'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 422);
    assert.equal(
      err.message,
      'Event "bad" is invalid: involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    );
    // Updates are held to the same rules.
    const stored = await stores.events.get('apps', 'ok');
    await assert.rejects(
      stores.events.update('apps', 'ok', {
        ...stored,
        involvedObject: { ...stored.involvedObject, namespace: 'other' },
      }),
      { code: 422 },
    );
  });
});
