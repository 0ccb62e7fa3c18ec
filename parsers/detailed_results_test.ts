import { chunked, enc } from "./_chunked.ts";
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import { ladder } from "../lib/stats.ts";
import type { ParseResult, RecordDraft } from "../lib/types.ts";
import { type DetailedResultsNotes, parseDetailedResults } from "./detailed_results.ts";

const FIXTURE = new URL(
  "../testdata/parsers/agentx/detailed_results_bs1_off_first15.csv",
  import.meta.url,
);

const HEADER =
  "user_id,request_idx,trace_id,timestamp,request_type,input_tokens,output_tokens_expected," +
  "output_tokens_actual,cache_hit_blocks,cache_miss_blocks,ttft,ttlt,itl,delay_expected," +
  "delay_actual,success,error_message,theoretical_cache_hit_blocks,request_start_time," +
  "prefill_complete_time,request_complete_time,token_timestamps,tokens_per_chunk";

/** Fixed-size chunks. */
function everyN(bytes: Uint8Array, n: number): number[] {
  const cuts: number[] = [];
  for (let i = n; i < bytes.length; i += n) cuts.push(i);
  return cuts;
}

function close(actual: unknown, expected: number, label: string, rel = 1e-12): void {
  ok(typeof actual === "number", `${label}: expected a number, got ${actual}`);
  const tol = Math.max(Math.abs(expected) * rel, 1e-15);
  ok(Math.abs(actual - expected) <= tol, `${label}: ${actual} != ${expected}`);
}

function only(result: ParseResult): RecordDraft {
  equal(result.unreadable, false);
  equal(result.drafts.length, 1);
  return result.drafts[0];
}

const BASE: Record<string, string> = {
  user_id: "User-001",
  request_idx: "0",
  trace_id: "trace_0001",
  timestamp: "1000.5",
  request_type: "streaming",
  input_tokens: "100",
  output_tokens_expected: "10",
  output_tokens_actual: "11",
  cache_hit_blocks: "3",
  cache_miss_blocks: "1",
  ttft: "0.5",
  ttlt: "1.5",
  itl: "0.1",
  delay_expected: "1.0",
  delay_actual: "0",
  success: "True",
  error_message: "",
  theoretical_cache_hit_blocks: "2",
  request_start_time: "1000.0",
  prefill_complete_time: "1000.5",
  request_complete_time: "1001.5",
  token_timestamps: "[1000.5, 1000.6]",
  tokens_per_chunk: "[1, 1]",
};

/** Quote a cell the way pandas does (only when needed). */
const quote = (v: string) => /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;

/** One data row (cells by column name, unescaped) in the order of `columns`. */
function row(over: Record<string, string> = {}, columns = HEADER.split(",")): string {
  const cells = { ...BASE, ...over };
  return columns.map((c) => quote(cells[c])).join(",");
}

