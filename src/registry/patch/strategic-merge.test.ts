import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../api/status.ts';
import type { JsonObject } from './json-value.ts';
import type { FieldMeta, KindSchema } from './schema.ts';
import { applyStrategicMergePatch, patchWithStrategicMerge, StrategicMergeError } from './strategic-merge.ts';

// The MergeItem test struct of apimachinery strategicpatch/patch_test.go, as a (bounded-depth) schema table.
function mergeItemSchema(): KindSchema {
  const tags: Record<string, FieldMeta> = {
    mergingList: { patchStrategy: 'merge', patchMergeKey: 'name' },
    mergingIntList: { patchStrategy: 'merge' },
    mergeItemPtr: { patchStrategy: 'merge', patchMergeKey: 'name' },
    replacingItem: { patchStrategy: 'replace' },
    retainKeysMap: { patchStrategy: 'retainKeys' },
    retainKeysMergingList: { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
  };
  const out: Record<string, FieldMeta> = {};
  const add = (prefix: string, depth: number): void => {
    for (const [k, v] of Object.entries(tags)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out[p] = v;
      if (
        depth > 0 &&
        (k === 'mergingList' || k === 'mergeItemPtr' || k === 'retainKeysMergingList' || k === 'retainKeysMap')
      ) {
        add(p, depth - 1);
      }
    }
  };
  add('', 2);
  return out;
}

const S = mergeItemSchema();
const smp = (original: JsonObject, patch: JsonObject): JsonObject => applyStrategicMergePatch(original, patch, S);

// [description, original, patch, expected] — from customStrategicMergePatchTestCaseData,
// customStrategicMergePatchRawTestCases and the current/threeWay/result columns of createStrategicMergePatchTestCaseData.
const cases: Array<[string, JsonObject, JsonObject, JsonObject]> = [
  [
    'unique scalars when merging lists',
    { mergingIntList: [1, 2] },
    { mergingIntList: [2, 3] },
    { mergingIntList: [1, 2, 3] },
  ],
  [
    'delete map from nested map',
    { simpleMap: { key1: 1, key2: 1 } },
    { simpleMap: { $patch: 'delete' } },
    { simpleMap: {} },
  ],
  [
    'delete all items from merging list',
    { mergingList: [{ name: 1 }, { name: 2 }] },
    { mergingList: [{ $patch: 'replace' }] },
    { mergingList: [] },
  ],
  ['merge empty merging lists', { mergingList: [] }, { mergingList: [] }, { mergingList: [] }],
  ['delete all keys from map', { name: 1, value: 1 }, { $patch: 'replace' }, {}],
  ['add key and delete all keys from map', { name: 1, value: 1 }, { other: 'a', $patch: 'replace' }, { other: 'a' }],
  [
    'retainKeys map can add a field without directive',
    { retainKeysMap: { name: 'foo' } },
    { retainKeysMap: { value: 'bar' } },
    { retainKeysMap: { name: 'foo', value: 'bar' } },
  ],
  [
    'retainKeys map can delete a field without directive',
    { retainKeysMap: { name: 'foo', value: 'a' } },
    { retainKeysMap: { value: null } },
    { retainKeysMap: { name: 'foo' } },
  ],
  [
    'retainKeys map merge an empty map',
    { retainKeysMap: { name: 'foo', value: 'a' } },
    { retainKeysMap: {} },
    { retainKeysMap: { name: 'foo', value: 'a' } },
  ],
  [
    'retainKeys list can change a field without directive',
    { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
    { retainKeysMergingList: [{ name: 'foo', value: 'b' }] },
    { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'b' }] },
  ],
  [
    'preserve the order from the patch in a merging list',
    { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    {
      mergingList: [
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
        { name: 2, other: 'x' },
      ],
    },
    {
      mergingList: [
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
        { name: 2, value: 'b', other: 'x' },
      ],
    },
  ],
  [
    'preserve the order from the patch in a merging list 2',
    { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    {
      mergingList: [
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
      ],
    },
    {
      mergingList: [
        { name: 2, value: 'b' },
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
      ],
    },
  ],
  [
    'preserve the order from the patch in a merging int list',
    { mergingIntList: [1, 2, 3] },
    { mergingIntList: [3, 1, 2] },
    { mergingIntList: [3, 1, 2] },
  ],
  [
    'preserve the order from the patch in a merging int list 2',
    { mergingIntList: [1, 2, 3] },
    { mergingIntList: [3, 1] },
    { mergingIntList: [2, 3, 1] },
  ],
  [
    '$setElementOrder contains item that is not present in the list to be merged',
    { mergingList: [{ name: 1 }, { name: 3 }] },
    {
      '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }],
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
    {
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
  ],
  [
    '$setElementOrder contains item that is not present in the int list to be merged',
    { mergingIntList: [1, 3] },
    { '$setElementOrder/mergingIntList': [3, 2, 1] },
    { mergingIntList: [3, 1] },
  ],
  ['nil patch', { name: 1 }, {}, { name: 1 }],
  ['add field and delete field from map', { name: 1, other: 'a' }, { name: null, value: 1 }, { value: 1, other: 'a' }],
  [
    'delete field from nested map',
    { simpleMap: { key1: 1, key2: 1, other: 'a' } },
    { simpleMap: { key2: null } },
    { simpleMap: { key1: 1, other: 'a' } },
  ],
  [
    'replace list of scalars',
    { nonMergingIntList: [1, 4] },
    { nonMergingIntList: [2, 3] },
    { nonMergingIntList: [2, 3] },
  ],
  [
    'delete all maps from merging list with conflict',
    {
      mergingList: [
        { name: 1, other: 'a' },
        { name: 2, other: 'b' },
      ],
    },
    {
      mergingList: [
        { name: 1, $patch: 'delete' },
        { name: 2, $patch: 'delete' },
      ],
    },
    { mergingList: [] },
  ],
  [
    'defined null values should propagate overwrite current fields',
    { name: 'a', other: 'a' },
    { name: 1, value: 1, other: null },
    { name: 1, value: 1 },
  ],
  [
    'delete items in lists of scalars',
    { mergingIntList: [1, 2, 3, 4] },
    { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    { mergingIntList: [1, 2, 4] },
  ],
  [
    'delete all duplicate items in lists of scalars',
    { mergingIntList: [1, 2, 3, 3, 4] },
    { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    { mergingIntList: [1, 2, 4] },
  ],
  [
    'add and delete items in lists of scalars',
    { mergingIntList: [1, 2, 3] },
    {
      '$setElementOrder/mergingIntList': [1, 2, 4],
      '$deleteFromPrimitiveList/mergingIntList': [3],
      mergingIntList: [4],
    },
    { mergingIntList: [1, 2, 4] },
  ],
  [
    'merge lists of maps',
    {
      mergingList: [
        { name: 1, other: 'a' },
        { name: 2, value: 2, other: 'b' },
      ],
    },
    {
      '$setElementOrder/mergingList': [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [
        { name: 4, value: 4 },
        { name: 3, value: 3 },
      ],
    },
    {
      mergingList: [
        { name: 4, value: 4 },
        { name: 1, other: 'a' },
        { name: 2, value: 2, other: 'b' },
        { name: 3, value: 3 },
      ],
    },
  ],
  [
    'merge lists of maps with conflict',
    {
      mergingList: [
        { name: 1, other: 'a' },
        { name: 2, value: 3, other: 'b' },
      ],
    },
    {
      '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [
        { name: 2, value: 2 },
        { name: 3, value: 3 },
      ],
    },
    {
      mergingList: [
        { name: 1, other: 'a' },
        { name: 2, value: 2, other: 'b' },
        { name: 3, value: 3 },
      ],
    },
  ],
  [
    'new merge-list items without $setElementOrder go first',
    { mergingList: [{ name: 'a' }, { name: 'b' }] },
    { mergingList: [{ name: 'c' }] },
    { mergingList: [{ name: 'c' }, { name: 'a' }, { name: 'b' }] },
  ],
  [
    'replace strategy on a map',
    { replacingItem: { a: 1, b: 2 } },
    { replacingItem: { c: 3 } },
    { replacingItem: { c: 3 } },
  ],
  [
    '$retainKeys clears keys not listed',
    { retainKeysMap: { name: 'foo', value: 'a', other: 'x' } },
    { retainKeysMap: { $retainKeys: ['name', 'value'], value: 'b' } },
    { retainKeysMap: { name: 'foo', value: 'b' } },
  ],
  [
    '$retainKeys inside a merge,retainKeys list item',
    { retainKeysMergingList: [{ name: 'foo', value: 'a', other: 'x' }] },
    { retainKeysMergingList: [{ name: 'foo', $retainKeys: ['name', 'other'], other: 'y' }] },
    { retainKeysMergingList: [{ name: 'foo', other: 'y' }] },
  ],
  [
    'merge into an absent list takes the patch',
    { name: 1 },
    { mergingList: [{ name: 'x' }] },
    { name: 1, mergingList: [{ name: 'x' }] },
  ],
  [
    'nested merging list inside a merging list item',
    { mergingList: [{ name: 'a', mergingList: [{ name: 'x', value: 1 }] }] },
    { mergingList: [{ name: 'a', mergingList: [{ name: 'y', value: 2 }] }] },
    {
      mergingList: [
        {
          name: 'a',
          mergingList: [
            { name: 'y', value: 2 },
            { name: 'x', value: 1 },
          ],
        },
      ],
    },
  ],
  ['type change replaces', { simpleMap: { a: 1 } }, { simpleMap: 'x' }, { simpleMap: 'x' }],
];

const failures: Array<[string, JsonObject, JsonObject, string, number]> = [
  [
    'order in $setElementOrder and patch list must match',
    { mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] },
    {
      '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
    "doesn't match",
    500,
  ],
  [
    'int order in $setElementOrder and patch list must match',
    { mergingIntList: [1, 3, 2] },
    { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3, 1] },
    "The order in patch list:\n[3 1]\n doesn't match $setElementOrder list:\n[1 2 3]\n",
    500,
  ],
  [
    'missing merge key should error out',
    { mergingList: [{ name: 1, value: 'a' }] },
    { mergingList: [{ value: 'b' }] },
    'map: map[value:b] does not contain declared merge key: name',
    500,
  ],
  [
    'a key outside $retainKeys',
    { retainKeysMap: { name: 'foo' } },
    { retainKeysMap: { $retainKeys: ['name'], value: 'b' } },
    'invalid patch format of retainKeys',
    400,
  ],
  [
    '$patch: merge on list items',
    { mergingList: [{ name: 1 }] },
    { mergingList: [{ name: 1, $patch: 'merge' }] },
    'merging lists cannot yet be specified in the patch',
    500,
  ],
  [
    'unknown $patch on a map',
    { simpleMap: { a: 'b' } },
    { simpleMap: { $patch: 'foo' } },
    'unknown patch type: foo in map: map[$patch:foo]',
    500,
  ],
  ['lists of lists', { mergingIntList: [[1]] }, { mergingIntList: [[2]] }, 'lists of lists are not supported', 422],
  [
    'malformed $deleteFromPrimitiveList key',
    { mergingIntList: [1] },
    { $deleteFromPrimitiveListmergingIntList: [1] },
    'invalid patch format of primitive list',
    400,
  ],
];

describe('applyStrategicMergePatch (upstream patch_test.go cases)', () => {
  for (const [name, original, patch, want] of cases) {
    it(name, () => assert.deepEqual(smp(original, patch), want));
  }
  for (const [name, original, patch, message, code] of failures) {
    it(`fails: ${name}`, () => {
      assert.throws(
        () => smp(original, patch),
        (e: unknown) => e instanceof StrategicMergeError && e.message.includes(message) && e.code === code,
      );
    });
  }
  it('does not modify its inputs', () => {
    const original = { mergingList: [{ name: 1 }] };
    const patch = { mergingList: [{ name: 1, value: 2 }] };
    smp(original, patch);
    assert.deepEqual(original, { mergingList: [{ name: 1 }] });
    assert.deepEqual(patch, { mergingList: [{ name: 1, value: 2 }] });
  });
});

describe('strategic merge with the built-in kinds', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      labels: { a: '1', b: '2' },
      finalizers: ['x/a', 'x/b'],
      ownerReferences: [{ uid: 'u1', name: 'o1', kind: 'RS', apiVersion: 'apps/v1' }],
    },
    spec: {
      containers: [
        {
          name: 'a',
          image: 'nginx:1',
          env: [
            { name: 'E1', value: '1' },
            { name: 'E2', value: '2' },
          ],
          ports: [{ containerPort: 80 }],
          volumeMounts: [{ mountPath: '/data', name: 'd' }],
          args: ['x', 'y'],
        },
        { name: 'b', image: 'busybox' },
      ],
      volumes: [{ name: 'd', emptyDir: {} }],
      imagePullSecrets: [{ name: 's1' }],
      tolerations: [{ key: 'k1' }],
    },
  };
  const patch = (p: JsonObject): JsonObject => applyStrategicMergePatch(pod as unknown as JsonObject, p, 'Pod');
  type PodShape = typeof pod;

  it("applies kubectl's $setElementOrder/containers patch (kubectl.md §11)", () => {
    const out = patch({
      spec: {
        '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
        containers: [{ image: 'nginx:2', name: 'a' }],
      },
    }) as unknown as PodShape;
    assert.deepEqual(
      out.spec.containers.map((c) => [c.name, c.image]),
      [
        ['a', 'nginx:2'],
        ['b', 'busybox'],
      ],
    );
    assert.deepEqual(out.spec.containers[0]?.env, pod.spec.containers[0]?.env);
  });
  it('merges env by name, ports by containerPort, volumeMounts by mountPath; args are replaced', () => {
    const out = patch({
      spec: {
        containers: [
          {
            name: 'a',
            env: [{ name: 'E2', value: 'two' }],
            ports: [{ containerPort: 443 }],
            volumeMounts: [{ mountPath: '/data', readOnly: true }],
            args: ['z'],
          },
        ],
      },
    }) as unknown as PodShape;
    const a = out.spec.containers.find((c) => c.name === 'a');
    assert.deepEqual(a?.env, [
      { name: 'E1', value: '1' },
      { name: 'E2', value: 'two' },
    ]);
    assert.deepEqual(a?.ports, [{ containerPort: 443 }, { containerPort: 80 }]);
    assert.deepEqual(a?.volumeMounts, [{ mountPath: '/data', name: 'd', readOnly: true }]);
    assert.deepEqual(a?.args, ['z']);
  });
  it('deletes a container with $patch: delete and replaces tolerations', () => {
    const out = patch({
      spec: { containers: [{ name: 'b', $patch: 'delete' }], tolerations: [{ key: 'k2' }] },
    }) as unknown as PodShape;
    assert.deepEqual(
      out.spec.containers.map((c) => c.name),
      ['a'],
    );
    assert.deepEqual(out.spec.tolerations, [{ key: 'k2' }]);
  });
  it('merges imagePullSecrets and ownerReferences by key', () => {
    const out = patch({
      metadata: { ownerReferences: [{ uid: 'u2', name: 'o2', kind: 'RS', apiVersion: 'apps/v1' }] },
      spec: { imagePullSecrets: [{ name: 's2' }] },
    }) as unknown as PodShape;
    assert.deepEqual(out.spec.imagePullSecrets, [{ name: 's2' }, { name: 's1' }]);
    assert.deepEqual(
      out.metadata.ownerReferences.map((o) => o.uid),
      ['u2', 'u1'],
    );
  });
  it('treats finalizers as a set: add merges, $deleteFromPrimitiveList removes', () => {
    const out = patch({
      metadata: { finalizers: ['x/c'], '$deleteFromPrimitiveList/finalizers': ['x/a'] },
    }) as unknown as PodShape;
    assert.deepEqual([...out.metadata.finalizers].sort(), ['x/b', 'x/c']);
  });
  it('null deletes a label; $retainKeys switches a volume source', () => {
    const out = patch({
      metadata: { labels: { a: null } },
      spec: { volumes: [{ name: 'd', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }] },
    }) as unknown as { metadata: { labels: object }; spec: { volumes: object[] } };
    assert.deepEqual(out.metadata.labels, { b: '2' });
    assert.deepEqual(out.spec.volumes, [{ name: 'd', hostPath: { path: '/x' } }]);
  });
  it('ServiceAccount: secrets merge by name, imagePullSecrets are replaced', () => {
    const sa = {
      kind: 'ServiceAccount',
      metadata: { name: 'sa' },
      secrets: [{ name: 'a' }],
      imagePullSecrets: [{ name: 'p1' }],
    };
    const out = applyStrategicMergePatch(
      sa,
      { secrets: [{ name: 'b' }], imagePullSecrets: [{ name: 'p2' }] },
      'ServiceAccount',
    );
    assert.deepEqual(out.secrets, [{ name: 'b' }, { name: 'a' }]);
    assert.deepEqual(out.imagePullSecrets, [{ name: 'p2' }]);
  });
  it('RBAC rules are replaced wholesale', () => {
    const role = {
      kind: 'Role',
      metadata: { name: 'r' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    };
    const rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }];
    assert.deepEqual(applyStrategicMergePatch(role, { rules }, 'Role').rules, rules);
  });
  it('patchWithStrategicMerge maps errors to StatusErrors', () => {
    assert.throws(
      () => patchWithStrategicMerge(pod as unknown as JsonObject, [1], 'Pod'),
      (e: unknown) =>
        e instanceof StatusError &&
        e.code === 400 &&
        e.status.message === 'json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
    assert.throws(
      () => patchWithStrategicMerge(pod as unknown as JsonObject, { spec: { containers: [{ image: 'x' }] } }, 'Pod'),
      (e: unknown) =>
        e instanceof StatusError &&
        e.code === 500 &&
        e.status.reason === undefined &&
        /does not contain declared merge key: name$/.test(e.message),
    );
  });
});
