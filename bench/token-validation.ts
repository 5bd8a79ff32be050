/**
 * Figure 1: service-account JWT validation in process, uncached (no token cache, verifiedTokenCacheSize 0), with
 * the service-account lookup through the real registry Store over SQLite (what the server's getter does), versus
 * raw node:crypto RS256 verifications of the same token with a key parsed once. jose's jwtVerify and the
 * verified-signature cache are extra rows.
 */
import { generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { importSPKI, jwtVerify } from 'jose';
import type { ServiceAccount } from '../src/api/core-v1.ts';
import { newBoundServiceAccountAuthenticator } from '../src/auth/authn/serviceaccount/jwt-authenticator.ts';
import type { ServiceAccountTokenGetter } from '../src/auth/authn/serviceaccount/ports.ts';
import { createTokenSigner, issueServiceAccountToken } from '../src/auth/tokens/issuer.ts';
import { KeySet } from '../src/auth/tokens/keys.ts';
import { cachedTokenGetter } from '../src/controllers/token-getter.ts';
import { createStores } from '../src/registry/stores.ts';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage.ts';
import { systemClock } from '../src/util/clock.ts';
import { alternatingRates, fmt, log, opsPerSecond, type Row, ratio, targetCell, tempDir } from './lib.ts';

const ISSUER = 'https://kubernetes.default.svc';

/** Measures figure 1 and returns its rows. */
export async function tokenValidationRows(opts: { durationMs: number }): Promise<Row[]> {
  const dir = tempDir('authn');
  const storage = openSqliteStorage({ path: join(dir, 'state.db') });
  let tokenGetterStop: (() => void) | undefined;
  try {
    const stores = createStores(storage, systemClock);
    await stores.namespaces.create('', { metadata: { name: 'bench' } } as never);
    const sa = await stores.serviceAccounts.create('bench', { metadata: { name: 'reader' } } as ServiceAccount);
    // The server's own getter: service accounts from the informer cache, live reads on a miss.
    const tokenGetter = cachedTokenGetter(stores, (err) => log(`service account cache error: ${String(err)}`));
    tokenGetterStop = tokenGetter.stop;
    await tokenGetter.synced;
    const getter: ServiceAccountTokenGetter = tokenGetter.getter;

    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keys = new KeySet({ signingKey: privateKey });
    const signer = createTokenSigner(ISSUER, keys.signingKey!);
    const { token } = issueServiceAccountToken(signer, {
      serviceAccount: { namespace: 'bench', name: 'reader', uid: sa.metadata.uid ?? '' },
      expirationSeconds: 3600,
      audiences: [ISSUER],
    });

    const uncached = newBoundServiceAccountAuthenticator({
      issuers: [ISSUER],
      keys,
      apiAudiences: [ISSUER],
      getter,
      verifiedTokenCacheSize: 0,
    });
    const cached = newBoundServiceAccountAuthenticator({ issuers: [ISSUER], keys, apiAudiences: [ISSUER], getter });
    // Both must accept the token, or the rates below would be rates of failures.
    for (const a of [uncached, cached]) {
      const r = await a.authenticateToken(token);
      if (r?.user.username !== 'system:serviceaccount:bench:reader') throw new Error('token not accepted');
    }

    // The baseline gets everything pre-split: only the signature check remains.
    const d2 = token.lastIndexOf('.');
    const signingInput = Buffer.from(token.slice(0, d2), 'latin1');
    const signature = Buffer.from(token.slice(d2 + 1), 'base64url');
    const pub: KeyObject = publicKey;
    if (!verify('sha256', signingInput, pub, signature)) throw new Error('raw verify failed');
    const josePub = await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }) as string, 'RS256');
    await jwtVerify(token, josePub, { issuer: ISSUER, audience: ISSUER });

    const warmupMs = Math.min(1000, opts.durationMs / 2);
    log('figure 1: superkube bound authenticator, uncached, alternating with raw RS256 verify');
    const { a: skRate, b: rawRate } = await alternatingRates(
      () => uncached.authenticateToken(token),
      () => verify('sha256', signingInput, pub, signature),
      { ...opts, warmupMs },
    );
    log('figure 1: jose jwtVerify');
    const jose = await opsPerSecond(() => jwtVerify(token, josePub, { issuer: ISSUER, audience: ISSUER }), {
      ...opts,
      warmupMs,
    });
    log('figure 1: superkube bound authenticator, verified-signature cache on');
    const skCached = await opsPerSecond(() => cached.authenticateToken(token), { ...opts, warmupMs });

    const r = skRate / rawRate;
    return [
      {
        figure: '1. SA token validations/s, uncached (token cache and verified-signature cache off), incl. SA lookup',
        superkube: `${fmt(skRate)}/s`,
        baseline: `${fmt(rawRate)}/s raw RS256 verify`,
        ratio: ratio(skRate, rawRate),
        target: targetCell(r, '>=', 0.8),
      },
      {
        figure: '1a. jose jwtVerify of the same token (signature + iss/aud/exp, no SA lookup)',
        superkube: `${fmt(jose.perSecond)}/s`,
        baseline: `${fmt(rawRate)}/s raw RS256 verify`,
        ratio: ratio(jose.perSecond, rawRate),
        target: 'report',
      },
      {
        figure: '1b. SA token validations/s with the verified-signature cache ON (default; token cache off)',
        superkube: `${fmt(skCached.perSecond)}/s`,
        baseline: `${fmt(rawRate)}/s raw RS256 verify`,
        ratio: ratio(skCached.perSecond, rawRate),
        target: 'report',
      },
    ];
  } finally {
    tokenGetterStop?.();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
