import assert from "node:assert/strict";
import { chunked, enc } from "./_chunked.ts";
import type { ParseResult, RecordDraft } from "../lib/types.ts";
import { type ClientMetricsNotes, parseClientMetricsCsv } from "./client_metrics_csv.ts";

/** The gen-0 header, exactly as the reference (§9.3) and the multi-turn client write it. */
const HEADER = "start_time_ms,relative_time_sec,ttft_ms,tpot_ms,latency_ms,input_num_turns," +
  "input_num_tokens,output_num_tokens,output_num_chunks,output_num_first_chunk_tokens," +
  "approx_cached_percent,conversation_id,client_id,interactivity_tok_per_sec";

/** Four requests of two conversations; the expected values below are worked out by hand. */
const ROWS = [
  "1000.000,0.000,100.000,10.000,1090.000,1,1000,100,100,1,0.00,c1,0,100.00",
  "1500.000,0.500,200.000,20.000,2180.000,1,2000,100,100,1,0.00,c2,1,50.00",
  "3000.000,2.000,300.000,30.000,3270.000,2,3000,100,100,1,50.00,c1,0,33.33",
  "3200.000,2.200,400.000,40.000,4360.000,2,4000,100,100,1,60.00,c2,1,25.00",
];

function parse(text: string, cuts: number[] = []): Promise<ParseResult> {
  return parseClientMetricsCsv(chunked(enc(text), cuts));
}

function only(result: ParseResult): RecordDraft {
  assert.equal(result.unreadable, false);
  assert.equal(result.drafts.length, 1);
  return result.drafts[0];
}

function close(actual: unknown, expected: number, label: string): void {
  assert.equal(typeof actual, "number", `${label}: got ${actual}`);
  const tol = Math.max(Math.abs(expected) * 1e-12, 1e-15);
  assert.ok(Math.abs((actual as number) - expected) <= tol, `${label}: ${actual} != ${expected}`);
}

/**
 * Expected values, by hand with numpy's linear interpolation (rank = q/100 × (n − 1)):
 * TTFT s [0.1, 0.2, 0.3, 0.4]: mean 0.25, p50 0.25, p90 0.3 + 0.7 × 0.1 = 0.37, p99 0.397,
 * p99.9 0.3997; TPOT s [0.01 … 0.04]: mean 0.025, p90 0.037, p99 0.0397 → intvty 1/0.025 = 40;
 * E2EL s [1.09, 2.18, 3.27, 4.36]: mean 2.725, p50 2.725, p90 3.27 + 0.7 × 1.09 = 4.033,
 * p99 3.27 + 0.97 × 1.09 = 4.3273; window = max(start + latency) 3200 + 4360 = 7560 ms − min
 * start 1000 ms = 6.56 s; tokens in 10 000, out 400.
 */
function assertFourRows(d: RecordDraft): void {
  const m = d.metrics;
  assert.equal(d.source_format, "agentx-trace-replay");
  assert.equal(d.primary, true);
  assert.equal(m.num_requests_successful, 4);
  assert.equal(m.num_requests_total, undefined, "failed requests are not in the file");
  const want: Record<string, number> = {
    mean_ttft: 0.25,
    p50_ttft: 0.25,
    p90_ttft: 0.37,
    p99_ttft: 0.397,
    p999_ttft: 0.3997,
    mean_tpot: 0.025,
    p50_tpot: 0.025,
    p90_tpot: 0.037,
    p99_tpot: 0.0397,
    mean_e2el: 2.725,
    p50_e2el: 2.725,
    p90_e2el: 4.033,
    p99_e2el: 4.3273,
    intvty: 40,
    duration_s: 6.56,
    input_tput_tps: 10000 / 6.56,
    output_tput_tps: 400 / 6.56,
    total_tput_tps: 10400 / 6.56,
    request_throughput: 4 / 6.56,
  };
  for (const [k, v] of Object.entries(want)) close((m as Record<string, number>)[k], v, k);
  assert.equal(m.mean_itl, undefined, "no per-chunk ITL in the file");
  close(d.extra_percentiles?.["p99.9_e2el"], 3.27 + 0.997 * 1.09, "p99.9_e2el");
  const notes = d.notes as unknown as ClientMetricsNotes;
  assert.equal(notes.rows, 4);
  assert.equal(notes.input_tokens_total, 10000);
  assert.equal(notes.output_tokens_total, 400);
  assert.equal(notes.approx_cached_percent_mean, 27.5);
  assert.equal(notes.rows_skipped, 0);
}

Deno.test("client metrics: four requests give counts, ladders and throughput", async () => {
  const r = await parse([HEADER, ...ROWS].join("\n") + "\n");
  assert.deepEqual(r.issues, []);
  assertFourRows(only(r));
});

Deno.test("client metrics: CRLF, a BOM, a quoted id with a newline, chunks cut anywhere", async () => {
  const rows = ROWS.map((r) => r.replace(",c1,", ',"c1\nturn",'));
  const text = "\uFEFF" + [HEADER, ...rows].join("\r\n") + "\r\n";
  const bytes = enc(text);
  // Every cut point once (mid-field, mid-\r\n, mid-quote, mid-BOM), and fixed-size chunks.
  for (let cut = 1; cut < bytes.length; cut += 7) {
    const r = await parse(text, [cut, cut + 1, cut + 3]);
    assert.deepEqual(r.issues, [], `cut at ${cut}`);
    assertFourRows(only(r));
  }
});