// Expected values for the fixture (header + first 15 rows of the bs1 offload-off file) were
// computed outside this code base with Python's csv module, `statistics.mean` and the gen-1
// aggregator's percentile function (linear interpolation), following process_agentic_result.py.
Deno.test("parseDetailedResults reproduces independently computed values on the bs1 fixture", async () => {
  const draft = only(await parseDetailedResults(chunked(await Deno.readFile(FIXTURE))));
  const m = draft.metrics;
  equal(draft.source_format, "agentx-trace-replay");
  equal(draft.primary, true);
  equal(draft.priority, 30);
  equal(m.num_requests_total, 15);
  equal(m.num_requests_successful, 15);
  equal(m.success_rate, 1);
  close(m.mean_ttft, 1.4958477814992268, "mean_ttft");
  close(m.p50_ttft, 0.37494492530822754, "p50_ttft");
  close(m.p90_ttft, 0.9835735797882077, "p90_ttft");
  close(m.p99_ttft, 14.332477126121512, "p99_ttft");
  close(m.p999_ttft, 16.2327281985283, "p999_ttft");
  close(m.mean_e2el, 23.267422342300414, "mean_e2el");
  close(m.p99_e2el, 36.420780797004696, "p99_e2el");
  close(draft.extra_percentiles?.["p99.9_e2el"], 37.492012681484226, "p99.9_e2el");
  close(m.mean_tpot, 0.008249164651088145, "mean_tpot");
  close(m.mean_itl, 0.008249164651088145, "mean_itl");
  close(m.p50_tpot, 0.008263263834617786, "p50_tpot");
  close(m.p99_itl, 0.008426761079776983, "p99_itl");
  close(m.intvty, 1 / 0.008263263834617786, "intvty");
  close(m.duration_s, 548.0841274261475, "duration_s");
  close(m.input_tput_tps, 1144.045172307039, "input_tput_tps");
  close(m.output_tput_tps, 72.07470171688725, "output_tput_tps");
  close(m.total_tput_tps, 1216.1198740239263, "total_tput_tps");
  close(m.request_throughput, 15 / 548.0841274261475, "request_throughput");
  close(m.theoretical_cache_hit_rate, 0.9667007150153217, "theoretical_cache_hit_rate");
  const notes = draft.notes as unknown as DetailedResultsNotes;
  // The earliest request_start_time of a successful row (Python's csv module, as above).
  equal(notes.benchmark_start_time_unix, 1776748564.6063905);
  equal(notes.input_tokens_total, 627033);
  equal(notes.output_tokens_total, 39503);
  deepStrictEqual(notes.cache_blocks.hit, 9464);
  deepStrictEqual(notes.cache_blocks.miss, 326);
  close(notes.qps?.mean, 0.02697495183044316, "qps mean");
  equal(notes.qps?.windows, 519);
  equal(notes.qps?.p999, 1);
  deepStrictEqual(notes.failed_requests, { count: 0, by_error_message: {} });
  deepStrictEqual(notes.empty_numeric_cells, {});
});

Deno.test("parseDetailedResults gives the same record for any chunking of the fixture", async () => {
  const bytes = await Deno.readFile(FIXTURE);
  const whole = await parseDetailedResults(chunked(bytes));
  const splits = [
    everyN(bytes, 7).slice(0, 3000).concat(everyN(bytes, 4093)),
    everyN(bytes, 65536),
    [1, 2, 3, 1000, 131072, 500_000, bytes.length - 1],
  ];
  for (const cuts of splits) {
    deepStrictEqual(await parseDetailedResults(chunked(bytes, cuts)), whole);
  }
});

Deno.test("parseDetailedResults handles quotes, newlines, CRLF, BOM, reordered columns and a partial last line", async () => {
  // Columns in another order, a BOM, CRLF endings, quoted cells with commas, doubled quotes and
  // newlines, a field over 128 KiB, and no newline after the last row.
  const cols = HEADER.split(",").reverse();
  const big = `[${Array.from({ length: 20_000 }, (_, i) => `${1000 + i / 1000}`).join(", ")}]`;
  ok(big.length > 131_072);
  const text = "\uFEFF" + cols.join(",") + "\r\n" +
    row({ user_id: 'User, "one"\r\nsecond line', token_timestamps: big, ttft: "0.25" }, cols) +
    "\r\n" +
    row({
      success: "False",
      error_message: "Timeout, retry\nlater",
      ttft: "0.0",
      output_tokens_actual: "0",
    }, cols) +
    "\r\n" +
    row({ ttft: "0.75", request_complete_time: "1003.0", cache_hit_blocks: "" }, cols);
  const bytes = enc(text);
  for (const cuts of [[], everyN(bytes, 1000), [1, 2, 3, 4, 5, 200, 131_100]]) {
    const result = await parseDetailedResults(chunked(bytes, cuts));
    deepStrictEqual(result.issues, []);
    const draft = only(result);
    const m = draft.metrics;
    equal(m.num_requests_total, 3);
    equal(m.num_requests_successful, 2);
    close(m.success_rate, 2 / 3, "success_rate");
    close(m.mean_ttft, 0.5, "mean_ttft");
    close(m.p50_ttft, 0.5, "p50_ttft");
    close(m.duration_s, 3, "duration_s");
    close(m.input_tput_tps, 200 / 3, "input_tput_tps");
    // successful rows only: hit blocks 3 + (empty), miss 1 + 1; all rows: 6 / 9
    close(m.theoretical_cache_hit_rate, 3 / 5, "theoretical_cache_hit_rate");
    close(
      (draft.notes as unknown as DetailedResultsNotes).theoretical_cache_hit_rate_all_rows,
      6 / 9,
      "all rows",
    );
    const notes = draft.notes as unknown as DetailedResultsNotes;
    deepStrictEqual(notes.empty_numeric_cells, { cache_hit_blocks: 1 });
    deepStrictEqual(notes.failed_requests, {
      count: 1,
      by_error_message: { "Timeout, retry\nlater": 1 },
    });
  }
});

