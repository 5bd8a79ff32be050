/** Small helpers for table rows shared by the core and RBAC printers. */
import type { KubernetesObject } from '../../api/meta.ts';
import { humanDuration } from '../../util/human-duration.ts';
import type { ColumnDefinition } from '../strategy.ts';

/** A column definition with upstream's defaults. */
export function column(
  name: string,
  description: string,
  opts: { type?: ColumnDefinition['type']; priority?: number; format?: string } = {},
): ColumnDefinition {
  return { name, type: opts.type ?? 'string', format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

/** The AGE cell: time since creationTimestamp, or `<unknown>` (translateTimestampSince). */
export function age(obj: KubernetesObject, now: Date): string {
  const ts = obj.metadata.creationTimestamp;
  if (!ts) return '<unknown>';
  return humanDuration(now.getTime() - Date.parse(ts));
}

/** Count of keys of an optional map. */
export function size(map: Record<string, unknown> | undefined): number {
  return map ? Object.keys(map).length : 0;
}