Deno.test("client metrics: columns found by name, in any order, extra columns ignored", async () => {
  const cols = HEADER.split(",");
  const order = [...cols.keys()].reverse();
  const text = [order.map((i) => cols[i]).join(",") + ",extra"]
    .concat(ROWS.map((r) => order.map((i) => r.split(",")[i]).join(",") + ",x"))
    .join("\n");
  const r = await parse(text);
  assert.deepEqual(r.issues, []);
  assertFourRows(only(r));
});

Deno.test("client metrics: bad rows are issues with their line, never a crash", async () => {
  const text = [
    HEADER,
    ROWS[0],
    "1200.000,0.2,150.0,15.0", // line 3: too few fields
    ROWS[1].replace("200.000", "fast"), // line 4: unreadable TTFT, row still counted
    HEADER, // line 5: the header again (two files joined)
    ROWS[2],
    ROWS[3].replace("c2", '"c2'), // line 7: an unterminated quote runs to the end
  ].join("\n");
  const r = await parse(text);
  const d = only(r);
  assert.deepEqual(r.issues, [
    { line: 3, message: "Expected 14 fields, found 4; row skipped" },
    { line: 4, message: 'Cannot read ttft_ms "fast" as a number; treated as missing' },
    { line: 5, message: "The header row again; skipped" },
    { line: 7, message: "Unclosed quote at the end of the file; row skipped" },
  ]);
  assert.equal(d.metrics.num_requests_successful, 3, "rows 2, 4 and 6");
  close(d.metrics.p50_ttft, 0.2, "p50 of [0.1, 0.3]");
  const notes = d.notes as unknown as ClientMetricsNotes;
  assert.equal(notes.rows_skipped, 3);
  assert.deepEqual(notes.invalid_numeric_cells, { ttft_ms: 1 });
});

Deno.test("client metrics: edge cases (empty, header only, zeros, missing columns)", async () => {
  // Empty file: unreadable.
  const empty = await parse("");
  assert.equal(empty.unreadable, true);
  assert.deepEqual(empty.issues, [{ line: null, message: "The file is empty" }]);
  // Header only: no request completed → 0 successful, nothing else made up.
  const none = only(await parse(HEADER + "\n"));
  assert.equal(none.metrics.num_requests_successful, 0);
  assert.equal(none.metrics.p50_ttft, null);
  assert.equal(none.metrics.total_tput_tps, null);
  assert.equal(none.metrics.request_throughput, null);
  // Zero latencies stand for "no value": counted as requests, left out of the ladders.
  const zeros = only(
    await parse([HEADER, ROWS[0], ROWS[1].replace("200.000,20.000", "0.000,0.000")].join("\n")),
  );
  assert.equal(zeros.metrics.num_requests_successful, 2);
  close(zeros.metrics.p50_ttft, 0.1, "only the positive TTFT");
  close(zeros.metrics.p50_tpot, 0.01, "only the positive TPOT");
  const excluded = (zeros.notes as unknown as ClientMetricsNotes).nonpositive_latency_excluded;
  assert.deepEqual(excluded, { ttft: 1, tpot: 1, latency: 0 });
  // No latency column at all: not a client metrics file.
  const noLatency = await parse("start_time_ms,input_num_tokens\n1,2\n");
  assert.equal(noLatency.unreadable, true);
  assert.equal(
    noLatency.issues.at(-1)?.message,
    "The header has none of ttft_ms, tpot_ms, latency_ms",
  );
  // No token columns: latency still read, throughput in tokens unknown.
  const noTokens = only(
    await parse("start_time_ms,ttft_ms,latency_ms\n0,100,1000\n500,200,1500\n"),
  );
  assert.equal(noTokens.metrics.num_requests_successful, 2);
  assert.equal(noTokens.metrics.total_tput_tps, null);
  close(noTokens.metrics.request_throughput, 1, "2 requests over 0 → 2000 ms");
  // Every row unreadable: no counts invented.
  const broken = await parse(`${HEADER}\n1,2\n3,4\n`);
  assert.equal(broken.unreadable, true);
  assert.equal(broken.issues.at(-1)?.message, "None of the 2 rows could be read");
});

Deno.test("client metrics: hostile widths and lengths are issues, not memory", async () => {
  const wide = Array.from({ length: 5000 }, () => "1").join(",");
  const long = ROWS[0].replace("100.000", "1".repeat(200_000));
  const r = await parse([HEADER, wide, long, ROWS[1]].join("\n"));
  assert.deepEqual(r.issues, [
    { line: 2, message: "Expected 14 fields, found 5000; row skipped" },
    { line: 3, message: 'Cannot read ttft_ms "(overlong)" as a number; treated as missing' },
  ]);
  const d = only(r);
  assert.equal(d.metrics.num_requests_successful, 2);
  close(d.metrics.p50_ttft, 0.2, "only the readable TTFT");
});

Deno.test("parseClientMetricsCsv: a file of only bad rows lists 100 issues and counts the rest", async () => {
  const r = await parse(HEADER + "\n" + "1,2,3\n".repeat(150));
  assert.equal(r.unreadable, true);
  // 100 row issues, the file-level one (listed whatever the cap), then the count of the rest.
  assert.equal(r.issues.length, 102);
  assert.deepEqual(r.issues.slice(100), [
    { line: null, message: "None of the 150 rows could be read" },
    { line: null, message: "50 more issues not listed" },
  ]);
});