Deno.test("parseDetailedResults: a header repeated mid-file (two files joined) is skipped, not a failed request", async () => {
  const text =
    [HEADER, row(), row(), HEADER, row(), " " + HEADER.replace(",success,", ", success ,")]
      .join("\n") + "\n";
  const result = await parseDetailedResults(chunked(enc(text)));
  deepStrictEqual(result.issues, [
    { line: 4, message: "The header row again; skipped" },
    { line: 6, message: "The header row again; skipped" },
  ]);
  const draft = only(result);
  equal(draft.metrics.num_requests_total, 3);
  equal(draft.metrics.num_requests_successful, 3);
  equal((draft.notes as unknown as DetailedResultsNotes).rows_skipped, 2);
  // A real failed row whose success cell reads "success" is still a request.
  const odd = await parseDetailedResults(
    chunked(enc([HEADER, row({ success: "success" })].join("\n"))),
  );
  equal(only(odd).metrics.num_requests_total, 1);
});

Deno.test("parseDetailedResults: rows that are all unreadable give no counts, only the reason", async () => {
  const text = [HEADER, row() + ",x", row() + ",x"].join("\n") + "\n";
  const result = await parseDetailedResults(chunked(enc(text)));
  equal(result.unreadable, true);
  deepStrictEqual(result.drafts, []);
  deepStrictEqual(result.issues.at(-1), {
    line: null,
    message: "None of the 2 rows could be read",
  });
  // A header alone still says the run made no requests; so does a header repeated.
  const headerOnly = await parseDetailedResults(chunked(enc(HEADER + "\n")));
  equal(only(headerOnly).metrics.num_requests_total, 0);
  const twice = await parseDetailedResults(chunked(enc(HEADER + "\n" + HEADER + "\n")));
  equal(only(twice).metrics.num_requests_total, 0);
});

Deno.test("parseDetailedResults skips rows with missing or extra fields and names their lines", async () => {
  const text = [
    HEADER,
    row(),
    row({ token_timestamps: "[1\n2]", tokens_per_chunk: "[1]" }).replace(/,\[1\]$/, ""), // 22 fields, 2 lines
    row() + ",extra",
    row({ success: "maybe", error_message: "" }),
    row({ ttft: "abc" }),
    row({ success: "False" }),
  ].join("\n") + "\n";
  const result = await parseDetailedResults(chunked(enc(text)));
  deepStrictEqual(result.issues, [
    { line: 3, message: "Expected 23 fields, found 22; row skipped" },
    { line: 5, message: "Expected 23 fields, found 24; row skipped" },
    { line: 6, message: 'Success is "maybe", expected True or False; counted as failed' },
    { line: 7, message: 'Cannot read ttft "abc" as a number; treated as missing' },
  ]);
  const draft = only(result);
  equal(draft.metrics.num_requests_total, 4);
  equal(draft.metrics.num_requests_successful, 2);
  const notes = draft.notes as unknown as DetailedResultsNotes;
  equal(notes.rows_skipped, 2);
  deepStrictEqual(notes.invalid_numeric_cells, { ttft: 1 });
  deepStrictEqual(notes.failed_requests.by_error_message, { "(no error message)": 2 });
  equal((await parseDetailedResults(chunked(enc(text), everyN(enc(text), 3)))).issues.length, 4);
});

