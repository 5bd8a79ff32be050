/**
 * A port of Go's `encoding/csv` Reader with the defaults kube-apiserver uses for `--token-auth-file`
 * (Comma ',', no Comment, LazyQuotes false, TrimLeadingSpace false, FieldsPerRecord -1), so that the same bytes
 * give the same records and the same error text (1-based byte columns, as Go >= 1.17).
 */

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

/** Go's csv.ErrBareQuote text. */
export const ERR_BARE_QUOTE = 'bare " in non-quoted-field';
/** Go's csv.ErrQuote text. */
export const ERR_QUOTE = 'extraneous or missing " in quoted-field';

/** Go's *csv.ParseError: lines are 1-based, columns are 1-based byte offsets; the message is Go's. */
export class CsvParseError extends Error {
  readonly startLine: number;
  readonly line: number;
  readonly column: number;
  constructor(startLine: number, line: number, column: number, reason: string) {
    super(
      startLine !== line
        ? `record on line ${startLine}; parse error on line ${line}, column ${column}: ${reason}`
        : `parse error on line ${line}, column ${column}: ${reason}`,
    );
    this.name = 'CsvParseError';
    this.startLine = startLine;
    this.line = line;
    this.column = column;
  }
}

/** One record and the line it started on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

const lengthNL = (b: Buffer): number => (b.length > 0 && b[b.length - 1] === NL ? 1 : 0);

/**
 * Yields records in file order; throws CsvParseError at the first malformed record, after yielding the good
 * records before it (callers that validate records as they go report the same first error as Go does).
 * Fields are decoded as UTF-8.
 */
export function* readGoCsv(data: Buffer): Generator<CsvRecord> {
  let offset = 0;
  let numLine = 0;

  // Go's readLine: one line with its '\n' ("" plus eof at the end), "\r\n" folded to "\n", a final "\r" dropped.
  const readLine = (): { line: Buffer; eof: boolean } => {
    numLine++;
    if (offset >= data.length) return { line: data.subarray(0, 0), eof: true };
    const nl = data.indexOf(NL, offset);
    let line = data.subarray(offset, nl < 0 ? data.length : nl + 1);
    offset += line.length;
    if (nl < 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    const n = line.length;
    if (n >= 2 && line[n - 2] === CR && line[n - 1] === NL) {
      line = Buffer.concat([line.subarray(0, n - 2), Buffer.of(NL)]);
    }
    return { line, eof: false };
  };

  for (;;) {
    let line: Buffer;
    let eof: boolean;
    do {
      ({ line, eof } = readLine());
    } while (!eof && line.length === lengthNL(line));
    if (eof) return;

    const recLine = numLine;
    const fields: string[] = [];
    let field: Buffer[] = [];
    const endField = (): void => {
      fields.push(Buffer.concat(field).toString('utf8'));
      field = [];
    };
    let posLine = numLine;
    let col = 1;

    parseField: for (;;) {
      if (line.length === 0 || line[0] !== QUOTE) {
        const i = line.indexOf(COMMA);
        const raw = i >= 0 ? line.subarray(0, i) : line.subarray(0, line.length - lengthNL(line));
        const j = raw.indexOf(QUOTE);
        if (j >= 0) throw new CsvParseError(recLine, numLine, col + j, ERR_BARE_QUOTE);
        field.push(raw);
        endField();
        if (i >= 0) {
          line = line.subarray(i + 1);
          col += i + 1;
          continue;
        }
        break;
      }
      // Quoted field: may span lines; `""` is a literal quote.
      line = line.subarray(1);
      col += 1;
      for (;;) {
        const i = line.indexOf(QUOTE);
        if (i >= 0) {
          field.push(line.subarray(0, i));
          line = line.subarray(i + 1);
          col += i + 1;
          if (line[0] === QUOTE) {
            field.push(Buffer.of(QUOTE));
            line = line.subarray(1);
            col += 1;
          } else if (line[0] === COMMA) {
            line = line.subarray(1);
            col += 1;
            endField();
            continue parseField;
          } else if (lengthNL(line) === line.length) {
            endField();
            break parseField;
          } else {
            throw new CsvParseError(recLine, numLine, col - 1, ERR_QUOTE);
          }
        } else if (line.length > 0) {
          field.push(line);
          col += line.length;
          ({ line } = readLine());
          if (line.length > 0) {
            posLine++;
            col = 1;
          }
        } else {
          throw new CsvParseError(recLine, posLine, col, ERR_QUOTE);
        }
      }
    }
    yield { fields, line: recLine };
  }
}
