import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FakeClock } from '../../util/clock.ts';
import { type InspectIO, type InspectOptions, runInspect } from './inspect.ts';
import type { InspectReport } from './report.ts';
import { b64, rsaKey, signToken } from './testing.ts';

const NOW = Date.UTC(2026, 0, 1, 10, 0, 0) / 1000;
const home = mkdtempSync(join(tmpdir(), 'token-inspect-unit-'));
after(() => rmSync(home, { recursive: true, force: true }));

const key = rsaKey();
const pemFile = join(home, 'sa.pub');
writeFileSync(pemFile, key.publicPem);
const otherPem = join(home, 'other.pub');
writeFileSync(otherPem, rsaKey().publicPem);

const boundClaims = {
  aud: ['https://kubernetes.default.svc'],
  exp: NOW + 52 * 60,
  iat: NOW - 8 * 60,
  iss: 'https://kubernetes.default.svc',
  jti: 'a6d1e4c2-0000-4000-8000-000000000001',
  'kubernetes.io': {
    namespace: 'default',
    node: { name: 'n1', uid: 'node-uid' },
    pod: { name: 'web-0', uid: 'pod-uid' },
    serviceaccount: { name: 'default', uid: 'sa-uid' },
    warnafter: NOW + 52 * 60 - 3600 + 3607,
  },
  nbf: NOW - 8 * 60,
  sub: 'system:serviceaccount:default:default',
};
const BOUND = signToken(key.signing, boundClaims);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(partial: Partial<InspectOptions>, io: Partial<InspectIO> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runInspect(
    { keyFile: [], namespace: 'default', audience: [], offline: false, output: 'text', ...partial },
    {
      readStdin: async () => '',
      stdinIsTTY: false,
      stdoutIsTTY: false,
      writeOut: (t) => {
        stdout += t;
      },
      writeErr: (t) => {
        stderr += t;
      },
      // No kubeconfig anywhere: HOME is an empty directory and KUBECONFIG is unset.
      env: { HOME: home },
      clock: new FakeClock(NOW * 1000),
      offsetMinutes: () => 60,
      ...io,
    },
  );
  return { code, stdout, stderr };
}