Deno.test("parseDetailedResults excludes non-positive latencies of successful rows like the gen-1 agg", async () => {
  const text = [
    HEADER,
    row({ ttft: "0.5", itl: "0.1" }),
    row({ ttft: "0.0", itl: "0.0", output_tokens_actual: "0", ttlt: "9.0" }),
    row({ ttft: "1.5", itl: "0.3" }),
  ].join("\n");
  const draft = only(await parseDetailedResults(chunked(enc(text))));
  close(draft.metrics.mean_ttft, 1, "mean_ttft");
  close(draft.metrics.p50_tpot, 0.2, "p50_tpot");
  close(draft.metrics.intvty, 5, "intvty");
  close(draft.metrics.mean_e2el, 4, "mean_e2el");
  const notes = draft.notes as unknown as DetailedResultsNotes;
  deepStrictEqual(notes.nonpositive_latency_excluded, { ttft: 1, ttlt: 0, itl: 1 });
  equal(notes.successful_rows_without_output, 1);
});

Deno.test("parseDetailedResults reports empty and headerless files as unreadable", async () => {
  const empty = await parseDetailedResults(chunked(new Uint8Array(0)));
  deepStrictEqual(empty, {
    drafts: [],
    issues: [{ line: null, message: "The file is empty" }],
    unreadable: true,
  });
  const noSuccess = await parseDetailedResults(chunked(enc("a,b\n1,2\n")));
  equal(noSuccess.unreadable, true);
  ok(noSuccess.issues.some((i) => i.message === 'The header lacks column "success"'));
  const headerOnly = only(await parseDetailedResults(chunked(enc(HEADER + "\n"))));
  equal(headerOnly.metrics.num_requests_total, 0);
  equal(headerOnly.metrics.success_rate, null);
  equal(headerOnly.metrics.p99_ttft, null);
  equal(headerOnly.metrics.total_tput_tps, null);
});

Deno.test("parseDetailedResults leaves metrics of a missing column null", async () => {
  const cols = HEADER.split(",");
  const drop = cols.indexOf("ttft");
  const text = [cols, row().split(",")].map((r) => r.filter((_, i) => i !== drop).join(","))
    .join("\n");
  const result = await parseDetailedResults(chunked(enc(text)));
  deepStrictEqual(result.issues, [{ line: 1, message: 'The header lacks column "ttft"' }]);
  const draft = only(result);
  equal(draft.metrics.p50_ttft, null);
  close(draft.metrics.p50_e2el, 1.5, "p50_e2el");
});

/** Reference aggregation from csv-parse output (independent of the byte scanner). */
function reference(records: Record<string, string>[]) {
  const num = (v: string) => v.trim() === "" ? null : Number(v);
  const succ = records.filter((r) => r.success === "True");
  const pos = (k: string) =>
    succ.map((r) => num(r[k])).filter((v): v is number => v !== null && v > 0);
  let hit = 0;
  let miss = 0;
  for (const r of succ) {
    hit += num(r.cache_hit_blocks) ?? 0;
    miss += num(r.cache_miss_blocks) ?? 0;
  }
  return {
    total: records.length,
    successful: succ.length,
    ttft: ladder(pos("ttft")),
    ttlt: ladder(pos("ttlt")),
    itl: ladder(pos("itl")),
    input: succ.reduce((a, r) => a + (num(r.input_tokens) ?? 0), 0),
    hitRate: hit + miss > 0 ? hit / (hit + miss) : null,
  };
}

