import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deserializePathElement,
  FieldSet,
  FieldsV1Error,
  fromFieldsV1,
  keyElement,
  pathString,
  serializePathElement,
  toFieldsV1,
} from './fieldpath.ts';

// managedFields written by kube-apiserver for a Pod created by kube-controller-manager (a real object's
// fieldsV1, byte for byte) and by kubectl-client-side-apply for a ConfigMap.
const POD_FIELDS =
  '{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{}},"f:ownerReferences":{".":{},"k:{\\"uid\\":\\"7ee3ff9b-9c00-4dff-a136-069d8eaa6113\\"}":{".":{},"f:apiVersion":{},"f:blockOwnerDeletion":{},"f:controller":{},"f:kind":{},"f:name":{},"f:uid":{}}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"kubernetes-bootcamp\\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}';
const CM_FIELDS =
  '{"f:data":{".":{},"f:access.properties":{},"f:ui.properties":{}},"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}}}';

describe('fieldsV1 encoding', () => {
  for (const [name, text] of [
    ['Pod', POD_FIELDS],
    ['ConfigMap', CM_FIELDS],
  ] as const) {
    it(`round-trips the upstream ${name} layout byte for byte`, () => {
      assert.equal(JSON.stringify(toFieldsV1(fromFieldsV1(JSON.parse(text)))), text);
    });
  }
  it('sorts fields before keys before values before indexes, and keys by field then value', () => {
    const s = FieldSet.of(
      [{ index: 0 }],
      [{ value: 'x' }],
      [{ value: 1 }],
      [keyElement({ protocol: 'TCP', containerPort: 80 })],
      [keyElement({ protocol: 'TCP', containerPort: 443 })],
      [{ field: 'b' }],
      [{ field: 'a' }],
    );
    assert.equal(
      JSON.stringify(toFieldsV1(s)),
      '{"f:a":{},"f:b":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{},"k:{\\"containerPort\\":443,\\"protocol\\":\\"TCP\\"}":{},"v:1":{},"v:\\"x\\"":{},"i:0":{}}',
    );
  });
  it('writes a leading `.` entry only for children that are also members', () => {
    const s = FieldSet.of(
      [{ field: 'data' }],
      [{ field: 'data' }, { field: 'k' }],
      [{ field: 'spec' }, { field: 'x' }],
    );
    assert.equal(JSON.stringify(toFieldsV1(s)), '{"f:data":{".":{},"f:k":{}},"f:spec":{"f:x":{}}}');
  });
  it('escapes HTML characters inside key values as Go does', () => {
    assert.equal(serializePathElement(keyElement({ name: 'a<b>&' })), 'k:{"name":"a\\u003cb\\u003e\\u0026"}');
  });
  it('skips unknown element types and rejects malformed keys', () => {
    assert.ok(fromFieldsV1({ 'z:foo': {}, 'f:a': {} }).has([{ field: 'a' }]));
    assert.equal(deserializePathElement('z:1'), undefined);
    assert.throws(() => fromFieldsV1({ f: {} }), FieldsV1Error);
    assert.throws(() => fromFieldsV1({ fx: {} }), FieldsV1Error);
  });
});

describe('FieldSet algebra', () => {
  const a = FieldSet.of([{ field: 'data' }, { field: 'k1' }], [{ field: 'data' }, { field: 'k2' }], [{ field: 'x' }]);
  const b = FieldSet.of(
    [{ field: 'data' }, { field: 'k2' }],
    [{ field: 'data' }, { field: 'k3' }],
    [{ field: 'data' }],
  );
  const paths = (s: FieldSet): string[] => s.paths().map(pathString);

  it('union', () => assert.deepEqual(paths(a.union(b)), ['.data', '.x', '.data.k1', '.data.k2', '.data.k3']));
  it('intersection', () => assert.deepEqual(paths(a.intersection(b)), ['.data.k2']));
  it('difference keeps children of a removed member', () =>
    assert.deepEqual(paths(a.difference(b)), ['.x', '.data.k1']));
  it('recursiveDifference removes them', () => assert.deepEqual(paths(a.recursiveDifference(b)), ['.x']));
  it('prints paths like conflict messages do', () => {
    assert.equal(
      pathString([{ field: 'spec' }, { field: 'containers' }, keyElement({ name: 'a' }), { field: 'image' }]),
      '.spec.containers[name="a"].image',
    );
    assert.equal(
      pathString([{ field: 'metadata' }, { field: 'finalizers' }, { value: 'x' }]),
      '.metadata.finalizers[="x"]',
    );
  });
});
