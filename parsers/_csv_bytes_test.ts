import { chunked, enc } from "./_chunked.ts";
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import {
  type CsvFieldSink,
  decodeField,
  parseNumberField,
  scanCsvBytes,
  type ScanCsvOptions,
} from "./_csv_bytes.ts";

interface Scanned {
  records: string[][];
  lines: number[];
  problems: (string | null)[];
  summary: { bytes: number; lines: number; records: number; bom: boolean };
}

async function scanAll(
  bytes: Uint8Array,
  cuts: number[] = [],
  options: ScanCsvOptions = {},
  keep: (i: number) => boolean = () => true,
): Promise<Scanned> {
  const records: string[][] = [];
  const lines: number[] = [];
  const problems: (string | null)[] = [];
  let current: string[] = [];
  const sink: CsvFieldSink = {
    keep,
    field(_i, b) {
      current.push(b === null ? "<null>" : decodeField(b));
    },
    record(line, fields, problem) {
      assertEquals(fields, current.length);
      records.push(current);
      lines.push(line);
      problems.push(problem);
      current = [];
    },
  };
  const summary = await scanCsvBytes(chunked(bytes, cuts), sink, options);
  return { records, lines, problems, summary };
}

/** Every way to cut `bytes` into two chunks, plus one-byte chunks. */
function allCuts(bytes: Uint8Array): number[][] {
  const out: number[][] = [[]];
  for (let i = 1; i < bytes.length; i++) out.push([i]);
  out.push(Array.from({ length: bytes.length }, (_, i) => i));
  return out;
}

Deno.test("scanCsvBytes reads quotes, doubled quotes, embedded newlines and CRLF at every split", async () => {
  const text = 'a,b,c\r\n1,"x,""y""\r\nz",3\r\n"",,"€é"\r\n';
  const bytes = enc(text);
  for (const cuts of allCuts(bytes)) {
    const got = await scanAll(bytes, cuts);
    assertEquals(got.records, [["a", "b", "c"], ["1", 'x,"y"\r\nz', "3"], ["", "", "€é"]]);
    assertEquals(got.lines, [1, 2, 4]);
    assertEquals(got.problems, [null, null, null]);
    assertEquals(got.summary.lines, 4);
  }
});

Deno.test("scanCsvBytes strips a BOM split across chunks and reads a final line without newline", async () => {
  const bytes = enc("\uFEFFh1,h2\n1,2\n3,4");
  for (const cuts of allCuts(bytes)) {
    const got = await scanAll(bytes, cuts);
    assertEquals(got.records, [["h1", "h2"], ["1", "2"], ["3", "4"]]);
    assertEquals(got.summary.bom, true);
    assertEquals(got.summary.lines, 3);
  }
});

Deno.test("scanCsvBytes skips blank lines but counts them", async () => {
  const bytes = enc("a,b\n\n1,2\r\n\r\n3,4\n\n");
  for (const cuts of allCuts(bytes)) {
    const got = await scanAll(bytes, cuts);
    assertEquals(got.records, [["a", "b"], ["1", "2"], ["3", "4"]]);
    assertEquals(got.lines, [1, 3, 5]);
  }
});

Deno.test("scanCsvBytes ends a line at a lone CR, as at LF and CRLF, at every split", async () => {
  // A file of CR endings, one of them after a quoted field, a blank CR line, a final CR.
  const bytes = enc('h1,h2\ra,b\r"q\rr",c\r\r"d"\re,f\r');
  for (const cuts of allCuts(bytes)) {
    const got = await scanAll(bytes, cuts);
    assertEquals(got.records, [["h1", "h2"], ["a", "b"], ["q\rr", "c"], ["d"], ["e", "f"]]);
    assertEquals(got.problems, [null, null, null, null, null]);
    assertEquals(got.lines, [1, 2, 3, 5, 6]);
  }
  // Mixed endings, as Python's csv module reads them.
  const mixed = enc("a,b\r\nc,d\re,f\ng,h");
  for (const cuts of allCuts(mixed)) {
    assertEquals((await scanAll(mixed, cuts)).records, [["a", "b"], ["c", "d"], ["e", "f"], [
      "g",
      "h",
    ]]);
  }
});

Deno.test("scanCsvBytes flags data after a closing quote and an unclosed quote", async () => {
  const bytes = enc('"ab"cd,e\n"open,f\ng');
  for (const cuts of allCuts(bytes)) {
    const got = await scanAll(bytes, cuts);
    assertEquals(got.records, [["abcd", "e"], ["open,f\ng"]]);
    assertEquals(got.problems, [
      "Unexpected character after a closing quote",
      "Unclosed quote at the end of the file",
    ]);
  }
});

Deno.test("scanCsvBytes ends with an empty field after a trailing comma", async () => {
  const got = await scanAll(enc("a,b\n1,"));
  assertEquals(got.records, [["a", "b"], ["1", ""]]);
});