function assertMatchesReference(draft: RecordDraft, ref: ReturnType<typeof reference>): void {
  const m = draft.metrics;
  equal(m.num_requests_total, ref.total);
  equal(m.num_requests_successful, ref.successful);
  for (
    const [label, got, want] of [
      ["p50_ttft", m.p50_ttft, ref.ttft.p50],
      ["p99_ttft", m.p99_ttft, ref.ttft.p99],
      ["p999_ttft", m.p999_ttft, ref.ttft.p999],
      ["p90_e2el", m.p90_e2el, ref.ttlt.p90],
      ["p99_itl", m.p99_itl, ref.itl.p99],
      ["theoretical_cache_hit_rate", m.theoretical_cache_hit_rate, ref.hitRate],
    ] as const
  ) {
    if (want === null) equal(got, null, label);
    else close(got, want, label);
  }
  equal((draft.notes as unknown as DetailedResultsNotes).input_tokens_total, ref.input);
}

// Property: random rows whose string and list cells hold quotes, commas and newlines, cut into
// random chunks, give the same numbers as an aggregation of csv-parse's reading of the same text.
Deno.test("parseDetailedResults agrees with csv-parse on random rows and random chunk splits", async () => {
  const junk = fc.array(
    fc.constantFrom("a", ",", '"', "\n", "\r\n", "\r", " ", "[", "]", "é", "1"),
    {
      maxLength: 30,
    },
  ).map((c) => c.join(""));
  const numCell = fc.oneof(
    fc.constant(""),
    fc.integer({ min: 0, max: 200_000 }).map(String),
    fc.double({ min: 0, max: 2000, noNaN: true }).map((v) => String(v)),
  );
  const rowArb = fc.record({
    user_id: junk,
    error_message: junk,
    token_timestamps: junk,
    tokens_per_chunk: junk,
    success: fc.constantFrom("True", "False"),
    ttft: numCell,
    ttlt: numCell,
    itl: numCell,
    input_tokens: numCell,
    cache_hit_blocks: numCell,
    cache_miss_blocks: numCell,
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(rowArb, { minLength: 1, maxLength: 12 }),
      fc.array(fc.nat({ max: 3000 }), { maxLength: 15 }),
      fc.constantFrom("\n", "\r\n", "\r"),
      async (rows, cuts, eol) => {
        const text = HEADER + eol +
          rows.map((r) => row(r)).join(eol) + eol;
        const records = parse(text, { columns: true, record_delimiter: eol }) as Record<
          string,
          string
        >[];
        const result = await parseDetailedResults(chunked(enc(text), cuts));
        deepStrictEqual(result.issues, []);
        assertMatchesReference(only(result), reference(records));
      },
    ),
    { numRuns: 300 },
  );
});

const KVTESTER = "agentx-kvtester";

async function realRuns(): Promise<{ run: string; csv: string; agg: string | null }[]> {
  const out: { run: string; csv: string; agg: string | null }[] = [];
  const names: string[] = [];
  for await (const e of Deno.readDir(realdata(KVTESTER))) names.push(e.name);
  names.sort();
  for (const run of names.filter((n) => n.startsWith("agentic_"))) {
    const csv = realdata(`${KVTESTER}/${run}/trace_replay/detailed_results.csv`);
    try {
      await Deno.stat(csv);
    } catch {
      continue;
    }
    let agg: string | null = null;
    try {
      for await (const e of Deno.readDir(realdata(`${KVTESTER}/bmk_${run}`))) {
        if (e.name.startsWith("agg_") && e.name.endsWith(".json")) {
          agg = realdata(`${KVTESTER}/bmk_${run}/${e.name}`);
        }
      }
    } catch {
      agg = null;
    }
    out.push({ run, csv, agg });
  }
  return out;
}

async function parseFile(path: string): Promise<ParseResult> {
  const file = await Deno.open(path);
  return await parseDetailedResults(file.readable);
}

