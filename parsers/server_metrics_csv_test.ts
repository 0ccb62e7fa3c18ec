import { chunked, enc } from "./_chunked.ts";
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import type { ParseResult, RecordDraft } from "../lib/types.ts";
import { parseServerMetricsCsv, type ServerMetricsNotes } from "./server_metrics_csv.ts";

const BS12_OFF = new URL(
  "../testdata/parsers/agentx/metrics_server_metrics_bs12_off.csv",
  import.meta.url,
);
const SIXTEEN = new URL(
  "../testdata/parsers/agentx/metrics_server_metrics_16col.csv",
  import.meta.url,
);

const HEADER_25 = "timestamp_sec,relative_time_sec,kv_cache_usage_pct,cpu_kv_cache_usage_pct," +
  "num_requests_running,num_requests_waiting,prefix_cache_hits,prefix_cache_queries," +
  "cpu_prefix_cache_hits,cpu_prefix_cache_queries,prompt_tokens_total,generation_tokens_total," +
  "num_preemptions_total,request_success_total,kv_offload_bytes_gpu_to_cpu," +
  "kv_offload_bytes_cpu_to_gpu,kv_offload_time_gpu_to_cpu,kv_offload_time_cpu_to_gpu," +
  "prompt_tokens_local_compute,prompt_tokens_local_cache_hit,prompt_tokens_external_kv_transfer," +
  "prefill_kv_computed_tokens_sum,prefill_kv_computed_tokens_count,interval_cache_hit_rate_pct," +
  "interval_throughput_tok_per_sec";

function close(actual: unknown, expected: number, label: string, tol = 1e-12): void {
  ok(typeof actual === "number", `${label}: expected a number, got ${actual}`);
  ok(Math.abs(actual - expected) <= tol, `${label}: ${actual} != ${expected}`);
}

function only(result: ParseResult): RecordDraft {
  equal(result.unreadable, false);
  equal(result.drafts.length, 1);
  return result.drafts[0];
}

const notesOf = (draft: RecordDraft) => draft.notes as unknown as ServerMetricsNotes;

/** A 25-column row: every cell 0 unless named. */
function row(cells: Record<string, number | string>): string {
  return HEADER_25.split(",").map((h) => String(cells[h] ?? 0)).join(",");
}

// The worked example of the formats reference §9.3 (bs12 offload off, 430 rows over 1 364.5 s):
// first/last rows read off the file by hand; the row sums were computed with csv-parse below.
Deno.test("parseServerMetricsCsv reproduces the §9.3 worked example and never sums counters", async () => {
  const bytes = await Deno.readFile(BS12_OFF);
  const result = await parseServerMetricsCsv(chunked(bytes));
  deepStrictEqual(result.issues, []);
  const draft = only(result);
  equal(draft.source_format, "agentx-trace-replay");
  equal(draft.primary, false);
  equal(draft.priority, 30);
  const n = notesOf(draft);
  equal(n.rows, 430);
  equal(n.column_count, 25);
  // first and last timestamp_sec: 1776752019.269 and 1776753383.805 (relative 1364.536)
  close(n.time_span_s, 1776753383.805 - 1776752019.269, "time_span_s");
  equal(n.counter_deltas.prompt_tokens_total, 6_089_887);
  equal(n.counter_deltas.prefix_cache_hits, 4_849_696);
  equal(n.counter_deltas.prefix_cache_queries, 6_089_887 - 39_614);
  equal(n.counter_deltas.generation_tokens_total, 174_797);
  equal(n.counter_deltas.request_success_total, 50);
  deepStrictEqual(n.gpu_hit_rate_by_queries, {
    value: 4_849_696 / 6_050_273,
    hits_delta: 4_849_696,
    queries_delta: 6_050_273,
  });
  close(n.gpu_hit_rate_by_queries?.value, 0.8016, "hits/queries", 5e-5);
  // by-source counters exist, so the metric is Δlocal_cache_hit / Δprompt (0.7964 in §9.3)
  equal(n.gpu_cache_hit_rate_basis, "prompt_tokens_by_source");
  close(draft.metrics.server_gpu_cache_hit_rate, 0.7964, "server_gpu_cache_hit_rate", 5e-5);
  equal(draft.metrics.server_gpu_cache_hit_rate, n.gpu_hit_rate_by_source?.value);
  equal(draft.metrics.server_cpu_cache_hit_rate, null);
  equal(n.cpu_tier_active, false);
  close(n.gauges.gpu_kv_usage?.max, 0.6522, "KV max");
  equal(draft.metrics.num_preemptions, 0);
  equal(draft.metrics.kv_offload_bytes_gpu_to_cpu, 0);
  equal(draft.metrics.kv_offload_time_cpu_to_gpu, 0);
  equal(n.restarts_detected, 0);
  // the gen-1 agg's last-row value, for comparison
  equal(n.last_row.server_gpu_cache_hit_rate, 0.7963523789521875);
  equal(n.last_row.total_prompt_tokens, 6_089_887);

  // Summing the column (what must never happen) gives 947 923 271, 156 × the true delta.
  const records = parse(new TextDecoder().decode(bytes), { columns: true }) as Record<
    string,
    string
  >[];
  const summed = records.reduce((a, r) => a + Number(r.prompt_tokens_total), 0);
  equal(summed, 947_923_271);
  // and the p95 of the KV gauge agrees with an independent nearest-rank-interpolated value
  const kv = records.map((r) => Number(r.kv_cache_usage_pct) / 100).sort((a, b) => a - b);
  const rank = 0.95 * (kv.length - 1);
  const lo = Math.floor(rank);
  close(draft.metrics.gpu_kv_usage_p95, kv[lo] + (kv[lo + 1] - kv[lo]) * (rank - lo), "KV p95");
});

