import assert from 'node:assert/strict';
import { test } from 'node:test';
import { badRequest, StatusError } from '../api/status.ts';
import { enforceFieldValidation, type FieldSchema, fieldProblems, fieldValidationOf } from './field-validation.ts';

const str: FieldSchema = {};
const container: FieldSchema = { properties: { name: str, image: str, imagePullPolicy: str } };
const schema: FieldSchema = {
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { properties: { name: str, labels: { additionalProperties: true } } },
    spec: {
      properties: {
        paused: str,
        template: { properties: { spec: { properties: { containers: { items: container } } } } },
      },
    },
  },
};

test('unknown and duplicate fields are reported in textual order, as upstream strict decoding does', () => {
  const body = Buffer.from(
    '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","name":"b","unknownMeta":1,"labels":{"x":"y"}},' +
      '"spec":{"unknown1":1,"paused":true,"paused":false,"template":{"spec":{"containers":[{"name":"c","unknownNested":1,"imagePullPolicy":"A","imagePullPolicy":"B"}]}}}}',
  );
  assert.deepEqual(fieldProblems(body, 'application/json', schema), [
    'duplicate field "metadata.name"',
    'unknown field "metadata.unknownMeta"',
    'unknown field "spec.unknown1"',
    'duplicate field "spec.paused"',
    'unknown field "spec.template.spec.containers[0].unknownNested"',
    'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
  ]);
});

test('YAML bodies are walked the same way; patch directives are not fields', () => {
  const yaml = 'kind: Deployment\nmetadata:\n  name: a\n  name: b\nspec:\n  bogus: 1\n  $patch: replace\n';
  assert.deepEqual(fieldProblems(Buffer.from(yaml), 'application/yaml', schema), [
    'duplicate field "metadata.name"',
    'unknown field "spec.bogus"',
  ]);
});

test('Strict refuses with the upstream message, Warn warns, Ignore is silent', () => {
  const problems = ['unknown field "spec.foo"', 'duplicate field "data.a"'];
  try {
    enforceFieldValidation('Strict', problems, 'ConfigMap', 'v1');
    assert.fail('expected a 400');
  } catch (err) {
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 400);
    assert.equal(
      err.status.message,
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec.foo", duplicate field "data.a"',
    );
  }
  assert.deepEqual(enforceFieldValidation('Warn', problems, 'ConfigMap', 'v1'), problems);
  assert.deepEqual(enforceFieldValidation('Ignore', problems, 'ConfigMap', 'v1'), []);
  assert.equal(fieldValidationOf(new URLSearchParams('')), 'Warn');
  assert.throws(
    () => fieldValidationOf(new URLSearchParams('fieldValidation=foo')),
    (e: unknown) => e instanceof StatusError && e.code === badRequest('').code,
  );
});
