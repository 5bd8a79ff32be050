/**
 * Union of token authenticators, as upstream `k8s.io/apiserver/pkg/authentication/token/union/union.go`.
 *
 * Authenticators are tried in order. The first success wins. `null` ("not my kind of token") moves on to the next.
 * A thrown error also moves on (FailOnError false, the kube-apiserver configuration for token authenticators:
 * a token that one authenticator rejects may still be another's), and is remembered; if nobody succeeds, the
 * remembered errors are thrown together as one AggregateAuthenticationError, and if there were none the union
 * resolves null. With `failOnError` the first error is thrown at once instead (upstream NewFailOnError).
 */
import type { AuthResponse, TokenAuthenticator } from './interfaces.ts';
import { AuthenticationError } from './interfaces.ts';

/**
 * Several authenticators' errors as one, worded as apimachinery's utilerrors.Aggregate: a single distinct message
 * stands alone, several are joined as `[a, b]` (nested aggregates flattened, repeated messages kept once).
 */
export class AggregateAuthenticationError extends AuthenticationError {
  readonly errors: readonly Error[];
  constructor(errors: readonly Error[]) {
    super(aggregateMessage(errors), { cause: errors[0] });
    this.name = 'AggregateAuthenticationError';
    this.errors = [...errors];
  }
}

function aggregateMessage(errors: readonly Error[]): string {
  if (errors.length === 1) return errors[0]!.message;
  const seen = new Set<string>();
  const visit = (list: readonly Error[]): void => {
    for (const e of list) {
      if (e instanceof AggregateAuthenticationError) visit(e.errors);
      else seen.add(e.message);
    }
  };
  visit(errors);
  const joined = [...seen].join(', ');
  return seen.size === 1 ? joined : `[${joined}]`;
}

/** Options for unionTokenAuthenticators. */
export interface UnionOptions {
  /** Stop at the first error instead of trying the remaining authenticators. Default false. */
  failOnError?: boolean;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new AuthenticationError(String(e)));

/** Tries `authenticators` in order (see the module comment). A single authenticator is returned as is. */
export function unionTokenAuthenticators(
  authenticators: readonly TokenAuthenticator[],
  opts: UnionOptions = {},
): TokenAuthenticator {
  if (authenticators.length === 1) return authenticators[0]!;
  const list = [...authenticators];
  const failOnError = opts.failOnError ?? false;
  return {
    async authenticateToken(token: string, audiences?: string[]): Promise<AuthResponse | null> {
      const errors: Error[] = [];
      for (const a of list) {
        let res: AuthResponse | null;
        try {
          res = await a.authenticateToken(token, audiences);
        } catch (err) {
          if (failOnError) throw err;
          errors.push(asError(err));
          continue;
        }
        if (res !== null) return res;
      }
      if (errors.length > 0) throw new AggregateAuthenticationError(errors);
      return null;
    },
  };
}
