import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsyncQueue } from './async-queue.ts';

async function drain<T>(q: AsyncQueue<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of q) out.push(v);
  return out;
}

describe('AsyncQueue', () => {
  it('delivers values pushed before iteration, in order, then ends', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.push(2);
    q.push(3);
    assert.equal(q.size, 3);
    q.end();
    assert.deepEqual(await drain(q), [1, 2, 3]);
    assert.equal(q.size, 0);
  });

  it('wakes a waiting consumer when a value arrives', async () => {
    const q = new AsyncQueue<string>();
    const it = q[Symbol.asyncIterator]();
    const first = it.next();
    let settled = false;
    void first.then(() => {
      settled = true;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'nothing pushed yet');
    q.push('a');
    assert.deepEqual(await first, { value: 'a', done: false });
    const second = it.next();
    q.end();
    assert.deepEqual(await second, { value: undefined, done: true });
  });

  it('end() while a consumer waits finishes the iteration', async () => {
    const q = new AsyncQueue<number>();
    const consumed = drain(q);
    await new Promise((r) => setImmediate(r));
    q.end();
    assert.deepEqual(await consumed, []);
  });

  it('values pushed after end() are dropped; values before it are still delivered', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.end();
    q.push(2);
    assert.equal(q.size, 1);
    assert.deepEqual(await drain(q), [1]);
  });

  it('interleaved producer and consumer see every value exactly once', async () => {
    const q = new AsyncQueue<number>();
    const consumed = drain(q);
    for (let i = 0; i < 100; i++) {
      q.push(i);
      if (i % 7 === 0) await new Promise((r) => setImmediate(r));
    }
    q.end();
    assert.deepEqual(
      await consumed,
      Array.from({ length: 100 }, (_, i) => i),
    );
  });
});