Deno.test("scanCsvBytes hands over only kept fields and caps kept field length", async () => {
  const long = "9".repeat(200_000);
  const bytes = enc(`a,"${long}",${long},x\n`);
  for (const cuts of [[], [5], [100_001], [1, 2, 3, 200_003, 200_004]]) {
    const skipped = await scanAll(bytes, cuts, {}, (i) => i !== 1 && i !== 2);
    assertEquals(skipped.records, [["a", "<null>", "<null>", "x"]]);
    const capped = await scanAll(bytes, cuts, { maxKeptBytes: 1000 });
    assertEquals(capped.records, [["a", "<null>", "<null>", "x"]]);
    const full = await scanAll(bytes, cuts, { maxKeptBytes: 1 << 20 });
    assertEquals(full.records, [["a", long, long, "x"]]);
  }
});

Deno.test("scanCsvBytes counts newlines inside long quoted fields", async () => {
  const field = Array.from({ length: 50 }, (_, i) => `${i}`.repeat(3000)).join("\n");
  const bytes = enc(`h\n"${field}"\nlast\n`);
  for (const cuts of [[], [7000], [3, 40_000, 90_000]]) {
    const got = await scanAll(bytes, cuts, {}, () => false);
    assertEquals(got.lines, [1, 2, 52]);
  }
});

Deno.test("scanCsvBytes reads an empty stream as no records", async () => {
  const got = await scanAll(new Uint8Array(0));
  assertEquals(got.records, []);
  assertEquals(got.summary, { bytes: 0, lines: 0, records: 0, bom: false });
});

Deno.test("parseNumberField parses decimals and rejects what Python's float would not accept here", () => {
  const cases: [string, number | string][] = [
    ["", "empty"],
    ["  ", "empty"],
    ["0", 0],
    ["-12", -12],
    ["1776752150.562531", 1776752150.562531],
    ["0.027310482717044355", 0.027310482717044355],
    ["1e-3", 0.001],
    [".5", 0.5],
    [" 7 ", 7],
    ["12345678901234567890", 12345678901234567890],
    ["abc", "invalid"],
    ["1.5x", "invalid"],
    ["0x10", "invalid"],
    ["inf", "invalid"],
    ["NaN", "invalid"],
    ["-", "invalid"],
    ["1e999", "invalid"],
  ];
  for (const [text, want] of cases) assertEquals(parseNumberField(enc(text)), want, text);
});

// Property: for random CSV text (quotes, commas, CR/LF, multibyte characters), lines ended by LF,
// CRLF or CR, and random chunk splits, the scanner yields exactly the records csv-parse yields, and each record starts on the
// line the generator put it on.
Deno.test("scanCsvBytes agrees with csv-parse on random documents and random chunk splits", async () => {
  const char = fc.constantFrom("a", "b", "7", ".", " ", ",", '"', "\n", "\r", "é", "€", "😀", "-");
  const fieldArb = fc.record({
    text: fc.array(char, { maxLength: 12 }).map((cs) => cs.join("")),
    quoteAnyway: fc.boolean(),
  });
  const docArb = fc.record({
    rows: fc.array(fc.array(fieldArb, { minLength: 2, maxLength: 5 }), {
      minLength: 1,
      maxLength: 8,
    }),
    eol: fc.constantFrom("\n", "\r\n", "\r"),
    finalNewline: fc.boolean(),
    bom: fc.boolean(),
    cuts: fc.array(fc.nat({ max: 400 }), { maxLength: 12 }),
  });
  await fc.assert(
    fc.asyncProperty(docArb, async (doc) => {
      const eol = doc.eol;
      const expected: string[][] = [];
      const startLines: number[] = [];
      let text = "";
      let line = 1;
      doc.rows.forEach((row, r) => {
        startLines.push(line);
        const cells = row.map((f) => {
          const needs = /[",\r\n]/.test(f.text);
          return needs || f.quoteAnyway ? `"${f.text.replaceAll('"', '""')}"` : f.text;
        });
        const rec = cells.join(",");
        text += rec;
        line += (rec.match(/\n/g) ?? []).length;
        expected.push(row.map((f) => f.text));
        if (r < doc.rows.length - 1 || doc.finalNewline) {
          text += eol;
          line++;
        }
      });
      const bytes = enc((doc.bom ? "\uFEFF" : "") + text);
      const got = await scanAll(bytes, doc.cuts);
      const reference = parse(text, {
        bom: true,
        relax_column_count: true,
        record_delimiter: doc.eol,
      }) as string[][];
      assertEquals(got.records, reference);
      assertEquals(got.records, expected);
      assertEquals(got.lines, startLines);
    }),
    { numRuns: 400 },
  );
});
