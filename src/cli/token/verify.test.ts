import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toVerificationKey } from '../../auth/tokens/keys.ts';
import { publicJwk } from '../../auth/tokens/oidc.ts';
import { type DecodedJwt, decodeToken } from './decode.ts';
import { rsaKey, signToken } from './testing.ts';
import { checkSignature, checkTimes, keysFromJwks, keysFromPem } from './verify.ts';

const NOW = 1_800_000_000;
const a = rsaKey();
const b = rsaKey();

function jwt(token: string): DecodedJwt {
  const d = decodeToken(token);
  assert.equal(d.kind, 'jwt');
  return d as DecodedJwt;
}

const claims = {
  iss: 'https://kubernetes.default.svc',
  sub: 'system:serviceaccount:default:default',
  iat: NOW,
  nbf: NOW,
  exp: NOW + 3600,
};

describe('checkSignature', () => {
  it('accepts a token signed by a key of the PEM file and names the key', () => {
    const source = keysFromPem(b.publicPem + a.publicPem, 'keys.pem');
    const r = checkSignature(jwt(signToken(a.signing, claims)), source);
    assert.equal(r.valid, true);
    assert.equal(r.keyIndex, 2);
    assert.equal(r.message, `signature valid (RS256, key 2 of 2 in keys.pem, kid ${a.signing.kid})`);
  });

  it('reports an unknown kid without trying other keys (the server does the same)', () => {
    const r = checkSignature(jwt(signToken(a.signing, claims)), keysFromPem(b.publicPem, 'b.pem'));
    assert.equal(r.valid, false);
    assert.equal(r.reason, 'unknown kid');
    assert.match(
      r.message,
      /^unknown kid: no key in b\.pem has kid ".+" \(the server says "invalid signature, no keys found"\)$/,
    );
  });

  it('reports a bad signature for a tampered payload', () => {
    const token = signToken(a.signing, claims);
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:admin' })).toString(
      'base64url',
    );
    const r = checkSignature(jwt(`${h}.${forged}.${s}`), keysFromPem(a.publicPem, 'a.pem'));
    assert.equal(r.valid, false);
    assert.equal(r.reason, 'bad signature');
    assert.equal(r.message, 'bad signature: RS256 signature does not verify with the key from a.pem');
  });

  it('refuses alg none and HMAC, as go-jose does', () => {
    const [, p, s] = signToken(a.signing, claims).split('.');
    const h = Buffer.from(JSON.stringify({ alg: 'HS256', kid: a.signing.kid })).toString('base64url');
    const r = checkSignature(jwt(`${h}.${p}.${s}`), keysFromPem(a.publicPem, 'a.pem'));
    assert.equal(r.reason, 'unsupported algorithm');
  });

  it('verifies with a JWKS, using the kids it publishes', () => {
    const jwks = `{"keys":[${publicJwk(toVerificationKey(b.publicKey))},${publicJwk(toVerificationKey(a.publicKey))}]}`;
    const source = keysFromJwks(jwks, 'jwks.json');
    assert.equal(source.keys.length, 2);
    assert.equal(checkSignature(jwt(signToken(a.signing, claims)), source).valid, true);
    assert.throws(() => keysFromJwks('{"nokeys":1}', 'x.json'), /x\.json is not a JWKS/);
    assert.throws(() => keysFromJwks('{"keys":[{"kty":"oct","k":"AA"}]}', 'x.json'), /no usable RSA or EC keys/);
  });
});

describe('checkTimes', () => {
  const token = jwt(signToken(a.signing, claims));
  it('applies the server leeway of 60s', () => {
    assert.deepEqual(checkTimes(token, NOW + 3600 + 60), []);
    assert.deepEqual(
      checkTimes(token, NOW + 3600 + 61).map((p) => p.serverMessage),
      ['service account token has expired'],
    );
    assert.deepEqual(
      checkTimes(token, NOW - 61).map((p) => p.reason),
      ['not yet valid', 'issued in the future'],
    );
  });
  it('never checks legacy tokens', () => {
    const legacy = jwt(signToken(a.signing, { iss: 'kubernetes/serviceaccount', exp: 1 }));
    assert.deepEqual(checkTimes(legacy, NOW), []);
  });
});
