/** Create a token for a service account (TokenRequest): duration, audiences, optional bound object. */
import { useState } from 'preact/hooks';
import { ApiError, api } from './api.ts';
import { ApiErrorBox, Row, Section } from './common.tsx';
import { bothTimes } from './util.ts';

interface TokenRequestStatus {
  token: string;
  expirationTimestamp: string;
}

const DURATIONS: [string, number][] = [
  ['10 minutes', 600],
  ['1 hour', 3600],
  ['8 hours', 28800],
  ['24 hours', 86400],
];

/** The create-token screen. */
export function CreateToken(props: { defaultNamespace: string }) {
  const [ns, setNs] = useState(props.defaultNamespace);
  const [sa, setSa] = useState('default');
  const [seconds, setSeconds] = useState(3600);
  const [audiences, setAudiences] = useState('');
  const [boundKind, setBoundKind] = useState('');
  const [boundName, setBoundName] = useState('');
  const [boundUid, setBoundUid] = useState('');
  const [result, setResult] = useState<TokenRequestStatus | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [copied, setCopied] = useState('');

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    setCopied('');
    const auds = audiences
      .split(/[\s,]+/)
      .map((a) => a.trim())
      .filter(Boolean);
    const spec: Record<string, unknown> = { expirationSeconds: seconds, audiences: auds.length ? auds : null };
    if (boundKind)
      spec['boundObjectRef'] = {
        kind: boundKind,
        apiVersion: 'v1',
        name: boundName.trim(),
        ...(boundUid.trim() ? { uid: boundUid.trim() } : {}),
      };
    try {
      const r = await api<{ status: TokenRequestStatus }>(
        'POST',
        `/api/v1/namespaces/${encodeURIComponent(ns.trim())}/serviceaccounts/${encodeURIComponent(sa.trim())}/token`,
        { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec },
      );
      setResult(r.status);
    } catch (err) {
      if (err instanceof ApiError) setError(err);
    }
  };

  const copy = async () => {
    if (!result) return;
    try {
      await navigator.clipboard.writeText(result.token);
      setCopied('Copied.');
    } catch {
      setCopied('Copying is not allowed here: select the token and copy it.');
    }
  };

  return (
    <Section title="Create a token for a service account">
      <form onSubmit={submit} class="grid">
        <label for="ct-ns">Namespace</label>
        <input id="ct-ns" value={ns} onInput={(e) => setNs((e.currentTarget as HTMLInputElement).value)} />
        <label for="ct-sa">Service account</label>
        <input id="ct-sa" value={sa} onInput={(e) => setSa((e.currentTarget as HTMLInputElement).value)} />
        <label for="ct-duration">Duration</label>
        <select id="ct-duration" onChange={(e) => setSeconds(Number((e.currentTarget as HTMLSelectElement).value))}>
          {DURATIONS.map(([label, s]) => (
            <option value={String(s)} selected={s === seconds}>
              {label}
            </option>
          ))}
        </select>
        <label for="ct-aud">Audiences (optional, comma separated; empty: the API server's)</label>
        <input
          id="ct-aud"
          value={audiences}
          onInput={(e) => setAudiences((e.currentTarget as HTMLInputElement).value)}
        />
        <label for="ct-kind">Bind to</label>
        <select id="ct-kind" onChange={(e) => setBoundKind((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">nothing</option>
          <option value="Pod">a pod</option>
          <option value="Secret">a secret</option>
          <option value="Node">a node</option>
        </select>
        {boundKind ? (
          <>
            <label for="ct-bname">{boundKind} name</label>
            <input
              id="ct-bname"
              value={boundName}
              onInput={(e) => setBoundName((e.currentTarget as HTMLInputElement).value)}
            />
            <label for="ct-buid">{boundKind} UID (optional)</label>
            <input
              id="ct-buid"
              value={boundUid}
              onInput={(e) => setBoundUid((e.currentTarget as HTMLInputElement).value)}
            />
          </>
        ) : null}
        <span />
        <button type="submit">Create token</button>
      </form>
      {error ? <ApiErrorBox error={error} doing={`create a token for the service account "${sa}" in "${ns}"`} /> : null}
      {result ? (
        <div class="result" data-testid="token-result">
          <label for="ct-token">Token</label>
          <textarea id="ct-token" readOnly rows={6} value={result.token} data-testid="new-token" />
          <button type="button" onClick={copy}>
            Copy
          </button>{' '}
          <span role="status">{copied}</span>
          <dl>
            <Row label="Expires">
              <span data-testid="new-token-expiry">{bothTimes(new Date(result.expirationTimestamp))}</span>
            </Row>
          </dl>
        </div>
      ) : null}
    </Section>
  );
}
