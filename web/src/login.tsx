/** The login screen: paste a token, or pick a kubeconfig (read in the browser only, never uploaded). */
import { useState } from 'preact/hooks';
import { ApiError, login, type SessionInfo } from './api.ts';
import { bothTimes, type KubeconfigUser, kubeconfigTokens, unverifiedClaims } from './util.ts';

/** Login; `message` explains why the user is here (e.g. the token expired). */
export function Login(props: { message: string | undefined; onLogin: (s: SessionInfo) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [users, setUsers] = useState<KubeconfigUser[]>([]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    const t = token.trim();
    if (!t) {
      setError('Paste a token first.');
      return;
    }
    setBusy(true);
    try {
      const s = await login(t);
      setToken('');
      props.onLogin(s);
    } catch (err) {
      let msg = err instanceof ApiError ? err.message : 'The server could not be reached.';
      // A hint from the token itself (display only: the server decided).
      const exp = unverifiedClaims(t)?.['exp'];
      if (typeof exp === 'number' && exp * 1000 <= Date.now())
        msg += ` This token expired at ${bothTimes(new Date(exp * 1000))}.`;
      setError(msg);
    } finally {
      setBusy(false);
    }
  };

  const pickFile = async (e: Event) => {
    setError(undefined);
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    const found = kubeconfigTokens(await file.text());
    setUsers(found);
    if (found.length === 0) {
      setError('This kubeconfig has no user with a token (client certificates and exec plugins cannot be used here).');
      return;
    }
    setToken((found.find((u) => u.current) ?? found[0]!).token);
  };

  return (
    <main class="login">
      <h1>superkube dashboard</h1>
      {props.message ? (
        <p class="notice" role="status" data-testid="login-message">
          {props.message}
        </p>
      ) : null}
      <form onSubmit={submit}>
        <label for="token">Bearer token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)}
          placeholder="paste a token"
        />
        <label for="kubeconfig">…or take it from a kubeconfig file (read here, not uploaded)</label>
        <input id="kubeconfig" type="file" onChange={pickFile} />
        {users.length > 1 ? (
          <>
            <label for="kcuser">User</label>
            <select
              id="kcuser"
              onChange={(e) => setToken(users[Number((e.currentTarget as HTMLSelectElement).value)]!.token)}
            >
              {users.map((u, i) => (
                <option value={String(i)} selected={u.current}>
                  {u.name}
                  {u.current ? ' (current context)' : ''}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
        {error ? (
          <p class="error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
      </form>
      <p class="hint">
        The token is sent once to the server, which keeps it encrypted and gives this browser an HttpOnly session
        cookie. Get one with <code>kubectl create token &lt;service-account&gt;</code>.
      </p>
    </main>
  );
}
