/**
 * Service-account issuer discovery documents (SA/openidmetadata.go, pkg/routes/openidmetadata.go; spec tokens.md
 * section 10), rendered once to the exact bytes upstream serves.
 */
import { goJsonString } from './go-json.ts';
import type { VerificationKey } from './keys.ts';

/** Path of the OIDC discovery document. */
export const OPENID_CONFIG_PATH = '/.well-known/openid-configuration';
/** Path of the JWKS. */
export const JWKS_PATH = '/openid/v1/jwks';
/** Content-Type of the discovery document. */
export const OPENID_CONFIG_CONTENT_TYPE = 'application/json';
/** Content-Type of the JWKS. */
export const JWKS_CONTENT_TYPE = 'application/jwk-set+json';
/** Cache-Control of both documents for static keys (overrides the server's `private, no-cache`). */
export const OIDC_CACHE_CONTROL = 'public, max-age=3600';

/** The two pre-rendered documents. */
export interface OpenIDMetadata {
  issuer: string;
  jwksUri: string;
  configJson: string;
  keysetJson: string;
}

/** Inputs of NewOpenIDMetadataProvider. `externalAddress` is host:port (no scheme) of --external-hostname. */
export interface OpenIDMetadataOptions {
  issuer: string;
  jwksUri?: string;
  externalAddress?: string;
  keys: readonly VerificationKey[];
}

function schemeOf(url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  return m ? m[1].toLowerCase() : '';
}

function rawQuery(url: string): string {
  const noFragment = url.split('#', 1)[0];
  const q = noFragment.indexOf('?');
  return q < 0 ? '' : noFragment.slice(q + 1);
}

function fragment(url: string): string {
  const f = url.indexOf('#');
  return f < 0 ? '' : url.slice(f + 1);
}

/** The JWK upstream publishes for a key; member order as go-jose marshals it. */
export function publicJwk(key: VerificationKey): string {
  const jwk = key.key.export({ format: 'jwk' }) as Record<string, string>;
  const head = `{"use":"sig","kty":${goJsonString(key.type)},"kid":${goJsonString(key.kid)}`;
  if (key.type === 'RSA') {
    return `${head},"alg":"RS256","n":${goJsonString(jwk.n)},"e":${goJsonString(jwk.e)}}`;
  }
  const crv = jwk.crv;
  return `${head},"crv":${goJsonString(crv)},"alg":${goJsonString(key.alg)},"x":${goJsonString(jwk.x)},"y":${goJsonString(jwk.y)}}`;
}

/**
 * Builds both documents, or throws with upstream's message; upstream then logs the error and does not install the
 * endpoints (the server still starts).
 */
export function buildOpenIDMetadata(options: OpenIDMetadataOptions): OpenIDMetadata {
  const { issuer, externalAddress = '' } = options;
  let jwksUri = options.jwksUri ?? '';
  if (issuer === '') throw new Error('empty issuer URL');
  if (jwksUri === '' && externalAddress === '') {
    throw new Error('either the JWKS URI or the default external address, or both, must be set');
  }
  if (schemeOf(issuer) !== 'https') throw new Error(`issuer URL must use https scheme, got: ${issuer}`);
  if (rawQuery(issuer) !== '') throw new Error(`issuer URL may not include a query, got: ${issuer}`);
  if (fragment(issuer) !== '') throw new Error(`issuer URL may not include a fragment, got: ${issuer}`);

  if (jwksUri === '') {
    const candidate = `https://${externalAddress}${JWKS_PATH}`;
    // Go rebuilds and re-parses the URL; an address carrying a scheme, path, query or userinfo does not round-trip.
    if (/[/?#@\s]/.test(externalAddress)) {
      throw new Error(
        `attempted to build jwks_uri from external address ${externalAddress}, but could not construct a valid URL. Error: got ${candidate}, expected https://${externalAddress}${JWKS_PATH}`,
      );
    }
    jwksUri = candidate;
  } else if (schemeOf(jwksUri) !== 'https') {
    throw new Error(`jwksURI requires https scheme, parsed as: ${jwksUri}`);
  }

  if (options.keys.length === 0) throw new Error('no keys provided for validating keyset');
  const algs = [...new Set(options.keys.map((k) => k.alg))].sort();
  const configJson =
    `{"issuer":${goJsonString(issuer)},"jwks_uri":${goJsonString(jwksUri)},` +
    `"response_types_supported":["id_token"],"subject_types_supported":["public"],` +
    `"id_token_signing_alg_values_supported":[${algs.map(goJsonString).join(',')}]}`;
  const keysetJson = `{"keys":[${options.keys.map(publicJwk).join(',')}]}`;
  return { issuer, jwksUri, configJson, keysetJson };
}
