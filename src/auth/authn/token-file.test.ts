import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  formatTokenFileLine,
  parseTokenFile,
  StaticTokenAuthenticator,
  StaticTokenSet,
  TokenFileError,
} from './token-file.ts';

interface Lookup {
  token: string;
  ok: boolean;
  user?: { name: string; uid: string; groups: string[] | null } | null;
}
interface TokenFileCase {
  name: string;
  csv: string;
  load_error: boolean;
  expected_error?: string;
  expected_error_pattern?: string;
  lookups?: Lookup[];
  token_count?: number;
  note?: string;
}

const vectors = JSON.parse(readFileSync(new URL('./testdata/tokenfile-cases.json', import.meta.url), 'utf8')) as {
  upstream_cases: TokenFileCase[];
  derived_cases: TokenFileCase[];
};

const PATH = '<path>';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const c of [...vectors.upstream_cases, ...vectors.derived_cases]) {
  test(`token file vector: ${c.name}`, async () => {
    if (c.load_error) {
      assert.throws(
        () => parseTokenFile(c.csv, PATH),
        (err: unknown) => {
          assert.ok(err instanceof TokenFileError);
          if (c.expected_error !== undefined) assert.equal(err.message, c.expected_error);
          if (c.expected_error_pattern !== undefined) {
            const re = new RegExp(`^${escapeRe(c.expected_error_pattern).replace('column N', 'column \\d+')}$`);
            assert.match(err.message, re);
          }
          assert.equal(typeof err.line, 'number');
          return true;
        },
      );
      return;
    }
    const { tokens, warnings } = parseTokenFile(c.csv, PATH);
    if (c.token_count !== undefined) assert.equal(tokens.size, c.token_count);
    const noted = /warning "(.*)"$/.exec(c.note ?? '');
    if (noted) assert.deepEqual(warnings, [noted[1]]);
    else assert.deepEqual(warnings, []);
    const auth = new StaticTokenAuthenticator(tokens, { apiAudiences: [] });
    for (const l of c.lookups ?? []) {
      const res = await auth.authenticateToken(l.token);
      if (!l.ok) {
        assert.equal(res, null, l.token);
        continue;
      }
      assert.ok(res, l.token);
      const want = l.user!;
      // UserInfo has no null: upstream's null groups (fewer than 4 columns) is an empty list here.
      assert.deepEqual(res.user, { username: want.name, uid: want.uid, groups: want.groups ?? [], extra: {} });
      assert.deepEqual(res.audiences, []);
    }
  });
}

test('the first problem in file order is reported, with its line', () => {
  assert.throws(() => parseTokenFile('a,b,c\n\nshort\nx"y,b,c\n', 'f.csv'), {
    message: "token file 'f.csv' must have at least 3 columns (token, user name, user uid), found 1",
    line: 3,
  });
  assert.throws(() => parseTokenFile('a,b,c\nx"y,b,c\nshort\n', 'f.csv'), {
    message: 'parse error on line 2, column 2: bare " in non-quoted-field',
    line: 2,
  });
});

test('record numbers in warnings count records, not lines', () => {
  const { warnings, tokens } = parseTokenFile('\n\nt,u,1\n,u,2\n\nt,v,3\n', 'f');
  assert.deepEqual(warnings, [
    "empty token has been found in token file 'f', record number '2'",
    "duplicate token has been found in token file 'f', record number '3'",
  ]);
  assert.equal(tokens.size, 1);
});

test('audience-agnostic: answers for API audiences only', async () => {
  const { tokens } = parseTokenFile('tok,u,id\n', 'f');
  const auth = new StaticTokenAuthenticator(tokens, { apiAudiences: ['https://kubernetes.default.svc', 'k3s'] });
  assert.deepEqual((await auth.authenticateToken('tok'))?.audiences, ['https://kubernetes.default.svc', 'k3s']);
  assert.deepEqual((await auth.authenticateToken('tok', ['other', 'k3s']))?.audiences, ['k3s']);
  assert.equal(await auth.authenticateToken('tok', ['other']), null, 'no common audience: not recognised');
  assert.deepEqual((await auth.authenticateToken('tok', []))?.audiences, [], 'no audiences asked: none returned');
  const open = new StaticTokenAuthenticator(tokens, { apiAudiences: [] });
  assert.equal(await open.authenticateToken('tok', ['x']), null);
  assert.deepEqual((await open.authenticateToken('tok'))?.audiences, []);
});

test('replace swaps the set; returned users are copies', async () => {
  const auth = new StaticTokenAuthenticator(parseTokenFile('a,u,1,g\n', 'f').tokens, { apiAudiences: [] });
  const r1 = await auth.authenticateToken('a');
  r1!.user.groups.push('mutated');
  assert.deepEqual((await auth.authenticateToken('a'))!.user.groups, ['g']);
  auth.replace(parseTokenFile('b,u,1\n', 'f').tokens);
  assert.equal(await auth.authenticateToken('a'), null);
  assert.ok(await auth.authenticateToken('b'));
  assert.equal(auth.size, 1);
});

test('lookup is exact and case-sensitive; later pairs win', () => {
  const u = (username: string) => ({ username, uid: '', groups: [], extra: {} });
  const set = new StaticTokenSet([
    ['s3cr3t-token-value', u('a')],
    ['S3CR3T-TOKEN-VALUE', u('b')],
    ['S3CR3T-TOKEN-VALUE', u('c')],
  ]);
  assert.equal(set.size, 2);
  assert.equal(set.lookup('S3CR3T-TOKEN-VALUE')?.username, 'c');
  assert.ok(set.lookup('s3cr3t-token-value'));
  assert.equal(set.lookup('s3cr3t-token-valuf'), undefined);
});

test('formatTokenFileLine round-trips and matches the microk8s shape', () => {
  assert.equal(
    formatTokenFileLine('abc+/=', 'admin', 'admin', ['system:masters']),
    'abc+/=,admin,admin,"system:masters"',
  );
  assert.equal(formatTokenFileLine('t', 'system:kube-proxy', 'kube-proxy', []), 't,system:kube-proxy,kube-proxy');
  const cases: [string, string, string, string[]][] = [
    ['t"k', 'a,b', ' lead', ['g1', ' g2', '']],
    ['\\.', '', '', []],
    ['tok', 'ü', 'x', ['a"b']],
  ];
  for (const [t, u, id, g] of cases) {
    const { tokens } = parseTokenFile(formatTokenFileLine(t, u, id, g) + '\n', 'f');
    assert.deepEqual(tokens.lookup(t), { username: u, uid: id, groups: g, extra: {} });
  }
  assert.throws(() => formatTokenFileLine('', 'u', 'i', []), TypeError);
  assert.throws(() => formatTokenFileLine('t', 'u', 'i', ['a,b']), TypeError);
  assert.throws(() => formatTokenFileLine('t\n', 'u', 'i', []), TypeError);
});
