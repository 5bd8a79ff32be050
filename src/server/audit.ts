/**
 * The audit log: one audit.k8s.io/v1 Event per request at Metadata level, as JSON lines (0600). Metadata level never
 * includes request or response bodies, so tokens and secret values cannot reach it; headers are not logged.
 */
import {
  createWriteStream,
  existsSync,
  fchmodSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  type WriteStream,
} from 'node:fs';
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

/** Size-based rotation of the audit log (kube-apiserver's --audit-log-maxsize and --audit-log-maxbackup). */
export interface AuditRotation {
  /** Rotate before the file would grow past this many bytes; 0 never rotates. */
  maxSizeBytes: number;
  /** Rotated files kept as `<path>.1` (newest) to `<path>.<n>`; older ones are deleted. */
  maxBackups: number;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * A sink appending JSON lines to `path` (created 0600). Events are written in batches, at most 20 ms (or 256 KiB)
 * after they happen: a file write per request cost more than the rest of the audit path under load. A crash loses
 * at most that window, as with kube-apiserver's batching audit backends; close() writes everything. With
 * `rotation`, a batch that would take the file past its size first moves it to `<path>.1` (shifting older ones),
 * so a busy server cannot fill its disk with audit events.
 */
export function fileAuditSink(path: string, rotation: AuditRotation = { maxSizeBytes: 0, maxBackups: 0 }): AuditSink {
  const open = (): WriteStream => {
    // Opened synchronously so the file exists at once (a rotation may rename it before an async open finished).
    const fd = openSync(path, 'a', 0o600);
    // The mode above applies only when the file is created; an existing log is made owner-only too.
    fchmodSync(fd, 0o600);
    return createWriteStream(path, { fd });
  };
  let stream = open();
  let written = sizeOf(path);
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  // Streams of rotated files still finishing their queued writes.
  const retiring = new Set<Promise<void>>();
  const rotate = () => {
    try {
      for (let i = rotation.maxBackups - 1; i >= 1; i--) {
        if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      }
      if (rotation.maxBackups > 0) renameSync(path, `${path}.1`);
      else rmSync(path, { force: true });
      const next = open();
      // Writes already queued finish in the renamed file: the old stream keeps its descriptor.
      const old = stream;
      const done = new Promise<void>((resolve) => old.end(resolve));
      retiring.add(done);
      void done.then(() => retiring.delete(done));
      stream = next;
      written = 0;
    } catch {
      // A log that cannot be rotated (a read-only directory, a file moved away) must not fail requests: the
      // events keep going to the current file.
    }
  };
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending) return;
    const bytes = Buffer.byteLength(pending);
    if (rotation.maxSizeBytes > 0 && written > 0 && written + bytes > rotation.maxSizeBytes) rotate();
    stream.write(pending);
    written += bytes;
    pending = '';
  };
  return {
    write: (event) => {
      pending += `${JSON.stringify(event)}\n`;
      if (pending.length >= AUDIT_FLUSH_BYTES) flush();
      else timer ??= setTimeout(flush, AUDIT_FLUSH_DELAY_MS);
    },
    close: async () => {
      flush();
      await new Promise<void>((resolve) => stream.end(resolve));
      await Promise.all(retiring);
    },
  };
}

/** A sink that drops every event (--audit-log-path ""). */
export function noAuditSink(): AuditSink {
  return { write: () => {}, close: async () => {} };
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
