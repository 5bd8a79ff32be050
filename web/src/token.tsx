/** My token: header and claims decoded for display (by the server, from the session), expiry with a live countdown. */
import type { SessionInfo } from './api.ts';
import { Row, Section } from './common.tsx';
import { useNow } from './hooks.ts';
import { bothTimes, duration } from './util.ts';

/** Minutes before expiry from which the dashboard warns. */
export const WARN_BEFORE_MS = 10 * 60 * 1000;

/** "expires in 9m 58s" / "static token, does not expire"; used in the header bar and on the token screen. */
export function Countdown(props: { session: SessionInfo }) {
  const now = useNow(1000);
  const { expiresAt } = props.session;
  if (expiresAt === null)
    return (
      <span class="countdown" data-testid="countdown">
        static token, does not expire
      </span>
    );
  const left = Date.parse(expiresAt) - now;
  const cls = left <= 0 ? 'countdown expired' : left <= WARN_BEFORE_MS ? 'countdown warn' : 'countdown';
  return (
    <span class={cls} data-testid="countdown" role="timer">
      {left <= 0 ? 'token expired' : `expires in ${duration(left)}`}
    </span>
  );
}

function claimTime(claims: Record<string, unknown>, name: string): string {
  const v = claims[name];
  return typeof v === 'number' ? bothTimes(new Date(v * 1000)) : '—';
}

/** The "My token" screen. */
export function MyToken(props: { session: SessionInfo }) {
  const now = useNow(1000);
  const { session } = props;
  const tok = session.token;
  const left = session.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(session.expiresAt) - now;
  const k8s = tok.kind === 'jwt' ? (tok.claims['kubernetes.io'] as Record<string, unknown> | undefined) : undefined;
  const bound = k8s ? (['pod', 'secret', 'node'] as const).filter((k) => k8s[k]) : [];
  return (
    <Section title="My token">
      {left <= WARN_BEFORE_MS && left > 0 ? (
        <p class="warning" role="alert" data-testid="expiry-warning">
          This token expires in less than 10 minutes. Get a new one (for example with <code>kubectl create token</code>)
          and log in again.
        </p>
      ) : null}
      <dl>
        <Row label="Expiry">
          <Countdown session={session} />
          {session.expiresAt ? <div data-testid="expires-at">{bothTimes(new Date(session.expiresAt))}</div> : null}
        </Row>
        <Row label="Idle timeout">{duration(session.idleTimeoutSeconds * 1000)} without activity ends the session</Row>
        {tok.kind === 'static' ? <Row label="Kind">static token (from the token file)</Row> : null}
      </dl>
      {tok.kind === 'jwt' ? (
        <>
          <p class="hint">Decoded for display only; the server verified it, this page did not.</p>
          <h3>Times</h3>
          <dl>
            <Row label="Issued at (iat)">{claimTime(tok.claims, 'iat')}</Row>
            <Row label="Not before (nbf)">{claimTime(tok.claims, 'nbf')}</Row>
            <Row label="Expires (exp)">{claimTime(tok.claims, 'exp')}</Row>
          </dl>
          <h3>Bound to</h3>
          {bound.length === 0 ? (
            <p data-testid="bound">no object (valid until it expires or its service account is deleted)</p>
          ) : (
            <dl data-testid="bound">
              {bound.map((k) => {
                const ref = k8s![k] as { name?: string; uid?: string };
                return (
                  <Row label={k}>
                    {ref.name} <span class="muted">uid {ref.uid}</span>
                  </Row>
                );
              })}
            </dl>
          )}
          <h3>Header</h3>
          <pre data-testid="jwt-header">{JSON.stringify(tok.header, null, 2)}</pre>
          <h3>Claims</h3>
          <pre data-testid="jwt-claims">{JSON.stringify(tok.claims, null, 2)}</pre>
        </>
      ) : null}
    </Section>
  );
}
