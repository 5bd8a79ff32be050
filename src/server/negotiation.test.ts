import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../api/status.ts';
import { chooseOutput, decodeBody, parseAccept } from './negotiation.ts';

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  assert.fail('expected a StatusError');
}

describe('parseAccept', () => {
  it('splits media ranges and their parameters', () => {
    assert.deepEqual(parseAccept('application/json;as=Table;v=v1;g=meta.k8s.io, application/json'), [
      { type: 'application/json', params: { as: 'Table', v: 'v1', g: 'meta.k8s.io' } },
      { type: 'application/json', params: {} },
    ]);
    assert.deepEqual(parseAccept(undefined), [{ type: '*/*', params: {} }]);
    assert.deepEqual(parseAccept('Application/YAML; Q=0.9'), [{ type: 'application/yaml', params: { q: '0.9' } }]);
  });
});

describe('chooseOutput', () => {
  it('JSON by default and for wildcards', () => {
    for (const accept of [undefined, '*/*', 'application/json', 'application/*', 'application/json, */*'])
      assert.deepEqual(chooseOutput(accept), { format: 'json' }, String(accept));
  });

  it('YAML', () => {
    assert.deepEqual(chooseOutput('application/yaml'), { format: 'yaml' });
  });

  it("kubectl get's Table Accept chooses Table v1", () => {
    assert.deepEqual(
      chooseOutput(
        'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      ),
      { format: 'json', table: 'v1' },
    );
    assert.deepEqual(chooseOutput('application/json;as=Table;v=v1beta1;g=meta.k8s.io'), {
      format: 'json',
      table: 'v1beta1',
    });
    assert.deepEqual(chooseOutput('application/yaml;as=Table;v=v1;g=meta.k8s.io'), { format: 'yaml', table: 'v1' });
  });

  it('PartialObjectMetadata(List)', () => {
    assert.deepEqual(chooseOutput('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io'), {
      format: 'json',
      partial: 'v1',
    });
    assert.deepEqual(chooseOutput('application/json;as=PartialObjectMetadata;v=v1beta1;g=meta.k8s.io'), {
      format: 'json',
      partial: 'v1beta1',
    });
  });

  it('skips unusable conversions and falls back to the next range', () => {
    assert.deepEqual(chooseOutput('application/json;as=Table;v=v2;g=meta.k8s.io,application/json'), {
      format: 'json',
    });
    assert.deepEqual(chooseOutput('application/json;as=Table;v=v1;g=example.com,application/yaml'), {
      format: 'yaml',
    });
  });

  it('406 NotAcceptable when nothing offered can be produced', () => {
    for (const accept of ['text/html', 'application/json;as=Widget;v=v1;g=meta.k8s.io', 'image/png, text/plain']) {
      const err = statusOf(() => chooseOutput(accept));
      assert.equal(err.code, 406, accept);
      assert.equal(err.reason, 'NotAcceptable');
      assert.equal(
        err.message,
        'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
      );
    }
  });
});

describe('decodeBody', () => {
  const b = (s: string) => Buffer.from(s);

  it('JSON, with or without parameters, and as the default', () => {
    assert.deepEqual(decodeBody(b('{"a":1}'), 'application/json'), { a: 1 });
    assert.deepEqual(decodeBody(b('{"a":1}'), 'application/json; charset=utf-8'), { a: 1 });
    assert.deepEqual(decodeBody(b('{"a":1}'), undefined), { a: 1 });
  });

  it('YAML', () => {
    assert.deepEqual(decodeBody(b('kind: ConfigMap\nmetadata:\n  name: x\n'), 'application/yaml'), {
      kind: 'ConfigMap',
      metadata: { name: 'x' },
    });
  });

  it('malformed JSON is a 400 naming the parse error', () => {
    const err = statusOf(() => decodeBody(b('{"a":'), 'application/json'));
    assert.equal(err.code, 400);
    assert.equal(err.message, "couldn't get version/kind; json parse error: unexpected end of JSON input");
  });

  it('a body that is not an object is a 400', () => {
    for (const text of ['[1]', '"s"', 'null', '3']) {
      const err = statusOf(() => decodeBody(b(text), 'application/json'));
      assert.equal(err.code, 400, text);
      assert.equal(err.reason, 'BadRequest');
    }
  });

  it('415 UnsupportedMediaType for an unknown content type', () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/cbor']) {
      const err = statusOf(() => decodeBody(b('x'), type));
      assert.equal(err.code, 415, type);
      assert.equal(err.reason, 'UnsupportedMediaType');
      assert.equal(
        err.message,
        'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
      );
    }
  });
});
