import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCanonicalBase64Url } from './base64url.ts';

/** The check as Node's decoder sees the part. */
const canonical = (part: string) => isCanonicalBase64Url(part, Buffer.from(part, 'base64url').length);
/** The definition it must agree with: re-encoding the decoded bytes gives the text back. */
const reencodes = (part: string) => Buffer.from(part, 'base64url').toString('base64url') === part;

describe('isCanonicalBase64Url', () => {
  it('accepts what a base64url encoder writes, at every length', () => {
    for (let n = 0; n < 12; n++) assert.ok(canonical(Buffer.alloc(n, 0xa5).toString('base64url')), `length ${n}`);
    assert.ok(canonical(''));
    assert.ok(canonical('-_-_'));
  });

  it('refuses non-zero trailing bits', () => {
    assert.ok(canonical('QQ'));
    assert.equal(canonical('QR'), false);
    assert.equal(canonical('QUI'), true);
    assert.equal(canonical('QUJ'), false);
  });

  it('refuses a length of 4k+1, padding and stray characters', () => {
    assert.equal(canonical('QUJDR'), false);
    assert.equal(canonical('QQ=='), false);
    assert.equal(canonical('QUI='), false);
    assert.equal(canonical('QQ==QUJD'), false);
    for (const stray of ['+', '/', ' ', '\n', '.', '!', '\u00e9']) {
      assert.equal(canonical(`QUJD${stray}QUJD`), false, JSON.stringify(stray));
      assert.equal(canonical(`QU${stray}D`), false, JSON.stringify(stray));
    }
  });

  it('refuses characters Node would read by their low byte', () => {
    // U+0141 and U+0151 truncate to 'A' and 'Q': Node decodes the text like 'AAAA' and 'QQ'.
    assert.deepEqual(Buffer.from('\u0141\u0141\u0141\u0141', 'base64url'), Buffer.from('AAAA', 'base64url'));
    assert.equal(canonical('\u0141\u0141\u0141\u0141'), false);
    assert.equal(canonical('\u0151Q'), false);
  });

  it('agrees with re-encoding on random texts', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const odd = ['+', '/', '=', ' ', '\r', '\n', '.', '\u0141', '\u00e9', '\u017f', '\ud83d'];
    for (let i = 0; i < 20000; i++) {
      let s = '';
      const len = i % 13;
      for (let j = 0; j < len; j++) {
        s +=
          Math.random() < 0.9 ? alphabet[Math.floor(Math.random() * 64)] : odd[Math.floor(Math.random() * odd.length)];
      }
      assert.equal(canonical(s), reencodes(s), JSON.stringify(s));
    }
  });
});
