/**
 * `superkube token inspect` against a real server: tokens minted by real kubectl, verdicts from the server's
 * TokenReview, permissions from a SelfSubjectRulesReview compared with `kubectl auth can-i --list`, offline
 * verification with the data directory's sa.pub and the server's JWKS.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventually, Kubectl, type RunResult, startServer, type TestServer } from './harness.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The command is reached through its own entry until src/cli/main.ts registers `token`; then this can become
// ['src/cli/main.ts', 'token'].
const ENTRY = ['src/cli/main.ts', 'token'];

/** Runs `superkube token inspect ...` with a HOME that holds no kubeconfig, so only --kubeconfig counts. */
function inspect(args: string[], opts: { input?: string; home: string }): Promise<RunResult> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: opts.home, NO_COLOR: '' };
    delete env.KUBECONFIG;
    delete env.SUPERKUBE_DATA_DIR;
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', ...ENTRY, 'inspect', ...args],
      { cwd: ROOT, env, timeout: 60_000, maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : -1
          : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    child.stdin!.end(opts.input ?? '');
  });
}

function tamper(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  claims.sub = 'system:serviceaccount:kube-system:root';
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}

describe('superkube token inspect (e2e)', () => {
  let server: TestServer;
  let k: Kubectl;
  let home: string;
  let token: string;
  let robotToken: string;

  before(async () => {
    server = await startServer();
    k = new Kubectl('1.33', server);
    home = mkdtempSync(join(tmpdir(), 'token-inspect-home-'));
    token = (await k.ok(['create', 'token', 'default'])).trim();
    await k.ok(['create', 'serviceaccount', 'robot']);
    robotToken = (await k.ok(['create', 'token', 'robot'])).trim();
  });
  after(async () => {
    k?.cleanup();
    if (home) rmSync(home, { recursive: true, force: true });
    await server?.stop();
  });

  it('a fresh kubectl token is valid, maps to the service account and shows its permissions', async () => {
    const r = await inspect([token, '--kubeconfig', server.kubeconfig], { home });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0, r.stdout);
    const lines = r.stdout.split('\n');
    assert.equal(
      lines[1],
      'Type      service-account token (bound JWT from the TokenRequest API, e.g. kubectl create token)',
    );
    assert.equal(lines[2], "Verdict   VALID (the server's TokenReview accepts it)");
    assert.ok(lines.includes('  sub        system:serviceaccount:default:default'), r.stdout);
    assert.ok(lines.includes('    namespace        default'), r.stdout);
    assert.ok(
      lines.some((l) => /^ {2}exp {8}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC .* expires in (59m\d+s|1h)$/.test(l)),
      r.stdout,
    );
    assert.ok(lines.includes('  lifetime   1h (3600s)'), r.stdout);
    assert.ok(lines.includes(`Server   ${server.url}  (context superkube in ${server.kubeconfig})`), r.stdout);
    assert.ok(lines.includes('  authenticated   yes'), r.stdout);
    assert.ok(lines.includes('  username        system:serviceaccount:default:default'), r.stdout);
    assert.ok(
      lines.includes('  groups          system:serviceaccounts, system:serviceaccounts:default, system:authenticated'),
      r.stdout,
    );
    assert.ok(!r.stdout.includes(token), 'the token is never echoed');

    // The permissions table is exactly what kubectl prints for the same token.
    const canI = await k.ok(['auth', 'can-i', '--list', '-n', 'default', '--token', token]);
    const header = 'Permissions in namespace "default" (SelfSubjectRulesReview made with this token)';
    const at = lines.indexOf(header);
    assert.ok(at > 0, r.stdout);
    assert.equal(lines.slice(at + 1).join('\n'), canI);
    assert.match(canI, /selfsubjectrulesreviews\.authorization\.k8s\.io/);
  });

  it('reads the token from stdin and prints one JSON document with -o json', async () => {
    const r = await inspect(['-', '--kubeconfig', server.kubeconfig, '-o', 'json'], { home, input: `${token}\n` });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      kind: string;
      jwtType: string;
      valid: boolean;
      basis: string;
      server: {
        review: { via: string; authenticated: boolean; user: { username: string; groups: string[] } };
        rules: { namespace: string; status: { resourceRules: unknown[] } };
      };
    };
    assert.equal(report.kind, 'jwt');
    assert.equal(report.jwtType, 'bound');
    assert.equal(report.valid, true);
    assert.equal(report.basis, 'server');
    assert.equal(report.server.review.via, 'TokenReview');
    assert.equal(report.server.review.authenticated, true);
    assert.equal(report.server.review.user.username, 'system:serviceaccount:default:default');
    assert.equal(report.server.rules.namespace, 'default');
    assert.ok(report.server.rules.status.resourceRules.length > 0);
  });

  it('offline, --key-file <data dir>/sa.pub says the signature is valid', async () => {
    const saPub = join(server.dataDir, 'sa.pub');
    const r = await inspect([token, '--offline', '--key-file', saPub], { home });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[2], 'Verdict   VALID (offline: signature and time claims checked)');
    assert.ok(
      lines.some((l) => l.startsWith(`Signature   signature valid (RS256, key 1 of 1 in ${saPub}, kid `)),
      r.stdout,
    );
    assert.ok(!r.stdout.includes('Server '), 'the server is not asked');
  });

  it("verifies against the server's JWKS URL with the kubeconfig's CA and credentials", async () => {
    const r = await inspect([token, '--kubeconfig', server.kubeconfig, '--jwks', `${server.url}/openid/v1/jwks`], {
      home,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /\nSignature {3}signature valid \(RS256, key 1 of 1 in https:\/\/127\.0\.0\.1:\d+\/openid\/v1\/jwks, kid /,
    );
  });

  it('a tampered token is invalid offline (bad signature) and online (the server says why)', async () => {
    const forged = tamper(token);
    const offline = await inspect([forged, '--offline', '--key-file', join(server.dataDir, 'sa.pub')], { home });
    assert.equal(offline.code, 1, offline.stdout);
    assert.match(offline.stdout, /\nVerdict {3}INVALID \(offline: signature and time claims checked\)\n/);
    assert.match(
      offline.stdout,
      /\nReason {4}bad signature: RS256 signature does not verify with the key from .*sa\.pub\n/,
    );

    const online = await inspect([forged, '--kubeconfig', server.kubeconfig], { home });
    assert.equal(online.code, 1, online.stdout);
    assert.match(online.stdout, /\nVerdict {3}INVALID \(the server's TokenReview rejects it\)\n/);
    assert.match(
      online.stdout,
      /\nReason {4}rejected by the server: go-jose\/go-jose: error in cryptographic primitive\n/,
    );
    assert.match(online.stdout, /\n {2}authenticated {3}no\n/);
    assert.ok(!online.stdout.includes('Permissions in namespace'), 'no rules for an unauthenticated token');
  });

  it('the static admin token is recognised as static and maps to the admin user', async () => {
    const r = await inspect([server.adminToken, '--kubeconfig', server.kubeconfig], { home });
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    const lines = r.stdout.split('\n');
    assert.equal(
      lines[1],
      'Type      static token (not a JWT): it is valid only if listed in a token file; it does not expire',
    );
    assert.ok(lines.includes('  username        admin'), r.stdout);
    assert.ok(
      lines.some((l) => l.startsWith('*.*   ')),
      r.stdout,
    );
    assert.ok(!r.stdout.includes(server.adminToken));
  });

  it('falls back to a SelfSubjectReview when the kubeconfig user may not create TokenReviews', async () => {
    const kubeconfig = join(home, 'robot-kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: c\n  cluster:\n    server: ${server.url}\n    certificate-authority: ${join(server.dataDir, 'ca.crt')}`,
        'contexts:',
        '- name: robot\n  context:\n    cluster: c\n    user: robot',
        'current-context: robot',
        'users:',
        `- name: robot\n  user:\n    token: ${robotToken}`,
        '',
      ].join('\n'),
    );
    const r = await inspect([robotToken, '--kubeconfig', kubeconfig], { home });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /\nVerdict {3}VALID \(the server's SelfSubjectReview made with the token accepts it\)\n/);
    assert.match(
      r.stdout,
      /\n {2}note {12}TokenReview failed: 403 tokenreviews\.authentication\.k8s\.io is forbidden: /,
    );
    assert.match(r.stdout, /\n {2}username {8}system:serviceaccount:default:robot\n/);
  });

  it('after the service account is deleted, the token is invalid with the server reason', async () => {
    await k.ok(['delete', 'serviceaccount', 'robot']);
    // Successful authentications are cached for up to 10 s, as in kube-apiserver.
    const r = await eventually(
      async () => {
        const res = await inspect([robotToken, '--kubeconfig', server.kubeconfig], { home });
        return res.code === 1 ? res : undefined;
      },
      40_000,
      'the deleted service account token to be rejected',
    );
    assert.match(r.stdout, /\nVerdict {3}INVALID \(the server's TokenReview rejects it\)\n/);
    assert.match(r.stdout, /\nReason {4}rejected by the server: serviceaccounts "robot" not found\n/);
    assert.match(r.stdout, /\n {2}error {11}serviceaccounts "robot" not found\n/);
  });

  it('malformed input is a one-line diagnosis with exit code 2', async () => {
    const r = await inspect([`${token.split('.').slice(0, 2).join('.')}`], { home });
    assert.deepEqual(r, {
      code: 2,
      stdout: '',
      stderr: 'superkube token inspect: malformed JWT: 2 segments, a JWT has 3 (header.payload.signature)\n',
    });
    const usage = await inspect(['--no-such-flag', token], { home });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /unknown option '--no-such-flag'/);
  });
});
