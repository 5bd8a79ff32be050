/** Browse a namespace: pods, service accounts, secrets (keys only; values on explicit reveal), configmaps, RBAC. */
import { useState } from 'preact/hooks';
import { ApiError, api } from './api.ts';
import { ApiErrorBox, Section } from './common.tsx';
import { type Obj, useNow, useWatchedList } from './hooks.ts';
import { age, decodeBase64 } from './util.ts';

interface Kind {
  id: string;
  title: string;
  /** Plural name for messages ("list secrets"). */
  resource: string;
  path: (ns: string) => string;
  columns: string[];
  map: (o: Obj) => { name: string; created?: string; cells: string[]; keys?: string[] };
}

const keysOf = (v: unknown): string[] => (v && typeof v === 'object' ? Object.keys(v as object).sort() : []);

const KINDS: Kind[] = [
  {
    id: 'pods',
    title: 'Pods',
    resource: 'pods',
    path: (ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`,
    columns: ['Phase', 'Node'],
    map: (o) => {
      const status = (o['status'] ?? {}) as { phase?: string };
      const spec = (o['spec'] ?? {}) as { nodeName?: string };
      return {
        name: o.metadata.name,
        created: o.metadata.creationTimestamp,
        cells: [status.phase ?? '', spec.nodeName ?? ''],
      };
    },
  },
  {
    id: 'serviceaccounts',
    title: 'Service accounts',
    resource: 'serviceaccounts',
    path: (ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts`,
    columns: ['Secrets'],
    map: (o) => ({
      name: o.metadata.name,
      created: o.metadata.creationTimestamp,
      cells: [String(((o['secrets'] as unknown[] | undefined) ?? []).length)],
    }),
  },
  {
    id: 'secrets',
    title: 'Secrets',
    resource: 'secrets',
    path: (ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/secrets`,
    columns: ['Type'],
    // Values are dropped here: only names, types and keys are kept in the page.
    map: (o) => ({
      name: o.metadata.name,
      created: o.metadata.creationTimestamp,
      cells: [String(o['type'] ?? '')],
      keys: keysOf(o['data']),
    }),
  },
  {
    id: 'configmaps',
    title: 'Config maps',
    resource: 'configmaps',
    path: (ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/configmaps`,
    columns: ['Data'],
    map: (o) => {
      const data = (o['data'] ?? {}) as Record<string, string>;
      return {
        name: o.metadata.name,
        created: o.metadata.creationTimestamp,
        cells: [
          Object.entries(data)
            .map(([k, v]) => `${k}: ${v.length > 200 ? `${v.slice(0, 200)}…` : v}`)
            .join('\n'),
        ],
      };
    },
  },
  {
    id: 'roles',
    title: 'Roles',
    resource: 'roles',
    path: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/roles`,
    columns: ['Rules'],
    map: (o) => {
      const rules = (o['rules'] ?? []) as { verbs?: string[]; resources?: string[]; apiGroups?: string[] }[];
      return {
        name: o.metadata.name,
        created: o.metadata.creationTimestamp,
        cells: [rules.map((r) => `${(r.verbs ?? []).join(',')} ${(r.resources ?? []).join(',')}`).join('\n')],
      };
    },
  },
  {
    id: 'rolebindings',
    title: 'Role bindings',
    resource: 'rolebindings',
    path: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/rolebindings`,
    columns: ['Role', 'Subjects'],
    map: (o) => {
      const ref = (o['roleRef'] ?? {}) as { kind?: string; name?: string };
      const subjects = (o['subjects'] ?? []) as { kind?: string; name?: string; namespace?: string }[];
      return {
        name: o.metadata.name,
        created: o.metadata.creationTimestamp,
        cells: [
          `${ref.kind}/${ref.name}`,
          subjects.map((s) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`).join('\n'),
        ],
      };
    },
  },
];

/** Shows one secret value after an explicit click; fetched then, never kept in the list. */
function RevealValue(props: { ns: string; secret: string; dataKey: string }) {
  const [value, setValue] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const reveal = async () => {
    try {
      const s = await api<{ data?: Record<string, string> }>(
        'GET',
        `/api/v1/namespaces/${encodeURIComponent(props.ns)}/secrets/${encodeURIComponent(props.secret)}`,
      );
      setValue(decodeBase64(s.data?.[props.dataKey] ?? ''));
    } catch (err) {
      if (err instanceof ApiError) setError(err);
    }
  };
  return (
    <li>
      <span class="key">{props.dataKey}</span>{' '}
      {value === undefined ? (
        <button type="button" class="small" onClick={reveal} aria-label={`Reveal ${props.dataKey} of ${props.secret}`}>
          Reveal
        </button>
      ) : (
        <>
          <pre class="value">{value}</pre>
          <button type="button" class="small" onClick={() => setValue(undefined)}>
            Hide
          </button>
        </>
      )}
      {error ? <ApiErrorBox error={error} doing={`get the secret "${props.secret}"`} /> : null}
    </li>
  );
}

function KindTable(props: { kind: Kind; ns: string }) {
  const { kind, ns } = props;
  const now = useNow(5000);
  const { items, error } = useWatchedList(ns ? kind.path(ns) : undefined, kind.map);
  if (error) return <ApiErrorBox error={error} doing={`list ${kind.resource} in the namespace "${ns}"`} />;
  if (!items) return <p>Loading…</p>;
  if (items.length === 0) return <p class="muted">No {kind.resource} in this namespace.</p>;
  return (
    <table data-testid={`table-${kind.id}`}>
      <thead>
        <tr>
          <th scope="col">Name</th>
          {kind.columns.map((c) => (
            <th scope="col">{c}</th>
          ))}
          {kind.id === 'secrets' ? <th scope="col">Keys</th> : null}
          <th scope="col">Age</th>
        </tr>
      </thead>
      <tbody>
        {items.map((it) => (
          <tr key={it.name}>
            <td class="name">{it.name}</td>
            {it.cells.map((c) => (
              <td class="pre">{c}</td>
            ))}
            {kind.id === 'secrets' ? (
              <td>
                <ul class="plain-list">
                  {(it.keys ?? []).map((k) => (
                    <RevealValue ns={ns} secret={it.name} dataKey={k} />
                  ))}
                </ul>
              </td>
            ) : null}
            <td>{age(it.created, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The namespace browser. */
export function Browse(props: { defaultNamespace: string }) {
  const [ns, setNs] = useState(props.defaultNamespace);
  const [draft, setDraft] = useState(props.defaultNamespace);
  const [tab, setTab] = useState('pods');
  const kind = KINDS.find((k) => k.id === tab)!;
  return (
    <Section title="Browse a namespace">
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setNs(draft.trim());
        }}
      >
        <label for="ns">Namespace</label>
        <input id="ns" value={draft} onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit">Show</button>
      </form>
      <div role="tablist" class="tabs" aria-label="Kinds">
        {KINDS.map((k) => (
          <button
            type="button"
            role="tab"
            id={`tab-${k.id}`}
            aria-selected={k.id === tab}
            class={k.id === tab ? 'tab active' : 'tab'}
            onClick={() => setTab(k.id)}
          >
            {k.title}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-labelledby={`tab-${tab}`} data-testid="tabpanel">
        <KindTable key={`${tab}/${ns}`} kind={kind} ns={ns} />
      </div>
    </Section>
  );
}
