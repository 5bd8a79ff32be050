import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyRule } from '../../api/rbac-v1.ts';
import type { Attributes } from './interfaces.ts';
import { ruleAllows } from './rule-match.ts';

const user = { username: 'u', uid: '', groups: [], extra: {} };
function res(verb: string, apiGroup: string, resource: string, subresource = '', name = ''): Attributes {
  return {
    user,
    verb,
    resourceRequest: true,
    path: '',
    namespace: '',
    apiGroup,
    apiVersion: '',
    resource,
    subresource,
    name,
  };
}
function url(verb: string, path: string): Attributes {
  return { ...res(verb, '', ''), resourceRequest: false, path };
}

// rbac_test.go TestRuleMatches: [rule, [request, expected][]]
const table: [string, PolicyRule, [Attributes, boolean][]][] = [
  [
    'star verb, exact match other',
    { verbs: ['*'], apiGroups: ['group1'], resources: ['resource1'] },
    [
      [res('verb1', 'group1', 'resource1'), true],
      [res('verb1', 'group2', 'resource1'), false],
      [res('verb1', 'group1', 'resource2'), false],
      [res('verb2', 'group1', 'resource1'), true],
      [res('verb2', 'group2', 'resource2'), false],
    ],
  ],
  [
    'star group, exact match other',
    { verbs: ['verb1'], apiGroups: ['*'], resources: ['resource1'] },
    [
      [res('verb1', 'group1', 'resource1'), true],
      [res('verb1', 'group2', 'resource1'), true],
      [res('verb1', 'group1', 'resource2'), false],
      [res('verb2', 'group1', 'resource1'), false],
    ],
  ],
  [
    'star resource, exact match other',
    { verbs: ['verb1'], apiGroups: ['group1'], resources: ['*'] },
    [
      [res('verb1', 'group1', 'resource1'), true],
      [res('verb1', 'group2', 'resource1'), false],
      [res('verb1', 'group1', 'resource2'), true],
      [res('verb2', 'group1', 'resource1'), false],
      [res('verb1', 'group1', 'resource1', 'status'), true],
    ],
  ],
  [
    'tuple expansion',
    { verbs: ['verb1', 'verb2'], apiGroups: ['group1', 'group2'], resources: ['resource1', 'resource2'] },
    [
      [res('verb1', 'group1', 'resource1'), true],
      [res('verb1', 'group2', 'resource2'), true],
      [res('verb2', 'group1', 'resource2'), true],
      [res('verb2', 'group2', 'resource1'), true],
    ],
  ],
  [
    'subresource expansion',
    { verbs: ['*'], apiGroups: ['*'], resources: ['resource1/subresource1'] },
    [
      [res('verb1', 'group1', 'resource1', 'subresource1'), true],
      [res('verb1', 'group2', 'resource1', 'subresource2'), false],
      [res('verb1', 'group1', 'resource2', 'subresource1'), false],
      [res('verb2', 'group1', 'resource1', 'subresource1'), true],
      [res('verb1', 'group1', 'resource1'), false],
    ],
  ],
  [
    'star subresource',
    { verbs: ['get'], apiGroups: [''], resources: ['*/status'] },
    [
      [res('get', '', 'pods', 'status'), true],
      [res('get', '', 'nodes', 'status'), true],
      [res('get', '', 'pods'), false],
      [res('get', '', 'pods', 'log'), false],
    ],
  ],
  [
    'pods/* is literal',
    { verbs: ['get'], apiGroups: [''], resources: ['pods/*', 'pods'] },
    [
      [res('get', '', 'pods', 'status'), false],
      [res('get', '', 'pods'), true],
    ],
  ],
  [
    'resource names',
    { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['p1'] },
    [
      [res('get', '', 'pods', '', 'p1'), true],
      [res('get', '', 'pods', '', 'p2'), false],
      [res('list', '', 'pods'), false],
    ],
  ],
  [
    'verbs are case-sensitive',
    { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
    [
      [res('GET', '', 'pods'), false],
      [url('get', '/healthz'), false],
    ],
  ],
  [
    'star nonresource, exact match other',
    { verbs: ['verb1'], nonResourceURLs: ['*'] },
    [
      [url('verb1', '/foo'), true],
      [url('verb1', '/foo/bar/one'), true],
      [url('verb2', '/foo'), false],
      [res('verb1', '', 'pods'), false],
    ],
  ],
  [
    'star nonresource subpath',
    { verbs: ['verb1'], nonResourceURLs: ['/foo/*'] },
    [
      [url('verb1', '/foo'), false],
      [url('verb1', '/foo/bar'), true],
      [url('verb1', '/foo/baz/one'), true],
      [url('verb1', '/notfoo'), false],
      [url('verb1', '/notfoo/bar'), false],
    ],
  ],
  [
    'star verb, exact nonresource',
    { verbs: ['*'], nonResourceURLs: ['/foo', '/foo/bar/one'] },
    [
      [url('verb1', '/foo'), true],
      [url('verb1', '/foo/bar'), false],
      [url('verb1', '/foo/bar/one'), true],
      [url('verb2', '/foo'), true],
      [url('verb2', '/foo/baz/one'), false],
    ],
  ],
  [
    'raw string prefix',
    { verbs: ['get'], nonResourceURLs: ['/healthz*'] },
    [
      [url('get', '/healthzfoo'), true],
      [url('get', '/healthz'), true],
      [url('head', '/healthz'), false],
    ],
  ],
];

describe('ruleAllows (rbac_test.go TestRuleMatches)', () => {
  for (const [name, rule, cases] of table) {
    it(name, () => {
      for (const [attrs, expected] of cases) {
        assert.equal(ruleAllows(attrs, rule), expected, `${JSON.stringify(attrs)}`);
      }
    });
  }
});
