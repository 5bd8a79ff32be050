import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  regexError,
} from './names.ts';

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QNAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const CONFIG_KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

describe('regexError', () => {
  it("joins examples with upstream's double space", () => {
    assert.equal(regexError('m', 'f', 'a', 'b'), "m (e.g. 'a',  or 'b', regex used for validation is 'f')");
    assert.equal(regexError('m', 'f'), "m (regex used for validation is 'f')");
  });
});

describe('isDNS1123Label', () => {
  // Good and bad values from upstream's TestIsDNS1123Label.
  for (const good of [
    'a',
    'ab',
    'abc',
    'a1',
    'a-1',
    'a--1--2--b',
    '0',
    '01',
    '012',
    '1a',
    '1-a',
    '1--a--b--2',
    'a'.repeat(63),
  ]) {
    it(`accepts ${good.length > 20 ? `${good.length} chars` : JSON.stringify(good)}`, () => {
      assert.deepEqual(isDNS1123Label(good), []);
    });
  }
  for (const bad of [
    '',
    'A',
    'ABC',
    'aBc',
    'A1',
    'A-1',
    '1-A',
    '-',
    'a-',
    '-a',
    '1-',
    '-1',
    '_',
    'a_',
    '_a',
    'a_b',
    '1_',
    '_1',
    '1_2',
    'a b',
    'a!b',
    'a@b',
  ]) {
    it(`rejects ${JSON.stringify(bad)} with the regex message`, () => {
      assert.deepEqual(isDNS1123Label(bad), [LABEL_MSG]);
    });
  }
  it('says "must not contain dots" for a valid subdomain', () => {
    assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
    assert.deepEqual(isDNS1123Label('1.2.3.4'), ['must not contain dots']);
  });
  it('reports length before format', () => {
    assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
    assert.deepEqual(isDNS1123Label(`${'a'.repeat(64)}_`), ['must be no more than 63 characters', LABEL_MSG]);
  });
  it('counts bytes, not UTF-16 units', () => {
    assert.equal(isDNS1123Label('é'.repeat(32)).length, 2);
  });
});

describe('isDNS1123Subdomain', () => {
  for (const good of ['a', 'a.b', 'a.b.c', 'a-1.b-2', '0.a', '1.2.3.4', `${'a'.repeat(63)}.${'b'.repeat(63)}`]) {
    it(`accepts ${JSON.stringify(good.slice(0, 20))}`, () => assert.deepEqual(isDNS1123Subdomain(good), []));
  }
  for (const bad of ['', 'A', 'a.', '.a', 'a..b', 'a_b', 'a.-b', 'a-.b', 'Bad_Name', 'a/b']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.deepEqual(isDNS1123Subdomain(bad), [SUBDOMAIN_MSG]));
  }
  it('limits to 253 bytes', () => {
    assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
    assert.deepEqual(isDNS1123Subdomain('a'.repeat(253)), []);
  });
  it('stays fast on long hostile input', () => {
    // Would backtrack quadratically with the literal regex.
    assert.equal(isDNS1123Subdomain(`${'a-'.repeat(200_000)}!`).length, 2);
  });
});

