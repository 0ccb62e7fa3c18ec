/**
 * A byte-level streaming CSV scanner (RFC 4180 plus CRLF/LF and a UTF-8 BOM), and the small
 * numeric helpers the CSV parsers share.
 *
 * It finds field boundaries on the raw bytes and hands the sink only the fields it asked to
 * keep, so long columns (AgentX `token_timestamps`) are skipped with `indexOf` and never decoded
 * or copied. Quoted fields may hold commas, doubled quotes and newlines; chunk boundaries may fall
 * anywhere (mid-field, mid-`\r\n`, mid-quote, mid-character). Memory does not grow with the file:
 * only a kept field that straddles chunks is copied, up to `maxKeptBytes`.
 *
 * Dialect: `,` separates fields, `"` quotes; a record ends at `\n`, `\r\n` or a lone `\r` outside
 * quotes (as csv-parse reads a file of `\r` endings, and Python's csv module any mix of them);
 * blank lines are skipped; a `"` inside an unquoted field is data (as Python's csv
 * module reads it). Bytes after a closing quote are kept as data and the record is flagged.
 * @module
 */

/** Header fields read at most; a wider header is reported and the rest ignored. */
export const MAX_HEADER_FIELDS = 4096;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Receives fields and record ends from {@linkcode scanCsvBytes}. */
export interface CsvFieldSink {
  /** Whether the scanner should keep (and hand over) the bytes of field `index` of the current record. */
  keep(index: number): boolean;
  /**
   * One field ended. `bytes` is valid only during the call (copy what you need); it is `null`
   * when the field was not kept or was longer than `maxKeptBytes`.
   */
  field(index: number, bytes: Uint8Array | null): void;
  /** One record ended: the 1-based physical line it started on, its field count, and a structural problem if any. */
  record(line: number, fields: number, problem: string | null): void;
}

/** Options of {@linkcode scanCsvBytes}. */
export interface ScanCsvOptions {
  /** Longest kept field handed to the sink, in bytes (longer ones arrive as `null`); default 65 536. */
  maxKeptBytes?: number;
}

/** What a scan saw overall. */
export interface CsvScanSummary {
  /** Bytes read, including a BOM. */
  bytes: number;
  /** Physical lines seen (a final line without a newline counts). */
  lines: number;
  /** Records handed to the sink (the header included). */
  records: number;
  /** Whether the stream started with a UTF-8 BOM (stripped). */
  bom: boolean;
}

const S_FIELD_START = 0;
const S_UNQUOTED = 1;
const S_QUOTED = 2;
/** Saw a `"` inside a quoted field as the last byte of a chunk. */
const S_QUOTE_PENDING = 3;
/** After a closing quote: expect `,`, `\n` or `\r\n`. */
const S_AFTER_QUOTE = 4;
/** Saw `\r` as the last byte of a chunk, outside quotes. */
const S_CR_PENDING = 5;

class Scanner {
  state = S_FIELD_START;
  /** 1-based line of the scan position. */
  line = 1;
  recordLine = 1;
  fieldIndex = 0;
  /** Whether the current field is kept. */
  keeping = false;
  /** Kept bytes of the current field gathered so far (when it straddles chunks or has escapes). */
  acc = new Uint8Array(256);
  accLen = 0;
  /** The current field is gathered in `acc` rather than handed out as one subarray. */
  accUsed = false;
  overlong = false;
  /** Start of the current kept field's not-yet-gathered bytes in the current chunk, or -1. */
  segStart = -1;
  /** End of a closed quoted field's bytes in the current chunk. */
  pendEnd = 0;
  problem: string | null = null;
  /** The current record has at least one byte (so a bare newline is a blank line). */
  recordHasBytes = false;
  records = 0;
  /** Next `\n` at or after the last search in the current chunk (chunk length when none). */
  nextLf = -1;
  constructor(readonly sink: CsvFieldSink, readonly maxKept: number) {}

  startField(): void {
    this.keeping = this.sink.keep(this.fieldIndex);
    this.accLen = 0;
    this.accUsed = false;
    this.overlong = false;
  }