Deno.test("parseServerMetricsCsv gives the same record for any chunking, with CRLF and a BOM", async () => {
  const bytes = await Deno.readFile(BS12_OFF);
  const whole = await parseServerMetricsCsv(chunked(bytes));
  for (
    const cuts of [
      [1, 2, 3, 4, 5],
      [100, 101, 102, 30_000],
      Array.from({ length: 500 }, (_, i) => i * 113),
    ]
  ) {
    deepStrictEqual(await parseServerMetricsCsv(chunked(bytes, cuts)), whole);
  }
  const crlf = enc("\uFEFF" + new TextDecoder().decode(bytes).replaceAll("\n", "\r\n"));
  for (const cuts of [[], [1, 2, 3], Array.from({ length: 800 }, (_, i) => i * 71 + 1)]) {
    deepStrictEqual(await parseServerMetricsCsv(chunked(crlf, cuts)), whole);
  }
});

Deno.test("parseServerMetricsCsv adds the segment deltas across a counter reset", async () => {
  const text = [
    HEADER_25,
    row({
      timestamp_sec: 100,
      prompt_tokens_total: 100,
      prefix_cache_hits: 10,
      prefix_cache_queries: 100,
    }),
    row({
      timestamp_sec: 101,
      prompt_tokens_total: 200,
      prefix_cache_hits: 60,
      prefix_cache_queries: 200,
    }),
    row({
      timestamp_sec: 102,
      prompt_tokens_total: 300,
      prefix_cache_hits: 110,
      prefix_cache_queries: 300,
    }),
    // server restart: every counter drops
    row({
      timestamp_sec: 103,
      prompt_tokens_total: 50,
      prefix_cache_hits: 0,
      prefix_cache_queries: 50,
    }),
    row({
      timestamp_sec: 104,
      prompt_tokens_total: 150,
      prefix_cache_hits: 50,
      prefix_cache_queries: 150,
    }),
  ].join("\n") + "\n";
  const draft = only(await parseServerMetricsCsv(chunked(enc(text))));
  const n = notesOf(draft);
  // (300 − 100) + (150 − 0): a restarted counter starts again at 0, so the 50 tokens of the first
  // row after the restart were real traffic (Prometheus increase()); hits (110 − 10) + (50 − 0)
  equal(n.counter_deltas.prompt_tokens_total, 350);
  equal(n.counter_deltas.prefix_cache_hits, 150);
  equal(n.counter_deltas.prefix_cache_queries, 350);
  equal(n.restarts_detected, 1);
  deepStrictEqual(n.counter_resets, {
    prefix_cache_hits: 1,
    prefix_cache_queries: 1,
    prompt_tokens_total: 1,
  });
  // the by-source counters are all zero here, so the rate falls back to hits / queries
  equal(n.gpu_cache_hit_rate_basis, "prefix_cache_queries");
  close(draft.metrics.server_gpu_cache_hit_rate, 150 / 350, "hit rate");
  close(n.time_span_s, 4, "time span");
});

