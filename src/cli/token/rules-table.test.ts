import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRulesTable } from './rules-table.ts';

describe('formatRulesTable (kubectl auth can-i --list)', () => {
  it('matches upstream cani_test.go byte for byte', () => {
    const out = formatRulesTable({
      resourceRules: [
        { verbs: ['get', 'list'], apiGroups: ['*'], resources: ['pod', 'job'], resourceNames: ['test-resource'] },
      ],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/apis/*', '/version'] }],
      incomplete: false,
    });
    assert.equal(
      out,
      'Resources   Non-Resource URLs   Resource Names    Verbs\n' +
        'job.*       []                  [test-resource]   [get list]\n' +
        'pod.*       []                  [test-resource]   [get list]\n' +
        '            [/apis/*]           []                [get]\n' +
        '            [/version]          []                [get]\n',
    );
  });

  it('matches the spec example (sorting by verbs first, core resources bare, wildcard groups as *.*)', () => {
    const out = formatRulesTable({
      resourceRules: [
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['p1'] },
        {
          verbs: ['create'],
          apiGroups: ['authorization.k8s.io'],
          resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        },
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      ],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/version'] }],
    });
    assert.equal(
      out,
      [
        'Resources                                       Non-Resource URLs   Resource Names   Verbs',
        '*.*                                             []                  []               [*]',
        'selfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]',
        'selfsubjectrulesreviews.authorization.k8s.io    []                  []               [create]',
        'pods                                            []                  [p1]             [get list]',
        '                                                [/api/*]            []               [get]',
        '                                                [/api]              []               [get]',
        '                                                [/version]          []               [get]',
        '',
      ].join('\n'),
    );
  });

  it('keeps subresources after the group and drops the header on request', () => {
    const out = formatRulesTable(
      { resourceRules: [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }] },
      { noHeaders: true },
    );
    // Go's tabwriter pads narrow columns to kubectl's minwidth of 10.
    assert.equal(out, 'deployments.apps/scale   []        []        [get]\n');
  });

  it('prints only the header for no rules', () => {
    assert.equal(formatRulesTable({}), 'Resources   Non-Resource URLs   Resource Names   Verbs\n');
  });
});
