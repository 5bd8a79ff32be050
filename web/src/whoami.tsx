/** Who am I: the server's answer to a SelfSubjectReview (never a decode of the token). */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from './api.ts';
import { ApiErrorBox, Row, Section } from './common.tsx';

/** The user as the server sees it. */
export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** Asks the server who the session is. */
export async function selfSubjectReview(): Promise<UserInfo> {
  const r = await api<{ status?: { userInfo?: UserInfo } }>(
    'POST',
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    },
  );
  return r.status?.userInfo ?? {};
}

/** The "Who am I" screen. */
export function WhoAmI(props: { user: UserInfo | undefined }) {
  const [user, setUser] = useState<UserInfo | undefined>(props.user);
  const [error, setError] = useState<ApiError | undefined>();
  useEffect(() => {
    selfSubjectReview().then(setUser, (e: unknown) => e instanceof ApiError && setError(e));
  }, []);
  return (
    <Section title="Who am I">
      <p class="hint">As the server authenticates this session (SelfSubjectReview).</p>
      {error ? <ApiErrorBox error={error} doing="ask the server who you are" /> : null}
      {user ? (
        <dl data-testid="whoami">
          <Row label="Username">
            <span data-testid="username">{user.username}</span>
          </Row>
          <Row label="UID">{user.uid || '—'}</Row>
          <Row label="Groups">
            <ul class="plain-list" data-testid="groups">
              {(user.groups ?? []).map((g) => (
                <li>{g}</li>
              ))}
            </ul>
          </Row>
          {Object.entries(user.extra ?? {}).map(([k, v]) => (
            <Row label={k}>{v.join(', ')}</Row>
          ))}
        </dl>
      ) : error ? null : (
        <p>Loading…</p>
      )}
    </Section>
  );
}