describe('token inspect: layout', () => {
  it('lays out a bound token readably, offline', async () => {
    const r = await run({ token: BOUND });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^Token {5}eyJhbG\.\.\. \(\d+ characters, sha256:[0-9a-f]{64}\)$/);
    assert.equal(
      lines[1],
      'Type      service-account token (bound JWT from the TokenRequest API, e.g. kubectl create token)',
    );
    assert.equal(lines[2], 'Verdict   VALID (offline: structure and time claims only; signature not checked)');
    assert.equal(
      lines[3],
      'Note: no kubeconfig found (--kubeconfig, $KUBECONFIG, ~/.superkube/kubeconfig): the server was not asked',
    );
    const from = lines.indexOf('Header');
    assert.deepEqual(lines.slice(from), [
      'Header',
      '  alg   RS256',
      `  kid   ${key.signing.kid}`,
      '  typ   (none)',
      '',
      'Claims',
      '  iss        https://kubernetes.default.svc',
      '  sub        system:serviceaccount:default:default',
      '  aud        https://kubernetes.default.svc',
      '  jti        a6d1e4c2-0000-4000-8000-000000000001',
      '  iat        2026-01-01 09:52:00 UTC  (local 2026-01-01 10:52:00 +01:00)  issued 8m ago',
      '  nbf        2026-01-01 09:52:00 UTC  (local 2026-01-01 10:52:00 +01:00)  valid since 8m ago',
      '  exp        2026-01-01 10:52:00 UTC  (local 2026-01-01 11:52:00 +01:00)  expires in 52m',
      '  lifetime   1h (3600s)',
      '  kubernetes.io',
      '    namespace        default',
      '    serviceaccount   default  uid sa-uid',
      '    pod              web-0  uid pod-uid',
      '    node             n1  uid node-uid',
      '    warnafter        2026-01-01 10:52:07 UTC  (local 2026-01-01 11:52:07 +01:00)  stale-token warnings start in 52m7s',
      '',
    ]);
    assert.ok(!r.stdout.includes(BOUND), 'the token is never echoed');
    assert.ok(!r.stdout.includes('\x1b['), 'no colour when stdout is not a TTY');
  });

  it('labels static tokens and does not echo them', async () => {
    const token = 'AjaDOqHpPKMCTnigPna2rV3IiIiZmuieAWRpMK3qAzg';
    const r = await run({ token, offline: true });
    assert.equal(r.code, 0);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^Token {5}AjaDOq\.\.\. \(43 characters, sha256:[0-9a-f]{64}\)$/);
    assert.equal(
      lines[1],
      'Type      static token (not a JWT): it is valid only if listed in a token file; it does not expire',
    );
    assert.ok(!r.stdout.includes(token));
  });

  it('labels legacy secret-based tokens as never expiring', async () => {
    const legacy = signToken(key.signing, {
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': 'ns1',
      'kubernetes.io/serviceaccount/secret.name': 'build-robot-secret',
      'kubernetes.io/serviceaccount/service-account.name': 'build-robot',
      'kubernetes.io/serviceaccount/service-account.uid': 'u1',
      sub: 'system:serviceaccount:ns1:build-robot',
    });
    const r = await run({ token: legacy, offline: true, output: 'json' });
    assert.equal(r.code, 0);
    const report = JSON.parse(r.stdout) as InspectReport;
    assert.equal(report.jwtType, 'legacy');
    assert.equal(report.description, 'legacy service-account token (secret-based token; never expires)');
    assert.equal(report.secret, 'build-robot-secret');
    assert.deepEqual(report.serviceAccount, { namespace: 'ns1', name: 'build-robot', uid: 'u1' });
    assert.equal(report.lifetimeSeconds, null);
    const text = await run({ token: legacy, offline: true });
    const claimsBlock = text.stdout.slice(text.stdout.indexOf('Claims\n'));
    assert.equal(
      claimsBlock,
      [
        'Claims',
        '  iss      kubernetes/serviceaccount',
        '  sub      system:serviceaccount:ns1:build-robot',
        '  expiry   never (secret-based token; never expires)',
        '  kubernetes.io/serviceaccount/',
        '    namespace              ns1',
        '    secret.name            build-robot-secret',
        '    service-account.name   build-robot',
        '    service-account.uid    u1',
        '',
      ].join('\n'),
    );
  });
});

