import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.ts';

test('label selectors parse and match as apimachinery labels does', () => {
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

test('bad label selectors are refused', () => {
  for (const s of ['app=we b=x', 'app in (a', '=x', 'app=-bad-'])
    assert.throws(() => parseLabelSelector(s), SelectorError, s);
});

test('field selectors', () => {
  const fields = { 'metadata.name': 'p1', 'metadata.namespace': 'default' };
  assert.equal(matchesFields(parseFieldSelector('metadata.name=p1'), fields), true);
  assert.equal(matchesFields(parseFieldSelector('metadata.name==p1,metadata.namespace!=kube-system'), fields), true);
  assert.equal(matchesFields(parseFieldSelector('metadata.name=p2'), fields), false);
  assert.throws(() => parseFieldSelector('metadata.name'), SelectorError);
});
