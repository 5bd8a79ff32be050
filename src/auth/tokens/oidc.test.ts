import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createTokenSigner, issueServiceAccountToken } from './issuer.ts';
import { KeySet, parsePrivateKeyPem, parsePublicKeysPem } from './keys.ts';
import { buildOpenIDMetadata, JWKS_CONTENT_TYPE, OIDC_CACHE_CONTROL, OPENID_CONFIG_CONTENT_TYPE } from './oidc.ts';
import * as F from './testing/fixtures.ts';

const ISSUER = 'https://issuer.example.com';
const keys = new KeySet({ publicKeys: parsePublicKeysPem(F.RSA_PUBLIC_KEY + F.EC_PUBLIC_KEY) }).keys;
const CONFIG = (jwks: string) =>
  `{"issuer":"https://issuer.example.com","jwks_uri":"${jwks}","response_types_supported":["id_token"],` +
  `"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256","RS256"]}`;

describe('buildOpenIDMetadata', () => {
  it('renders upstream openidmetadata_test.go documents byte for byte', () => {
    const md = buildOpenIDMetadata({ issuer: ISSUER, jwksUri: `${ISSUER}/openid/v1/jwks`, keys });
    assert.equal(md.configJson, CONFIG('https://issuer.example.com/openid/v1/jwks'));
    assert.equal(md.keysetJson, F.UPSTREAM_KEYSET);
  });

  it('publishes only public keys when given private ones', () => {
    const fromPrivate = new KeySet({
      publicKeys: [parsePrivateKeyPem(F.RSA_PRIVATE_KEY), parsePrivateKeyPem(F.EC_PRIVATE_KEY)],
    });
    const md = buildOpenIDMetadata({ issuer: ISSUER, jwksUri: `${ISSUER}/openid/v1/jwks`, keys: fromPrivate.keys });
    assert.equal(md.keysetJson, F.UPSTREAM_KEYSET);
    assert.doesNotMatch(md.keysetJson, /"d"/);
  });

  it('defaults jwks_uri to the external address', () => {
    const md = buildOpenIDMetadata({ issuer: ISSUER, externalAddress: '192.0.2.1:80', keys });
    assert.equal(md.configJson, CONFIG('https://192.0.2.1:80/openid/v1/jwks'));
  });

  it('refuses what upstream refuses, with its messages', () => {
    const jwksUri = `${ISSUER}/openid/v1/jwks`;
    const cases: [Parameters<typeof buildOpenIDMetadata>[0], RegExp][] = [
      [{ issuer: 'http://issuer.example.com', jwksUri, keys }, /^issuer URL must use https scheme, got: http:/],
      [{ issuer: 'issuer.example.com', jwksUri, keys }, /must use https scheme/],
      [{ issuer: `${ISSUER}?foo=bar`, jwksUri, keys }, /^issuer URL may not include a query, got: /],
      [{ issuer: `${ISSUER}#baz`, jwksUri, keys }, /^issuer URL may not include a fragment, got: /],
      [{ issuer: ISSUER, jwksUri: 'http://issuer.example.com/openid/v1/jwks', keys }, /^jwksURI requires https scheme/],
      [{ issuer: ISSUER, externalAddress: 'https://192.0.2.1:80', keys }, /^attempted to build jwks_uri from external/],
      [{ issuer: ISSUER, keys }, /^either the JWKS URI or the default external address, or both, must be set$/],
      [{ issuer: ISSUER, jwksUri, keys: [] }, /^no keys provided for validating keyset$/],
    ];
    for (const [options, message] of cases) assert.throws(() => buildOpenIDMetadata(options), { message });
  });

  it('exports the exact header values', () => {
    assert.equal(OPENID_CONFIG_CONTENT_TYPE, 'application/json');
    assert.equal(JWKS_CONTENT_TYPE, 'application/jwk-set+json');
    assert.equal(OIDC_CACHE_CONTROL, 'public, max-age=3600');
  });

  it('lets jose verify our tokens from the published JWKS, and not tampered ones', async () => {
    const set = new KeySet({
      signingKey: parsePrivateKeyPem(F.RSA_PRIVATE_KEY),
      publicKeys: parsePublicKeysPem(F.EC_PUBLIC_KEY),
    });
    const md = buildOpenIDMetadata({ issuer: ISSUER, jwksUri: `${ISSUER}/openid/v1/jwks`, keys: set.keys });
    const jwks = createLocalJWKSet(JSON.parse(md.keysetJson));
    const signer = createTokenSigner(ISSUER, set.signingKey!);
    const { token } = issueServiceAccountToken(signer, {
      serviceAccount: { namespace: 'ns', name: 'sa', uid: 'u' },
      expirationSeconds: 3600,
      audiences: ['api'],
    });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: ISSUER, audience: 'api' });
    assert.equal(payload.sub, 'system:serviceaccount:ns:sa');
    assert.equal(protectedHeader.kid, F.RSA_KEY_ID);

    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    claims.sub = 'system:serviceaccount:kube-system:admin';
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    await assert.rejects(jwtVerify(tampered, jwks), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });
});
