import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject, ManagedFieldsEntry } from '../../api/meta.ts';
import { StatusError } from '../../api/status.ts';
import { applyJsonPatch } from '../patch/json-patch.ts';
import type { JsonValue } from '../patch/json-value.ts';
import { applyObject, LAST_APPLIED_ANNOTATION, updateManagedFields } from './managed-fields.ts';

type Obj = KubernetesObject & Record<string, unknown>;
const T1 = '2024-01-01T00:00:00Z';
const T2 = '2024-01-01T00:01:00Z';
const T3 = '2024-01-01T00:02:00Z';

const entries = (o: KubernetesObject): ManagedFieldsEntry[] => o.metadata.managedFields ?? [];
const fields = (o: KubernetesObject, manager: string, operation?: string): string =>
  JSON.stringify(entries(o).find((e) => e.manager === manager && (!operation || e.operation === operation))?.fieldsV1);

/** What the lead's create path would store: server-set metadata plus managedFields. */
function stored(o: Obj): Obj {
  return { ...o, metadata: { ...o.metadata, uid: 'u', resourceVersion: '1', creationTimestamp: T1 } };
}

function cm(data: Record<string, string>, extra: Partial<Obj['metadata']> = {}): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'default', ...extra }, data };
}

function conflictOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('expected a conflict');
}

