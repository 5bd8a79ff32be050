/** What may I do: the SelfSubjectRulesReview of a namespace as a table. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from './api.ts';
import { ApiErrorBox, Section } from './common.tsx';

interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}
interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}
interface RulesStatus {
  resourceRules?: ResourceRule[];
  nonResourceRules?: NonResourceRule[];
  incomplete?: boolean;
  evaluationError?: string;
}

const list = (xs: string[] | undefined) => (xs?.length ? xs.map((x) => (x === '' ? '""' : x)).join(', ') : '—');

/** The rules screen. */
export function Rules(props: { defaultNamespace: string }) {
  const [ns, setNs] = useState(props.defaultNamespace);
  const [draft, setDraft] = useState(props.defaultNamespace);
  const [status, setStatus] = useState<RulesStatus | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  useEffect(() => {
    setStatus(undefined);
    setError(undefined);
    api<{ status?: RulesStatus }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      spec: { namespace: ns },
    }).then(
      (r) => setStatus(r.status ?? {}),
      (e: unknown) => e instanceof ApiError && setError(e),
    );
  }, [ns]);
  return (
    <Section title="What may I do">
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setNs(draft.trim());
        }}
      >
        <label for="rules-ns">Namespace</label>
        <input id="rules-ns" value={draft} onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit">Show</button>
      </form>
      {error ? <ApiErrorBox error={error} doing="review your permissions" /> : null}
      {status ? (
        <>
          {status.incomplete ? (
            <p class="warning">
              The list may be incomplete{status.evaluationError ? `: ${status.evaluationError}` : '.'}
            </p>
          ) : null}
          <table data-testid="rules">
            <thead>
              <tr>
                <th scope="col">Verbs</th>
                <th scope="col">API groups</th>
                <th scope="col">Resources</th>
                <th scope="col">Resource names</th>
              </tr>
            </thead>
            <tbody>
              {(status.resourceRules ?? []).map((r) => (
                <tr>
                  <td>{list(r.verbs)}</td>
                  <td>{list(r.apiGroups)}</td>
                  <td>{list(r.resources)}</td>
                  <td>{list(r.resourceNames)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Non-resource URLs</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">Verbs</th>
                <th scope="col">URLs</th>
              </tr>
            </thead>
            <tbody>
              {(status.nonResourceRules ?? []).map((r) => (
                <tr>
                  <td>{list(r.verbs)}</td>
                  <td>{list(r.nonResourceURLs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : error ? null : (
        <p>Loading…</p>
      )}
    </Section>
  );
}
