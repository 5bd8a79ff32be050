import assert from 'node:assert/strict';
import { createHmac, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Node, Pod, Secret, ServiceAccount } from '../../../api/core-v1.ts';
import { LEGACY_ISSUER } from '../../tokens/claims.ts';
import { createTokenSigner, issueLegacyServiceAccountToken, issueServiceAccountToken } from '../../tokens/issuer.ts';
import { KeySet, parsePrivateKeyPem, parsePublicKeysPem } from '../../tokens/keys.ts';
import * as F from '../../tokens/testing/fixtures.ts';
import { AuthenticationError } from '../interfaces.ts';
import { newBoundServiceAccountAuthenticator, newLegacyServiceAccountAuthenticator } from './jwt-authenticator.ts';
import type { ServiceAccountTokenGetter } from './ports.ts';

const ISS = 'https://kubernetes.default.svc.cluster.local';
const NOW = Date.parse('2024-01-01T00:00:00Z');
const keys = new KeySet({
  signingKey: parsePrivateKeyPem(F.RSA_PRIVATE_KEY),
  publicKeys: parsePublicKeysPem(F.OTHER_RSA_PUBLIC_KEY + F.EC_PUBLIC_KEY),
});
const signer = createTokenSigner(ISS, keys.signingKey!);

interface World {
  sa?: ServiceAccount;
  pod?: Pod;
  node?: Node;
  secret?: Secret;
}
const world = (): World => ({
  sa: { metadata: { name: 'sa', namespace: 'ns', uid: 'sa-uid' }, secrets: [] },
  pod: { metadata: { name: 'p', namespace: 'ns', uid: 'pod-uid' } },
  node: { metadata: { name: 'n', uid: 'node-uid' } },
  secret: { metadata: { name: 's', namespace: 'ns', uid: 'secret-uid' } },
});
function getter(w: World): ServiceAccountTokenGetter {
  return {
    getServiceAccount: async (ns, name) =>
      w.sa?.metadata.namespace === ns && w.sa.metadata.name === name ? w.sa : undefined,
    getPod: async (_ns, name) => (w.pod?.metadata.name === name ? w.pod : undefined),
    getNode: async (name) => (w.node?.metadata.name === name ? w.node : undefined),
    getSecret: async (_ns, name) => (w.secret?.metadata.name === name ? w.secret : undefined),
  };
}
function bound(w: World, now = NOW, apiAudiences = [ISS]) {
  return newBoundServiceAccountAuthenticator({
    issuers: [ISS, 'https://old'],
    keys,
    apiAudiences,
    getter: getter(w),
    now: () => now,
  });
}
function issue(extra: Partial<Parameters<typeof issueServiceAccountToken>[1]> = {}) {
  return issueServiceAccountToken(signer, {
    serviceAccount: { namespace: 'ns', name: 'sa', uid: 'sa-uid' },
    expirationSeconds: 3600,
    audiences: [ISS],
    nowMs: NOW,
    jti: 'the-jti',
    ...extra,
  }).token;
}
const b64 = (s: string) => Buffer.from(s).toString('base64url');
/** A token over arbitrary header/payload text, RS256-signed with our real key. */
function signRaw(header: string, payload: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), keys.signingKey!.privateKey).toString('base64url')}`;
}
const HEADER = `{"alg":"RS256","kid":"${F.RSA_KEY_ID}"}`;

async function fails(p: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AuthenticationError, `not an AuthenticationError: ${err}`);
    assert.equal(err.message, message);
    return true;
  });
}

describe('bound service account tokens', () => {
  it('authenticates a pod-bound token with upstream user info and extras', async () => {
    const token = issue({ pod: { name: 'p', uid: 'pod-uid' }, node: { name: 'n', uid: 'node-uid' } });
    const res = await bound({ ...world(), node: undefined }).authenticateToken(token);
    assert.deepEqual(res?.user, {
      username: 'system:serviceaccount:ns:sa',
      uid: 'sa-uid',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns'],
      extra: {
        'authentication.kubernetes.io/credential-id': ['JTI=the-jti'],
        'authentication.kubernetes.io/node-name': ['n'],
        'authentication.kubernetes.io/node-uid': ['node-uid'],
        'authentication.kubernetes.io/pod-name': ['p'],
        'authentication.kubernetes.io/pod-uid': ['pod-uid'],
      },
    });
    assert.deepEqual(res?.audiences, [ISS]);
  });

  it('intersects audiences in requested order and reports mismatches with %q', async () => {
    const token = issue({ audiences: ['1', '2', ISS] });
    const auth = bound(world());
    assert.deepEqual((await auth.authenticateToken(token, ['2', 'x', '1']))?.audiences, ['2', '1']);
    await fails(
      auth.authenticateToken(token, ['x']),
      `token audiences ["1" "2" "${ISS}"] is invalid for the target audiences ["x"]`,
    );
    const noAud = await auth.authenticateToken(issue({ audiences: null }));
    assert.deepEqual(noAud?.audiences, [ISS]);
    assert.equal(noAud?.auditAnnotations['authentication.k8s.io/legacy-token'], 'system:serviceaccount:ns:sa');
    const open = bound(world(), NOW, []);
    assert.deepEqual((await open.authenticateToken(issue({ audiences: ['elsewhere'] })))?.audiences, []);
  });

  it('applies the 60 s leeway to exp, nbf and iat', async () => {
    const token = issue({ expirationSeconds: 600 });
    assert.ok(await bound(world(), NOW + 660_000).authenticateToken(token));
    await fails(bound(world(), NOW + 660_001).authenticateToken(token), 'service account token has expired');
    assert.ok(await bound(world(), NOW - 60_000).authenticateToken(token));
    await fails(bound(world(), NOW - 60_001).authenticateToken(token), 'service account token is not valid yet');
    const iatOnly = signRaw(HEADER, `{"iat":${NOW / 1000 + 61},"iss":"${ISS}","aud":["${ISS}"]}`);
    await fails(bound(world()).authenticateToken(iatOnly), 'service account token is issued in the future');
  });

  it('checks the service account, then bound objects, with upstream messages', async () => {
    const cases: [World, Parameters<typeof issue>[0], string][] = [
      [{ ...world(), sa: undefined }, {}, 'serviceaccounts "sa" not found'],
      [
        { ...world(), sa: { metadata: { name: 'sa', namespace: 'ns', uid: 'new' } } },
        {},
        'service account UID (new) does not match claim (sa-uid)',
      ],
      [
        {
          ...world(),
          sa: { metadata: { name: 'sa', namespace: 'ns', uid: 'sa-uid', deletionTimestamp: '2023-12-31T23:58:59Z' } },
        },
        {},
        'service account ns/sa has been deleted',
      ],
      [
        { ...world(), secret: undefined },
        { secret: { name: 's', uid: 'secret-uid' } },
        'service account token has been invalidated',
      ],
      [
        world(),
        { secret: { name: 's', uid: 'old' } },
        'secret UID (secret-uid) does not match service account secret ref claim (old)',
      ],
      [
        { ...world(), pod: undefined },
        { pod: { name: 'p', uid: 'pod-uid' } },
        'service account token has been invalidated',
      ],
      [
        world(),
        { pod: { name: 'p', uid: 'old' } },
        'pod UID (pod-uid) does not match service account pod ref claim (old)',
      ],
      [
        { ...world(), pod: { metadata: { name: 'p', uid: 'pod-uid', deletionTimestamp: '2023-12-31T23:58:59Z' } } },
        { pod: { name: 'p', uid: 'pod-uid' } },
        'service account token has been invalidated',
      ],
      [
        { ...world(), node: undefined },
        { node: { name: 'n', uid: 'node-uid' } },
        'service account token has been invalidated',
      ],
      [
        world(),
        { node: { name: 'n', uid: 'old' } },
        'node UID (node-uid) does not match service account node ref claim (old)',
      ],
    ];
    for (const [w, extra, message] of cases) await fails(bound(w).authenticateToken(issue(extra)), message);
  });

  it('takes the service account from a getter that answers synchronously, failures included', async () => {
    const w = world();
    const withLookup = (getServiceAccount: ServiceAccountTokenGetter['getServiceAccount']) =>
      newBoundServiceAccountAuthenticator({
        issuers: [ISS],
        keys,
        apiAudiences: [ISS],
        getter: { ...getter(w), getServiceAccount },
        now: () => NOW,
      });
    const down = () => {
      throw new Error('etcd is down');
    };
    for (const token of [issue(), issue({ pod: { name: 'p', uid: 'pod-uid' } })]) {
      const viaPromise = await bound(w).authenticateToken(token);
      assert.ok(viaPromise);
      assert.deepEqual(await withLookup(() => w.sa).authenticateToken(token), viaPromise);
      await fails(withLookup(() => undefined).authenticateToken(token), 'serviceaccounts "sa" not found');
      await fails(withLookup(down).authenticateToken(token), 'etcd is down');
      await fails(withLookup(async () => down()).authenticateToken(token), 'etcd is down');
    }
  });

  it('keeps objects deleted within the leeway valid', async () => {
    const w = world();
    w.sa!.metadata.deletionTimestamp = '2023-12-31T23:59:00Z';
    w.pod!.metadata.deletionTimestamp = '2024-01-01T00:00:30Z';
    assert.ok(await bound(w).authenticateToken(issue({ pod: { name: 'p', uid: 'pod-uid' } })));
  });

  it('records stale extended tokens', async () => {
    const token = issue({ pod: { name: 'p', uid: 'pod-uid' }, expirationSeconds: 86400, warnAfterSeconds: 3607 });
    const res = await bound(world(), NOW + 3700_000).authenticateToken(token);
    assert.equal(
      res?.auditAnnotations['authentication.k8s.io/stale-token'],
      'subject: system:serviceaccount:ns:sa, seconds after warning threshold: 93',
    );
  });

  it('still checks the cluster when the token was seen before (revocation)', async () => {
    const w = world();
    const auth = bound(w);
    const token = issue({ pod: { name: 'p', uid: 'pod-uid' } });
    assert.ok(await auth.authenticateToken(token));
    w.pod = undefined;
    await fails(auth.authenticateToken(token), 'service account token has been invalidated');
  });

  it('accepts an EC-signed token and any of several keys without kid', async () => {
    const ec = createTokenSigner(ISS, new KeySet({ signingKey: parsePrivateKeyPem(F.EC_PRIVATE_KEY) }).signingKey!);
    const token = issueServiceAccountToken(ec, {
      serviceAccount: { namespace: 'ns', name: 'sa', uid: 'sa-uid' },
      expirationSeconds: 600,
      audiences: [ISS],
      nowMs: NOW,
    }).token;
    assert.ok(await bound(world()).authenticateToken(token));
    const noKid = signRaw(
      '{"alg":"RS256"}',
      `{"iss":"${ISS}","aud":["${ISS}"],"kubernetes.io":{"namespace":"ns","serviceaccount":{"name":"sa","uid":"sa-uid"}}}`,
    );
    assert.ok(await bound(world()).authenticateToken(noKid));
  });
});

describe('hostile tokens', () => {
  const auth = bound(world());
  const good = issue();
  const [h, p, s] = good.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());

  it('returns null for what is not a JWT from our issuers', async () => {
    const notMine = [
      '',
      'invalid token',
      `${h}.${p}`,
      `${good}.extra`,
      `${h}..${s}`,
      `${h}.${p}=.${s}`,
      `${h}.${p.slice(0, -1)}!.${s}`,
      `${h}.${b64('[1,2]')}.${s}`,
      `${h}.${b64('"str"')}.${s}`,
      `${h}.${b64('null')}.${s}`,
      `${h}.${b64(JSON.stringify({ ...claims, iss: 'https://evil' }))}.${s}`,
      `${h}.${b64(JSON.stringify({ ...claims, iss: 42 }))}.${s}`,
      `${h}.${b64('{"iss":1,"iss":"' + ISS + '"}')}.${s}`,
      `${b64('{"alg":"RS256","alg":"RS256"}')}.${p}.${s}`,
      `${b64('{"alg":"RS256","kid":7}')}.${p}.${s}`,
      `${b64('[]')}.${p}.${s}`,
      `${h}.${p}.${s.slice(0, -1)}*`,
      ` {"iss":"${ISS}"}`,
      `${h}.${'A'.repeat(1 << 20)}.${s}`,
      `${h}.${b64('['.repeat(20000) + ']'.repeat(20000))}.${s}`,
    ];
    for (const token of notMine) assert.equal(await auth.authenticateToken(token), null, token.slice(0, 80));
  });

  it('refuses alg none, HS256 with our public key, unknown kid and tampering', async () => {
    const pubPem = keys.signingKey!.publicKey.export({ type: 'spki', format: 'pem' });
    const hsHeader = b64(`{"alg":"HS256","kid":"${F.RSA_KEY_ID}"}`);
    const hs = createHmac('sha256', pubPem).update(`${hsHeader}.${p}`).digest('base64url');
    const crypto = 'go-jose/go-jose: error in cryptographic primitive';
    await fails(auth.authenticateToken(`${b64(`{"alg":"none","kid":"${F.RSA_KEY_ID}"}`)}.${p}.`), crypto);
    await fails(auth.authenticateToken(`${b64('{"alg":"none"}')}.${p}.`), crypto);
    await fails(auth.authenticateToken(`${hsHeader}.${p}.${hs}`), crypto);
    await fails(
      auth.authenticateToken(`${b64('{"alg":"RS256","kid":"unknown"}')}.${p}.${s}`),
      'invalid signature, no keys found',
    );
    const tampered = b64(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:admin' }));
    await fails(auth.authenticateToken(`${h}.${tampered}.${s}`), crypto);
    await fails(auth.authenticateToken(`${h}.${b64('{"iss":"x","iss":"' + ISS + '"}')}.${s}`), crypto);
    await fails(
      auth.authenticateToken(`${b64(`{"alg":"RS256","kid":"${F.RSA_KEY_ID}","crit":["exp"]}`)}.${p}.${s}`),
      crypto,
    );
  });

  it('refuses signed but malformed claims with go-jose messages', async () => {
    const cases: [string, string][] = [
      [`{"iss":"${ISS}","iss":"${ISS}"}`, "json: duplicate key 'iss' in object"],
      [`{"iss":"${ISS}","kubernetes.io":{"pod":{"name":"a","name":"b"}}}`, "json: duplicate key 'name' in object"],
      [`{"iss":"${ISS}","exp":"soon"}`, 'go-jose/go-jose/jwt: expected number value to unmarshal NumericDate'],
      [`{"iss":"${ISS}","aud":[1]}`, 'go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience'],
      [`{"iss":"${ISS}","sub":5}`, 'json: cannot unmarshal number into Go value of type string'],
      [
        `{"iss":"${ISS}","kubernetes.io":"x"}`,
        'json: cannot unmarshal string into Go value of type serviceaccount.kubernetes',
      ],
      [`{"ISS":"${ISS}"}`, 'token issuer "" is invalid'],
    ];
    for (const [payload, message] of cases) await fails(auth.authenticateToken(signRaw(HEADER, payload)), message);
  });

  it('refuses a 1 MiB token quickly and never throws anything but AuthenticationError', async () => {
    const big = `${h}.${b64(JSON.stringify({ ...claims, pad: 'x'.repeat(1 << 20) }))}.${s}`;
    const started = process.hrtime.bigint();
    await fails(auth.authenticateToken(big), 'go-jose/go-jose: error in cryptographic primitive');
    assert.ok(process.hrtime.bigint() - started < 2_000_000_000n);
  });
});

describe('legacy secret-based tokens', () => {
  const legacySigner = createTokenSigner(LEGACY_ISSUER, keys.signingKey!);
  const token = issueLegacyServiceAccountToken(legacySigner, { namespace: 'ns', name: 'sa', uid: 'sa-uid' }, 's');
  const legacyWorld = (): World => {
    const w = world();
    w.secret!.data = { token: Buffer.from(token).toString('base64') };
    return w;
  };
  const legacy = (w: World, recorded: string[] = []) =>
    newLegacyServiceAccountAuthenticator({
      keys,
      apiAudiences: [ISS],
      getter: getter(w),
      usageRecorder: { recordLastUsed: async (secret, date) => void recorded.push(`${secret.metadata.name}=${date}`) },
      now: () => NOW,
    });

  it('authenticates a manual secret token, records audit and last use', async () => {
    const recorded: string[] = [];
    const res = await legacy(legacyWorld(), recorded).authenticateToken(token);
    assert.equal(res?.user.username, 'system:serviceaccount:ns:sa');
    assert.deepEqual(res?.user.extra, {});
    assert.deepEqual(res?.audiences, [ISS]);
    assert.deepEqual(res?.auditAnnotations, {
      'authentication.k8s.io/legacy-token': 'system:serviceaccount:ns:sa',
      'authentication.k8s.io/legacy-token-manual-secret': 's',
    });
    assert.deepEqual(recorded, ['s=2024-01-01']);
    assert.equal(await bound(world()).authenticateToken(token), null);
  });

  it('warns for auto-generated secrets and skips recording when used today', async () => {
    const w = legacyWorld();
    w.sa!.secrets = [{ name: 's' }];
    w.secret!.metadata.labels = { 'kubernetes.io/legacy-token-last-used': '2024-01-01' };
    const recorded: string[] = [];
    const res = await legacy(w, recorded).authenticateToken(token);
    assert.deepEqual(res?.warnings, [
      'Use tokens from the TokenRequest API or manually created secret-based tokens instead of auto-generated secret-based tokens.',
    ]);
    assert.deepEqual(recorded, []);
  });

  it('fails with the legacy validator messages', async () => {
    const w1 = legacyWorld();
    w1.secret = undefined;
    await fails(legacy(w1).authenticateToken(token), 'Token has been invalidated');
    const w2 = legacyWorld();
    w2.secret!.data = { token: Buffer.from('other').toString('base64') };
    await fails(legacy(w2).authenticateToken(token), "Token does not match server's copy");
    const w3 = legacyWorld();
    w3.sa!.metadata.uid = 'new';
    await fails(legacy(w3).authenticateToken(token), 'ServiceAccount UID (new) does not match claim (sa-uid)');
    const w4 = legacyWorld();
    w4.sa!.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    await fails(legacy(w4).authenticateToken(token), 'ServiceAccount ns/sa has been deleted');
    const w5 = legacyWorld();
    w5.secret!.metadata.labels = { 'kubernetes.io/legacy-token-invalid-since': '2023-06-01' };
    await assert.rejects(
      legacy(w5).authenticateToken(token),
      (err: Error & { auditAnnotations?: Record<string, string> }) => {
        assert.equal(
          err.message,
          "the token in secret ns/s for service account ns/sa has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily allow use of this token",
        );
        assert.equal(err.auditAnnotations?.['authentication.k8s.io/legacy-token-invalidated'], 's/ns');
        return true;
      },
    );
  });

  it('requires the legacy claims', async () => {
    const sign = (payload: Record<string, string>) => legacySigner.sign(payload);
    const full = {
      sub: 'system:serviceaccount:ns:sa',
      'kubernetes.io/serviceaccount/namespace': 'ns',
      'kubernetes.io/serviceaccount/secret.name': 's',
      'kubernetes.io/serviceaccount/service-account.name': 'sa',
      'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
    };
    const auth = legacy(legacyWorld());
    await fails(auth.authenticateToken(sign({ ...full, sub: '' })), 'sub claim is missing');
    await fails(
      auth.authenticateToken(sign({ ...full, 'kubernetes.io/serviceaccount/namespace': '' })),
      'namespace claim is missing',
    );
    await fails(
      auth.authenticateToken(sign({ ...full, 'kubernetes.io/serviceaccount/secret.name': '' })),
      'secretName claim is missing',
    );
    await fails(
      auth.authenticateToken(sign({ ...full, sub: 'system:serviceaccount:ns:other' })),
      'sub claim is invalid',
    );
  });
});
