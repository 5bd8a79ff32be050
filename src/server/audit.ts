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

/**
 * A sink appending JSON lines to `path` (created 0600). Lines written in one turn of the event loop go to the file
 * as one write: under load that is one write per batch instead of one per request.
 */
export function fileAuditSink(path: string): AuditSink {
  const stream: WriteStream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  // The mode above applies only when the file is created; an existing log is made owner-only too.
  stream.once('open', (fd: number) => fchmodSync(fd, 0o600));
  let pending = '';
  const flush = () => {
    if (pending) stream.write(pending);
    pending = '';
  };
  return {
    write: (event) => {
      if (!pending) setImmediate(flush);
      pending += `${JSON.stringify(event)}\n`;
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