describe('token inspect: verdicts and exit codes', () => {
  it('an expired token is invalid (exit 1) with the reason', async () => {
    const r = await run({ token: BOUND, offline: true }, { clock: new FakeClock((NOW + 3 * 3600) * 1000) });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\nVerdict {3}INVALID \(offline: structure and time claims only; signature not checked\)\n/);
    assert.match(r.stdout, /\nReason {4}expired \(server: "service account token has expired"\)\n/);
    assert.match(r.stdout, /expired 2h8m ago/);
  });

  it('--key-file: valid signature exits 0, a foreign key exits 1 with unknown kid', async () => {
    const ok = await run({ token: BOUND, offline: true, keyFile: [pemFile] });
    assert.equal(ok.code, 0);
    assert.match(
      ok.stdout,
      new RegExp(`\\nSignature   signature valid \\(RS256, key 1 of 1 in ${pemFile.replace(/[/.]/g, '\\$&')}, kid `),
    );
    const bad = await run({ token: BOUND, offline: true, keyFile: [otherPem] });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /\nReason {4}unknown kid: no key in .* has kid/);
  });

  it('a tampered token fails the signature check', async () => {
    const [h, , s] = BOUND.split('.');
    const p = b64(JSON.stringify({ ...boundClaims, sub: 'system:serviceaccount:kube-system:admin' }));
    const r = await run({ token: `${h}.${p}.${s}`, offline: true, keyFile: [pemFile], output: 'json' });
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as InspectReport;
    assert.equal(report.valid, false);
    assert.equal(report.signature?.reason, 'bad signature');
    assert.equal(report.basis, 'signature');
  });

  it('malformed input: one line on stderr, nothing on stdout, exit 2', async () => {
    for (const token of [
      `${BOUND}.x`,
      'eyJhbGciOi!.e30.c2ln',
      `${b64('{"alg":"RS256"}')}.${b64('{"a":1,"a":2}')}.c2ln`,
    ]) {
      const r = await run({ token, offline: true });
      assert.equal(r.code, 2, token);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^superkube token inspect: malformed JWT: [^\n]+\n$/);
      assert.ok(!r.stderr.includes('    at '), 'no stack trace');
    }
  });

  it('usage errors exit 2: no token on a terminal, unreadable key file, missing --kubeconfig', async () => {
    const none = await run({}, { stdinIsTTY: true });
    assert.deepEqual(none, {
      code: 2,
      stdout: '',
      stderr: 'superkube token inspect: no token given: pass TOKEN as an argument, or "-" and the token on stdin\n',
    });
    const key = await run({ token: BOUND, offline: true, keyFile: [join(home, 'nope.pem')] });
    assert.equal(key.code, 2);
    assert.match(key.stderr, /^superkube token inspect: --key-file .*nope\.pem: ENOENT/);
    const garbage = join(home, 'garbage.pem');
    writeFileSync(garbage, 'not a key\n');
    const notKey = await run({ token: BOUND, offline: true, keyFile: [garbage] });
    assert.equal(notKey.code, 2);
    assert.equal(
      notKey.stderr,
      `superkube token inspect: --key-file ${garbage}: data does not contain any valid RSA or ECDSA public keys\n`,
    );
    const kc = await run({ token: BOUND, kubeconfig: join(home, 'missing-kubeconfig') });
    assert.equal(kc.code, 2);
    assert.match(kc.stderr, /--kubeconfig .*missing-kubeconfig: no such file\n$/);
  });

  it('reads the token from stdin for "-" and when no argument is given', async () => {
    for (const token of ['-', undefined]) {
      const r = await run({ token, offline: true, output: 'json' }, { readStdin: async () => `${BOUND}\n` });
      assert.equal(r.code, 0);
      assert.equal((JSON.parse(r.stdout) as InspectReport).kind, 'jwt');
    }
  });
});

describe('token inspect: -o json and colour', () => {
  it('prints one JSON document with stable fields', async () => {
    const r = await run({ token: BOUND, output: 'json', keyFile: [pemFile] });
    const report = JSON.parse(r.stdout) as InspectReport;
    assert.equal(report.kind, 'jwt');
    assert.equal(report.jwtType, 'bound');
    assert.deepEqual(report.header, { alg: 'RS256', kid: key.signing.kid });
    assert.deepEqual(report.claims, boundClaims);
    assert.deepEqual(report.serviceAccount, { namespace: 'default', name: 'default', uid: 'sa-uid' });
    assert.deepEqual(report.boundTo, { pod: { name: 'web-0', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' } });
    assert.deepEqual(report.times?.exp, {
      unix: NOW + 52 * 60,
      utc: '2026-01-01T10:52:00Z',
      local: '2026-01-01 11:52:00 +01:00',
      relative: 'expires in 52m',
    });
    assert.equal(report.lifetimeSeconds, 3600);
    assert.equal(report.expires, true);
    assert.equal(report.checkedAt, '2026-01-01T10:00:00Z');
    assert.equal(report.signature?.valid, true);
    assert.equal(report.server, undefined);
    assert.equal(report.basis, 'signature');
    assert.equal(report.valid, true);
    assert.deepEqual(report.reasons, []);
    assert.ok(!r.stdout.includes(BOUND));
  });

  it('colours only a TTY without NO_COLOR', async () => {
    const tty = await run({ token: BOUND, offline: true }, { stdoutIsTTY: true });
    assert.ok(tty.stdout.includes('\x1b[32m'));
    const noColor = await run(
      { token: BOUND, offline: true },
      { stdoutIsTTY: true, env: { HOME: home, NO_COLOR: '1' } },
    );
    assert.ok(!noColor.stdout.includes('\x1b['));
  });
});
