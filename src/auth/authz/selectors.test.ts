import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFieldSelector, requiresExactMatch } from './field-selector.ts';
import { labelSelectorMatches, validateLabelSelectorString } from './label-selector.ts';

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

describe('validateLabelSelectorString', () => {
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
      assert.doesNotThrow(() => validateLabelSelectorString(ok), ok);
    }
  });
  it('rejects what labels.Parse rejects', () => {
    for (const bad of ['a in', 'a in (b', '=b', 'a,', 'a=b c', 'x>y', 'Bad Key=1', 'a=-b', '!a=b']) {
      assert.throws(() => validateLabelSelectorString(bad), bad);
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
