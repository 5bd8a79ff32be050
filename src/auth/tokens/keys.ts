/**
 * Service-account signing and verification keys, parsed as client-go's keyutil does (spec tokens.md 1.3, 1.5).
 *
 * Keys become node:crypto KeyObjects once, at load time, so neither signing nor verifying parses anything per
 * request. The `kid` of a key is upstream's keyIDFromPublicKey: base64url(SHA-256(DER SubjectPublicKeyInfo)).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  X509Certificate,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { decodePemBlocks } from './pem.ts';

/** JWS algorithms we sign with: RS256 for every RSA key, ES256/384/512 by curve. */
export type SigningAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512';

/** A public key that may verify tokens. `alg` is the algorithm advertised in the JWKS. */
export interface VerificationKey {
  kid: string;
  key: KeyObject;
  type: 'RSA' | 'EC';
  alg: SigningAlgorithm;
}

/** The private key new tokens are signed with, with its public half and precomputed `kid`. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const CURVE_ALG: Record<string, SigningAlgorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/** Upstream's message when a key file yields no key. */
export const NO_PUBLIC_KEYS = 'data does not contain any valid RSA or ECDSA public keys';
/** Upstream's message when a private key file yields no key. */
export const NO_PRIVATE_KEY = 'data does not contain a valid RSA or ECDSA private key';

/** kid = base64url_nopad(SHA-256(DER(SubjectPublicKeyInfo))). Private keys are reduced to their public half. */
export function keyIdFromPublicKey(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

/** The algorithm a key signs with, or undefined for a key type or curve upstream does not support. */
function algorithmOf(key: KeyObject): SigningAlgorithm | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') return CURVE_ALG[key.asymmetricKeyDetails?.namedCurve ?? ''];
  return undefined;
}

function tryParse<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function ofType(key: KeyObject | undefined, type: 'rsa' | 'ec'): KeyObject | undefined {
  return key && key.asymmetricKeyType === type && algorithmOf(key) ? key : undefined;
}

function derPrivate(der: Buffer, type: 'pkcs1' | 'pkcs8' | 'sec1'): KeyObject | undefined {
  return tryParse(() => createPrivateKey({ key: der, format: 'der', type }));
}

function derPublic(der: Buffer, type: 'spki' | 'pkcs1'): KeyObject | undefined {
  return tryParse(() => createPublicKey({ key: der, format: 'der', type }));
}

function certPublic(der: Buffer): KeyObject | undefined {
  return tryParse(() => new X509Certificate(der).publicKey);
}

/** keyutil's per-block order: RSA private, RSA public (PKIX, cert, PKCS#1), EC private, EC public (PKIX, cert). */
function publicKeyFromDer(der: Buffer): KeyObject | undefined {
  const rsaPrivate = ofType(derPrivate(der, 'pkcs1') ?? derPrivate(der, 'pkcs8'), 'rsa');
  if (rsaPrivate) return createPublicKey(rsaPrivate);
  const anyPublic = derPublic(der, 'spki') ?? certPublic(der);
  const rsaPublic = ofType(anyPublic, 'rsa') ?? ofType(derPublic(der, 'pkcs1'), 'rsa');
  if (rsaPublic) return rsaPublic;
  const ecPrivate = ofType(derPrivate(der, 'sec1') ?? derPrivate(der, 'pkcs8'), 'ec');
  if (ecPrivate) return createPublicKey(ecPrivate);
  return ofType(anyPublic, 'ec');
}

/**
 * Every RSA or ECDSA key in a multi-PEM file, as public keys, in file order (keyutil.ParsePublicKeysPEM). The PEM
 * label is ignored and non-key blocks are skipped. Throws when nothing usable is found.
 */
export function parsePublicKeysPem(data: string | Buffer): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const block of decodePemBlocks(data)) {
    const key = publicKeyFromDer(block.bytes);
    if (key) keys.push(key);
  }
  if (keys.length === 0) throw new Error(NO_PUBLIC_KEYS);
  return keys;
}

/**
 * The first RSA or ECDSA private key of a PEM file (keyutil.ParsePrivateKeyPEM): `EC PRIVATE KEY` (SEC1),
 * `RSA PRIVATE KEY` (PKCS#1) or `PRIVATE KEY` (PKCS#8); other blocks such as `EC PARAMETERS` are skipped.
 */
