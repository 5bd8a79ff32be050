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
  /** Checks the claims against the clock and the cluster; throws AuthenticationError with upstream's message. */
  validate(token: string, claims: PublicClaims, priv: P, effects: ValidationEffects): Promise<ServiceAccountInfo>;
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
