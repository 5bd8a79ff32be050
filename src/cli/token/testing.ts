/** Test helpers: keys and signed tokens built with the server's own signing primitives. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { protectedHeaderB64, signCompact } from '../../auth/tokens/jws.ts';
import { type SigningKey, toSigningKey } from '../../auth/tokens/keys.ts';

/** A fresh RSA-2048 signing key. */
export function rsaKey(): { signing: SigningKey; publicKey: KeyObject; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    signing: toSigningKey(privateKey),
    publicKey,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

/** A compact JWS over `claims` (JSON-encoded as given) with the server's header layout. */
export function signToken(key: SigningKey, claims: Record<string, unknown>): string {
  return signCompact(key, protectedHeaderB64(key), JSON.stringify(claims));
}

/** base64url of a string, for hand-made malformed tokens. */
export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
