import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CsvParseError, readGoCsv } from './go-csv.ts';

const read = (s: string) => [...readGoCsv(Buffer.from(s, 'utf8'))];
const fields = (s: string) => read(s).map((r) => r.fields);

const errorOf = (s: string): CsvParseError => {
  try {
    read(s);
  } catch (err) {
    assert.ok(err instanceof CsvParseError);
    return err;
  }
  assert.fail(`no error for ${JSON.stringify(s)}`);
};

test('records, quoting and line endings as Go encoding/csv', () => {
  assert.deepEqual(fields('a,b\n\nc\r\n'), [['a', 'b'], ['c']]);
  assert.deepEqual(fields('"a,b","c""d",\n'), [['a,b', 'c"d', '']]);
  assert.deepEqual(fields('"multi\r\nline",x\ny'), [['multi\nline', 'x'], ['y']]);
  assert.deepEqual(fields('a\r'), [['a']], 'a final \\r before EOF is dropped');
  assert.deepEqual(fields('a\rb\n'), [['a\rb']], 'a lone \\r is data');
  assert.deepEqual(fields(' \n'), [[' ']], 'whitespace-only lines are records');
  assert.deepEqual(fields('""\n'), [['']]);
  assert.deepEqual(fields('ü,"é"\n'), [['ü', 'é']]);
  assert.deepEqual(
    read('\n\na\n"b\nc"\nd').map((r) => r.line),
    [3, 4, 6],
  );
});

test('error text and 1-based byte columns match Go >= 1.17', () => {
  assert.equal(errorOf('tok,u,id,gr"oup\n').message, 'parse error on line 1, column 12: bare " in non-quoted-field');
  assert.equal(errorOf('tok,u,id, "g1,g2"\n').message, 'parse error on line 1, column 11: bare " in non-quoted-field');
  assert.equal(
    errorOf('ok\n"a"b\n').message,
    'parse error on line 2, column 3: extraneous or missing " in quoted-field',
  );
  assert.equal(errorOf('ü"\n').message, 'parse error on line 1, column 3: bare " in non-quoted-field');
  assert.equal(errorOf('"abc').message, 'parse error on line 1, column 5: extraneous or missing " in quoted-field');
  const multi = errorOf('"a\nb"c\n');
  assert.equal(
    multi.message,
    'record on line 1; parse error on line 2, column 2: extraneous or missing " in quoted-field',
  );
  assert.equal(multi.startLine, 1);
  assert.equal(multi.line, 2);
});

test('good records before an error are still yielded, in order', () => {
  const gen = readGoCsv(Buffer.from('a,b\nx"y\n'));
  assert.deepEqual(gen.next().value?.fields, ['a', 'b']);
  assert.throws(() => gen.next(), CsvParseError);
});
