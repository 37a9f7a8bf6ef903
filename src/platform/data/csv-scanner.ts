import { UsageError } from '../../core/errors.js';
import { quoteValue } from './batch-request.js';
import type { ByteWindow } from './byte-window.js';
import { parseLongDecimal } from './long-decimal.js';
import { parseNumericText, POW10 } from './numeric-text.js';

/** What the scanner does with a column: skip it, parse it as a number, or keep it as text. */
export const SKIP = 0;
export const FLOAT = 1;
export const TEXT = 2;

const NL = 10;
const CR = 13;
const QUOTE = 34;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
/** Integers below 2^53 are exact in a double, so mantissa / 10^k is correctly rounded (Clinger's fast path). */
const MAX_EXACT = 2 ** 53;

/** Rows of one batch as the scanner fills them, indexed by file column. */
export interface CsvRows {
  floats: Float64Array[];
  texts: string[][];
  rows: number;
  capacity: number;
  /** File row of the first row, or -1 while empty. */
  start: number;
}

/**
 * Buffer's own latin1Slice/utf8Slice skip toString()'s argument and encoding checks, which cost as
 * much as the decoding for short fields. Both have existed since Node 0.x; fall back if they go.
 */
type SliceFn = (this: Buffer, start: number, end: number) => string;
const bufferProto = Buffer.prototype as unknown as { latin1Slice?: SliceFn; utf8Slice?: SliceFn };
const latin1Slice = bufferProto.latin1Slice;
const utf8Slice = bufferProto.utf8Slice;
const latin1 = latin1Slice
  ? (buf: Buffer, start: number, end: number) => latin1Slice.call(buf, start, end)
  : (buf: Buffer, start: number, end: number) => buf.toString('latin1', start, end);
const utf8 = utf8Slice
  ? (buf: Buffer, start: number, end: number) => utf8Slice.call(buf, start, end)
  : (buf: Buffer, start: number, end: number) => buf.toString('utf8', start, end);

const NO_FLOATS = new Float64Array(0);
const NO_TEXTS: string[] = [];

export function newCsvRows(kinds: Uint8Array, capacity: number): CsvRows {
  return {
    floats: Array.from(kinds, (k) => (k === FLOAT ? new Float64Array(capacity) : NO_FLOATS)),
    texts: Array.from(kinds, (k) => (k === TEXT ? new Array<string>(capacity) : NO_TEXTS)),
    rows: 0,
    capacity,
    start: -1,
  };
}

/**
 * RFC 4180 scanner over a ByteWindow: one pass over the bytes, numbers parsed from the bytes as
 * they are scanned (no per-line strings), text decoded only for TEXT columns. Blank lines are
 * skipped and do not count as rows. Quoted fields may hold commas, doubled quotes and newlines.
 */
export class CsvScanner {
  /** 1-based line of the next record. */
  line = 1;
  /** 0-based data row index of the next record (header and blank lines excluded). */
  row = 0;
  kinds: Uint8Array = new Uint8Array(0);
  shardIndex = 0;
  shardCount = 1;
  /** Rows that fixed the column types, for error messages. */
  inferredFrom = 0;
  /**
   * While inferring types, a non-number in a FLOAT column does not throw: the column is flagged
   * here and skipped from then on.
   */
  textColumns: Set<number> | undefined;
  private names: string[] = [];
  private text = '';
  private newlines = 0;
  private fieldEnd = 0;
  private nextQuote = -1;

  constructor(
    readonly path: string,
    private readonly win: ByteWindow,
  ) {}

  /** Reads the header record; column names are the header fields (blank ones as pandas names them). */
  async readHeader(): Promise<string[]> {
    const win = this.win;
    let fields: string[] | null = null;
    while (!fields) {
      if (win.pos <= win.limit) {
        // A UTF-8 byte order mark is not part of the first column's name.
        if (
          win.base === 0 &&
          win.pos === 0 &&
          win.buf[0] === 0xef &&
          win.buf[1] === 0xbb &&
          win.buf[2] === 0xbf
        ) {
          win.pos = 3;
        }
        fields = this.parseRecord(win.buf, win.pos, win.limit);
        if (fields) break;
      }
      if (!(await win.refill())) {
        if (win.end === 0) {
          throw new UsageError(`${this.path} is empty`, { fix: 'write a header row naming the columns' });
        }
        throw this.unterminated();
      }
    }
    win.pos = this.fieldEnd;
    this.line += 1 + this.newlines;
    this.names = fields.map((name, i) => (name === '' ? `Unnamed: ${i}` : name));
    const seen = new Set<string>();
    for (const name of this.names) {
      if (seen.has(name)) {
        throw new UsageError(`${this.path}:1: column '${name}' appears twice in the header`, {
          fix: 'give every column a distinct name',
        });
      }
      seen.add(name);
    }
    return this.names;
  }