describe('updateManagedFields (non-apply writes)', () => {
  it('a client-side-apply create of a ConfigMap matches upstream fieldsV1 byte for byte', () => {
    const obj = cm(
      { 'access.properties': 'a', 'ui.properties': 'b' },
      { annotations: { [LAST_APPLIED_ANNOTATION]: '{}\n' } },
    );
    const out = updateManagedFields(undefined, stored(obj), 'kubectl-client-side-apply', 'Update', T1);
    assert.deepEqual(
      entries(out).map((e) => [e.manager, e.operation, e.apiVersion, e.time, e.fieldsType]),
      [['kubectl-client-side-apply', 'Update', 'v1', T1, 'FieldsV1']],
    );
    assert.equal(
      fields(out, 'kubectl-client-side-apply'),
      '{"f:data":{".":{},"f:access.properties":{},"f:ui.properties":{}},"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}}}',
    );
  });

  it('a Pod created by kube-controller-manager matches upstream fieldsV1 byte for byte', () => {
    const pod: Obj = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'kubernetes-bootcamp-57978f5f5d-x',
        generateName: 'kubernetes-bootcamp-57978f5f5d-',
        namespace: 'default',
        labels: { app: 'kubernetes-bootcamp', 'pod-template-hash': '57978f5f5d' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'kubernetes-bootcamp-57978f5f5d',
            uid: '7ee3ff9b-9c00-4dff-a136-069d8eaa6113',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        containers: [
          {
            name: 'kubernetes-bootcamp',
            image: 'gcr.io/google-samples/kubernetes-bootcamp:v1',
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            imagePullPolicy: 'IfNotPresent',
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        securityContext: {},
        schedulerName: 'default-scheduler',
        enableServiceLinks: true,
      },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    };
    const out = updateManagedFields(undefined, stored(pod), 'kube-controller-manager', 'Update', T1);
    assert.equal(
      fields(out, 'kube-controller-manager'),
      '{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{}},"f:ownerReferences":{".":{},"k:{\\"uid\\":\\"7ee3ff9b-9c00-4dff-a136-069d8eaa6113\\"}":{".":{},"f:apiVersion":{},"f:blockOwnerDeletion":{},"f:controller":{},"f:kind":{},"f:name":{},"f:uid":{}}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"kubernetes-bootcamp\\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}',
    );
  });

  it('an update that changes nothing adds no entry and keeps times', () => {
    const first = updateManagedFields(undefined, stored(cm({ a: '1' })), 'creator', 'Update', T1);
    const again = updateManagedFields(
      first,
      { ...first, metadata: { ...first.metadata, resourceVersion: '2' } },
      'other',
      'Update',
      T2,
    );
    assert.deepEqual(entries(again), entries(first));
  });

  it('honours managedFields sent by the client, and [{}] clears them', () => {
    const first = updateManagedFields(undefined, stored(cm({ a: '1' })), 'creator', 'Update', T1);
    const rewritten: ManagedFieldsEntry[] = [
      {
        manager: 'someone',
        operation: 'Apply',
        apiVersion: 'v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {} } },
      },
    ];
    const out = updateManagedFields(
      first,
      { ...first, metadata: { ...first.metadata, managedFields: rewritten } },
      'kubectl',
      'Update',
      T2,
    );
    assert.deepEqual(entries(out), rewritten);
    const cleared = updateManagedFields(
      first,
      { ...first, metadata: { ...first.metadata, managedFields: [{}] } },
      'x',
      'Update',
      T2,
    );
    assert.equal(cleared.metadata.managedFields, undefined);
  });
});

describe('capping Update managers (upstream capManagersManager)', () => {
  /** `writers` update one key each, a minute apart, in order; returns the object after the last write. */
  function updatedBy(writers: string[], applied?: string): Obj {
    let obj: Obj | undefined;
    if (applied) obj = stored(applyObject(undefined, cm({ applied: 'x' }), applied, false, T1) as Obj);
    writers.forEach((w, i) => {
      const time = new Date(Date.parse(T1) + (i + 1) * 60_000).toISOString().replace('.000Z', 'Z');
      const next = { ...(obj ?? cm({})), data: { ...((obj?.['data'] as Record<string, string>) ?? {}), [w]: 'v' } };
      obj = stored(updateManagedFields(obj, next as Obj, w, 'Update', time) as Obj);
    });
    return obj!;
  }
  const managers = (o: Obj) => entries(o).map((e) => `${e.operation} ${e.manager} ${e.time}`);

  it('keeps ten Update entries as they are', () => {
    const o = updatedBy(Array.from({ length: 10 }, (_, i) => `m${i}`));
    assert.equal(entries(o).length, 10);
    assert.ok(entries(o).every((e) => e.manager !== 'ancient-changes'));
  });

  it('an eleventh merges the two oldest into ancient-changes, which takes the later time and both fields', () => {
    const o = updatedBy(
      Array.from({ length: 11 }, (_, i) => `m${i}`),
      'kubectl',
    );
    assert.deepEqual(managers(o), [
      'Apply kubectl 2024-01-01T00:00:00Z',
      'Update ancient-changes 2024-01-01T00:02:00Z',
      ...Array.from({ length: 9 }, (_, i) => `Update m${i + 2} 2024-01-01T00:${String(i + 3).padStart(2, '0')}:00Z`),
    ]);
    assert.equal(fields(o, 'ancient-changes'), '{"f:data":{"f:m0":{},"f:m1":{}}}');
    // Apply entries are never capped or merged.
    assert.equal(fields(o, 'kubectl', 'Apply'), '{"f:data":{"f:applied":{}}}');
  });

  it('later overflow folds into the same bucket', () => {
    const o = updatedBy(Array.from({ length: 13 }, (_, i) => `m${i}`));
    assert.equal(entries(o).length, 10);
    // m0 created the object, so it (and now the bucket) owns the data map itself.
    assert.equal(fields(o, 'ancient-changes'), '{"f:data":{".":{},"f:m0":{},"f:m1":{},"f:m2":{},"f:m3":{}}}');
    assert.equal(entries(o).find((e) => e.manager === 'ancient-changes')?.time, '2024-01-01T00:04:00Z');
  });
});

describe('applyObject (server-side apply)', () => {
  const applied = (data: Record<string, string>): Obj => cm(data, { labels: { a: '1' } });

  it('creates with an Apply entry whose fieldsV1 has no `.` for maps', () => {
    const out = applyObject<Obj>(undefined, applied({ k1: 'v1', k2: 'v2' }), 'kubectl', false, T1);
    assert.deepEqual(out.data, { k1: 'v1', k2: 'v2' });
    assert.deepEqual(out.metadata.labels, { a: '1' });
    assert.deepEqual(
      entries(out).map((e) => [e.manager, e.operation, e.apiVersion, e.time]),
      [['kubectl', 'Apply', 'v1', T1]],
    );
    assert.equal(fields(out, 'kubectl'), '{"f:data":{"f:k1":{},"f:k2":{}},"f:metadata":{"f:labels":{"f:a":{}}}}');
  });

  it('applying twice by the same manager removes a dropped key', () => {
    const first = stored(
      applyObject<Obj>(undefined, applied({ key: 'value', legacy: 'unused' }), 'kubectl', false, T1),
    );
    const second = applyObject<Obj>(first, applied({ key: 'value' }), 'kubectl', false, T2);
    assert.deepEqual(second.data, { key: 'value' });
    assert.equal(fields(second, 'kubectl'), '{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:a":{}}}}');
    assert.equal(entries(second)[0]?.time, T2);
  });

  it('keeps a dropped key another manager also owns', () => {
    const first = stored(applyObject<Obj>(undefined, applied({ k1: 'v1' }), 'one', false, T1));
    const both = applyObject<Obj>(first, cm({ k1: 'v1' }), 'two', false, T2);
    const out = applyObject<Obj>(both, applied({}), 'one', false, T3);
    assert.deepEqual(out.data, { k1: 'v1' });
  });

  it('a second manager applying a different value gets the exact conflict', () => {
    const first = stored(applyObject<Obj>(undefined, applied({ k1: 'v1' }), 'kubectl', false, T1));
    const err = conflictOf(() => applyObject(first, cm({ k1: 'other' }), 'mgr2', false, T2));
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'Conflict');
    assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "kubectl": .data.k1');
    assert.deepEqual(err.status.details, {
      causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.data.k1' }],
    });
  });

  it('names Update managers `using <apiVersion>` and groups several conflicts', () => {
    const created = updateManagedFields(
      undefined,
      stored(cm({ k1: 'v1', k2: 'v2' })),
      'kubectl-client-side-apply',
      'Update',
      T1,
    );
    const one = conflictOf(() => applyObject(created, cm({ k1: 'x' }), 'kubectl', false, T2));
    assert.equal(
      one.status.message,
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.k1',
    );
    assert.deepEqual(one.status.details?.causes, [
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-client-side-apply" using v1',
        field: '.data.k1',
      },
    ]);
    const two = conflictOf(() => applyObject(created, cm({ k1: 'x', k2: 'y' }), 'mgr', false, T2));
    assert.equal(
      two.status.message,
      'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using v1:\n- .data.k1\n- .data.k2',
    );
  });

  it('force takes ownership', () => {
    const first = stored(applyObject<Obj>(undefined, applied({ k1: 'v1', k2: 'v2' }), 'kubectl', false, T1));
    const out = applyObject<Obj>(first, cm({ k1: 'mine' }), 'my-field-manager', true, T2);
    assert.deepEqual(out.data, { k1: 'mine', k2: 'v2' });
    assert.deepEqual(
      entries(out).map((e) => e.manager),
      ['kubectl', 'my-field-manager'],
    );
    assert.equal(fields(out, 'kubectl'), '{"f:data":{"f:k2":{}},"f:metadata":{"f:labels":{"f:a":{}}}}');
    assert.equal(fields(out, 'my-field-manager'), '{"f:data":{"f:k1":{}}}');
  });

  it('an Update by another manager after an apply moves ownership of the changed fields', () => {
    const first = stored(applyObject<Obj>(undefined, applied({ k1: 'v1', k2: 'v2' }), 'kubectl', false, T1));
    const edited = updateManagedFields(
      first,
      { ...first, data: { k1: 'edited', k2: 'v2' } },
      'kubectl-edit',
      'Update',
      T2,
    );
    assert.deepEqual(
      entries(edited).map((e) => [e.manager, e.operation]),
      [
        ['kubectl', 'Apply'],
        ['kubectl-edit', 'Update'],
      ],
    );
    assert.equal(fields(edited, 'kubectl'), '{"f:data":{"f:k2":{}},"f:metadata":{"f:labels":{"f:a":{}}}}');
    assert.equal(fields(edited, 'kubectl-edit'), '{"f:data":{"f:k1":{}}}');
    // Re-applying the old value now conflicts with the editor.
    const err = conflictOf(() => applyObject(edited, applied({ k1: 'v1', k2: 'v2' }), 'kubectl', false, T3));
    assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.k1');
  });

  it('merges list-map items by key and records them with `.`', () => {
    const pod: Obj = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { sidecar_version: '1' } },
      spec: { containers: [{ name: 'sidecar', image: 'busybox:1' }] },
    };
    const live = stored({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }] },
    });
    const base = updateManagedFields(undefined, live, 'creator', 'Update', T1);
    const out = applyObject<Obj>(base, pod, 'sidecar_controller', false, T2);
    assert.deepEqual(
      (out.spec as { containers: Array<{ name: string }> }).containers.map((c) => c.name),
      ['app', 'sidecar'],
    );
    assert.equal(
      fields(out, 'sidecar_controller'),
      '{"f:metadata":{"f:labels":{"f:sidecar_version":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"sidecar\\"}":{".":{},"f:image":{},"f:name":{}}}}}',
    );
    assert.match(fields(base, 'creator'), /"k:\{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"\}"/);
  });

  it('rejects managedFields in the applied object', () => {
    const bad = cm({ a: '1' }, { managedFields: [{ manager: 'x' }] });
    assert.throws(
      () => applyObject(undefined, bad, 'kubectl', false, T1),
      (e: unknown) => e instanceof StatusError && e.code === 400,
    );
  });

  it('upgrades client-side apply to server-side apply (apply.sh): allowed conflicts, then pruning after migration', () => {
    const manifest = cm({ key: 'value', legacy: 'unused' });
    const lastApplied = `${JSON.stringify(manifest)}\n`;
    const csa = stored(
      updateManagedFields(
        undefined,
        cm({ key: 'value', legacy: 'unused' }, { annotations: { [LAST_APPLIED_ANNOTATION]: lastApplied } }),
        'kubectl-client-side-apply',
        'Update',
        T1,
      ),
    );
    // Another field manager cannot take the CSA-owned fields without force...
    assert.equal(conflictOf(() => applyObject(csa, cm({ key: 'changed' }), 'not-kubectl', false, T2)).code, 409);
    // ...but `kubectl` may, because last-applied records the old value unchanged; the annotation is kept in sync.
    const upgraded = applyObject<Obj>(csa, cm({ key: 'changed', legacy: 'unused' }), 'kubectl', false, T2);
    assert.deepEqual(upgraded.data, { key: 'changed', legacy: 'unused' });
    const annotation = upgraded.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
    assert.equal(
      annotation,
      '{"apiVersion":"v1","data":{"key":"changed","legacy":"unused"},"kind":"ConfigMap","metadata":{"name":"cm1","namespace":"default"}}\n',
    );

    // kubectl's csaupgrade JSON patch folds the CSA entry into kubectl's Apply entry; the lead stores it.
    const mf = entries(upgraded);
    const csaIndex = mf.findIndex((e) => e.manager === 'kubectl-client-side-apply');
    const applyIndex = mf.findIndex((e) => e.manager === 'kubectl');
    const migratedFields = {
      'f:data': { 'f:key': {}, 'f:legacy': {} },
      'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/last-applied-configuration': {} } },
    };
    const patched = applyJsonPatch(upgraded as unknown as JsonValue, [
      { op: 'replace', path: `/metadata/managedFields/${applyIndex}/fieldsV1`, value: migratedFields },
      { op: 'remove', path: `/metadata/managedFields/${csaIndex}` },
    ]) as unknown as Obj;
    const migrated = updateManagedFields(upgraded, patched, 'kubectl', 'Update', T3);
    assert.deepEqual(
      entries(migrated).map((e) => e.manager),
      ['kubectl'],
    );

    const pruned = applyObject<Obj>(migrated, cm({ key: 'changed' }), 'kubectl', false, T3);
    assert.deepEqual(pruned.data, { key: 'changed' });
  });

  it('sorts Apply entries before Update entries, then by time', () => {
    const a = stored(updateManagedFields(undefined, stored(cm({ x: '1' })), 'zeta', 'Update', T1));
    const b = applyObject<Obj>(a, cm({ y: '2' }), 'alpha', false, T3);
    const c = updateManagedFields(b, { ...b, data: { ...(b.data as object), z: '3' } }, 'beta', 'Update', T2);
    assert.deepEqual(
      entries(c).map((e) => `${e.operation}/${e.manager}`),
      ['Apply/alpha', 'Update/zeta', 'Update/beta'],
    );
  });

  it('is a no-op when the applied values already hold (time unchanged, object unchanged)', () => {
    const first = stored(applyObject<Obj>(undefined, applied({ k1: 'v1' }), 'kubectl', false, T1));
    const again = applyObject<Obj>(first, applied({ k1: 'v1' }), 'kubectl', false, T2);
    assert.equal(entries(again)[0]?.time, T1);
    assert.deepEqual(
      { ...again, metadata: { ...again.metadata, managedFields: undefined } },
      { ...first, metadata: { ...first.metadata, managedFields: undefined } },
    );
  });
});
