/**
 * The human-readable layout of an inspect report: a summary (token fingerprint, type, verdict), then header,
 * claims, signature, the server's view and the permissions table. Colour is applied only when asked (the command
 * asks when stdout is a TTY and NO_COLOR is unset).
 */
import { humanSpan, type TimeInfo } from './format-time.ts';
import type { InspectReport, NamedRef } from './report.ts';

/** ANSI styling, or none. */
interface Style {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

const ansi = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
const COLOR: Style = { bold: ansi('1'), dim: ansi('2'), green: ansi('32'), red: ansi('31'), yellow: ansi('33') };
const PLAIN: Style = { bold: (s) => s, dim: (s) => s, green: (s) => s, red: (s) => s, yellow: (s) => s };

/** Whether to colour: stdout is a terminal and NO_COLOR is unset or empty (https://no-color.org). */
export function useColor(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return isTTY === true && !env['NO_COLOR'];
}

/** Aligned `label  value` rows under an optional indent. */
function rows(entries: [string, string][], indent: string, style: Style): string[] {
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${indent}${style.dim(k.padEnd(width))}   ${v}`);
}

function refText(ref: NamedRef): string {
  return ref.uid ? `${ref.name || '(no name)'}  uid ${ref.uid}` : ref.name || '(no name)';
}

function timeText(t: TimeInfo): string {
  return `${t.utc.replace('T', ' ').replace('Z', ' UTC')}  (local ${t.local})  ${t.relative}`;
}

function jsonValue(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function claimRows(report: InspectReport, style: Style): string[] {
  const claims = report.claims ?? {};
  const out: string[] = [];
  const shown = new Set<string>();
  const top: [string, string][] = [];
  for (const name of ['iss', 'sub', 'aud', 'jti']) {
    if (!(name in claims)) continue;
    shown.add(name);
    const v = claims[name];
    top.push([name, Array.isArray(v) ? v.map(jsonValue).join(', ') : jsonValue(v)]);
  }
  for (const name of ['iat', 'nbf', 'exp'] as const) {
    if (!(name in claims)) continue;
    shown.add(name);
    const t = report.times?.[name];
    top.push([name, t ? timeText(t) : jsonValue(claims[name])]);
  }
  if (report.jwtType === 'legacy') {
    top.push(['expiry', 'never (secret-based token; never expires)']);
  } else if (report.lifetimeSeconds !== undefined && report.lifetimeSeconds !== null) {
    const lt = report.lifetimeSeconds;
    top.push(['lifetime', `${humanSpan(lt)} (${lt}s)`]);
  } else if (!report.expires) {
    top.push(['expiry', 'never (no exp claim)']);
  }
  out.push(...rows(top, '  ', style));

  // Legacy tokens carry their identity in flat `kubernetes.io/serviceaccount/...` claims: grouped under the prefix.
  const legacyPrefix = 'kubernetes.io/serviceaccount/';
  const legacy = Object.keys(claims).filter((name) => name.startsWith(legacyPrefix));
  if (legacy.length > 0) {
    out.push(`  ${style.dim(legacyPrefix)}`);
    for (const name of legacy) shown.add(name);
    out.push(
      ...rows(
        legacy.map((n): [string, string] => [n.slice(legacyPrefix.length), jsonValue(claims[n])]),
        '    ',
        style,
      ),
    );
  }

  const k8s = claims['kubernetes.io'];
  if (typeof k8s === 'object' && k8s !== null && !Array.isArray(k8s)) {
    shown.add('kubernetes.io');
    out.push(`  ${style.dim('kubernetes.io')}`);
    const k = k8s as Record<string, unknown>;
    const inner: [string, string][] = [];
    const sa = report.serviceAccount;
    if ('namespace' in k) inner.push(['namespace', jsonValue(k.namespace)]);
    if ('serviceaccount' in k) inner.push(['serviceaccount', sa ? refText({ name: sa.name ?? '', uid: sa.uid }) : '']);
    for (const kind of ['pod', 'secret', 'node'] as const) {
      const ref = report.boundTo?.[kind];
      if (ref) inner.push([kind, refText(ref)]);
    }
    if ('warnafter' in k) {
      const t = report.times?.warnafter;
      inner.push(['warnafter', t ? timeText(t) : jsonValue(k.warnafter)]);
    }
    const known = new Set(['namespace', 'serviceaccount', 'pod', 'secret', 'node', 'warnafter']);
    for (const [name, v] of Object.entries(k)) if (!known.has(name)) inner.push([name, jsonValue(v)]);
    out.push(...rows(inner, '    ', style));
  }
  const other = Object.keys(claims).filter((c) => !shown.has(c));
  if (other.length > 0) {
    out.push(`  ${style.dim('other claims')}`);
    out.push(
      ...rows(
        other.map((c): [string, string] => [c, JSON.stringify(claims[c])]),
        '    ',
        style,
      ),
    );
  }
  return out;
}

/** The text output of `token inspect`, ending with a newline. */
export function renderText(report: InspectReport, options: { color: boolean }): string {
  const style = options.color ? COLOR : PLAIN;
  const lines: string[] = [];
  const fp = report.token;
  const verdict = report.valid ? style.green(style.bold('VALID')) : style.red(style.bold('INVALID'));
  const via =
    report.server?.review?.via === 'SelfSubjectReview' ? 'SelfSubjectReview made with the token' : 'TokenReview';
  const basis =
    report.basis === 'server'
      ? `the server's ${via} ${report.valid ? 'accepts' : 'rejects'} it`
      : report.basis === 'signature'
        ? 'offline: signature and time claims checked'
        : 'offline: structure and time claims only; signature not checked';
  const summary: [string, string][] = [
    ['Token', `${fp.prefix}... (${fp.length} characters, sha256:${fp.sha256})`],
    ['Type', report.description],
    ['Verdict', `${verdict} ${style.dim(`(${basis})`)}`],
  ];
  for (const r of report.reasons) summary.push(['Reason', style.red(r)]);
  lines.push(...rows(summary, '', style));
  for (const n of report.notes) lines.push(`${style.yellow('Note')}: ${n}`);

  if (report.kind === 'jwt') {
    const h = report.header ?? {};
    lines.push('', style.bold('Header'));
    const headerRows: [string, string][] = [];
    for (const name of ['alg', 'kid', 'typ']) {
      headerRows.push([name, name in h ? jsonValue(h[name]) : style.dim('(none)')]);
    }
    for (const [name, v] of Object.entries(h))
      if (!['alg', 'kid', 'typ'].includes(name)) headerRows.push([name, JSON.stringify(v)]);
    lines.push(...rows(headerRows, '  ', style));
    lines.push('', style.bold('Claims'));
    lines.push(...claimRows(report, style));
  }

  if (report.signature) {
    const s = report.signature;
    lines.push('', `${style.bold('Signature')}   ${s.valid ? style.green(s.message) : style.red(s.message)}`);
  }

  const server = report.server;
  if (server) {
    lines.push(
      '',
      `${style.bold('Server')}   ${server.url}  ${style.dim(`(context ${server.context} in ${server.kubeconfig})`)}`,
    );
    const review = server.review;
    const sr: [string, string][] = [];
    if (server.reviewError) sr.push(['note', style.yellow(server.reviewError)]);
    if (review) {
      sr.push(['authenticated', review.authenticated ? style.green('yes') : style.red('no')]);
      if (review.error) sr.push(['error', style.red(review.error)]);
      const u = review.user;
      if (u?.username !== undefined) sr.push(['username', u.username]);
      if (u?.uid) sr.push(['uid', u.uid]);
      if (u?.groups) sr.push(['groups', u.groups.join(', ')]);
      const extra = Object.entries(u?.extra ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      extra.forEach(([key, values], i) => {
        sr.push([i === 0 ? 'extra' : '', `${key}: ${values.join(', ')}`]);
      });
      if (review.audiences) sr.push(['audiences', review.audiences.join(', ')]);
    }
    lines.push(...rows(sr, '  ', style));
    if (server.rules) {
      lines.push(
        '',
        `${style.bold(`Permissions in namespace "${server.rules.namespace}"`)} ${style.dim('(SelfSubjectRulesReview made with this token)')}`,
      );
      if (server.rules.status.incomplete) {
        lines.push(style.yellow(`Warning: the list may be incomplete: ${server.rules.status.evaluationError ?? ''}`));
      }
      lines.push(server.rules.table.replace(/\n$/, ''));
    } else if (server.rulesError) {
      lines.push('', `${style.bold('Permissions')}   ${style.yellow(server.rulesError)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
