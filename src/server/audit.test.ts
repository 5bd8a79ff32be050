import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AuditEvent, fileAuditSink } from './audit.ts';

function event(id: string): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: '/version',
    verb: 'get',
    user: { username: 'admin' },
    sourceIPs: ['127.0.0.1'],
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2026-01-01T00:00:00.000Z',
    stageTimestamp: '2026-01-01T00:00:00.000Z',
  };
}

const ids = (path: string): string[] =>
  (existsSync(path) ? readFileSync(path, 'utf8') : '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as AuditEvent).auditID);

describe('fileAuditSink', () => {
  it('writes every event as one JSON line, in order, soon after it happens; the file is 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'superkube-audit-'));
    const path = join(dir, 'audit.log');
    const sink = fileAuditSink(path);
    try {
      for (let i = 0; i < 5; i++) sink.write(event(`e${i}`));
      const deadline = Date.now() + 10_000;
      while (ids(path).length < 5 && Date.now() < deadline) await sleep(10);
      assert.deepEqual(ids(path), ['e0', 'e1', 'e2', 'e3', 'e4']);
      assert.equal(statSync(path).mode & 0o777, 0o600);
    } finally {
      await sink.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('close writes what is still waiting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'superkube-audit-'));
    const path = join(dir, 'audit.log');
    try {
      const sink = fileAuditSink(path);
      // Enough to pass the size threshold once, and a tail that only close() writes.
      const n = 400;
      for (let i = 0; i < n; i++) sink.write(event(`e${i}-${'x'.repeat(600)}`));
      await sink.close();
      const got = ids(path);
      assert.equal(got.length, n);
      assert.ok(got[n - 1]!.startsWith(`e${n - 1}-`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
