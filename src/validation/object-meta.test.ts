import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectMeta } from '../api/meta.ts';
import { fieldErrorString } from '../api/status.ts';
import { validateAnnotations, validateLabelSelector, validateLabels } from './labels.ts';
import { nameIsDNSLabel, nameIsDNSSubdomain } from './names.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

const strs = (errs: Parameters<typeof fieldErrorString>[0][]) => errs.map(fieldErrorString);

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QNAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('validateObjectMeta', () => {
  it('accepts a valid namespaced object', () => {
    const meta: ObjectMeta = {
      name: 'web-1',
      namespace: 'default',
      labels: { app: 'web', 'example.com/tier': '' },
      annotations: { 'Example.COM/Note': 'anything goes here' },
      finalizers: ['kubernetes', 'example.com/cleanup'],
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u1', controller: true }],
    };
    assert.deepEqual(validateObjectMeta(meta, true, nameIsDNSSubdomain), []);
  });

  it('requires a name or generateName', () => {
    assert.deepEqual(strs(validateObjectMeta({ namespace: 'ns' }, true, nameIsDNSSubdomain)), [
      'metadata.name: Required value: name or generateName is required',
    ]);
  });

  it('validates the name with the given function', () => {
    assert.deepEqual(strs(validateObjectMeta({ name: 'Bad_Name' }, false, nameIsDNSLabel)), [
      `metadata.name: Invalid value: "Bad_Name": ${LABEL_MSG}`,
    ]);
  });

  it('validates generateName as a prefix', () => {
    assert.deepEqual(validateObjectMeta({ generateName: 'web-', name: 'web-x7k2p' }, false, nameIsDNSLabel), []);
    assert.deepEqual(strs(validateObjectMeta({ generateName: 'Web-', name: 'web-1' }, false, nameIsDNSLabel)), [
      `metadata.generateName: Invalid value: "Web-": ${LABEL_MSG}`,
    ]);
  });

  it('requires a namespace on namespaced kinds and forbids it elsewhere', () => {
    assert.deepEqual(strs(validateObjectMeta({ name: 'a' }, true, nameIsDNSSubdomain)), [
      'metadata.namespace: Required value',
    ]);
    assert.deepEqual(strs(validateObjectMeta({ name: 'a', namespace: 'ns' }, false, nameIsDNSSubdomain)), [
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
    assert.deepEqual(strs(validateObjectMeta({ name: 'a', namespace: 'Bad.NS' }, true, nameIsDNSSubdomain)), [
      `metadata.namespace: Invalid value: "Bad.NS": ${LABEL_MSG}`,
    ]);
  });

  it('rejects bad label keys and values on metadata.labels', () => {
    assert.deepEqual(strs(validateLabels({ 'bad key': 'ok', good: 'bad value' }, 'metadata.labels')), [
      `metadata.labels: Invalid value: "bad key": ${QNAME_PART_MSG}`,
      `metadata.labels: Invalid value: "bad value": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ]);
    assert.deepEqual(strs(validateLabels({ k: 'v'.repeat(64) }, 'metadata.labels')), [
      `metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
    ]);
  });

  it('checks annotation keys case-insensitively and caps their total size', () => {
    assert.deepEqual(validateAnnotations({ 'Example.com/UPPER': 'x' }, 'metadata.annotations'), []);
    assert.deepEqual(strs(validateAnnotations({ 'a b': 'x' }, 'metadata.annotations')), [
      `metadata.annotations: Invalid value: "a b": ${QNAME_PART_MSG}`,
    ]);
    assert.deepEqual(validateAnnotations({ a: 'x'.repeat(256 * 1024 - 1) }, 'metadata.annotations'), []);
    assert.deepEqual(strs(validateAnnotations({ a: 'x'.repeat(256 * 1024) }, 'metadata.annotations')), [
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    ]);
  });

  it('validates finalizers with both the generic and the core rule', () => {
    assert.deepEqual(strs(validateObjectMeta({ name: 'a', finalizers: ['foo'] }, false, nameIsDNSLabel)), [
      'metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
    ]);
    const both = validateObjectMeta({ name: 'a', finalizers: ['orphan', 'foregroundDeletion'] }, false, nameIsDNSLabel);
    assert.equal(both.length, 1);
    assert.equal(both[0]?.field, 'metadata.finalizers');
    assert.equal(both[0]?.detail, 'finalizer orphan and foregroundDeletion cannot be both set');
  });

  it('validates owner references', () => {
    const errs = validateObjectMeta(
      {
        name: 'a',
        ownerReferences: [
          { apiVersion: '', kind: '', name: '', uid: '' },
          { apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' },
        ],
      },
      false,
      nameIsDNSLabel,
    );
    assert.deepEqual(
      errs.map((e) => `${e.field}: ${e.detail}`),
      [
        'metadata.ownerReferences.apiVersion: version must not be empty',
        'metadata.ownerReferences.kind: must not be empty',
        'metadata.ownerReferences.name: must not be empty',
        'metadata.ownerReferences.uid: must not be empty',
        'metadata.ownerReferences: /v1, Kind=Event is disallowed from being an owner',
      ],
    );
    const twoControllers = validateObjectMeta(
      {
        name: 'a',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'A', name: 'x', uid: '1', controller: true },
          { apiVersion: 'v1', kind: 'B', name: 'y', uid: '2', controller: true },
        ],
      },
      false,
      nameIsDNSLabel,
    );
    assert.equal(
      twoControllers[0]?.detail,
      'Only one reference can have Controller set to true. Found "true" in references for A/x and B/y',
    );
  });

  it('rejects a negative generation and bad managedFields', () => {
    const errs = validateObjectMeta(
      { name: 'a', generation: -1, managedFields: [{ manager: 'k\u0007', operation: 'Patch' as 'Apply' }] },
      false,
      nameIsDNSLabel,
    );
    assert.deepEqual(strs(errs), [
      'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
      'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
      'metadata.managedFields[0].manager: Invalid value: "k\\u0007": invalid character U+0007 (at position 1)',
    ]);
  });

  it('does not throw on garbage input', () => {
    const garbage = { name: 'a', labels: 'x', annotations: [1], finalizers: 'f', ownerReferences: {} } as unknown;
    assert.deepEqual(validateObjectMeta(garbage as ObjectMeta, false, nameIsDNSLabel), []);
    assert.ok(validateObjectMeta(undefined, false, nameIsDNSLabel).length === 1);
  });
});

describe('validateLabelSelector', () => {
  it('checks operators, values and keys', () => {
    const errs = validateLabelSelector(
      {
        matchLabels: { 'bad key': 'v' },
        matchExpressions: [
          { key: 'a', operator: 'In' },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'c', operator: 'Near' as 'In', values: ['x'] },
          { key: 'd', operator: 'NotIn', values: ['bad value'] },
        ],
      },
      's',
    );
    assert.deepEqual(
      errs.map((e) => `${e.field}: ${e.detail}`),
      [
        `s.matchLabels: ${QNAME_PART_MSG}`,
        "s.matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'",
        "s.matchExpressions[1].values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        's.matchExpressions[2].operator: not a valid selector operator',
        `s.matchExpressions[3].values[0]: ${errs[4]?.detail}`,
      ],
    );
    assert.equal(errs.length, 5);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = {
    name: 'a',
    namespace: 'ns',
    uid: 'u-1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2024-01-02T03:04:05Z',
  };

  it('accepts an update that keeps the identity fields', () => {
    assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { a: 'b' }, generation: 3 }, old), []);
  });

  it('rejects changes to immutable fields with upstream paths', () => {
    const errs = validateObjectMetaUpdate(
      { ...old, name: 'b', namespace: 'other', uid: 'u-2', generation: 1, creationTimestamp: '2025-01-01T00:00:00Z' },
      old,
    );
    assert.deepEqual(strs(errs), [
      'metadata.generation: Invalid value: 1: must not be decremented',
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.namespace: Invalid value: "other": field is immutable',
      'metadata.uid: Invalid value: "u-2": field is immutable',
      // Upstream prints the time unquoted (a fmt.Stringer); status.ts quotes every string.
      'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
    ]);
  });

  it('requires a resourceVersion', () => {
    assert.deepEqual(strs(validateObjectMetaUpdate({ ...old, resourceVersion: '' }, old)), [
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    ]);
  });

  it('treats the same instant written differently as unchanged', () => {
    assert.deepEqual(validateObjectMetaUpdate({ ...old, creationTimestamp: '2024-01-02T03:04:05.000Z' }, old), []);
  });

  it('rejects new finalizers while deleting and deletion fields changes', () => {
    const deleting = {
      ...old,
      deletionTimestamp: '2024-02-01T00:00:00Z',
      deletionGracePeriodSeconds: 30,
      finalizers: ['a/x'],
    };
    const errs = validateObjectMetaUpdate(
      { ...deleting, finalizers: ['a/x', 'b/y', 'a/z'], deletionGracePeriodSeconds: 0 },
      deleting,
    );
    assert.deepEqual(strs(errs), [
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a/z", "b/y"}',
      'metadata.deletionGracePeriodSeconds: Invalid value: 0: field is immutable',
    ]);
    assert.deepEqual(strs(validateObjectMetaUpdate({ ...old, deletionGracePeriodSeconds: 5 }, old)), [
      'metadata.deletionGracePeriodSeconds: Invalid value: 5: field is immutable',
    ]);
  });
});