Deno.test("parseServerMetricsCsv is unaffected by a missing middle row and skips a short row", async () => {
  const rows = [1, 2, 3, 4, 5].map((i) =>
    row({
      timestamp_sec: 100 + i,
      prompt_tokens_total: 1000 * i,
      prompt_tokens_local_cache_hit: 600 * i,
      prompt_tokens_local_compute: 400 * i,
      prefix_cache_hits: 600 * i,
      prefix_cache_queries: 1000 * i,
      kv_cache_usage_pct: 10 * i,
    })
  );
  const full = only(await parseServerMetricsCsv(chunked(enc([HEADER_25, ...rows].join("\n")))));
  const gap = await parseServerMetricsCsv(
    chunked(enc([HEADER_25, rows[0], rows[1], rows[3], rows[4]].join("\n"))),
  );
  deepStrictEqual(gap.issues, []);
  deepStrictEqual(notesOf(only(gap)).counter_deltas, notesOf(full).counter_deltas);
  equal(only(gap).metrics.server_gpu_cache_hit_rate, 0.6);
  const short = await parseServerMetricsCsv(
    chunked(enc([HEADER_25, rows[0], rows[1], "123.0,1.0,5", rows[3], rows[4]].join("\n"))),
  );
  deepStrictEqual(short.issues, [
    { line: 4, message: "Expected 25 fields, found 3; row skipped" },
  ]);
  equal(notesOf(only(short)).rows, 4);
  equal(notesOf(only(short)).rows_skipped, 1);
  equal(notesOf(only(short)).counter_deltas.prompt_tokens_total, 4000);
});

Deno.test("parseServerMetricsCsv reports an empty or unreadable cell and still uses the row", async () => {
  const text = [
    HEADER_25,
    row({ timestamp_sec: 1, prompt_tokens_total: 100, kv_cache_usage_pct: 10 }),
    row({ timestamp_sec: 2, prompt_tokens_total: "", kv_cache_usage_pct: "n/a" }),
    row({ timestamp_sec: 3, prompt_tokens_total: 400, kv_cache_usage_pct: 30 }),
  ].join("\r\n");
  const result = await parseServerMetricsCsv(chunked(enc(text)));
  deepStrictEqual(result.issues, [
    {
      line: 3,
      message: 'Skipped unreadable cells: kv_cache_usage_pct "n/a", prompt_tokens_total (empty)',
    },
  ]);
  const n = notesOf(only(result));
  equal(n.rows, 3);
  equal(n.counter_deltas.prompt_tokens_total, 300);
  equal(n.gauges.gpu_kv_usage?.count, 2);
  close(n.gauges.gpu_kv_usage?.max, 0.3, "KV max");
  deepStrictEqual(n.cells_skipped, { kv_cache_usage_pct: 1, prompt_tokens_total: 1 });
  close(n.time_span_s, 2, "time span");
});

// Hand-made 16-column fixture; expected values worked out by hand from its five rows.
Deno.test("parseServerMetricsCsv reads the 16-column gen-0 variant", async () => {
  const result = await parseServerMetricsCsv(chunked(await Deno.readFile(SIXTEEN)));
  deepStrictEqual(result.issues, []);
  const draft = only(result);
  const n = notesOf(draft);
  equal(n.column_count, 16);
  equal(n.rows, 5);
  equal(n.gpu_cache_hit_rate_basis, "prefix_cache_queries");
  close(draft.metrics.server_gpu_cache_hit_rate, 4000 / 6000, "gpu rate");
  equal(n.cpu_tier_active, true);
  close(draft.metrics.server_cpu_cache_hit_rate, 300 / 800, "cpu rate");
  equal(draft.metrics.num_preemptions, 2);
  close(draft.metrics.gpu_kv_usage_p95, 0.48, "gpu p95");
  close(draft.metrics.cpu_kv_usage_p95, 0.09, "cpu p95");
  close(n.gauges.gpu_kv_usage?.p50, 0.3, "gpu p50");
  equal(n.gauges.gpu_kv_usage?.max, 0.5);
  close(n.gauges.num_requests_running?.max, 2, "running max");
  equal(draft.metrics.kv_offload_bytes_gpu_to_cpu, null);
  equal(draft.metrics.kv_offload_time_cpu_to_gpu, null);
  equal(n.counter_deltas.prompt_tokens_local_cache_hit, null);
  equal(n.gpu_hit_rate_by_source, null);
  close(n.queries_per_prompt_token, 1, "queries per prompt token");
  equal(n.offload_bytes_zero_while_cpu_tier_active, false);
  close(n.time_span_s, 4, "time span");
});