  gather(chunk: Uint8Array, from: number, to: number): void {
    if (!this.keeping || this.overlong || to <= from) return;
    this.accUsed = true;
    const n = to - from;
    if (this.accLen + n > this.maxKept) {
      this.overlong = true;
      this.accLen = 0;
      return;
    }
    this.ensure(this.accLen + n);
    this.acc.set(chunk.subarray(from, to), this.accLen);
    this.accLen += n;
  }

  gatherByte(b: number): void {
    if (!this.keeping || this.overlong) return;
    this.accUsed = true;
    if (this.accLen + 1 > this.maxKept) {
      this.overlong = true;
      this.accLen = 0;
      return;
    }
    this.ensure(this.accLen + 1);
    this.acc[this.accLen++] = b;
  }

  ensure(n: number): void {
    if (n <= this.acc.length) return;
    let size = this.acc.length * 2;
    while (size < n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.acc.subarray(0, this.accLen));
    this.acc = next;
  }

  /** End the current field; its last kept bytes are chunk[from, to). */
  endField(chunk: Uint8Array | null, from: number, to: number): void {
    let bytes: Uint8Array | null = null;
    if (this.keeping) {
      if (!this.accUsed) {
        if (chunk !== null && to - from <= this.maxKept) bytes = chunk.subarray(from, to);
        else if (chunk === null) bytes = new Uint8Array(0);
      } else {
        if (chunk !== null) this.gather(chunk, from, to);
        if (!this.overlong) bytes = this.acc.subarray(0, this.accLen);
      }
    }
    this.sink.field(this.fieldIndex, bytes);
    this.fieldIndex++;
    this.segStart = -1;
  }

  endRecord(): void {
    this.sink.record(this.recordLine, this.fieldIndex, this.problem);
    this.records++;
    this.fieldIndex = 0;
    this.problem = null;
    this.recordHasBytes = false;
    this.state = S_FIELD_START;
  }

