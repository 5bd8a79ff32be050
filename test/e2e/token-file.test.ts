/**
 * Acceptance tests of issue 4: the static token file (known_tokens.csv) is picked up while the server runs. An
 * in-place edit adds a token, a broken edit keeps the previous tokens and the log names the offending line, and a
 * save that renames a new file over the old one is seen too. No token value may reach the logs.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, Kubectl, rawRequest, startServer, type TestServer } from './harness.ts';
import { whoamiRows } from './kubectl-output.ts';

const VERSIONS = ['1.27', '1.32'] as const;
const SSR_BODY = '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}';
// Tokens shaped like microk8s' (base64 with '=' and '/'), unique per run so a stale file cannot pass the test.
const suffix = Date.now().toString(36);
const ALICE = `alice/${suffix}+tok==`;
const BOB = `bob-${suffix}-broken`;
const CAROL = `carol-${suffix}-renamed`;
const DAVE = `dave-${suffix}-quoted`;

/** The server's structured log lines. */
function logLines(server: TestServer): Record<string, unknown>[] {
  return server
    .logs()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('issue 4: editing known_tokens.csv while the server runs', () => {
  let server: TestServer;
  let tokenFile = '';
  let adminLine = '';
  const k: Record<string, Kubectl> = {};

  const status = async (token: string) =>
    (await rawRequest(server, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { token, body: SSR_BODY }))
      .status;

  before(async () => {
    server = await startServer();
    for (const v of VERSIONS) k[v] = new Kubectl(v, server);
    tokenFile = join(server.dataDir, 'known_tokens.csv');
    adminLine = readFileSync(tokenFile, 'utf8').trimEnd();
    assert.equal(adminLine.split('\n').length, 1);
    assert.match(adminLine, /,admin,admin,"system:masters"$/);
  });
  after(async () => {
    for (const c of Object.values(k)) c.cleanup();
    await server?.stop();
  });

  it('an appended token works within a deadline (kubectl 1.27 and 1.32 auth whoami)', async () => {
    assert.equal(await status(ALICE), 401);
    appendFileSync(tokenFile, `${ALICE},alice,alice-uid,"devs,qa"\n`);
    await eventually(async () => (await status(ALICE)) === 201, 10_000, 'the new token to be accepted');
    for (const v of VERSIONS) {
      const r = await k[v]!.run([`--token=${ALICE}`, 'auth', 'whoami']);
      assert.equal(r.stderr, '');
      assert.deepEqual(
        [...whoamiRows(r.stdout)],
        [
          ['Username', 'alice'],
          ['UID', 'alice-uid'],
          ['Groups', '[devs qa system:authenticated]'],
        ],
      );
    }
  });

  it('a broken edit (too few columns) keeps the old tokens and the log names the line', async () => {
    writeFileSync(tokenFile, `${adminLine}\n${ALICE},alice,alice-uid,"devs,qa"\n${BOB},bob\n`);
    const entry = await eventually(
      async () =>
        logLines(server).find(
          (l) =>
            (l['level'] as number) >= 50 &&
            JSON.stringify(l).includes('must have at least 3 columns (token, user name, user uid), found 2'),
        ),
      10_000,
      'an error log line about the broken token file',
    );
    const text = JSON.stringify(entry);
    assert.ok(text.includes(tokenFile), `the log names the file: ${text}`);
    assert.equal(entry['line'], 3, `the log names line 3: ${text}`);
    assert.equal(await status(BOB), 401);
    assert.equal(await status(ALICE), 201);
    assert.equal(await status(server.adminToken), 201);
    for (const v of VERSIONS) {
      assert.equal(whoamiRows(await k[v]!.ok(['auth', 'whoami'])).get('Username'), 'admin');
      const r = await k[v]!.run([`--token=${BOB}`, 'auth', 'whoami']);
      assert.equal(r.stderr, 'error: You must be logged in to the server (Unauthorized)\n');
    }
  });

  it('a broken edit (bad CSV quoting) is reported with Go csv line and column, old tokens still work', async () => {
    writeFileSync(tokenFile, `${adminLine}\n${ALICE},alice,alice-uid,"devs,qa"\n\n${DAVE}, "dave",dave-uid\n`);
    const entry = await eventually(
      async () =>
        logLines(server).find(
          (l) => (l['level'] as number) >= 50 && JSON.stringify(l).includes('bare \\" in non-quoted-field'),
        ),
      10_000,
      'an error log line about the bad quoting',
    );
    const text = JSON.stringify(entry);
    // Go's encoding/csv (1.17+): 1-based byte column of the stray quote, after the token, the comma and the space.
    assert.ok(
      text.includes(`parse error on line 4, column ${DAVE.length + 3}: bare \\" in non-quoted-field`),
      `Go's csv message names line 4: ${text}`,
    );
    assert.equal(entry['line'], 4, text);
    assert.equal(await status(DAVE), 401);
    assert.equal(await status(ALICE), 201);
    assert.equal(await status(server.adminToken), 201);
  });

  it('a rename-replace save is seen: the new token works, a removed one stops', async () => {
    const tmp = `${tokenFile}.tmp-${suffix}`;
    writeFileSync(tmp, `${adminLine}\n${CAROL},carol,carol-uid,ops\n`, { mode: 0o600 });
    renameSync(tmp, tokenFile);
    await eventually(async () => (await status(CAROL)) === 201, 10_000, 'the renamed-in token to be accepted');
    await eventually(async () => (await status(ALICE)) === 401, 10_000, 'the dropped token to be refused');
    assert.equal(await status(server.adminToken), 201);
    for (const v of VERSIONS) {
      const rows = whoamiRows(await k[v]!.ok([`--token=${CAROL}`, 'auth', 'whoami']));
      assert.equal(rows.get('Username'), 'carol');
      assert.equal(rows.get('Groups'), '[ops system:authenticated]');
      const r = await k[v]!.run([`--token=${ALICE}`, 'auth', 'whoami']);
      assert.equal(r.stderr, 'error: You must be logged in to the server (Unauthorized)\n');
    }
    // A second rename-replace over the renamed file is seen as well (the watch follows the name, not the inode).
    writeFileSync(tmp, `${adminLine}\n${CAROL},carol,carol-uid,ops\n${ALICE},alice,alice-uid\n`, { mode: 0o600 });
    renameSync(tmp, tokenFile);
    await eventually(async () => (await status(ALICE)) === 201, 10_000, 'the re-added token to be accepted');
  });

  it('no token value appears in the server log or audit.log', () => {
    const logs = server.logs();
    const audit = readFileSync(join(server.dataDir, 'audit.log'), 'utf8');
    for (const t of [server.adminToken, ALICE, BOB, CAROL, DAVE]) {
      assert.ok(!logs.includes(t), `token leaked into the server log: ${t.slice(0, 8)}…`);
      assert.ok(!audit.includes(t), `token leaked into audit.log: ${t.slice(0, 8)}…`);
    }
  });
});
