/** Small shared components. Everything from the API is rendered as text nodes (Preact never parses strings as HTML). */
import type { ComponentChildren } from 'preact';
import type { ApiError } from './api.ts';

/** An error from the API in plain words, with Kubernetes' own message under it. */
export function ApiErrorBox(props: { error: ApiError; doing: string }) {
  const { error, doing } = props;
  let plain: string;
  if (error.status === 403) plain = `You are not allowed to ${doing}.`;
  else if (error.status === 404) plain = `Not found while trying to ${doing}.`;
  else if (error.status === 401) plain = 'Your session has ended.';
  else plain = `Could not ${doing} (HTTP ${error.status}).`;
  return (
    <div class="error" role="alert">
      <p class="plain">{plain}</p>
      {error.k8s?.message ? (
        <p class="k8s">
          Kubernetes says: <q>{error.k8s.message}</q>
          {error.k8s.reason ? <span class="reason"> ({error.k8s.reason})</span> : null}
        </p>
      ) : null}
    </div>
  );
}

/** A definition list row. */
export function Row(props: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

/** A section with a heading. */
export function Section(props: { title: string; children: ComponentChildren }) {
  return (
    <section aria-label={props.title}>
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}
