/**
 * The contract between the generic JWT step and the two claim validators (SA/jwt.go Validator): bound tokens
 * (TokenRequest) and legacy secret-based tokens.
 */
import { AuthenticationError } from '../interfaces.ts';
import type { PublicClaims } from './claims-decode.ts';
import type { ServiceAccountInfo } from './user-info.ts';

/** Side effects a validation wants recorded: audit annotations and Warning header texts. */
export interface ValidationEffects {
  auditAnnotations: Record<string, string>;
  warnings: string[];
}

/** Validates the claims of a token whose signature and issuer are already verified. */
export interface ClaimsValidator<P> {
  /** Decodes this validator's private claims from the payload; throws ClaimDecodeError. */
  decodePrivate(payload: Record<string, unknown>): P;
  /**
   * Checks the claims against the clock and the cluster; fails with an AuthenticationError carrying upstream's
   * message, thrown or as a rejection. May answer synchronously when no lookup has to wait.
   */
  validate(
    token: string,
    claims: PublicClaims,
    priv: P,
    effects: ValidationEffects,
  ): ServiceAccountInfo | Promise<ServiceAccountInfo>;
}

/** Whether `v` is a promise (or any thenable) rather than a plain value. */
export function isPromiseLike<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return typeof (v as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * An AuthenticationError that also carries the audit annotations and warnings gathered before the failure (for
 * example `authentication.k8s.io/legacy-token-invalidated`). The message never contains the token.
 */
export class ServiceAccountAuthenticationError extends AuthenticationError {
  readonly auditAnnotations: Record<string, string>;
  readonly warnings: string[];
  constructor(message: string, effects?: ValidationEffects, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceAccountAuthenticationError';
    this.auditAnnotations = { ...effects?.auditAnnotations };
    this.warnings = [...(effects?.warnings ?? [])];
  }
}
