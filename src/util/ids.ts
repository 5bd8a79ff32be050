/** Identifiers: object UIDs and generated name suffixes, as Kubernetes makes them. */
import { randomInt, randomUUID } from 'node:crypto';

/** A random RFC 4122 v4 UUID, the form of metadata.uid. */
export function newUid(): string {
  return randomUUID();
}

// names.SimpleNameGenerator: 5 characters from an alphabet without vowels or confusable characters.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_NAME_LENGTH = 58;

/** `generateName` + 5 random characters, truncating the base as upstream does so the result stays <= 63. */
export function generateNameFrom(base: string): string {
  const prefix = base.length > MAX_GENERATED_NAME_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH) : base;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHANUMS[randomInt(ALPHANUMS.length)];
  return prefix + suffix;
}