  /** Scans and refills until `out` is full (true) or the file ends (false). */
  async fill(out: CsvRows): Promise<boolean> {
    for (;;) {
      if (this.scan(out)) return true;
      if (!(await this.win.refill())) {
        if (this.win.pos < this.win.end) throw this.unterminated();
        return false;
      }
      this.nextQuote = -1;
    }
  }

  /** Parses complete records in the window into `out`; true when `out` is full. */
  scan(out: CsvRows): boolean {
    const win = this.win;
    const buf = win.buf;
    const limit = win.limit;
    const kinds = this.kinds;
    const last = kinds.length - 1;
    const floats = out.floats;
    const texts = out.texts;
    const capacity = out.capacity;
    const count = this.shardCount;
    const index = this.shardIndex;
    let pos = win.pos;
    let rows = out.rows;
    let row = this.row;
    let line = this.line;
    records: while (rows < capacity && pos <= limit) {
      let c = buf[pos]!;
      if (c === NL || (c === CR && buf[pos + 1] === NL)) {
        pos += c === NL ? 1 : 2;
        line++;
        continue;
      }
      if (count !== 1 && row % count !== index) {
        const next = this.skipRecord(buf, pos, limit);
        if (next < 0) break;
        pos = next;
        row++;
        line += 1 + this.newlines;
        continue;
      }
      const recordStart = pos;
      let newlines = 0;
      for (let j = 0; j <= last; j++) {
        const kind = kinds[j]!;
        c = buf[pos]!;
        if (c === QUOTE) {
          const end = this.quoted(buf, pos, limit);
          if (end < 0) {
            pos = recordStart;
            break records;
          }
          newlines += this.newlines;
          if (kind === FLOAT) floats[j]![rows] = this.textToNumber(this.text, j, line);
          else if (kind === TEXT) texts[j]![rows] = this.text;
          pos = end;
          c = buf[pos]!;
          if (c !== COMMA && c !== NL && !(c === CR && buf[pos + 1] === NL)) {
            throw new UsageError(
              `${this.path}:${line}: column '${this.names[j]}' has text after its closing quote`,
              {
                fix: 'write a quote inside a quoted field as "" (RFC 4180)',
              },
            );
          }
        } else if (kind === FLOAT) {
          // Fast path: digits straight from the bytes into an integer mantissa and a power of ten.
          let p = pos;
          let negative = false;
          if (c === MINUS) {
            negative = true;
            c = buf[++p]!;
          } else if (c === PLUS) {
            c = buf[++p]!;
          }
          // Once the true mantissa reaches 2^53 the computed one is at least 2^53 too (rounding is
          // monotone), so `mantissa < MAX_EXACT` below means it is exact.
          let mantissa = 0;
          const digitsStart = p;
          while (c >= ZERO && c <= NINE) {
            mantissa = mantissa * 10 + (c - ZERO);
            c = buf[++p]!;
          }
          let digits = p - digitsStart;
          let exponent = 0;
          if (c === DOT) {
            c = buf[++p]!;
            const fractionStart = p;
            while (c >= ZERO && c <= NINE) {
              mantissa = mantissa * 10 + (c - ZERO);
              c = buf[++p]!;
            }
            exponent = fractionStart - p;
            digits += p - fractionStart;
          }
          const mantissaEnd = p;
          if ((c | 0x20) === 101 && digits > 0) {
            // e or E
            c = buf[++p]!;
            let exponentSign = 1;
            if (c === MINUS) {
              exponentSign = -1;
              c = buf[++p]!;
            } else if (c === PLUS) {
              c = buf[++p]!;
            }
            const exponentStart = p;
            let written = 0;
            while (c >= ZERO && c <= NINE && written < 1e6) {
              written = written * 10 + (c - ZERO);
              c = buf[++p]!;
            }
            if (p === exponentStart) digits = 0;
            exponent += exponentSign * written;
          }
          let value: number;
          const complete = digits > 0 && (c === COMMA || c === NL || (c === CR && buf[p + 1] === NL));
          if (complete && mantissa < MAX_EXACT && exponent >= -22 && exponent <= 22) {
            value = exponent < 0 ? mantissa / POW10[-exponent]! : mantissa * POW10[exponent]!;
            if (negative) value = -value;
          } else if (complete) {
            // Beyond the fast path: 17-19 significant digits (repr of most doubles) exactly from
            // the bytes, else (ties, big exponents) V8's correctly rounded string-to-double.
            const long =
              exponent < 0 && exponent >= -22
                ? parseLongDecimal(buf, digitsStart, mantissaEnd, exponent)
                : undefined;
            value = long === undefined ? Number(latin1(buf, pos, p)) : negative ? -long : long;
          } else {
            value = this.slowNumber(buf, pos, j, line);
            p = this.fieldEnd;
            c = buf[p]!;
          }
          floats[j]![rows] = value;
          pos = p;
        } else {
          let p = pos;
          while (c !== COMMA && c !== NL) c = buf[++p]!;
          if (kind === TEXT) {
            const end = c === NL && p > pos && buf[p - 1] === CR ? p - 1 : p;
            texts[j]![rows] = utf8(buf, pos, end);
          }
          pos = p;
        }
        if (j < last) {
          if (c !== COMMA) throw this.fieldCountError(j + 1, line);
          pos++;
        } else {
          if (c === CR) c = buf[++pos]!;
          if (c !== NL) throw this.fieldCountError(last + 2, line);
          pos++;
        }
      }
      if (rows === 0) out.start = row;
      rows++;
      row++;
      line += 1 + newlines;
    }
    win.pos = pos;
    out.rows = rows;
    this.row = row;
    this.line = line;
    return rows === capacity;
  }

