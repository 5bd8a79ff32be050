import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeToken, fingerprint, MalformedTokenError, normaliseInput } from './decode.ts';
import { b64 } from './testing.ts';

const HEADER = b64('{"alg":"RS256","kid":"k1"}');
const PAYLOAD = b64('{"iss":"https://kubernetes.default.svc","sub":"system:serviceaccount:a:b","kubernetes.io":{}}');
const SIG = 'c2ln';

function diagnosis(token: string): string {
  try {
    decodeToken(token);
  } catch (err) {
    assert.ok(err instanceof MalformedTokenError, `expected MalformedTokenError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail(`no error for ${token}`);
}

describe('decodeToken: static tokens', () => {
  it('treats opaque words as static tokens', () => {
    // microk8s-style (base64 with = and +/), hex, and bootstrap-token-shaped (one dot) tokens.
    for (const t of [
      'AjaDOqHpPKMCTnigPna2rV3IiIiZmuieAWRpMK3qAzg',
      'YWJj+ZGVm/Zz==',
      'deadbeef',
      'abcdef.0123456789abcdef',
    ]) {
      assert.deepEqual(decodeToken(t), { kind: 'static' }, t);
    }
  });
});

describe('decodeToken: JWTs', () => {
  it('decodes header, every claim and the flavour', () => {
    const d = decodeToken(`${HEADER}.${PAYLOAD}.${SIG}`);
    assert.equal(d.kind, 'jwt');
    if (d.kind !== 'jwt') return;
    assert.equal(d.flavour, 'bound');
    assert.deepEqual(d.header, { alg: 'RS256', kid: 'k1' });
    assert.equal(d.claims.sub, 'system:serviceaccount:a:b');
    assert.equal(d.signingInput.toString(), `${HEADER}.${PAYLOAD}`);
  });
  it('recognises legacy secret-based tokens and other JWTs', () => {
    const legacy = decodeToken(`${HEADER}.${b64('{"iss":"kubernetes/serviceaccount","sub":"x"}')}.${SIG}`);
    assert.equal(legacy.kind === 'jwt' && legacy.flavour, 'legacy');
    const other = decodeToken(`${HEADER}.${b64('{"iss":"https://accounts.example.com","sub":"x"}')}.${SIG}`);
    assert.equal(other.kind === 'jwt' && other.flavour, 'other');
  });
});

describe('decodeToken: malformed input gets a one-line diagnosis', () => {
  it('wrong segment count', () => {
    assert.equal(
      diagnosis(`${HEADER}.${PAYLOAD}`),
      'malformed JWT: 2 segments, a JWT has 3 (header.payload.signature)',
    );
    assert.equal(
      diagnosis(`${HEADER}.${PAYLOAD}.${SIG}.x`),
      'malformed JWT: 4 segments, a JWT has 3 (header.payload.signature)',
    );
    assert.match(diagnosis(`${HEADER}.a.b.c.d`), /^malformed JWT: 5 segments is an encrypted JWT \(JWE\)/);
  });
  it('not base64url', () => {
    assert.equal(
      diagnosis(`${HEADER}.${PAYLOAD.slice(0, 10)}!x.${SIG}`),
      'malformed JWT: the payload segment is not base64url (unexpected character "!")',
    );
    assert.equal(
      diagnosis(`${HEADER}.${b64('{"a":1}')}==.${SIG}`),
      "malformed JWT: the payload segment has '=' padding (JWTs use base64url without padding)",
    );
    assert.equal(diagnosis(`${HEADER}.${PAYLOAD}.`), 'malformed JWT: the signature segment is empty');
  });
  it('bad JSON, non-object JSON and duplicate keys', () => {
    assert.equal(
      diagnosis(`${HEADER}.${b64('{"iss":')}.${SIG}`),
      'malformed JWT: the payload is not valid JSON: "{\\"iss\\":"',
    );
    assert.equal(
      diagnosis(`${b64('{"alg":"RS256"}')}.${b64('[1]')}.${SIG}`).startsWith(
        'malformed JWT: the payload is JSON but not an object',
      ),
      true,
    );
    assert.equal(
      diagnosis(`${HEADER}.${b64('{"sub":"a","sub":"b"}')}.${SIG}`),
      'malformed JWT: the payload has the member "sub" twice (duplicate keys are rejected)',
    );
    assert.equal(
      diagnosis(`${b64('{"alg":"RS256","alg":"none"}')}.${PAYLOAD}.${SIG}`),
      'malformed JWT: the header has the member "alg" twice (duplicate keys are rejected)',
    );
  });
  it('claims of the wrong type name the claim and quote the server', () => {
    assert.equal(
      diagnosis(`${HEADER}.${b64('{"exp":"tomorrow"}')}.${SIG}`),
      'malformed JWT: claim "exp": go-jose/go-jose/jwt: expected number value to unmarshal NumericDate',
    );
    assert.equal(
      diagnosis(`${HEADER}.${b64('{"sub":7}')}.${SIG}`),
      'malformed JWT: claim "sub": json: cannot unmarshal number into Go value of type string',
    );
  });
  it('a header without alg, pasted JSON, whitespace, nothing', () => {
    assert.equal(diagnosis(`${b64('{"kid":"x"}')}.${PAYLOAD}.${SIG}`), 'malformed JWT: the header has no "alg"');
    assert.match(diagnosis('{"status":{"token":"x"}}'), /^the input is JSON, not a token/);
    assert.match(diagnosis('two words'), /contains whitespace/);
    assert.match(diagnosis(''), /^no token given/);
  });
});

describe('fingerprint / normaliseInput', () => {
  it('never shows more than a short prefix', () => {
    const f = fingerprint('AjaDOqHpPKMCTnigPna2rV3IiIiZmuieAWRpMK3qAzg');
    assert.equal(f.prefix, 'AjaDOq');
    assert.equal(f.length, 43);
    assert.match(f.sha256, /^[0-9a-f]{64}$/);
    assert.equal(fingerprint('abcd').prefix, 'a');
  });
  it('trims pasted input and a copied Bearer scheme', () => {
    assert.equal(normaliseInput('  tok\n'), 'tok');
    assert.equal(normaliseInput('Bearer tok'), 'tok');
  });
});
