import assert from 'node:assert/strict';
import { verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { LEGACY_ISSUER } from './claims.ts';
import {
  createTokenSigner,
  issueLegacyServiceAccountToken,
  issueServiceAccountToken,
  issueServiceAccountTokenAsync,
} from './issuer.ts';
import { parsePrivateKeyPem, toSigningKey } from './keys.ts';
import * as F from './testing/fixtures.ts';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const NOW = 1514764800_000; // upstream claims_test.go clock
const SA = { namespace: 'myns', name: 'mysvcacct', uid: 'mysvcacct-uid' };
const rsa = createTokenSigner(ISSUER, toSigningKey(parsePrivateKeyPem(F.RSA_PRIVATE_KEY)));

function decode(token: string): { header: string; payload: string; signature: Buffer } {
  const [h, p, s] = token.split('.');
  return {
    header: Buffer.from(h, 'base64url').toString(),
    payload: Buffer.from(p, 'base64url').toString(),
    signature: Buffer.from(s, 'base64url'),
  };
}

describe('issueServiceAccountToken', () => {
  it('writes the header exactly as go-jose: alg and kid only, sorted', () => {
    const { token } = issueServiceAccountToken(rsa, { serviceAccount: SA, expirationSeconds: 3600, audiences: ['a'] });
    assert.equal(decode(token).header, `{"alg":"RS256","kid":"${F.RSA_KEY_ID}"}`);
    assert.doesNotMatch(token, /=/);
  });

  it('lays out a pod+node bound token byte for byte as spec section 1.4', () => {
    const { token } = issueServiceAccountToken(rsa, {
      serviceAccount: SA,
      pod: { name: 'mypod', uid: 'mypod-uid' },
      node: { name: 'mynode', uid: 'mynode-uid' },
      expirationSeconds: 3600,
      audiences: [ISSUER],
      nowMs: NOW,
      jti: 'fixed',
    });
    assert.equal(
      decode(token).payload,
      '{"aud":["https://kubernetes.default.svc.cluster.local"],"exp":1514768400,"iat":1514764800,' +
        '"iss":"https://kubernetes.default.svc.cluster.local","jti":"fixed","kubernetes.io":{"namespace":"myns",' +
        '"node":{"name":"mynode","uid":"mynode-uid"},"pod":{"name":"mypod","uid":"mypod-uid"},' +
        '"serviceaccount":{"name":"mysvcacct","uid":"mysvcacct-uid"}},"nbf":1514764800,' +
        '"sub":"system:serviceaccount:myns:mysvcacct"}',
    );
  });

  it('keeps a single audience as an array, omits an empty one, truncates time and adds warnafter', () => {
    const one = issueServiceAccountToken(rsa, {
      serviceAccount: SA,
      secret: { name: 'mysecret', uid: 'mysecret-uid' },
      expirationSeconds: 100,
      audiences: ['1'],
      nowMs: NOW + 999,
      jti: 'j',
    });
    assert.equal(
      decode(one.token).payload,
      `{"aud":["1"],"exp":1514764900,"iat":1514764800,"iss":"${ISSUER}","jti":"j","kubernetes.io":{"namespace":"myns",` +
        '"secret":{"name":"mysecret","uid":"mysecret-uid"},"serviceaccount":{"name":"mysvcacct","uid":"mysvcacct-uid"}},' +
        '"nbf":1514764800,"sub":"system:serviceaccount:myns:mysvcacct"}',
    );
    const none = issueServiceAccountToken(rsa, {
      serviceAccount: SA,
      pod: { name: 'mypod', uid: 'mypod-uid' },
      node: { name: 'n1', uid: '' },
      expirationSeconds: 86400,
      warnAfterSeconds: 3600,
      audiences: [],
      nowMs: NOW,
      jti: 'j',
    });
    const payload = JSON.parse(decode(none.token).payload);
    assert.equal('aud' in payload, false);
    assert.equal(payload['kubernetes.io'].warnafter, 1514764800 + 3600);
    assert.deepEqual(payload['kubernetes.io'].node, { name: 'n1' });
    assert.equal(none.expiresAtMs, (1514764800 + 86400) * 1000);
  });

  it('escapes HTML characters as Go does', () => {
    const { token } = issueServiceAccountToken(rsa, {
      serviceAccount: SA,
      expirationSeconds: 600,
      audiences: ['https://x/?a=<b>&c'],
      nowMs: NOW,
      jti: 'j',
    });
    assert.match(decode(token).payload, /"aud":\["https:\/\/x\/\?a=\\u003cb\\u003e\\u0026c"\]/);
  });

  it('refuses to bind a secret together with a pod', () => {
    assert.throws(
      () =>
        issueServiceAccountToken(rsa, {
          serviceAccount: SA,
          pod: { name: 'p', uid: 'u' },
          secret: { name: 's', uid: 'u' },
          expirationSeconds: 600,
          audiences: null,
        }),
      { message: 'internal error, token can only be bound to one object type' },
    );
  });

  it('signs RS256 deterministically and ES256 as raw r||s', () => {
    const input = { serviceAccount: SA, expirationSeconds: 600, audiences: ['a'], nowMs: NOW, jti: 'j' };
    assert.equal(issueServiceAccountToken(rsa, input).token, issueServiceAccountToken(rsa, input).token);
    const ec = createTokenSigner(ISSUER, toSigningKey(parsePrivateKeyPem(F.EC_PRIVATE_KEY)));
    const { token } = issueServiceAccountToken(ec, input);
    const { header, signature } = decode(token);
    assert.equal(header, `{"alg":"ES256","kid":"${F.EC_KEY_ID}"}`);
    assert.equal(signature.length, 64);
    const data = Buffer.from(token.slice(0, token.lastIndexOf('.')));
    assert.ok(verify('sha256', data, { key: ec.key.publicKey, dsaEncoding: 'ieee-p1363' }, signature));
  });

  it('signs off the event loop to the same token (RS256) and a valid raw r||s signature (ES256)', async () => {
    const input = { serviceAccount: SA, expirationSeconds: 600, audiences: ['a'], nowMs: NOW, jti: 'j' };
    assert.deepEqual(await issueServiceAccountTokenAsync(rsa, input), issueServiceAccountToken(rsa, input));
    const ec = createTokenSigner(ISSUER, toSigningKey(parsePrivateKeyPem(F.EC_PRIVATE_KEY)));
    const { token } = await issueServiceAccountTokenAsync(ec, input);
    const { signature } = decode(token);
    assert.equal(signature.length, 64);
    const data = Buffer.from(token.slice(0, token.lastIndexOf('.')));
    assert.ok(verify('sha256', data, { key: ec.key.publicKey, dsaEncoding: 'ieee-p1363' }, signature));
  });
});

describe('issueLegacyServiceAccountToken', () => {
  it('writes the legacy claims in sorted order without time claims', () => {
    const legacy = createTokenSigner(LEGACY_ISSUER, rsa.key);
    const token = issueLegacyServiceAccountToken(legacy, SA, 'mysecret');
    assert.equal(
      decode(token).payload,
      '{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"myns",' +
        '"kubernetes.io/serviceaccount/secret.name":"mysecret",' +
        '"kubernetes.io/serviceaccount/service-account.name":"mysvcacct",' +
        '"kubernetes.io/serviceaccount/service-account.uid":"mysvcacct-uid","sub":"system:serviceaccount:myns:mysvcacct"}',
    );
  });
});
