import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  labelSelectorMatches,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  requiresExactMatch,
  SelectorError,
} from './selectors.ts';

describe('parseFieldSelector', () => {
  it('parses terms, sorted, with escapes', () => {
    assert.deepEqual(parseFieldSelector('b!=2,a==1'), [
      { field: 'a', op: '==', value: '1' },
      { field: 'b', op: '!=', value: '2' },
    ]);
    assert.deepEqual(parseFieldSelector('x=a\\,b'), [{ field: 'x', op: '=', value: 'a,b' }]);
    assert.deepEqual(parseFieldSelector(''), []);
  });
  it('rejects malformed selectors', () => {
    for (const bad of ['metadata.name=name1,foo', 'a=b=c', 'a=b\\', 'a=\\x'])
      assert.throws(() => parseFieldSelector(bad), bad);
  });
  it('requiresExactMatch takes the first equality term', () => {
    assert.equal(requiresExactMatch(parseFieldSelector('metadata.name=foo,metadata.name=bar'), 'metadata.name'), 'bar');
    assert.equal(requiresExactMatch(parseFieldSelector('metadata.name!=foo'), 'metadata.name'), undefined);
  });
});

describe('parseLabelSelector', () => {
  it('accepts the labels.Parse grammar', () => {
    for (const ok of [
      '',
      'a',
      '!a',
      'a=b',
      'a==b',
      'a!=b',
      'a in (b, c)',
      'a notin (b)',
      'x>1',
      'app.kubernetes.io/name=x,tier',
      'a=',
    ]) {
      assert.doesNotThrow(() => parseLabelSelector(ok), ok);
    }
  });
  it('rejects what labels.Parse rejects', () => {
    for (const bad of ['a in', 'a in (b', '=b', 'a,', 'a=b c', 'x>y', 'Bad Key=1', 'a=-b', '!a=b']) {
      assert.throws(() => parseLabelSelector(bad), bad);
    }
  });
});

describe('labelSelectorMatches', () => {
  it('matchLabels and expressions combine with AND; empty matches all', () => {
    assert.equal(labelSelectorMatches({}, undefined), true);
    assert.equal(
      labelSelectorMatches(
        { matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'Exists' }] },
        { a: '1', b: '' },
      ),
      true,
    );
    assert.equal(
      labelSelectorMatches(
        { matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'Exists' }] },
        { a: '1' },
      ),
      false,
    );
  });
});

describe('matching', () => {
  it('label selectors parse and match as apimachinery labels does', () => {
    const labels = { app: 'web', tier: 'front' };
    const yes = [
      '',
      'app=web',
      'app==web',
      'app!=db',
      'tier in (front, back)',
      'tier notin (back)',
      'app',
      '!missing',
      'app=web,tier=front',
    ];
    const no = ['app=db', 'app!=web', 'tier in (back)', 'tier notin (front)', 'missing', '!app', 'app=web,tier=back'];
    for (const s of yes) assert.equal(matchesLabels(parseLabelSelector(s), labels), true, s);
    for (const s of no) assert.equal(matchesLabels(parseLabelSelector(s), labels), false, s);
    assert.equal(matchesLabels(parseLabelSelector('a notin (x)'), undefined), true);
  });

  it('bad label selectors are refused', () => {
    for (const s of ['app=we b=x', 'app in (a', '=x', 'app=-bad-'])
      assert.throws(() => parseLabelSelector(s), SelectorError, s);
  });

  it('field selectors', () => {
    const fields = { 'metadata.name': 'p1', 'metadata.namespace': 'default' };
    assert.equal(matchesFields(parseFieldSelector('metadata.name=p1'), fields), true);
    assert.equal(matchesFields(parseFieldSelector('metadata.name==p1,metadata.namespace!=kube-system'), fields), true);
    assert.equal(matchesFields(parseFieldSelector('metadata.name=p2'), fields), false);
    assert.throws(() => parseFieldSelector('metadata.name'), SelectorError);
  });

  it('Gt and Lt compare integer label values', () => {
    assert.equal(matchesLabels(parseLabelSelector('n>1'), { n: '2' }), true);
    assert.equal(matchesLabels(parseLabelSelector('n<1'), { n: '2' }), false);
    assert.equal(matchesLabels(parseLabelSelector('n>1'), {}), false);
  });
});
