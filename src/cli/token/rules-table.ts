/**
 * Renders a SelfSubjectRulesReview status exactly as `kubectl auth can-i --list` does (kubectl cani.go
 * printStatus): rules are broken down to one verb/resource/name each, simple resource rules are compacted back per
 * resource (verbs appended in order), the result is sorted by Go's PolicyRule.String(), and printed through a
 * tabwriter with minwidth 10 and padding 3.
 */

/** One entry of status.resourceRules. */
export interface ResourceRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** One entry of status.nonResourceRules. */
export interface NonResourceRule {
  verbs?: string[];
  nonResourceURLs?: string[];
}

/** SelfSubjectRulesReview status (authorization.k8s.io/v1 SubjectRulesReviewStatus). */
export interface RulesReviewStatus {
  resourceRules?: ResourceRule[];
  nonResourceRules?: NonResourceRule[];
  incomplete?: boolean;
  evaluationError?: string;
}

interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

function rule(partial: Partial<PolicyRule>): PolicyRule {
  return { verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...partial };
}

function breakdown(r: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of r.apiGroups) {
    for (const resource of r.resources) {
      for (const verb of r.verbs) {
        if (r.resourceNames.length > 0) {
          for (const name of r.resourceNames) {
            out.push(rule({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] }));
          }
        } else {
          out.push(rule({ apiGroups: [group], resources: [resource], verbs: [verb] }));
        }
      }
    }
  }
  for (const url of r.nonResourceURLs) {
    for (const verb of r.verbs) out.push(rule({ nonResourceURLs: [url], verbs: [verb] }));
  }
  return out;
}

function compact(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple =
      r.resourceNames.length <= 1 &&
      r.nonResourceURLs.length === 0 &&
      r.apiGroups.length === 1 &&
      r.resources.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups[0], r.resources[0], r.resourceNames.length > 0, r.resourceNames[0] ?? '']);
    const existing = simple.get(key);
    if (existing) existing.verbs.push(...r.verbs);
    else simple.set(key, { ...r, verbs: [...r.verbs] });
  }
  return [...out, ...simple.values()];
}

/** Go's `%v` of a []string. */
function goList(values: readonly string[]): string {
  return `[${values.join(' ')}]`;
}

/** Go's generated PolicyRule.String(), the sort key kubectl uses. */
function goString(r: PolicyRule): string {
  return (
    `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},` +
    `ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`
  );
}

/** Go's strings.Compare: byte order of the UTF-8 encodings. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** kubectl's describe.CombineResourceGroup: `resource.group/subresource`, bare for the core group. */
function combineResourceGroup(resources: string[], groups: string[]): string {
  if (resources.length === 0) return '';
  const [base, sub] = splitOnce(resources[0]!, '/');
  let combined = base;
  if (groups.length > 0 && groups[0] !== '') combined += `.${groups[0]}`;
  if (sub !== undefined) combined += `/${sub}`;
  return combined;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** Go's text/tabwriter with kubectl's settings (minwidth 10, padding 3, no flags) over tab-terminated cells. */
export function tabwrite(lines: readonly string[][]): string {
  const columns = Math.max(0, ...lines.map((l) => l.length - 1));
  const widths: number[] = [];
  for (let c = 0; c < columns; c++) {
    let w = 0;
    for (const l of lines) if (c < l.length - 1) w = Math.max(w, [...l[c]!].length + 3);
    widths.push(Math.max(w, 10));
  }
  return lines
    .map((l) =>
      l.map((cell, c) => (c < l.length - 1 ? cell.padEnd(widths[c]! - [...cell].length + cell.length) : cell)).join(''),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** The rows of `kubectl auth can-i --list` (without the header) as cells. */
export function rulesRows(status: RulesReviewStatus): string[][] {
  const policy: PolicyRule[] = [
    ...(status.resourceRules ?? []).map((r) =>
      rule({
        verbs: r.verbs ?? [],
        apiGroups: r.apiGroups ?? [],
        resources: r.resources ?? [],
        resourceNames: r.resourceNames ?? [],
      }),
    ),
    ...(status.nonResourceRules ?? []).map((r) =>
      rule({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs ?? [] }),
    ),
  ];
  const rows = compact(policy.flatMap(breakdown));
  // Array.prototype.sort is stable, like sort.Stable.
  rows.sort((a, b) => compareBytes(goString(a), goString(b)));
  return rows.map((r) => [
    combineResourceGroup(r.resources, r.apiGroups),
    goList(r.nonResourceURLs),
    goList(r.resourceNames),
    goList(r.verbs),
  ]);
}

/** The text `kubectl auth can-i --list` prints for `status` (header included unless `noHeaders`). */
export function formatRulesTable(status: RulesReviewStatus, options: { noHeaders?: boolean } = {}): string {
  const header = ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'];
  return tabwrite([...(options.noHeaders ? [] : [header]), ...rulesRows(status)]);
}
