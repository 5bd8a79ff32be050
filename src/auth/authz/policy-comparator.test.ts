import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyRule } from '../../api/rbac-v1.ts';
import { compactRules, compactString } from './compact-rules.ts';
import { breakdownRule, covers } from './policy-comparator.ts';
import { rule, urlRule } from './testing/fixtures.ts';

// Modelled on component-helpers policy_comparator_test.go: [name, owner, servant, covered, uncovered]
const table: [string, PolicyRule[], PolicyRule[], boolean, PolicyRule[]][] = [
  ['empty servant', [], [], true, []],
  ['exact match', [rule('get', '', 'pods')], [rule('get', '', 'pods')], true, []],
  ['verb superset', [rule('get,list,watch', '', 'pods')], [rule('list,get', '', 'pods')], true, []],
  ['star verb', [rule('*', '', 'pods')], [rule('get,delete', '', 'pods')], true, []],
  ['star group and resource', [rule('get', '*', '*')], [rule('get', 'apps,batch', 'deployments,jobs')], true, []],
  [
    'servant star is literal',
    [rule('get,list,watch,create,update,patch,delete,deletecollection', '', 'pods')],
    [rule('*', '', 'pods')],
    false,
    [rule('*', '', 'pods')],
  ],
  ['star resource covers subresources', [rule('get', '', '*')], [rule('get', '', 'pods/status')], true, []],
  ['star subresource', [rule('get', '', '*/status')], [rule('get', '', 'pods/status,nodes/status')], true, []],
  [
    'resource does not cover subresource',
    [rule('get', '', 'pods')],
    [rule('get', '', 'pods/log')],
    false,
    [rule('get', '', 'pods/log')],
  ],
  ['unnamed owner covers named servant', [rule('get', '', 'pods')], [rule('get', '', 'pods', 'a,b')], true, []],
  [
    'named owner does not cover unnamed servant',
    [rule('get', '', 'pods', 'a')],
    [rule('get', '', 'pods')],
    false,
    [rule('get', '', 'pods')],
  ],
  [
    'named owner covers its names only',
    [rule('get', '', 'pods', 'a')],
    [rule('get', '', 'pods', 'a,b')],
    false,
    [rule('get', '', 'pods', 'b')],
  ],
  ['url prefix', [urlRule('get', '/foo/*')], [urlRule('get', '/foo/bar,/foo/baz/qux')], true, []],
  [
    'url exact does not cover star',
    [urlRule('get', '/foo')],
    [urlRule('get', '/foo/*')],
    false,
    [urlRule('get', '/foo/*')],
  ],
  ['url star', [urlRule('*', '*')], [urlRule('get,post', '/anything')], true, []],
  [
    'resource rule does not cover urls',
    [rule('*', '*', '*')],
    [urlRule('get', '/healthz')],
    false,
    [urlRule('get', '/healthz')],
  ],
  [
    'split across owner rules',
    [rule('get', '', 'pods'), rule('list', '', 'pods')],
    [rule('get,list', '', 'pods')],
    true,
    [],
  ],
];

describe('covers (policy_comparator_test.go)', () => {
  for (const [name, owner, servant, ok, missing] of table) {
    it(name, () => {
      const got = covers(owner, servant);
      assert.equal(got.covered, ok);
      assert.deepEqual(got.missing, missing);
    });
  }
});

describe('breakdownRule', () => {
  it('expands groups × resources × verbs × names, then urls × verbs', () => {
    const r: PolicyRule = {
      verbs: ['get', 'list'],
      apiGroups: ['', 'apps'],
      resources: ['a'],
      resourceNames: ['n'],
      nonResourceURLs: ['/x'],
    };
    assert.deepEqual(breakdownRule(r), [
      { apiGroups: [''], resources: ['a'], verbs: ['get'], resourceNames: ['n'] },
      { apiGroups: [''], resources: ['a'], verbs: ['list'], resourceNames: ['n'] },
      { apiGroups: ['apps'], resources: ['a'], verbs: ['get'], resourceNames: ['n'] },
      { apiGroups: ['apps'], resources: ['a'], verbs: ['list'], resourceNames: ['n'] },
      { nonResourceURLs: ['/x'], verbs: ['get'] },
      { nonResourceURLs: ['/x'], verbs: ['list'] },
    ]);
  });
});

describe('compactRules / compactString', () => {
  it('merges simple rules per group/resource(/name), verbs in order', () => {
    const atoms = breakdownRule(rule('get,list', '', 'secrets'));
    atoms.push(...breakdownRule(rule('get', '', 'pods', 'p1')), ...breakdownRule(urlRule('get', '/x')));
    assert.deepEqual(compactRules(atoms).map(compactString), [
      '{NonResourceURLs:["/x"], Verbs:["get"]}',
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
      '{APIGroups:[""], Resources:["pods"], ResourceNames:["p1"], Verbs:["get"]}',
    ]);
  });
});
