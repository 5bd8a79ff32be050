/**
 * Encryption of session tokens at rest: AES-256-GCM with a key derived (HKDF-SHA256) from the server's secret, the
 * storage key as additional data so a record cannot be moved to another session id.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** An encrypted token as stored: base64 fields. */
export interface SealedToken {
  iv: string;
  tag: string;
  ct: string;
}

/** Derives the 256-bit session-encryption key from any secret (e.g. the service-account signing key file). */
export function deriveSessionKey(secret: Buffer): Buffer {
  if (secret.length < 16) throw new TypeError('the dashboard session secret must have at least 16 bytes');
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'superkube dashboard session token v1', 32));
}

/** Encrypts `token` under `key`, bound to `aad`. */
export function sealToken(key: Buffer, token: string, aad: string): SealedToken {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') };
}

/** Decrypts a sealed token; undefined when it does not authenticate (wrong key, tampered, other record). */
export function openToken(key: Buffer, sealed: SealedToken, aad: string): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** A new session id: 256 random bits, base64url. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** The storage key of a session: only the hash of the id is stored, so reading the store does not give cookies. */
export function sessionStorageKey(sessionId: string): string {
  return `${SESSION_PREFIX}${createHash('sha256').update(sessionId).digest('hex')}`;
}

/** Where session records live. */
export const SESSION_PREFIX = '/registry/superkube.io/dashboardsessions/';
