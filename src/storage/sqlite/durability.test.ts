import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSqliteStorage } from './sqlite-storage.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WRITER = fileURLToPath(new URL('./testdata/ack-writer.ts', import.meta.url));
/** Acknowledged writes to see before pulling the plug. */
const KILL_AFTER = 100;

it('every write acknowledged before kill -9 is there after reopening', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'superkube-durability-'));
  const path = join(dir, 'state.db');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<string, number>();
    let partial = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // Bounds a broken run only; nothing here asserts how fast the writer is.
    const guard = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const [key, revision] = line.split(' ');
        acked.set(key!, Number(revision));
      }
      if (acked.size >= KILL_AFTER) child.kill('SIGKILL');
    });
    const signal = await exited;
    clearTimeout(guard);
    assert.equal(signal, 'SIGKILL', `writer exited on its own: ${stderr}`);
    assert.ok(acked.size >= KILL_AFTER, `writer acknowledged only ${acked.size} writes: ${stderr}`);

    const storage = openSqliteStorage({ path, compactInterval: 0 });
    try {
      for (const [key, revision] of acked) {
        const kv = await storage.get(key);
        assert.ok(kv, `acknowledged ${key} is missing`);
        assert.equal(kv.value.toString(), `value-${key.slice(key.lastIndexOf('/') + 2)}`);
        assert.equal(kv.modRevision, revision);
      }
      assert.ok((await storage.count('/registry/durability/')) >= acked.size);
    } finally {
      await storage.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
