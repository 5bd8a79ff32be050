import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkQueue } from './work-queue.ts';

/** Polls until `check` holds; the deadline bounds a broken run and is never asserted as timing. */
async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('WorkQueue', () => {
  it('processes added keys one at a time, in order', async () => {
    const seen: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const q = new WorkQueue(
      async (key) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(1);
        seen.push(key);
        running--;
        return 'done';
      },
      () => assert.fail('no errors expected'),
    );
    q.add('a');
    q.add('b');
    q.add('c');
    await q.idle();
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.equal(maxRunning, 1);
    q.stop();
  });

  it('de-duplicates a key that is already waiting', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const q = new WorkQueue(
      async (key) => {
        if (key === 'blocker') await gate;
        seen.push(key);
        return 'done';
      },
      () => {},
    );
    q.add('blocker');
    q.add('x');
    q.add('x');
    q.add('y');
    q.add('x');
    release();
    await q.idle();
    assert.deepEqual(seen, ['blocker', 'x', 'y']);
    q.stop();
  });

  it('a key added while it is being processed is processed again', async () => {
    const seen: string[] = [];
    let q!: WorkQueue;
    let first = true;
    q = new WorkQueue(
      async (key) => {
        seen.push(key);
        if (first) {
          first = false;
          q.add(key);
        }
        return 'done';
      },
      () => {},
    );
    q.add('k');
    await q.idle();
    assert.deepEqual(seen, ['k', 'k']);
    q.stop();
  });

  it('a failing key is reported and retried', async () => {
    let attempts = 0;
    const errors: [string, unknown][] = [];
    const q = new WorkQueue(
      async () => {
        attempts++;
        if (attempts === 1) throw new Error('boom');
        return 'done';
      },
      (key, err) => errors.push([key, err]),
    );
    q.add('k');
    await eventually(() => attempts === 2, 'the retry');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]![0], 'k');
    assert.equal((errors[0]![1] as Error).message, 'boom');
    q.stop();
  });

  it("'requeue' brings a key back later", async () => {
    let attempts = 0;
    const q = new WorkQueue(
      async () => (++attempts < 3 ? 'requeue' : 'done'),
      () => assert.fail('no errors expected'),
    );
    q.add('k');
    await eventually(() => attempts === 3, 'two requeues');
    q.stop();
  });

  it('addAfter delays a key', async () => {
    const seen: string[] = [];
    const q = new WorkQueue(
      async (k) => {
        seen.push(k);
        return 'done';
      },
      () => {},
    );
    q.addAfter('later', 20);
    assert.deepEqual(seen, []);
    await eventually(() => seen.length === 1, 'the delayed key');
    assert.deepEqual(seen, ['later']);
    q.stop();
  });

  it('stop() drops pending and delayed keys and ignores new ones', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const q = new WorkQueue(
      async (k) => {
        if (k === 'blocker') await gate;
        seen.push(k);
        return 'done';
      },
      () => {},
    );
    q.add('blocker');
    q.add('pending');
    q.addAfter('delayed', 10);
    q.stop();
    q.add('after-stop');
    release();
    await q.idle();
    await sleep(50); // past the delayed key's timer: it must not fire
    assert.deepEqual(seen, ['blocker']);
  });

  it('idle() resolves at once when there is nothing to do', async () => {
    const q = new WorkQueue(
      async () => 'done',
      () => {},
    );
    await q.idle();
    q.stop();
  });
});