  /** Numbers the fast path leaves alone: long mantissas, big exponents, NA markers, blanks, spaces. */
  private slowNumber(buf: Buffer, pos: number, column: number, line: number): number {
    let p = pos;
    let c = buf[p]!;
    while (c !== COMMA && c !== NL) c = buf[++p]!;
    this.fieldEnd = p;
    const end = c === NL && p > pos && buf[p - 1] === CR ? p - 1 : p;
    const value = parseNumericText(buf.toString('latin1', pos, end));
    if (value === undefined) return this.textToNumber(buf.toString('utf8', pos, end), column, line);
    return value;
  }

  private textToNumber(text: string, column: number, line: number): number {
    const value = parseNumericText(text);
    if (value !== undefined) return value;
    if (this.textColumns) {
      this.textColumns.add(column);
      this.kinds[column] = SKIP;
      return NaN;
    }
    throw new UsageError(
      `${this.path}:${line}: column '${this.names[column]}' has ${quoteValue(text)}, not a number`,
      {
        fix: `the first ${this.inferredFrom} rows made it a numeric column; fix the value or leave the field empty for a missing value`,
      },
    );
  }

  /** Parses a quoted field starting at `pos`; returns the index after its closing quote, or -1 if incomplete. */
  private quoted(buf: Buffer, pos: number, limit: number): number {
    let p = pos + 1;
    let text = '';
    let newlines = 0;
    for (;;) {
      const q = buf.indexOf(QUOTE, p);
      if (q < 0 || q > limit) return -1;
      text += buf.toString('utf8', p, q);
      for (let i = p; i < q; i++) if (buf[i] === NL) newlines++;
      if (buf[q + 1] === QUOTE) {
        text += '"';
        p = q + 2;
        continue;
      }
      this.text = text;
      this.newlines = newlines;
      return q + 1;
    }
  }

  /** Finds the end of a record without converting it (rows of other shards); -1 if incomplete. */
  private skipRecord(buf: Buffer, pos: number, limit: number): number {
    const nl = buf.indexOf(NL, pos);
    if (this.nextQuote < pos && this.nextQuote !== Infinity) {
      const q = buf.indexOf(QUOTE, pos);
      this.nextQuote = q < 0 || q > limit ? Infinity : q;
    }
    this.newlines = 0;
    if (this.nextQuote > nl) return nl + 1;
    const fields = this.parseRecord(buf, pos, limit);
    return fields ? this.fieldEnd : -1;
  }

  /** Slow, general record parse into strings (header, quoted records of other shards); null if incomplete. */
  private parseRecord(buf: Buffer, pos: number, limit: number): string[] | null {
    const fields: string[] = [];
    let newlines = 0;
    let p = pos;
    for (;;) {
      let c = buf[p]!;
      if (c === QUOTE) {
        const end = this.quoted(buf, p, limit);
        if (end < 0) return null;
        newlines += this.newlines;
        fields.push(this.text);
        p = end;
        c = buf[p]!;
      } else {
        const start = p;
        while (c !== COMMA && c !== NL) c = buf[++p]!;
        fields.push(buf.toString('utf8', start, c === NL && p > start && buf[p - 1] === CR ? p - 1 : p));
      }
      if (c === CR && buf[p + 1] === NL) c = buf[++p]!;
      if (c === NL) break;
      if (c !== COMMA) {
        throw new UsageError(
          `${this.path}:${this.line}: field ${fields.length} has text after its closing quote`,
          {
            fix: 'write a quote inside a quoted field as "" (RFC 4180)',
          },
        );
      }
      p++;
    }
    this.fieldEnd = p + 1;
    this.newlines = newlines;
    return fields;
  }

  private fieldCountError(fields: number, line: number): UsageError {
    const header = this.names.length;
    const found = fields > header ? `more than ${header}` : `${fields}`;
    // Name the column where the row and the header part ways.
    const where =
      fields > header
        ? `a field past the last column '${this.names[header - 1]}'`
        : `no value for column '${this.names[fields]}'${header - fields > 1 ? ` and ${header - fields - 1} more` : ''}`;
    return new UsageError(
      `${this.path}:${line}: row has ${found} fields but the header has ${header} (${where})`,
      {
        fix: 'give every row one field per header column (quote fields that contain commas)',
      },
    );
  }

  private unterminated(): UsageError {
    return new UsageError(`${this.path}:${this.line}: quoted field is never closed`, {
      fix: 'close the quote, and write quotes inside a quoted field as ""',
    });
  }
}