  /** Count the newlines in chunk[from, to) using a cached forward search. */
  countLf(chunk: Uint8Array, from: number, to: number): void {
    let lf = this.nextLf;
    if (lf < from) {
      lf = chunk.indexOf(LF, from);
      if (lf < 0) lf = chunk.length;
    }
    while (lf < to) {
      this.line++;
      lf = chunk.indexOf(LF, lf + 1);
      if (lf < 0) lf = chunk.length;
    }
    this.nextLf = lf;
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    this.nextLf = -1;
    this.segStart = this.state === S_UNQUOTED || this.state === S_QUOTED ? 0 : -1;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case S_FIELD_START: {
          const b = chunk[i];
          if (this.fieldIndex === 0 && !this.recordHasBytes) {
            if (b === LF) {
              // blank line
              i++;
              this.line++;
              continue;
            }
            this.recordLine = this.line;
          }
          this.startField();
          if (b === QUOTE) {
            this.recordHasBytes = true;
            this.state = S_QUOTED;
            i++;
          } else {
            this.state = S_UNQUOTED;
          }
          this.segStart = i;
          break;
        }
        case S_UNQUOTED: {
          let j = i;
          let b = 0;
          while (j < n) {
            b = chunk[j];
            if (b === COMMA || b === LF || b === CR) break;
            j++;
          }
          if (j > i) this.recordHasBytes = true;
          if (j === n) {
            i = n;
            break;
          }
          if (b === COMMA) {
            this.recordHasBytes = true;
            this.endField(chunk, this.segStart, j);
            this.state = S_FIELD_START;
            i = j + 1;
          } else if (b === LF) {
            this.endLine(chunk, j);
            i = j + 1;
          } else if (j + 1 < n) {
            // `\r\n`, or a lone `\r`: either ends the line
            this.endLine(chunk, j);
            i = chunk[j + 1] === LF ? j + 2 : j + 1;
          } else {
            this.gather(chunk, this.segStart, j);
            this.segStart = -1;
            this.state = S_CR_PENDING;
            i = n;
          }
          break;
        }
        case S_QUOTED: {
          const q = chunk.indexOf(QUOTE, i);
          const stop = q < 0 ? n : q;
          this.countLf(chunk, i, stop);
          if (q < 0) {
            i = n;
            break;
          }
          if (q + 1 < n) {
            if (chunk[q + 1] === QUOTE) {
              // doubled quote: keep one
              this.gather(chunk, this.segStart, q + 1);
              this.segStart = q + 2;
              i = q + 2;
            } else {
              this.state = S_AFTER_QUOTE;
              this.pendEnd = q;
              i = q + 1;
            }
          } else {
            this.gather(chunk, this.segStart, q);
            this.segStart = -1;
            this.state = S_QUOTE_PENDING;
            i = n;
          }
          break;
        }
        case S_QUOTE_PENDING: {
          if (chunk[i] === QUOTE) {
            this.gatherByte(QUOTE);
            this.state = S_QUOTED;
            i++;
            this.segStart = i;
          } else {
            this.state = S_AFTER_QUOTE;
            this.segStart = -1;
          }
          break;
        }
        case S_AFTER_QUOTE: {
          const b = chunk[i];
          if (b === COMMA) {
            this.endQuoted(chunk);
            this.state = S_FIELD_START;
            i++;
          } else if (b === LF) {
            this.endQuoted(chunk);
            this.endRecord();
            this.line++;
            i++;
          } else if (b === CR && i + 1 < n && chunk[i + 1] === LF) {
            this.endQuoted(chunk);
            this.endRecord();
            this.line++;
            i += 2;
          } else if (b === CR && i + 1 === n) {
            if (this.segStart >= 0) this.gather(chunk, this.segStart, this.pendEnd);
            this.segStart = -1;
            this.state = S_CR_PENDING;
            i++;
          } else if (b === CR) {
            // a lone `\r` ends the line too
            this.endQuoted(chunk);
            this.endRecord();
            this.line++;
            i++;
          } else {
            this.afterQuoteData(chunk, i);
          }
          break;
        }
        case S_CR_PENDING: {
          // The `\r` that ended the last chunk ends the line, with the `\n` after it if there is
          // one; any other byte starts the next record.
          this.endLine(null, 0);
          if (chunk[i] === LF) i++;
          break;
        }
      }
    }
    // Kept bytes still pending in this chunk are gathered before the chunk is released.
    if (this.segStart >= 0) {
      this.gather(chunk, this.segStart, this.state === S_AFTER_QUOTE ? this.pendEnd : n);
      this.segStart = -1;
    }
  }

  /** A newline outside quotes at chunk[j] (or a pending CR's LF): end the record or skip a blank line. */
  endLine(chunk: Uint8Array | null, j: number): void {
    if (this.fieldIndex === 0 && !this.recordHasBytes && !this.accUsed) {
      this.state = S_FIELD_START;
    } else {
      this.endField(chunk, this.segStart, j);
      this.endRecord();
    }
    this.line++;
  }

  /** End a quoted field whose closing quote was seen (its bytes end at `pendEnd` when still in this chunk). */
  endQuoted(chunk: Uint8Array): void {
    if (this.segStart >= 0) this.endField(chunk, this.segStart, this.pendEnd);
    else this.endField(null, 0, 0);
  }

  /** Data after a closing quote: flag the record and read on as an unquoted field. */
  afterQuoteData(chunk: Uint8Array | null, i: number): void {
    this.problem ??= "Unexpected character after a closing quote";
    if (chunk !== null && this.segStart >= 0) this.gather(chunk, this.segStart, this.pendEnd);
    this.accUsed = true;
    this.state = S_UNQUOTED;
    this.segStart = i;
  }

  finish(): void {
    switch (this.state) {
      case S_FIELD_START:
        if (this.fieldIndex > 0) {
          // the stream ended right after a comma: one more (empty) field
          this.startField();
          this.endField(null, 0, 0);
          this.endRecord();
        }
        return;
      case S_CR_PENDING:
        // a final `\r` ends the line like `\r\n`
        this.endLine(null, 0);
        return;
      case S_QUOTED:
        this.problem ??= "Unclosed quote at the end of the file";
        this.endField(null, 0, 0);
        this.endRecord();
        return;
      default:
        if (this.fieldIndex === 0 && !this.recordHasBytes && !this.accUsed) return;
        this.endField(null, 0, 0);
        this.endRecord();
    }
  }
}

/**
 * Scan CSV bytes from `chunks`, calling `sink` for each field and record; returns totals.
 *
 * @example
 * ```ts
 * const sink = { keep: () => true, field: (_i: number, _b: Uint8Array | null) => {}, record: () => {} };
 * await scanCsvBytes((async function* () { yield new TextEncoder().encode("a,b\n1,2\n"); })(), sink);
 * ```
 */
