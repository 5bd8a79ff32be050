import assert from 'node:assert/strict';
import { createPrivateKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Namespace, Secret, ServiceAccount } from '../api/core-v1.ts';
import { toSigningKey } from '../auth/tokens/keys.ts';
import { RSA_PRIVATE_KEY } from '../auth/tokens/testing/fixtures.ts';
import { createStores, type Stores } from '../registry/stores.ts';
import { openSqliteStorage, type SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { FakeClock } from '../util/clock.ts';
import type { Controller } from './controller.ts';
import { tokensController } from './tokens-controller.ts';

const CA_PEM = '-----BEGIN CERTIFICATE-----\nZmFrZQ==\n-----END CERTIFICATE-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');

/** Polls `check` until it holds; the deadline only bounds a broken run, it is not asserted. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function tokenSecret(name: string, saName: string): Secret {
  return {
    metadata: { name, annotations: { 'kubernetes.io/service-account.name': saName } },
    type: 'kubernetes.io/service-account-token',
  };
}

describe('tokens controller', () => {
  let storage: SqliteStorage;
  let stores: Stores;
  let controller: Controller;
  const signingKey = toSigningKey(createPrivateKey(RSA_PRIVATE_KEY));
  const errors: unknown[] = [];

  before(async () => {
    storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    stores = createStores(storage, new FakeClock());
    await stores.namespaces.create('', { metadata: { name: 'team' } } as Namespace);
    controller = tokensController(stores, signingKey, CA_PEM, (err) => errors.push(err));
    await controller.synced;
  });
  after(async () => {
    controller.stop();
    await storage.close();
  });

  it('fills a service-account-token secret with token, ca.crt, namespace and the SA uid', async () => {
    const sa = await stores.serviceAccounts.create('team', { metadata: { name: 'build' } } as ServiceAccount);
    await stores.secrets.create('team', tokenSecret('build-token', 'build'));
    await eventually(async () => !!(await stores.secrets.get('team', 'build-token')).data?.['token'], 'the token');
    const secret = await stores.secrets.get('team', 'build-token');
    assert.deepEqual(Object.keys(secret.data ?? {}).sort(), ['ca.crt', 'namespace', 'token']);
    assert.equal(unb64(secret.data?.['ca.crt']), CA_PEM);
    assert.equal(unb64(secret.data?.['namespace']), 'team');
    assert.equal(secret.metadata.annotations?.['kubernetes.io/service-account.uid'], sa.metadata.uid);

    // A legacy token: signed by the key, with the legacy claims naming the secret and the SA.
    const jwt = unb64(secret.data?.['token']);
    const [h, p, sig] = jwt.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.equal(header['alg'], 'RS256');
    assert.equal(header['kid'], signingKey.kid);
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), signingKey.publicKey, Buffer.from(sig, 'base64url')));
    assert.deepEqual(JSON.parse(Buffer.from(p, 'base64url').toString('utf8')), {
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': 'team',
      'kubernetes.io/serviceaccount/secret.name': 'build-token',
      'kubernetes.io/serviceaccount/service-account.name': 'build',
      'kubernetes.io/serviceaccount/service-account.uid': sa.metadata.uid,
      sub: 'system:serviceaccount:team:build',
    });
  });

  it('leaves other secret types alone', async () => {
    await stores.secrets.create('team', {
      metadata: { name: 'plain', annotations: { 'kubernetes.io/service-account.name': 'build' } },
      data: { x: b64('y') },
    } as Secret);
    await stores.secrets.create('team', tokenSecret('marker', 'build'));
    // Once the token secret created after it is done, the plain one has been seen too.
    await eventually(async () => !!(await stores.secrets.get('team', 'marker')).data?.['token'], 'marker token');
    await controller.idle();
    assert.deepEqual((await stores.secrets.get('team', 'plain')).data, { x: b64('y') });
  });

  it('deletes token secrets when their service account is deleted', async () => {
    await stores.serviceAccounts.create('team', { metadata: { name: 'temp' } } as ServiceAccount);
    await stores.secrets.create('team', tokenSecret('temp-token-1', 'temp'));
    await stores.secrets.create('team', tokenSecret('temp-token-2', 'temp'));
    await eventually(
      async () =>
        !!(await stores.secrets.get('team', 'temp-token-1')).data?.['token'] &&
        !!(await stores.secrets.get('team', 'temp-token-2')).data?.['token'],
      'both tokens',
    );
    await stores.serviceAccounts.delete('team', 'temp');
    await eventually(
      async () =>
        !(await stores.secrets.find('team', 'temp-token-1')) && !(await stores.secrets.find('team', 'temp-token-2')),
      'the token secrets deleted',
    );
    assert.ok(await stores.secrets.find('team', 'build-token'), 'other SAs keep theirs');
  });

  it('deletes a token secret for a service account that does not exist', async () => {
    await stores.secrets.create('team', tokenSecret('orphan', 'nobody'));
    await eventually(async () => !(await stores.secrets.find('team', 'orphan')), 'the orphan deleted');
  });

  it('deletes a token secret bound to an older service account of the same name', async () => {
    const old = await stores.serviceAccounts.create('team', { metadata: { name: 'reborn' } } as ServiceAccount);
    await stores.serviceAccounts.delete('team', 'reborn');
    await stores.serviceAccounts.create('team', { metadata: { name: 'reborn' } } as ServiceAccount);
    const s = tokenSecret('stale', 'reborn');
    s.metadata.annotations!['kubernetes.io/service-account.uid'] = old.metadata.uid!;
    await stores.secrets.create('team', s);
    await eventually(async () => !(await stores.secrets.find('team', 'stale')), 'the stale secret deleted');
  });

  it('reports no errors', async () => {
    await controller.idle();
    assert.deepEqual(errors, []);
  });
});
