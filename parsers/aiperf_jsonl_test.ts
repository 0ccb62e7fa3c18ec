import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import { parseAiperfJsonl } from "./aiperf_jsonl.ts";

function close(actual: number | null | undefined, expected: number, tol = 1e-9): void {
  assert.ok(typeof actual === "number", `expected ${expected}, got ${actual}`);
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected} ± ${tol}, got ${actual}`);
}

async function* iter(lines: string[]): AsyncIterable<string> {
  for (const line of lines) yield line;
}

function record(
  phase: string,
  startS: number,
  endS: number,
  ms: { ttft: number; latency: number; itl?: number },
  error: unknown = null,
): string {
  const metrics: Record<string, unknown> = {
    time_to_first_token: { value: ms.ttft, unit: "ms" },
    request_latency: { value: ms.latency, unit: "ms" },
    input_sequence_length: { value: 1000, unit: "tokens" },
    output_sequence_length: { value: 10, unit: "tokens" },
  };
  if (ms.itl !== undefined) metrics.inter_token_latency = { value: ms.itl, unit: "ms" };
  return JSON.stringify({
    metadata: {
      benchmark_phase: phase,
      request_start_ns: startS * 1e9,
      request_end_ns: endS * 1e9,
    },
    metrics,
    error,
  });
}

Deno.test("jsonl: accounting, ladders over successful profiling records, window throughput", async () => {
  const lines = [
    "\ufeff" + record("warmup", 0, 5, { ttft: 5000, latency: 5000 }),
    record("profiling", 10, 12, { ttft: 100, latency: 1000, itl: 10 }) + "\r",
    "",
    record("profiling", 11, 20, { ttft: 300, latency: 3000, itl: 30 }),
    record("profiling", 12, 30, { ttft: 900, latency: 9000 }, {
      type: "ServerDisconnectedError",
      message: "gone",
    }),
    record("warmup", 1, 2, { ttft: 1, latency: 1 }, { type: "InvalidInferenceResultError" }),
  ];
  const r = await parseAiperfJsonl(iter(lines));
  assert.deepEqual(r.issues, []);
  assert.equal(r.unreadable, false);
  const d = r.drafts[0];
  assert.equal(d.priority, 30);
  assert.equal(d.primary, true);
  assert.equal(d.source_format, "agentx-aiperf");
  assert.equal(d.metrics.num_requests_total, 5);
  assert.equal(d.metrics.num_requests_successful, 2);
  assert.equal(d.metrics.success_rate, 0.4);
  assert.deepEqual(d.notes?.request_accounting, {
    records_total: 5,
    records_profiled: 2,
    records_dropped_total: 3,
    records_warmup_dropped: 2,
    records_error_dropped: 2,
    error_categories: { InvalidInferenceResultError: 1, ServerDisconnectedError: 1 },
  });
  // Successful TTFTs 0.1 s and 0.3 s: linear interpolation (numpy default).
  close(d.metrics.mean_ttft, 0.2);
  close(d.metrics.p50_ttft, 0.2);
  close(d.metrics.p90_ttft, 0.28);
  close(d.metrics.p99_ttft, 0.298);
  close(d.metrics.p999_ttft, 0.2998);
  close(d.metrics.p99_e2el, 2.98);
  close(d.extra_percentiles?.["p99.9_e2el"], 2.998);
  close(d.metrics.p50_itl, 0.02);
  close(d.metrics.p50_tpot, 0.02);
  close(d.metrics.intvty, 50);
  // Window: min start 10 s to max end 20 s of the successful records.
  close(d.metrics.duration_s, 10);
  close(d.metrics.request_throughput, 0.2);
  close(d.metrics.input_tput_tps, 200);
  close(d.metrics.output_tput_tps, 2);
  close(d.metrics.total_tput_tps, 202);
});

Deno.test("jsonl: bad lines become issues with their line numbers", async () => {
  const lines = [
    record("profiling", 0, 1, { ttft: 100, latency: 200 }),
    '{"metadata": {"benchmark_phase": "profiling"', // truncated
    "[1, 2, 3]",
    '{"metadata": {"benchmark_phase": "profiling"}, "metrics": {"time_to_first_token": {"value": "NaN", "unit": "ms"}}}',
    '{"metadata": {"benchmark_phase": "profiling"}, "metrics": {"request_latency": {"value": 5, "unit": "tokens"}}}',
    "not json at all",
  ];
  const r = await parseAiperfJsonl(iter(lines));
  assert.equal(r.unreadable, false);
  assert.deepEqual(r.issues.map((i) => i.line), [2, 3, 4, 5, 6]);
  assert.match(r.issues[0].message, /^Invalid JSON: /);
  assert.match(r.issues[1].message, /^Not an aiperf record: /);
  assert.equal(
    r.issues[2].message,
    'Field "metrics.time_to_first_token.value" is not a number: "NaN"',
  );
  assert.equal(
    r.issues[3].message,
    'Field "metrics.request_latency.unit" is not a time unit: tokens',
  );
  assert.equal(r.drafts[0].metrics.num_requests_total, 3);
  assert.equal(r.drafts[0].notes?.bad_lines, 3);
});

Deno.test("jsonl: empty input is unreadable", async () => {
  for (const lines of [[], ["", "  "]]) {
    const r = await parseAiperfJsonl(iter(lines));
    assert.equal(r.unreadable, true);
    assert.deepEqual(r.drafts, []);
    assert.deepEqual(r.issues, [{ line: null, message: "No aiperf records found" }]);
  }
});

Deno.test("jsonl: no successful records still reports completion", async () => {
  const r = await parseAiperfJsonl(
    iter([record("profiling", 0, 1, { ttft: 1, latency: 1 }, { type: "X" })]),
  );
  const d = r.drafts[0];
  assert.equal(d.metrics.num_requests_total, 1);
  assert.equal(d.metrics.num_requests_successful, 0);
  assert.equal(d.metrics.success_rate, 0);
  assert.equal(d.metrics.mean_ttft, undefined);
  assert.equal(d.metrics.duration_s, undefined);
});

Deno.test("jsonl: only warm-up records say the profiling never ran; metrics as an array is named", async () => {
  const warm = await parseAiperfJsonl(
    iter([0, 1, 2].map((i) => record("warmup", i, i + 1, { ttft: 1, latency: 2 }))),
  );
  assert.equal(warm.drafts[0].metrics.num_requests_successful, 0);
  assert.deepEqual(warm.issues.map((i) => i.message), [
    "Only warm-up records (3): the profiling phase never ran",
  ]);
  const arr = JSON.parse(record("profiling", 0, 1, { ttft: 1, latency: 2 }));
  arr.metrics = [1, 2, 3];
  const r = await parseAiperfJsonl(iter([JSON.stringify(arr)]));
  assert.deepEqual(r.issues, [{ line: 1, message: 'Field "metrics" is an array, not an object' }]);
  assert.equal(r.drafts[0].metrics.num_requests_successful, 1);
});

Deno.test({
  name: "real jsonl conc 1 agrees with the agg and the aiperf aggregate of the same run",
  ignore: !HAS_REALDATA,
  async fn() {
    const base = realdata("agentx-aiperf");
    const run = readdirSync(base).find((d) => d.startsWith("agentic_") && d.includes("_conc1_"))!;
    const bmk = readdirSync(base).find((d) => d.startsWith("bmk_") && d.includes("_conc1_"))!;
    const aggFile = readdirSync(`${base}/${bmk}`).find((f) => f.endsWith(".json"))!;
    const agg = JSON.parse(readFileSync(`${base}/${bmk}/${aggFile}`, "utf8"));
    const profile = JSON.parse(
      readFileSync(`${base}/${run}/aiperf_artifacts/profile_export_aiperf.json`, "utf8"),
    );
    const text = readFileSync(`${base}/${run}/aiperf_artifacts/profile_export.jsonl`, "utf8");
    const r = await parseAiperfJsonl(iter(text.split("\n")));
    assert.deepEqual(r.issues, []);
    const d = r.drafts[0];
    const m = d.metrics;
    // §9.7 table: 196 / 195, warm-up 1, errors 0 — and the agg's own accounting block.
    assert.equal(m.num_requests_total, 196);
    assert.equal(m.num_requests_successful, 195);
    assert.deepEqual(d.notes?.request_accounting, agg.request_accounting);
    // The agg (process_agentic_result.py, numpy) rounds to 5 dp.
    const lat = agg.request_metrics.latency;
    for (const name of ["ttft", "e2el", "itl"] as const) {
      const own = name === "e2el" ? "e2el" : name;
      close(m[`mean_${own}`], lat[name].mean, 1e-5);
      close(m[`p50_${own}`], lat[name].p50, 1e-5);
      close(m[`p90_${own}`], lat[name].p90, 1e-5);
      close(d.extra_percentiles?.[`p95_${own}`], lat[name].p95, 1e-5);
    }
    const tput = agg.request_metrics.throughput;
    close(m.duration_s, tput.duration_seconds, 1e-5);
    close(m.input_tput_tps, tput.input.tokens_per_second, 1e-4);
    close(m.output_tput_tps, tput.output.tokens_per_second, 1e-5);
    close(m.total_tput_tps, tput.total.tokens_per_second, 1e-4);
    // aiperf's own p99 (ms) over the same profiling records.
    close(m.p99_ttft, profile.time_to_first_token.p99 / 1000, 1e-9);
    close(m.p99_e2el, profile.request_latency.p99 / 1000, 1e-9);
    close(m.p99_itl, profile.inter_token_latency.p99 / 1000, 1e-9);
  },
});