Deno.test("parseServerMetricsCsv reports empty and foreign files as unreadable", async () => {
  deepStrictEqual(await parseServerMetricsCsv(chunked(new Uint8Array(0))), {
    drafts: [],
    issues: [{ line: null, message: "The file is empty" }],
    unreadable: true,
  });
  const foreign = await parseServerMetricsCsv(chunked(enc("a,b\n1,2\n")));
  equal(foreign.unreadable, true);
  deepStrictEqual(foreign.issues, [{
    line: 1,
    message:
      'The header has none of the columns "prefix_cache_queries", "prompt_tokens_total", "kv_cache_usage_pct"',
  }]);
  const headerOnly = only(await parseServerMetricsCsv(chunked(enc(HEADER_25 + "\n"))));
  equal(headerOnly.metrics.server_gpu_cache_hit_rate, null);
  equal(headerOnly.metrics.gpu_kv_usage_p95, null);
  equal(headerOnly.metrics.num_preemptions, null);
});

const KVTESTER = "agentx-kvtester";

async function runDirs(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(realdata(KVTESTER))) {
    if (e.name.startsWith("agentic_")) names.push(e.name);
  }
  return names.sort();
}

async function parseRun(run: string): Promise<RecordDraft> {
  const file = await Deno.open(realdata(`${KVTESTER}/${run}/metrics_server_metrics.csv`));
  const result = await parseServerMetricsCsv(file.readable);
  deepStrictEqual(result.issues, [], run);
  return only(result);
}

// The table of the formats reference §9.3 (tp4 sweep), values as printed there.
Deno.test({
  name: "parseServerMetricsCsv reproduces the §9.3 table of the tp4 sweep",
  ignore: !HAS_REALDATA,
  fn: async () => {
    const table: [string, number, number, number, number, number][] = [
      // users/offload, max KV %, Δqueries/Δprompt, Δhits/Δqueries, Δlocal/Δprompt, Δexternal/Δprompt
      ["bs12_offloadoff", 65.22, 1.0, 0.8016, 0.7964, 0],
      ["bs16_offloadoff", 71.86, 1.0, 0.8755, 0.8734, 0],
      ["bs24_offloadoff", 100.0, 91.2, 0.0682, 0.2129, 0],
      ["bs24_offloadon", 100.0, 125.1, 0.0362, 0.3271, 0.5155],
      ["bs32_offloadon", 100.0, 177.3, 0.0042, 0.0150, 0.8160],
    ];
    const runs = await runDirs();
    for (const [key, kvMax, inflation, byQueries, local, external] of table) {
      const run = runs.find((r) => r.startsWith(`agentic_dsr1_tp4_${key}_`));
      ok(run !== undefined, key);
      const draft = await parseRun(run);
      const n = notesOf(draft);
      close(n.gauges.gpu_kv_usage?.max, kvMax / 100, `${key} KV max`, 1e-9);
      close(n.queries_per_prompt_token, inflation, `${key} inflation`, 0.05);
      close(n.gpu_hit_rate_by_queries?.value, byQueries, `${key} hits/queries`, 5e-5);
      close(n.gpu_hit_rate_by_source?.value, local, `${key} local/prompt`, 5e-5);
      close(n.cpu_hit_rate_by_source?.value, external, `${key} external/prompt`, 5e-5);
      close(draft.metrics.server_gpu_cache_hit_rate, local, `${key} metric`, 5e-5);
      if (key.endsWith("offloadoff")) equal(draft.metrics.server_cpu_cache_hit_rate, null, key);
      else close(draft.metrics.server_cpu_cache_hit_rate, external, `${key} cpu metric`, 5e-5);
      // The offload byte/time columns and cpu_kv_cache_usage_pct read 0 on every row of all five
      // files (checked with Python's csv module). Without offload that is the truth; with the CPU
      // tier serving half or more of the prompt tokens it means "not populated": unknown.
      const on = key.endsWith("offloadon");
      const expected = on ? null : 0;
      equal(draft.metrics.kv_offload_bytes_gpu_to_cpu, expected, `${key} bytes g→c`);
      equal(draft.metrics.kv_offload_bytes_cpu_to_gpu, expected, `${key} bytes c→g`);
      equal(draft.metrics.kv_offload_time_gpu_to_cpu, expected, `${key} time g→c`);
      equal(draft.metrics.cpu_kv_usage_p95, expected, `${key} CPU KV usage`);
      equal(n.offload_bytes_zero_while_cpu_tier_active, on, key);
      equal(n.cpu_kv_usage_zero_while_cpu_tier_active, on, key);
    }
  },
});

