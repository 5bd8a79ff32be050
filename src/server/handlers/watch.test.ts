import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesObject } from '../../api/meta.ts';
import { gone } from '../../api/status.ts';
import type { ObjectEvent, ObjectWatch } from '../../registry/store.ts';
import { AsyncQueue } from '../../util/async-queue.ts';
import { watchStream } from './watch.ts';

function fakeWatch(startRevision: number) {
  const events = new AsyncQueue<ObjectEvent<KubernetesObject>>();
  let finish!: (err: Error | undefined) => void;
  const done = new Promise<Error | undefined>((r) => {
    finish = r;
  });
  let closed = false;
  const watch: ObjectWatch<KubernetesObject> = {
    startRevision,
    done,
    close: () => {
      closed = true;
      events.end();
      finish(undefined);
    },
    [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
  };
  return {
    watch,
    events,
    end: (err?: Error) => {
      events.end();
      finish(err);
    },
    isClosed: () => closed,
  };
}

const obj = (name: string, rv: string): KubernetesObject => ({ metadata: { name, resourceVersion: rv } });

async function collect(stream: AsyncIterable<string>, n: number): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const line of stream) {
    out.push(JSON.parse(line));
    if (out.length >= n) break;
  }
  return out;
}

test('events stream as JSON lines; BOOKMARKs carry the last delivered resourceVersion', async () => {
  const f = fakeWatch(10);
  const stream = watchStream(f.watch, {
    timeoutMs: 60_000,
    bookmarkIntervalMs: 50,
    bookmark: (rv) => ({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: rv } }),
    transform: (o) => o,
    signal: new AbortController().signal,
  });
  f.events.push({ type: 'ADDED', object: obj('a', '11') });
  const lines = await collect(stream, 2);
  assert.deepEqual(lines[0], { type: 'ADDED', object: obj('a', '11') });
  assert.deepEqual(lines[1], {
    type: 'BOOKMARK',
    object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '11' } },
  });
  assert.equal(f.isClosed(), true, 'leaving the stream closes the store watch');
});

test('timeoutSeconds ends the stream and closes the watch', async () => {
  const f = fakeWatch(5);
  const stream = watchStream(f.watch, {
    timeoutMs: 30,
    bookmark: () => ({}),
    transform: (o) => o,
    signal: new AbortController().signal,
  });
  const lines = await collect(stream, 10);
  assert.deepEqual(lines, []);
  assert.equal(f.isClosed(), true);
});

test('a watch ended by the store sends an ERROR event with the Status', async () => {
  const f = fakeWatch(5);
  const stream = watchStream(f.watch, {
    timeoutMs: 60_000,
    bookmark: () => ({}),
    transform: (o) => o,
    signal: new AbortController().signal,
  });
  f.end(gone('too old resource version: 5 (9)'));
  const lines = await collect(stream, 10);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!['type'], 'ERROR');
  assert.equal((lines[0]!['object'] as { code: number }).code, 410);
  assert.equal((lines[0]!['object'] as { message: string }).message, 'too old resource version: 5 (9)');
});

test('the client going away (abort) ends the stream', async () => {
  const f = fakeWatch(5);
  const ac = new AbortController();
  const stream = watchStream(f.watch, {
    timeoutMs: 60_000,
    bookmark: () => ({}),
    transform: (o) => o,
    signal: ac.signal,
  });
  setTimeout(() => ac.abort(), 20);
  assert.deepEqual(await collect(stream, 10), []);
  assert.equal(f.isClosed(), true);
});