Deno.test({
  name: "parseDetailedResults matches the gen-1 flat aggs of all five real files",
  ignore: !HAS_REALDATA,
  fn: async () => {
    const runs = await realRuns();
    equal(runs.length, 5);
    for (const { run, csv, agg } of runs) {
      ok(agg !== null, `${run} has an agg`);
      const a = JSON.parse(await Deno.readTextFile(agg));
      const result = await parseFile(csv);
      deepStrictEqual(result.issues, [], run);
      const draft = only(result);
      const m = draft.metrics;
      const n = draft.notes as unknown as DetailedResultsNotes;
      equal(m.num_requests_total, a.num_requests_total, run);
      equal(m.num_requests_successful, a.num_requests_successful, run);
      const pairs: [string, unknown, number][] = [
        ["mean_ttft", m.mean_ttft, a.mean_ttft],
        ["p50_ttft", m.p50_ttft, a.median_ttft],
        ["p90_ttft", m.p90_ttft, a.p90_ttft],
        ["p99_ttft", m.p99_ttft, a.p99_ttft],
        ["p999_ttft", m.p999_ttft, a["p99.9_ttft"]],
        ["mean_e2el", m.mean_e2el, a.mean_ttlt],
        ["p50_e2el", m.p50_e2el, a.median_ttlt],
        ["p90_e2el", m.p90_e2el, a.p90_ttlt],
        ["p99_e2el", m.p99_e2el, a.p99_ttlt],
        ["p99.9_e2el", draft.extra_percentiles?.["p99.9_e2el"], a["p99.9_ttlt"]],
        ["mean_tpot", m.mean_tpot, a.mean_itl],
        ["p50_tpot", m.p50_tpot, a.median_itl],
        ["p90_itl", m.p90_itl, a.p90_itl],
        ["p99_itl", m.p99_itl, a.p99_itl],
        ["p99.9_itl", draft.extra_percentiles?.["p99.9_itl"], a["p99.9_itl"]],
        ["input_tput_tps", m.input_tput_tps, a.input_tput_tps],
        ["output_tput_tps", m.output_tput_tps, a.output_tput_tps],
        ["total_tput_tps", m.total_tput_tps, a.total_tput_tps],
        ["duration_s", m.duration_s, a.duration_seconds],
        // the gen-1 agg computed the theoretical rates over successful rows only
        // the gen-1 agg computed the theoretical rate over successful rows, and so do we
        ["theoretical", m.theoretical_cache_hit_rate, a.theoretical_cache_hit_rate],
        [
          "theoretical infinite (successful)",
          n.theoretical_infinite_cache_hit_rate_successful,
          a.theoretical_infinite_cache_hit_rate,
        ],
        ["mean_qps", n.qps?.mean, a.mean_qps],
        ["median_qps", n.qps?.p50, a.median_qps],
        ["p90_qps", n.qps?.p90, a.p90_qps],
        ["p99_qps", n.qps?.p99, a.p99_qps],
        ["p99.9_qps", n.qps?.p999, a["p99.9_qps"]],
        ["p99_input_tokens", n.token_ladders.input_tokens?.p99, a.p99_input_tokens],
        [
          "mean_output_tokens_actual",
          n.token_ladders.output_tokens_actual?.mean,
          a.mean_output_tokens_actual,
        ],
      ];
      // means differ from Python's exact statistics.mean by at most a few ulps
      for (const [label, got, want] of pairs) close(got, want, `${run} ${label}`, 1e-12);
    }
  },
});

// Independent check on the real files: csv-parse (a different CSV reader) reads every file, and a
// small aggregation written in this test (counts, sums, ladders over successful rows with a value
// > 0, hit blocks over all rows) must equal the parser's numbers. The bs256 offload-on file also
// proves the 131 215-character token_timestamps field is read.
Deno.test({
  name: "parseDetailedResults agrees with csv-parse on all five real files",
  ignore: !HAS_REALDATA,
  fn: async () => {
    let longest = 0;
    for (const { run, csv } of await realRuns()) {
      const text = await Deno.readTextFile(csv);
      const records = parse(text, { columns: true }) as Record<string, string>[];
      for (const r of records) longest = Math.max(longest, r.token_timestamps.length);
      const draft = only(await parseFile(csv));
      assertMatchesReference(draft, reference(records));
      equal(
        (draft.notes as unknown as DetailedResultsNotes).failed_requests.count,
        records.filter((r) => r.success !== "True").length,
        run,
      );
    }
    equal(longest, 131_215);
  },
});

