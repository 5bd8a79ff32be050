import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { getRequestInfo } from './request-info.ts';

interface Case {
  name?: string;
  method: string;
  url: string;
  expected?: Record<string, unknown>;
  expectedIsResourceRequest?: boolean;
}
const cases = JSON.parse(readFileSync(new URL('./testdata/requestinfo-cases.json', import.meta.url), 'utf8')) as Record<
  string,
  Case[]
>;

function run(c: Case) {
  const u = new URL(c.url || '/', 'http://x');
  return getRequestInfo(c.method, c.url === '' ? '' : u.pathname, u.searchParams);
}

describe('getRequestInfo (requestinfo_test.go vectors)', () => {
  for (const c of cases['resourceRequests']!) {
    it(`${c.method} ${c.url}`, () => {
      const got = run(c);
      const e = c.expected!;
      assert.deepEqual(
        {
          isResourceRequest: got.isResourceRequest,
          verb: got.verb,
          apiPrefix: got.apiPrefix,
          apiGroup: got.apiGroup,
          apiVersion: got.apiVersion,
          namespace: got.namespace,
          resource: got.resource,
          subresource: got.subresource,
          name: got.name,
          parts: got.parts,
        },
        e,
      );
    });
  }
  for (const c of cases['nonResourceRequests']!) {
    it(`non-resource: ${c.name}`, () => {
      const got = run(c);
      assert.deepEqual({ isResourceRequest: got.isResourceRequest, verb: got.verb, path: got.path }, c.expected);
    });
  }
  for (const c of cases['isResourceRequest']!) {
    it(`classification: ${c.name}`, () => {
      assert.equal(run(c).isResourceRequest, c.expectedIsResourceRequest);
    });
  }
  for (const c of cases['selectorParsing']!) {
    it(`selectors: ${c.name}`, () => {
      const got = run(c);
      assert.deepEqual(
        { name: got.name, verb: got.verb, fieldSelector: got.fieldSelector, labelSelector: got.labelSelector },
        c.expected,
      );
    });
  }
});

describe('getRequestInfo edge cases', () => {
  const q = (s = '') => new URLSearchParams(s);
  it('errors on a bare watch path verb', () => {
    assert.throws(() => getRequestInfo('GET', '/api/v1/watch', q()), /unable to determine kind and namespace/);
  });
  it('HEAD on a non-resource path is verb head', () => {
    assert.equal(getRequestInfo('HEAD', '/healthz', q()).verb, 'head');
  });
  it('empty watch value means watch', () => {
    assert.equal(getRequestInfo('GET', '/api/v1/pods', q('watch=')).verb, 'watch');
    assert.equal(getRequestInfo('GET', '/api/v1/pods', q('watch=FALSE')).verb, 'list');
  });
  it('a bad label selector drops the metadata.name name', () => {
    const got = getRequestInfo('GET', '/api/v1/pods', q('fieldSelector=metadata.name=a&labelSelector=a%20in'));
    assert.equal(got.name, '');
    assert.equal(getRequestInfo('GET', '/api/v1/pods', q('fieldSelector=metadata.name=a&labelSelector=x=y')).name, 'a');
  });
  it('a non-integer limit drops the name too', () => {
    assert.equal(getRequestInfo('GET', '/api/v1/pods', q('fieldSelector=metadata.name=a&limit=x')).name, '');
  });
  it('double-equals and invalid path-segment names', () => {
    assert.equal(getRequestInfo('GET', '/api/v1/pods', q('fieldSelector=metadata.name==b')).name, 'b');
    assert.equal(getRequestInfo('GET', '/api/v1/pods', q('fieldSelector=metadata.name=..')).name, '');
  });
  it('unknown method gives an empty verb', () => {
    assert.equal(getRequestInfo('OPTIONS', '/api/v1/pods/x', q()).verb, '');
  });
});
