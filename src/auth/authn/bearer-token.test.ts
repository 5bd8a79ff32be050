import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  authenticateBearer,
  EXTRA_SPACE_WARNING,
  goTrimSpace,
  INVALID_BEARER_TOKEN,
  parseBearerAuthorization,
} from './bearer-token.ts';
import type { AuthResponse, TokenAuthenticator } from './interfaces.ts';
import { AuthenticationError } from './interfaces.ts';

interface BearerCase {
  name: string;
  headers: string[];
  token_passed?: string;
  authn_result?: string;
  result?: 'authenticated' | 'no-credentials' | 'error';
  error?: string;
  warning?: string;
  authorization_header_after?: string[] | null;
}

const vectors = JSON.parse(readFileSync(new URL('./testdata/bearer-header-cases.json', import.meta.url), 'utf8')) as {
  cases: BearerCase[];
  derived_cases: BearerCase[];
};

/** A token authenticator scripted by the vector's `authn_result`, recording what it was handed. */
function scripted(authnResult: string | undefined): TokenAuthenticator & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    async authenticateToken(token: string): Promise<AuthResponse | null> {
      seen.push(token);
      if (authnResult === 'not-ok, nil error') return null;
      const custom = /^error '(.*)'$/.exec(authnResult ?? '');
      if (custom) throw new AuthenticationError(custom[1]!);
      return { user: { username: 'myuser', uid: '', groups: [], extra: {} }, audiences: [] };
    },
  };
}

for (const c of [...vectors.cases, ...vectors.derived_cases]) {
  test(`bearer vector: ${c.name}`, async () => {
    const auth = scripted(c.authn_result);
    const res = await authenticateBearer(c.headers, auth);
    const expected = c.result ?? (c.token_passed !== undefined ? 'authenticated' : undefined);
    assert.ok(expected, 'vector has an expectation');
    assert.equal(res.kind, expected);
    if (c.token_passed !== undefined) assert.deepEqual(auth.seen, [c.token_passed]);
    if (expected === 'no-credentials') {
      assert.deepEqual(auth.seen, [], 'no-credentials never reaches the token authenticator');
      assert.equal(res.kind === 'no-credentials' ? res.warning : 'unreachable', c.warning);
    }
    if (c.error !== undefined) {
      assert.equal(res.kind, 'error');
      if (res.kind === 'error') assert.equal(res.error.message, c.error);
    }
    if (c.authorization_header_after !== undefined) {
      // The header is removed exactly when authentication succeeded; otherwise it stays as received.
      const after = res.kind === 'authenticated' ? null : c.headers;
      assert.deepEqual(after, c.authorization_header_after);
    }
  });
}

test('parse: extra words after the token and case of scheme', () => {
  assert.deepEqual(parseBearerAuthorization(['BEARER abc def']), { kind: 'token', token: 'abc' });
  assert.deepEqual(parseBearerAuthorization(['Bearer  abc']), { kind: 'no-credentials', warning: EXTRA_SPACE_WARNING });
  assert.deepEqual(parseBearerAuthorization([]), { kind: 'no-credentials' });
  assert.deepEqual(parseBearerAuthorization(['Bearer\u00a0abc']), { kind: 'no-credentials' });
});

test('invalid bearer token when nobody recognises the token', async () => {
  const res = await authenticateBearer(['Bearer x'], { authenticateToken: async () => null });
  assert.equal(res.kind, 'error');
  if (res.kind === 'error') {
    assert.equal(res.error.message, INVALID_BEARER_TOKEN);
    assert.ok(res.error instanceof AuthenticationError);
  }
});

test('audiences are handed to the token authenticator', async () => {
  let got: string[] | undefined;
  await authenticateBearer(['Bearer x'], {
    authenticateToken: async (_t, auds) => {
      got = auds;
      return null;
    },
  });
  assert.equal(got, undefined);
  await authenticateBearer(
    ['Bearer x'],
    {
      authenticateToken: async (_t, auds) => {
        got = auds;
        return null;
      },
    },
    ['api'],
  );
  assert.deepEqual(got, ['api']);
});

test('goTrimSpace trims what Go trims, not U+FEFF', () => {
  assert.equal(goTrimSpace('\t\u00a0 x \u3000\r\n'), 'x');
  assert.equal(goTrimSpace('\ufeffx'), '\ufeffx');
  // Space at one end only, and nothing to trim.
  assert.equal(goTrimSpace('x\u0085'), 'x');
  assert.equal(goTrimSpace('\u2028x'), 'x');
  assert.equal(goTrimSpace('Bearer a b'), 'Bearer a b');
  assert.equal(goTrimSpace(' '), '');
  assert.equal(goTrimSpace(''), '');
});
