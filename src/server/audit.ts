/**
 * The audit log: one audit.k8s.io/v1 Event per request at Metadata level, as JSON lines (0600). Metadata level never
 * includes request or response bodies, so tokens and secret values cannot reach it; headers are not logged.
 */
import { createWriteStream, fchmodSync, type WriteStream } from 'node:fs';
import type { UserInfo } from '../auth/user.ts';
import type { RequestInfo } from './request-info.ts';

/** Where audit events go. */
export interface AuditSink {
  write(event: AuditEvent): void;
  close(): Promise<void>;
}

/** audit.k8s.io/v1 Event (Metadata level). */
export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: 'Metadata';
  auditID: string;
  stage: 'ResponseComplete' | 'ResponseStarted';
  requestURI: string;
  verb: string;
  user: Partial<UserInfo> & { username: string };
  impersonatedUser?: Partial<UserInfo>;
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: Record<string, string>;
  responseStatus: { metadata: Record<string, never>; code: number; status?: string; reason?: string; message?: string };
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/** How long events may wait in memory before they are written, and how much may wait. */
export const AUDIT_FLUSH_DELAY_MS = 20;
const AUDIT_FLUSH_BYTES = 256 * 1024;

/**
 * A sink appending JSON lines to `path` (created 0600). Events are written in batches, at most 20 ms (or 256 KiB)
 * after they happen: a file write per request cost more than the rest of the audit path under load. A crash loses
 * at most that window, as with kube-apiserver's batching audit backends; close() writes everything.
 */
export function fileAuditSink(path: string): AuditSink {
  const stream: WriteStream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  // The mode above applies only when the file is created; an existing log is made owner-only too.
  stream.once('open', (fd: number) => fchmodSync(fd, 0o600));
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending) stream.write(pending);
    pending = '';
  };
  return {
    write: (event) => {
      pending += `${JSON.stringify(event)}\n`;
      if (pending.length >= AUDIT_FLUSH_BYTES) flush();
      else timer ??= setTimeout(flush, AUDIT_FLUSH_DELAY_MS);
    },
    close: () =>
      new Promise((resolve) => {
        flush();
        stream.end(resolve);
      }),
  };
}

/** A sink keeping events in memory (tests). */
export function memoryAuditSink(): AuditSink & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return { events, write: (e) => events.push(e), close: async () => {} };
}

/** The objectRef of a resource request. */
export function objectRef(info: RequestInfo | undefined): Record<string, string> | undefined {
  if (!info?.isResourceRequest) return undefined;
  const ref: Record<string, string> = { resource: info.resource };
  if (info.namespace) ref['namespace'] = info.namespace;
  if (info.name) ref['name'] = info.name;
  if (info.apiGroup) ref['apiGroup'] = info.apiGroup;
  ref['apiVersion'] = info.apiVersion;
  if (info.subresource) ref['subresource'] = info.subresource;
  return ref;
}

/** Audit view of a user (extra copied; credential-id is an identifier, not a secret). */
export function auditUser(u: UserInfo): Partial<UserInfo> & { username: string } {
  const out: Partial<UserInfo> & { username: string } = { username: u.username };
  if (u.uid) out.uid = u.uid;
  if (u.groups.length) out.groups = u.groups;
  if (Object.keys(u.extra).length) out.extra = u.extra;
  return out;
}