export async function scanCsvBytes(
  chunks: AsyncIterable<Uint8Array>,
  sink: CsvFieldSink,
  options: ScanCsvOptions = {},
): Promise<CsvScanSummary> {
  const scanner = new Scanner(sink, options.maxKeptBytes ?? 65536);
  let bytes = 0;
  let head: Uint8Array | null = new Uint8Array(0);
  let bom = false;
  let sawData = false;
  let lastByte = -1;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    if (chunk.length > 0) lastByte = chunk[chunk.length - 1];
    if (head !== null) {
      // Hold back the first bytes until a BOM can be recognised.
      const joined: Uint8Array = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      if (joined.length < 3) {
        head = joined;
        continue;
      }
      head = null;
      let start = 0;
      if (joined[0] === 0xef && joined[1] === 0xbb && joined[2] === 0xbf) {
        bom = true;
        start = 3;
      }
      if (joined.length > start) {
        sawData = true;
        scanner.push(joined.subarray(start));
      }
      continue;
    }
    if (chunk.length > 0) {
      sawData = true;
      scanner.push(chunk);
    }
  }
  if (head !== null && head.length > 0) {
    sawData = true;
    scanner.push(head);
  }
  const pendingCr = scanner.state === S_CR_PENDING;
  scanner.finish();
  const lines = sawData ? (lastByte === LF || pendingCr ? scanner.line - 1 : scanner.line) : 0;
  return { bytes, lines, records: scanner.records, bom };
}

/** Decode a kept field as UTF-8 text (invalid sequences become U+FFFD). */
export function decodeField(bytes: Uint8Array): string {
  return DECODER.decode(bytes);
}

const DECODER = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/** Result of {@linkcode parseNumberField}: a finite number, `"empty"` or `"invalid"`. */
export type NumberField = number | "empty" | "invalid";

/**
 * Parse a numeric CSV cell from bytes: decimal integers and floats (`1`, `-2.5`, `1e-3`, `.5`),
 * surrounding spaces allowed. Empty → `"empty"`; anything else, including `inf`/`nan`, → `"invalid"`.
 */
export function parseNumberField(bytes: Uint8Array): NumberField {
  let s = 0;
  let e = bytes.length;
  while (s < e && (bytes[s] === 32 || bytes[s] === 9)) s++;
  while (e > s && (bytes[e - 1] === 32 || bytes[e - 1] === 9)) e--;
  if (s === e) return "empty";
  const len = e - s;
  // Fast path: a plain integer of at most 15 digits is exact in a double.
  let neg = false;
  let k = s;
  if (bytes[k] === 45) {
    neg = true;
    k++;
  }
  if (k < e && e - k <= 15) {
    let v = 0;
    let j = k;
    for (; j < e; j++) {
      const d = bytes[j] - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (j === e) return neg ? -v : v;
  }
  if (len > 64) return "invalid";
  let digits = 0;
  for (let j = s; j < e; j++) {
    const c = bytes[j];
    if (c >= 48 && c <= 57) digits++;
    else if (c !== 43 && c !== 45 && c !== 46 && c !== 101 && c !== 69) return "invalid";
  }
  if (digits === 0) return "invalid";
  const v = Number(String.fromCharCode.apply(null, bytes.subarray(s, e) as unknown as number[]));
  return Number.isFinite(v) ? v : "invalid";
}

/** Append-only list of numbers in a Float64Array that doubles when full (no object per value). */
export class F64List {
  #data: Float64Array;
  #length = 0;

  /** Create an empty list with room for `capacity` values before it grows. */
  constructor(capacity = 64) {
    this.#data = new Float64Array(Math.max(1, capacity));
  }

  /** Number of values. */
  get length(): number {
    return this.#length;
  }

  /** Append one value. */
  push(v: number): void {
    if (this.#length === this.#data.length) {
      const next = new Float64Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.#length++] = v;
  }

  /** The values as a view (valid until the next push). */
  view(): Float64Array {
    return this.#data.subarray(0, this.#length);
  }

  /** A sorted copy of the values. */
  sorted(): Float64Array {
    return this.#data.slice(0, this.#length).sort();
  }
}
