/**
 * Apply conflicts as kube-apiserver reports them (fieldmanager/internal/conflict.go): a 409 Conflict whose
 * message lists the conflicting managers and paths and whose causes are FieldManagerConflict entries.
 */
import { conflictWithCauses, type StatusError } from '../../api/status.ts';
import { type FieldPath, pathString } from './fieldpath.ts';

/** One conflicting path and the manager identifier (BuildManagerIdentifier JSON) that owns it. */
export interface Conflict {
  managerId: string;
  path: FieldPath;
}

/** Thrown inside applyObject before it is turned into a StatusError; carries the raw conflicts. */
export class ApplyConflicts extends Error {
  readonly conflicts: readonly Conflict[];
  constructor(conflicts: readonly Conflict[]) {
    super(conflictMessage(conflicts));
    this.name = 'ApplyConflicts';
    this.conflicts = conflicts;
  }
}

/** printManager: `"name"`, plus ` with subresource "s"`, plus ` using v1` for Update managers. */
export function printManager(managerId: string): string {
  let entry: { manager?: string; operation?: string; apiVersion?: string; subresource?: string; time?: string };
  try {
    entry = JSON.parse(managerId);
  } catch {
    return JSON.stringify(managerId);
  }
  let s = JSON.stringify(entry.manager ?? '');
  if (entry.subresource) s += ` with subresource ${JSON.stringify(entry.subresource)}`;
  if (entry.operation === 'Update') {
    s += entry.time ? ` using ${entry.apiVersion ?? ''} at ${entry.time}` : ` using ${entry.apiVersion ?? ''}`;
  }
  return s;
}

/** getConflictMessage: one conflict inline; several grouped by manager (sorted), one `- path` per line. */
export function conflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0] as Conflict;
    return `Apply failed with 1 conflict: conflict with ${printManager(c.managerId)}: ${pathString(c.path)}`;
  }
  const byManager = new Map<string, FieldPath[]>();
  for (const c of conflicts) {
    const list = byManager.get(c.managerId) ?? [];
    list.push(c.path);
    byManager.set(c.managerId, list);
  }
  const lines: string[] = [];
  for (const id of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(id)}:`);
    for (const p of byManager.get(id) ?? []) lines.push(`- ${pathString(p)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** NewConflictError: 409 Conflict with one FieldManagerConflict cause per path. */
export function conflictError(conflicts: readonly Conflict[]): StatusError {
  return conflictWithCauses(
    conflictMessage(conflicts),
    conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${printManager(c.managerId)}`,
      field: pathString(c.path),
    })),
  );
}
