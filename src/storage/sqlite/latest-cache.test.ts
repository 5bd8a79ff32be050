import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeyValue } from '../interface.ts';
import { LatestCache } from './latest-cache.ts';

const kv = (key: string, size: number, rev = 1): KeyValue => ({
  key,
  value: Buffer.alloc(size, 'x'),
  createRevision: 1,
  modRevision: rev,
});

describe('LatestCache', () => {
  it('keeps values within its byte bound, evicting the oldest insertion first', () => {
    const c = new LatestCache(100);
    c.set(kv('a', 40));
    c.set(kv('b', 40));
    c.set(kv('c', 40));
    assert.equal(c.get('a'), undefined);
    assert.equal(c.get('b')?.key, 'b');
    assert.equal(c.get('c')?.key, 'c');
    assert.equal(c.bytes, 80);
  });

  it('does not keep a value larger than the whole bound, and 0 keeps nothing', () => {
    const c = new LatestCache(10);
    c.set(kv('big', 11));
    assert.equal(c.size, 0);
    const off = new LatestCache(0);
    off.set(kv('a', 1));
    assert.equal(off.get('a'), undefined);
  });

  it('refresh replaces a cached value but never inserts one', () => {
    const c = new LatestCache(100);
    c.refresh(kv('a', 10, 5));
    assert.equal(c.get('a'), undefined);
    c.set(kv('a', 10, 5));
    c.refresh(kv('a', 30, 6));
    assert.equal(c.get('a')?.modRevision, 6);
    assert.equal(c.bytes, 30);
  });

  it('delete forgets the key and its bytes; cached entries cannot be changed by a caller', () => {
    const c = new LatestCache(100);
    c.set(kv('a', 10));
    const got = c.get('a')!;
    assert.throws(() => {
      (got as KeyValue).modRevision = 99;
    }, TypeError);
    c.delete('a');
    assert.equal(c.get('a'), undefined);
    assert.equal(c.bytes, 0);
  });
});
