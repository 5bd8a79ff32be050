import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
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
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'superkube-audit-'));
    path = join(dir, 'audit.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every event as one JSON line, in order, soon after it happens; the file is 0600', async () => {
    const sink = fileAuditSink(path);
    try {
      for (let i = 0; i < 5; i++) sink.write(event(`e${i}`));
      const deadline = Date.now() + 10_000;
      while (ids(path).length < 5 && Date.now() < deadline) await sleep(10);
      assert.deepEqual(ids(path), ['e0', 'e1', 'e2', 'e3', 'e4']);
      assert.equal(statSync(path).mode & 0o777, 0o600);
    } finally {
      await sink.close();
    }
  });

  it('close writes what is still waiting', async () => {
    const sink = fileAuditSink(path);
    // Enough to pass the size threshold once, and a tail that only close() writes.
    const n = 400;
    for (let i = 0; i < n; i++) sink.write(event(`e${i}-${'x'.repeat(600)}`));
    await sink.close();
    const got = ids(path);
    assert.equal(got.length, n);
    assert.ok(got[n - 1]!.startsWith(`e${n - 1}-`));
  });

  it('rotates before the log passes its size, keeping the newest backups and every recent event', async () => {
    const lineBytes = `${JSON.stringify(event('e000'))}\n`.length;
    // Room for three events a file; each close() below is one batch of one event.
    const rotation = { maxSizeBytes: lineBytes * 3, maxBackups: 2 };
    for (let i = 0; i < 10; i++) {
      const sink = fileAuditSink(path, rotation);
      sink.write(event(`e${String(i).padStart(3, '0')}`));
      await sink.close();
    }
    // 10 events, 3 a file: e009 in audit.log, e006-e008 in .1, e003-e005 in .2; .3 was never kept.
    assert.deepEqual(ids(path), ['e009']);
    assert.deepEqual(ids(`${path}.1`), ['e006', 'e007', 'e008']);
    assert.deepEqual(ids(`${path}.2`), ['e003', 'e004', 'e005']);
    assert.equal(existsSync(`${path}.3`), false);
    for (const f of [path, `${path}.1`, `${path}.2`]) assert.equal(statSync(f).mode & 0o777, 0o600);
  });

  it('rotates within one sink when a batch would pass the size, losing nothing it keeps', async () => {
    const sink = fileAuditSink(path, { maxSizeBytes: 300 * 1024, maxBackups: 10 });
    // Batches of 256 KiB are written whole: every batch after the first starts a new file.
    const n = 900;
    for (let i = 0; i < n; i++) sink.write(event(`e${String(i).padStart(3, '0')}-${'x'.repeat(600)}`));
    await sink.close();
    const files = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((k) => `${path}.${k}`).filter(existsSync);
    assert.ok(files.length >= 2, `rotated ${files.length} times`);
    const all = [...files, path].flatMap(ids);
    assert.equal(all.length, n, 'no event lost across rotations');
    assert.deepEqual(
      all.map((id) => id.slice(0, 4)),
      Array.from({ length: n }, (_, i) => `e${String(i).padStart(3, '0')}`),
      'in order, oldest file first',
    );
  });
});