describe('isQualifiedName', () => {
  for (const good of [
    'simple',
    'now-with-dashes',
    '1-starts-with-num',
    '1234',
    'simple/simple',
    'now-with-dashes/simple',
    'now-with-dashes/now-with-dashes',
    'now.with.dots/simple',
    'now-with.dashes-and.dots/simple',
    '1-num.2-num/3-num',
    '1234/5678',
    '1.2.3.4/5678',
    'Uppercase_Is_OK_123',
    'example.com/Uppercase_Is_OK_123',
    'requests.storage-foo',
    'a'.repeat(63),
    `${'a'.repeat(253)}/${'b'.repeat(63)}`,
  ]) {
    it(`accepts ${JSON.stringify(good.slice(0, 30))}`, () => assert.deepEqual(isQualifiedName(good), []));
  }
  it('rejects a bad name part', () => {
    for (const bad of [
      'nospecialchars%^=@',
      'cantendwithadash-',
      '-cantstartwithadash-',
      'only/one/slash',
      'Example.com/abc',
      'example_com/abc',
      'example.com/',
      '/simple',
    ]) {
      assert.ok(isQualifiedName(bad).length > 0, bad);
    }
    assert.deepEqual(isQualifiedName('Bad Key'), [QNAME_PART_MSG]);
    assert.deepEqual(isQualifiedName('cantendwithadash-'), [QNAME_PART_MSG]);
  });
  it('reports prefix problems with a "prefix part" lead', () => {
    assert.deepEqual(isQualifiedName('/simple'), ['prefix part must be non-empty']);
    assert.deepEqual(isQualifiedName('Example.com/abc'), [`prefix part ${SUBDOMAIN_MSG}`]);
  });
  it('reports an empty name part', () => {
    assert.deepEqual(isQualifiedName('example.com/'), ['name part must be non-empty', QNAME_PART_MSG]);
  });
  it('reports a too-long name part', () => {
    assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
  });
  it('rejects more than one slash with the whole-format message', () => {
    assert.deepEqual(isQualifiedName('only/one/slash'), [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
  });
});

describe('isValidLabelValue', () => {
  for (const good of [
    'simple',
    'now-with-dashes',
    '1-starts-with-num',
    'end-with-num-1',
    '1234',
    'a-b_c.d',
    'Uppercase_Is_OK_123',
    '',
    'a'.repeat(63),
  ]) {
    it(`accepts ${JSON.stringify(good.slice(0, 20))}`, () => assert.deepEqual(isValidLabelValue(good), []));
  }
  for (const bad of [
    'nospecialchars%^=@',
    'Tama-nui-te-rā.is.Māori.sun',
    '\\backslashes\\are\\bad',
    '-starts-with-dash',
    'ends-with-dash-',
    '.starts.with.dot',
    'ends.with.dot.',
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.deepEqual(isValidLabelValue(bad), [LABEL_VALUE_MSG]));
  }
  it('limits to 63 bytes', () => {
    assert.deepEqual(isValidLabelValue('a'.repeat(64)), ['must be no more than 63 characters']);
  });
});

describe('isConfigMapKey', () => {
  for (const good of ['a', 'good', 'good_key', 'good-key', 'good.key', '.dockercfg', 'tls.crt', 'A_B', '.a']) {
    it(`accepts ${JSON.stringify(good)}`, () => assert.deepEqual(isConfigMapKey(good), []));
  }
  it('rejects bad characters and dot names', () => {
    assert.deepEqual(isConfigMapKey('bad key'), [CONFIG_KEY_MSG]);
    assert.deepEqual(isConfigMapKey(''), [CONFIG_KEY_MSG]);
    assert.deepEqual(isConfigMapKey('a/b'), [CONFIG_KEY_MSG]);
    assert.deepEqual(isConfigMapKey('.'), ["must not be '.'"]);
    assert.deepEqual(isConfigMapKey('..'), ["must not be '..'"]);
    assert.deepEqual(isConfigMapKey('..a'), ["must not start with '..'"]);
    assert.deepEqual(isConfigMapKey('a'.repeat(254)), ['must be no more than 253 characters']);
  });
});

describe('path segment names', () => {
  it('rejects . and .., slashes and percents', () => {
    assert.deepEqual(isValidPathSegmentName('.'), ["may not be '.'"]);
    assert.deepEqual(isValidPathSegmentName('..'), ["may not be '..'"]);
    assert.deepEqual(isValidPathSegmentName('a/b%c'), ["may not contain '/'", "may not contain '%'"]);
    assert.deepEqual(isValidPathSegmentName('system:node'), []);
    assert.deepEqual(isValidPathSegmentName('Any Case_allowed'), []);
    assert.deepEqual(isValidPathSegmentPrefix('.'), []);
    assert.deepEqual(isValidPathSegmentPrefix('a%'), ["may not contain '%'"]);
  });
});

describe('name functions with prefixes', () => {
  it('masks a trailing dash the way upstream does', () => {
    assert.deepEqual(nameIsDNSSubdomain('pod-', true), []);
    assert.deepEqual(nameIsDNSLabel('ns-', true), []);
    assert.deepEqual(nameIsDNSSubdomain('pod-', false), [SUBDOMAIN_MSG]);
    // maskTrailingDash drops the last two characters before appending 'a': "a.-" is checked as "aa".
    assert.deepEqual(nameIsDNSSubdomain('a.-', true), []);
    assert.deepEqual(nameIsDNSSubdomain('Bad-', true), [SUBDOMAIN_MSG]);
  });
});
