import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  generateSigningKeyPem,
  KeySet,
  keyIdFromPublicKey,
  NO_PRIVATE_KEY,
  NO_PUBLIC_KEYS,
  parsePrivateKeyPem,
  parsePublicKeysPem,
  toSigningKey,
} from './keys.ts';
import * as F from './testing/fixtures.ts';

describe('keyIdFromPublicKey', () => {
  it('matches upstream keyid_test.go for the RSA and EC fixtures', () => {
    assert.equal(keyIdFromPublicKey(parsePublicKeysPem(F.RSA_PUBLIC_KEY)[0]), F.RSA_KEY_ID);
    assert.equal(keyIdFromPublicKey(parsePublicKeysPem(F.EC_PUBLIC_KEY)[0]), F.EC_KEY_ID);
  });

  it('reduces private keys to their public half', () => {
    assert.equal(keyIdFromPublicKey(parsePrivateKeyPem(F.RSA_PRIVATE_KEY)), F.RSA_KEY_ID);
    assert.equal(keyIdFromPublicKey(parsePrivateKeyPem(F.EC_PRIVATE_KEY)), F.EC_KEY_ID);
  });
});

describe('parsePublicKeysPem', () => {
  it('reads every key of a multi-PEM file in order, private keys as public, skipping non-key blocks', () => {
    const pkcs8 = createPrivateKey(F.EC_PRIVATE_KEY).export({ type: 'pkcs8', format: 'pem' }) as string;
    const rsaPkcs1Public = parsePublicKeysPem(F.OTHER_RSA_PUBLIC_KEY)[0].export({ type: 'pkcs1', format: 'pem' });
    const file = [
      '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n',
      F.RSA_PRIVATE_KEY,
      F.EC_PUBLIC_KEY,
      pkcs8,
      rsaPkcs1Public,
    ].join('\n');
    const kids = parsePublicKeysPem(file).map(keyIdFromPublicKey);
    const other = keyIdFromPublicKey(parsePublicKeysPem(F.OTHER_RSA_PUBLIC_KEY)[0]);
    assert.deepEqual(kids, [F.RSA_KEY_ID, F.EC_KEY_ID, F.EC_KEY_ID, other]);
  });

  it('ignores the PEM label', () => {
    const relabelled = F.RSA_PUBLIC_KEY.replaceAll('PUBLIC KEY', 'WHATEVER');
    assert.equal(keyIdFromPublicKey(parsePublicKeysPem(relabelled)[0]), F.RSA_KEY_ID);
  });

  it('reads the public key of an X.509 certificate', () => {
    const fromCert = parsePublicKeysPem(F.EC_CERTIFICATE)[0];
    assert.equal(keyIdFromPublicKey(fromCert), keyIdFromPublicKey(parsePublicKeysPem(F.EC_CERTIFICATE_PUBLIC_KEY)[0]));
  });

  it('fails with upstream message when no key is found', () => {
    assert.throws(() => parsePublicKeysPem(''), { message: NO_PUBLIC_KEYS });
    assert.throws(() => parsePublicKeysPem('-----BEGIN X-----\nAAAA\n-----END X-----\n'), { message: NO_PUBLIC_KEYS });
  });
});

describe('parsePrivateKeyPem', () => {
  it('reads PKCS#1, SEC1 (after EC PARAMETERS) and PKCS#8', () => {
    assert.equal(parsePrivateKeyPem(F.RSA_PRIVATE_KEY).asymmetricKeyType, 'rsa');
    assert.equal(parsePrivateKeyPem(F.EC_PRIVATE_KEY_WITH_PARAMS).asymmetricKeyType, 'ec');
    const pkcs8 = createPrivateKey(F.RSA_PRIVATE_KEY).export({ type: 'pkcs8', format: 'pem' }) as string;
    assert.equal(keyIdFromPublicKey(parsePrivateKeyPem(pkcs8)), F.RSA_KEY_ID);
  });

  it('rejects public keys and empty files', () => {
    assert.throws(() => parsePrivateKeyPem(F.RSA_PUBLIC_KEY), { message: NO_PRIVATE_KEY });
    assert.throws(() => parsePrivateKeyPem(''), { message: NO_PRIVATE_KEY });
  });
});

describe('signing keys', () => {
  it('picks RS256 for RSA and ES256/ES384 by curve, and rejects other curves', () => {
    assert.equal(toSigningKey(parsePrivateKeyPem(F.RSA_PRIVATE_KEY)).alg, 'RS256');
    assert.equal(toSigningKey(parsePrivateKeyPem(F.EC_PRIVATE_KEY)).alg, 'ES256');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
    assert.equal(toSigningKey(p384).alg, 'ES384');
    const k256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
    assert.throws(() => toSigningKey(k256), { message: 'unknown private key curve, must be 256, 384, or 521' });
  });

  it('generates an RSA-2048 key pair usable as signing key', async () => {
    const { privateKeyPem, publicKeyPem } = await generateSigningKeyPem();
    assert.match(privateKeyPem, /^-----BEGIN RSA PRIVATE KEY-----/);
    const key = parsePrivateKeyPem(privateKeyPem);
    assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(keyIdFromPublicKey(parsePublicKeysPem(publicKeyPem)[0]), keyIdFromPublicKey(key));
  });
});

describe('KeySet', () => {
  it('always includes the signing key public half, once', () => {
    const signingKey = parsePrivateKeyPem(F.RSA_PRIVATE_KEY);
    const alone = new KeySet({ signingKey, publicKeys: parsePublicKeysPem(F.EC_PUBLIC_KEY) });
    assert.deepEqual(
      alone.keys.map((k) => k.kid),
      [F.EC_KEY_ID, F.RSA_KEY_ID],
    );
    const both = new KeySet({ signingKey, publicKeys: parsePublicKeysPem(F.RSA_PUBLIC_KEY + F.EC_PUBLIC_KEY) });
    assert.deepEqual(
      both.keys.map((k) => k.kid),
      [F.RSA_KEY_ID, F.EC_KEY_ID],
    );
  });

  it('looks kids up strictly: all keys without kid, none for an unknown kid', () => {
    const set = new KeySet({ publicKeys: parsePublicKeysPem(F.RSA_PUBLIC_KEY + F.EC_PUBLIC_KEY) });
    assert.equal(set.keysFor('').length, 2);
    assert.deepEqual(
      set.keysFor(F.EC_KEY_ID).map((k) => k.alg),
      ['ES256'],
    );
    assert.equal(set.keysFor('nope').length, 0);
  });
});
