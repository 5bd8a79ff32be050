import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TokenFileError } from './token-file.ts';
import { type TokenFileWatcherOptions, type WatchedTokenFile, watchTokenFile } from './token-file-watcher.ts';

const root = mkdtempSync(join(tmpdir(), 'tokwatch-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (content: string): string => {
  const dir = join(root, String(n++));
  mkdirSync(dir, { recursive: true });
  const p = join(dir, 'known_tokens.csv');
  writeFileSync(p, content);
  return p;
};

/** Polls `cond` until true; generous deadline because fs events and timers are slow on loaded CI machines. */
async function waitFor(cond: () => Promise<boolean> | boolean, what: string, deadlineMs = 5000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

interface Seen {
  reloads: number[];
  errors: Error[];
  warnings: string[];
}

async function start(
  path: string,
  extra: Partial<TokenFileWatcherOptions> = {},
): Promise<{ w: WatchedTokenFile; seen: Seen; works: (t: string) => Promise<boolean> }> {
  const seen: Seen = { reloads: [], errors: [], warnings: [] };
  const w = await watchTokenFile({
    path,
    apiAudiences: [],
    pollIntervalMs: 50,
    onReload: (c) => seen.reloads.push(c),
    onError: (e) => seen.errors.push(e),
    onWarning: (m) => seen.warnings.push(m),
    ...extra,
  });
  const works = async (t: string) => (await w.authenticator.authenticateToken(t)) !== null;
  return { w, seen, works };
}

test('startup: a file that does not load is refused with the offending line', async () => {
  const p = fresh('good,u,1\nbad\n');
  await assert.rejects(watchTokenFile({ path: p, apiAudiences: [] }), (e: unknown) => {
    assert.ok(e instanceof TokenFileError);
    assert.equal(e.line, 2);
    assert.match(e.message, /must have at least 3 columns .* found 1$/);
    return true;
  });
  await assert.rejects(watchTokenFile({ path: join(root, 'missing.csv'), apiAudiences: [] }), {
    message: `open ${join(root, 'missing.csv')}: no such file or directory`,
  });
});

test('startup warnings are reported', async () => {
  const p = fresh('t,u,1\nt,v,2\n');
  const { w, seen } = await start(p);
  w.close();
  assert.deepEqual(seen.warnings, [`duplicate token has been found in token file '${p}', record number '2'`]);
});

test('an edit is picked up: new token works, onReload fires', async () => {
  const p = fresh('old,u,1\n');
  const { w, seen, works } = await start(p);
  try {
    assert.equal(await works('old'), true);
    writeFileSync(p, 'old,u,1\nnew,v,2\n');
    await waitFor(() => works('new'), 'new token accepted');
    assert.ok(seen.reloads.length >= 1);
    assert.equal(seen.reloads.at(-1), 2);
    writeFileSync(p, 'new,v,2\n');
    await waitFor(async () => !(await works('old')), 'removed token refused');
    assert.deepEqual(seen.errors, []);
  } finally {
    w.close();
  }
});

test('a broken edit keeps the last good tokens and reports the error once, with its line', async () => {
  const p = fresh('keep,u,1\n');
  const { w, seen, works } = await start(p);
  try {
    writeFileSync(p, 'keep,u,1\nnew,v,2\noops"x,y,z\n');
    await waitFor(() => seen.errors.length > 0, 'error reported');
    const err = seen.errors[0]!;
    assert.ok(err instanceof TokenFileError);
    assert.equal(err.line, 3);
    assert.equal(err.message, 'parse error on line 3, column 5: bare " in non-quoted-field');
    assert.equal(await works('keep'), true);
    assert.equal(await works('new'), false, 'nothing from the broken file is used');
    assert.deepEqual(seen.reloads, []);
    await w.reload();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(seen.errors.length, 1, 'the same error is not repeated on every poll');
    writeFileSync(p, 'keep,u,1\nnew,v,2\n');
    await waitFor(() => works('new'), 'fixed file loaded');
  } finally {
    w.close();
  }
});

test('a save that renames a new file over the old one is seen', async () => {
  const p = fresh('a,u,1\n');
  const { w, works } = await start(p);
  try {
    const tmp = `${p}.tmp`;
    writeFileSync(tmp, 'b,u,1\n');
    renameSync(tmp, p);
    await waitFor(() => works('b'), 'renamed file loaded');
    assert.equal(await works('a'), false);
  } finally {
    w.close();
  }
});

test('the stat poll alone picks up changes (fs.watch off)', async () => {
  const p = fresh('a,u,1\n');
  const { w, works } = await start(p, { useFsWatch: false });
  try {
    writeFileSync(p, 'a,u,1\nlonger,u,2\n');
    await waitFor(() => works('longer'), 'poll saw the change');
  } finally {
    w.close();
  }
});

test('a deleted file is reported and the tokens stay; close stops reloading', async () => {
  const p = fresh('a,u,1\n');
  const { w, seen, works } = await start(p);
  rmSync(p);
  await waitFor(() => seen.errors.length > 0, 'deletion reported');
  assert.match(seen.errors[0]!.message, /no such file or directory/);
  assert.equal(await works('a'), true);
  w.close();
  writeFileSync(p, 'z,u,1\n');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await works('z'), false);
});
