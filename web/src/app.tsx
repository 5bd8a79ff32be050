/** The application shell: session state, navigation, and the way back to login when the session ends. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { currentSession, logout, type SessionEnded, type SessionInfo, setUnauthorizedHandler } from './api.ts';
import { Browse } from './browse.tsx';
import { CreateToken } from './create-token.tsx';
import { useRoute } from './hooks.ts';
import { Login } from './login.tsx';
import { Rules } from './rules.tsx';
import { Countdown, MyToken } from './token.tsx';
import { bothTimes, duration } from './util.ts';
import { selfSubjectReview, type UserInfo, WhoAmI } from './whoami.tsx';

const SCREENS: [string, string][] = [
  ['whoami', 'Who am I'],
  ['token', 'My token'],
  ['browse', 'Browse'],
  ['rules', 'What may I do'],
  ['create-token', 'Create token'],
];

/** The sentence shown on the login screen after a session ended. */
export function endedMessage(ended: SessionEnded, known: SessionInfo | undefined, idleSeconds: number): string {
  const exp = ended.expiredAt ?? known?.expiresAt ?? undefined;
  if (ended.ended === 'expired' || (exp && Date.parse(exp) <= Date.now()))
    return `Your token expired at ${exp ? bothTimes(new Date(exp)) : 'an unknown time'}. Log in with a new token.`;
  if (ended.ended === 'idle')
    return `Your session ended after ${duration(idleSeconds * 1000)} without activity. Log in again.`;
  if (ended.ended === 'invalid')
    return 'The server no longer accepts the token of this session (it was revoked, or its service account or bound object was deleted). Log in with a new token.';
  return 'Your session has ended. Log in again.';
}

function namespaceOf(user: UserInfo | undefined): string {
  const m = /^system:serviceaccount:([^:]+):/.exec(user?.username ?? '');
  return m ? m[1]! : 'default';
}

/** The whole dashboard. */
export function App() {
  const [phase, setPhase] = useState<'loading' | 'login' | 'in'>('loading');
  const [session, setSession] = useState<SessionInfo | undefined>();
  const [user, setUser] = useState<UserInfo | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const route = useRoute();
  const sessionRef = useRef<SessionInfo | undefined>(undefined);
  sessionRef.current = session;
  const ending = useRef(false);

  const toLogin = useCallback((msg: string | undefined) => {
    setSession(undefined);
    setUser(undefined);
    setMessage(msg);
    setPhase('login');
  }, []);

  // Any 401 means the session is over: ask the server why, then go back to login saying so.
  const sessionEnded = useCallback(async () => {
    if (ending.current || !sessionRef.current) return;
    ending.current = true;
    const known = sessionRef.current;
    try {
      const r = await currentSession();
      if (r.ok) return; // a stray 401 (e.g. a race with a new login): nothing ended
      toLogin(endedMessage(r.ended, known, known.idleTimeoutSeconds));
    } catch {
      toLogin('The server could not be reached. Log in again.');
    } finally {
      ending.current = false;
    }
  }, [toLogin]);

  useEffect(() => setUnauthorizedHandler(() => void sessionEnded()), [sessionEnded]);

  const enter = useCallback((s: SessionInfo) => {
    setSession(s);
    setMessage(undefined);
    setPhase('in');
    selfSubjectReview().then(setUser, () => {});
  }, []);

  useEffect(() => {
    currentSession().then(
      (r) =>
        r.ok ? enter(r.session) : toLogin(r.ended.ended === 'none' ? undefined : endedMessage(r.ended, undefined, 0)),
      () => toLogin('The server could not be reached.'),
    );
  }, [enter, toLogin]);

  // At the token's expiry the session is over: go back to login at once rather than at the next click.
  useEffect(() => {
    if (!session?.expiresAt) return;
    const left = Date.parse(session.expiresAt) - Date.now();
    const t = setTimeout(() => void sessionEnded(), Math.max(0, left) + 500);
    return () => clearTimeout(t);
  }, [session, sessionEnded]);

  if (phase === 'loading') return <p class="loading">Loading…</p>;
  if (phase === 'login' || !session) return <Login message={message} onLogin={enter} />;

  const ns = namespaceOf(user);
  const doLogout = async () => {
    await logout();
    toLogin('You have logged out.');
  };
  return (
    <>
      <header>
        <span class="brand">superkube</span>
        <nav aria-label="Screens">
          {SCREENS.map(([id, title]) => (
            <a href={`#/${id}`} aria-current={route === id ? 'page' : undefined}>
              {title}
            </a>
          ))}
        </nav>
        <span class="who" data-testid="header-user">
          {user?.username ?? ''}
        </span>
        <Countdown session={session} />
        <button type="button" onClick={doLogout}>
          Log out
        </button>
      </header>
      <main>
        {route === 'token' ? (
          <MyToken session={session} />
        ) : route === 'browse' ? (
          <Browse key={ns} defaultNamespace={ns} />
        ) : route === 'rules' ? (
          <Rules key={ns} defaultNamespace={ns} />
        ) : route === 'create-token' ? (
          <CreateToken key={ns} defaultNamespace={ns} />
        ) : (
          <WhoAmI user={user} />
        )}
      </main>
    </>
  );
}