export function parsePrivateKeyPem(data: string | Buffer): KeyObject {
  for (const block of decodePemBlocks(data)) {
    let key: KeyObject | undefined;
    if (block.type === 'EC PRIVATE KEY') key = derPrivate(block.bytes, 'sec1');
    else if (block.type === 'RSA PRIVATE KEY') key = derPrivate(block.bytes, 'pkcs1');
    else if (block.type === 'PRIVATE KEY') key = derPrivate(block.bytes, 'pkcs8');
    if (key && (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'ec')) return key;
  }
  throw new Error(NO_PRIVATE_KEY);
}

/** keyutil.PublicKeysFromFile, with upstream's error wrapping. */
export function readPublicKeysFile(path: string): KeyObject[] {
  try {
    return parsePublicKeysPem(readFileSync(path));
  } catch (err) {
    throw new Error(`error reading public key file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** keyutil.PrivateKeyFromFile, with upstream's error wrapping. */
export function readPrivateKeyFile(path: string): KeyObject {
  try {
    return parsePrivateKeyPem(readFileSync(path));
  } catch (err) {
    throw new Error(`error reading private key file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Wraps a public (or private) key for verification. Throws for key types upstream cannot verify with. */
export function toVerificationKey(key: KeyObject): VerificationKey {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const alg = algorithmOf(pub);
  if (!alg) {
    if (pub.asymmetricKeyType === 'ec') throw new Error('unknown private key curve, must be 256, 384, or 521');
    throw new Error('unknown public key type, must be *rsa.PublicKey, *ecdsa.PublicKey, or jose.OpaqueSigner');
  }
  return { kid: keyIdFromPublicKey(pub), key: pub, type: alg === 'RS256' ? 'RSA' : 'EC', alg };
}

/** Prepares a private key for signing (JWTTokenGenerator); errors as upstream's signer constructors. */
export function toSigningKey(privateKey: KeyObject): SigningKey {
  if (privateKey.type !== 'private') throw new TypeError('signing key must be a private key');
  const alg = algorithmOf(privateKey);
  if (!alg) {
    if (privateKey.asymmetricKeyType === 'ec') throw new Error('unknown private key curve, must be 256, 384, or 521');
    throw new Error(
      `unknown private key type ${privateKey.asymmetricKeyType}, must be *rsa.PrivateKey, *ecdsa.PrivateKey, or jose.OpaqueSigner`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  return { kid: keyIdFromPublicKey(publicKey), alg, privateKey, publicKey };
}

/**
 * The signing key (if any) and every verification key, indexed by kid. The signing key's public half is always
 * verifiable: it is appended when the key files do not already contain it.
 */
export class KeySet {
  readonly signingKey: SigningKey | undefined;
  readonly keys: readonly VerificationKey[];
  readonly #byKid: Map<string, VerificationKey[]>;

  constructor(options: { signingKey?: KeyObject; publicKeys?: readonly KeyObject[] }) {
    this.signingKey = options.signingKey ? toSigningKey(options.signingKey) : undefined;
    const keys = (options.publicKeys ?? []).map(toVerificationKey);
    if (this.signingKey && !keys.some((k) => k.kid === this.signingKey?.kid)) {
      keys.push(toVerificationKey(this.signingKey.publicKey));
    }
    this.keys = keys;
    this.#byKid = new Map();
    for (const k of keys) {
      const list = this.#byKid.get(k.kid);
      if (list) list.push(k);
      else this.#byKid.set(k.kid, [k]);
    }
  }

  /** Keys to try for a token: all of them without a kid, otherwise only those whose kid matches (maybe none). */
  keysFor(kid: string): readonly VerificationKey[] {
    if (kid === '') return this.keys;
    return this.#byKid.get(kid) ?? [];
  }
}

/**
 * Loads a KeySet from the flag values: `--service-account-signing-key-file` (optional) and the repeatable
 * `--service-account-key-file`. Error messages follow kube-apiserver's.
 */
export function loadKeySet(options: { signingKeyFile?: string; keyFiles?: readonly string[] }): KeySet {
  let signingKey: KeyObject | undefined;
  if (options.signingKeyFile) {
    try {
      signingKey = readPrivateKeyFile(options.signingKeyFile);
    } catch (err) {
      throw new Error(`failed to parse service-account-issuer-key-file: ${(err as Error).message}`, { cause: err });
    }
  }
  const publicKeys = (options.keyFiles ?? []).flatMap(readPublicKeysFile);
  return new KeySet({ signingKey, publicKeys });
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** A fresh RSA-2048 key pair for first start: `RSA PRIVATE KEY` (PKCS#1) and `PUBLIC KEY` (PKIX) PEM. */
export async function generateSigningKeyPem(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}
