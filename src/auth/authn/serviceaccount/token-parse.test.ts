import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServiceAccountJws } from './token-parse.ts';

const ISS = 'https://iss.example';
const issuers = new Set([ISS]);
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const header = (kid: string) => b64(`{"alg":"RS256","kid":"${kid}"}`);
// 55 characters: the last one carries two unused bits.
const payload = b64(`{"iss":"${ISS}","sub":"sab"}`);
const sig = b64('signature bytes');

describe('parseServiceAccountJws', () => {
  it('reads canonical tokens, remembering each header by its text', () => {
    for (const kid of ['k1', 'k2', 'k1', 'k3', 'k2']) {
      const parsed = parseServiceAccountJws(`${header(kid)}.${payload}.${sig}`, issuers);
      assert.equal(parsed?.kid, kid);
      assert.equal(parsed?.signingInput.toString('latin1'), `${header(kid)}.${payload}`);
      assert.equal(parsed?.signature.toString(), 'signature bytes');
    }
  });

  it('keeps refusing a refused header when it is seen again', () => {
    const bad = b64('{"alg":1}');
    for (let i = 0; i < 3; i++) assert.equal(parseServiceAccountJws(`${bad}.${payload}.${sig}`, issuers), undefined);
  });

  it('gives non-canonical spellings the slow path, which signs over the canonical text', () => {
    const canonical = parseServiceAccountJws(`${header('k')}.${payload}.${sig}`, issuers);
    const spaced = parseServiceAccountJws(
      `${header('k')}.${payload.slice(0, 4)}\n${payload.slice(4)}.${sig}=`,
      issuers,
    );
    assert.ok(canonical && spaced);
    assert.deepEqual(spaced.signingInput, canonical.signingInput);
    assert.deepEqual(spaced.signature, canonical.signature);
    // Stray low bits in the last character: Go decodes the same bytes and signs their canonical encoding.
    const last = payload.length - 1;
    const bits = `${payload.slice(0, last)}${String.fromCharCode(payload.charCodeAt(last) + 1)}`;
    const strayBits = parseServiceAccountJws(`${header('k')}.${bits}.${sig}`, issuers);
    assert.deepEqual(strayBits?.signingInput, canonical.signingInput);
  });

  it('refuses characters that only decode because Node reads them by their low byte', () => {
    // A character U+01xx reads as the ASCII one it widens: Node decodes the text as if unchanged, Go refuses it.
    const widen = (part: string) => `${String.fromCharCode(0x100 + part.charCodeAt(0))}${part.slice(1)}`;
    assert.deepEqual(Buffer.from(widen(payload), 'base64url'), Buffer.from(payload, 'base64url'));
    assert.equal(parseServiceAccountJws(`${header('k')}.${widen(payload)}.${sig}`, issuers), undefined);
    assert.equal(parseServiceAccountJws(`${header('k')}.${payload}.${widen(sig)}`, issuers), undefined);
  });
});