// Every gen-1 agg read its server fields off the last row of this CSV; the parser's `last_row`
// notes must reproduce them exactly, while its own deltas come from first and last rows.
Deno.test({
  name: "parseServerMetricsCsv last-row notes equal the gen-1 aggs' server fields",
  ignore: !HAS_REALDATA,
  fn: async () => {
    let compared = 0;
    for (const run of await runDirs()) {
      let aggPath: string | null = null;
      try {
        for await (const e of Deno.readDir(realdata(`${KVTESTER}/bmk_${run}`))) {
          if (e.name.startsWith("agg_")) aggPath = realdata(`${KVTESTER}/bmk_${run}/${e.name}`);
        }
      } catch {
        continue;
      }
      if (aggPath === null) continue;
      const agg = JSON.parse(await Deno.readTextFile(aggPath));
      const n = notesOf(await parseRun(run));
      equal(n.last_row.server_gpu_cache_hit_rate, agg.server_gpu_cache_hit_rate, run);
      equal(n.last_row.server_cpu_cache_hit_rate, agg.server_cpu_cache_hit_rate, run);
      equal(n.last_row.total_prompt_tokens, agg.total_prompt_tokens, run);
      equal(n.last_row.total_generation_tokens, agg.total_generation_tokens, run);
      equal(n.last_row.total_requests_completed, agg.total_requests_completed, run);
      compared++;
    }
    equal(compared, 24);
  },
});

// Property: whatever bytes arrive, the parser returns a result (never throws).
Deno.test("parseServerMetricsCsv returns a result for arbitrary bytes", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.constantFrom(HEADER_25, "\n", ",", '"', "12", "-1", "\r\n", "x"), {
          maxLength: 40,
        }).map((parts) => enc(parts.join(""))),
      ),
      fc.array(fc.nat({ max: 300 }), { maxLength: 8 }),
      async (bytes, cuts) => {
        const result = await parseServerMetricsCsv(chunked(bytes, cuts));
        ok(result.unreadable ? result.drafts.length === 0 : result.drafts.length === 1);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("parseServerMetricsCsv: rows out of time order keep the gauges and drop counter metrics", async () => {
  const text = new TextDecoder().decode(await Deno.readFile(BS12_OFF));
  const [header, ...rows] = text.trimEnd().split("\n");
  const ordered = only(await parseServerMetricsCsv(chunked(enc(text))));
  ok(ordered.metrics.server_gpu_cache_hit_rate !== null);
  // Swap two rows in the middle, as a merge of two logs might.
  const k = Math.floor(rows.length / 2);
  [rows[k], rows[k + 1]] = [rows[k + 1], rows[k]];
  const result = await parseServerMetricsCsv(chunked(enc([header, ...rows].join("\n") + "\n")));
  const shuffled = only(result);
  equal(shuffled.metrics.server_gpu_cache_hit_rate, null);
  equal(shuffled.metrics.num_preemptions, null);
  equal(shuffled.metrics.gpu_kv_usage_p95, ordered.metrics.gpu_kv_usage_p95);
  const notes = shuffled.notes as unknown as ServerMetricsNotes;
  deepStrictEqual(notes.gpu_hit_rate_by_source, null);
  deepStrictEqual(notes.gpu_hit_rate_by_queries, null);
  deepStrictEqual(notes.restarts_detected, 0);
  ok(Object.values(notes.counter_deltas).every((d) => d === null));
  equal(notes.rows_out_of_order?.line, k + 3);
  equal(notes.cpu_tier_active, false);
  equal(notes.time_span_s, (ordered.notes as unknown as ServerMetricsNotes).time_span_s);
  ok(!("rows_out_of_order" in (ordered.notes as object)), "absent when the rows are in order");
  // Listed even past the cap on issues: 120 short rows first, then the swap.
  const noisy = [header, ...Array.from({ length: 120 }, () => "1,2"), ...rows].join("\n");
  const capped = await parseServerMetricsCsv(chunked(enc(noisy + "\n")));
  ok(capped.issues.some((i) => i.message.startsWith("Rows are not in time order")));
  equal(capped.issues.at(-1)!.message, "20 more issues not listed");
  const last = result.issues.at(-1)!;
  equal(last.line, k + 3);
  ok(
    /^Rows are not in time order \(timestamp_sec .+ after .+\); counter-based metrics left out$/
      .test(last.message),
    last.message,
  );
});