Deno.test({
  name: "parseDetailedResults reads the real files with CR or CRLF line endings as with LF",
  ignore: !HAS_REALDATA,
  fn: async () => {
    for (const { run, csv } of await realRuns()) {
      const lf = await Deno.readFile(csv);
      const want = only(await parseDetailedResults(chunked(lf, [])));
      for (const eol of ["\r", "\r\n"]) {
        const text = new TextDecoder().decode(lf).replaceAll("\n", eol);
        const records = parse(text, { columns: true, record_delimiter: eol }) as Record<
          string,
          string
        >[];
        const result = await parseDetailedResults(chunked(enc(text), [1 << 20]));
        deepStrictEqual(result.issues, [], `${run} ${JSON.stringify(eol)}`);
        const got = only(result);
        deepStrictEqual(got.metrics, want.metrics, `${run} ${JSON.stringify(eol)}`);
        assertMatchesReference(got, reference(records));
      }
    }
  },
});

Deno.test({
  name: "parseDetailedResults counts the real failed rows of the bs32 and bs256 runs",
  ignore: !HAS_REALDATA,
  fn: async () => {
    const runs = await realRuns();
    const pick = (part: string) => runs.find((r) => r.run.includes(part))!.csv;
    const bs32 = only(await parseFile(pick("bs32_offloadoff")));
    equal(bs32.metrics.num_requests_total, 65);
    equal(bs32.metrics.num_requests_successful, 53);
    deepStrictEqual((bs32.notes as unknown as DetailedResultsNotes).failed_requests, {
      count: 12,
      by_error_message: { "(no error message)": 12 },
    });
    const bs256 = only(await parseFile(pick("bs256_offloadon")));
    equal(bs256.metrics.num_requests_total, 537);
    equal(bs256.metrics.num_requests_successful, 44);
    close(bs256.metrics.success_rate, 44 / 537, "success_rate");
  },
});

// Windows by hand: [1000, 1001) holds 1000.0, 1000.2, 1000.9; [1001, 1002) holds 1001.0;
// [1002, 1003) holds 1002.5; the window starting at 1003 would end after the last completion
// (1003.2), so it is dropped. A failed row's completion is not counted.
Deno.test("parseDetailedResults counts QPS in whole 1-second windows from the first completion", async () => {
  const times = ["1000.0", "1000.2", "1000.9", "1001.0", "1002.5", "1003.2"];
  const text = [
    HEADER,
    ...times.map((t) => row({ request_start_time: "999.0", request_complete_time: t })),
    row({ success: "False", request_complete_time: "1000.5" }),
  ].join("\n");
  const notes = only(await parseDetailedResults(chunked(enc(text))))
    .notes as unknown as DetailedResultsNotes;
  const q = notes.qps;
  ok(q !== null);
  deepStrictEqual([q.windows, q.p50, q.max], [3, 1, 3]);
  close(q.mean, 5 / 3, "mean");
  close(q.p90, 1 + 0.8 * 2, "p90"); // sorted [1, 1, 3], rank 1.8
  close(q.p99, 1 + 0.98 * 2, "p99");
  close(q.p999, 1 + 0.998 * 2, "p999");
});

// Property: whatever bytes arrive, the parser returns a result (never throws).
Deno.test("parseDetailedResults returns a result for arbitrary bytes", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.constantFrom(HEADER, "\n", ",", '"', "True", "1.5", "\r\n", "\uFEFF"), {
          maxLength: 40,
        }).map((parts) => enc(parts.join(""))),
      ),
      fc.array(fc.nat({ max: 300 }), { maxLength: 8 }),
      async (bytes, cuts) => {
        const result = await parseDetailedResults(chunked(bytes, cuts));
        ok(result.unreadable ? result.drafts.length === 0 : result.drafts.length === 1);
      },
    ),
    { numRuns: 300 },
  );
});
