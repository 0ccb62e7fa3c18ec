import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import { parseAiperfProfile } from "./aiperf_profile.ts";
import { analyzeInProcess, withTemp } from "../tests/_hostile.ts";

function close(actual: number | null | undefined, expected: number, tol = 1e-9): void {
  assert.ok(typeof actual === "number", `expected ${expected}, got ${actual}`);
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected} ± ${tol}, got ${actual}`);
}

const ladder = (base: number) => ({
  unit: "ms",
  avg: base,
  p50: base / 2,
  p75: base,
  p90: base * 2,
  p95: base * 3,
  p99: base * 4,
  max: base * 5,
  count: 3,
});

Deno.test("profile export: ms ladders become seconds, counts include warm-up and errors, the rate does not", () => {
  const result = parseAiperfProfile({
    schema_version: "1.2",
    aiperf_version: "0.8.0",
    request_count: { unit: "requests", avg: 90 },
    error_request_count: { unit: "requests", avg: "10" },
    warmup_metrics: { request_count: { unit: "requests", avg: 5 } },
    time_to_first_token: ladder(1000),
    request_latency: ladder(4000),
    inter_token_latency: ladder(20),
    output_token_throughput: { unit: "tokens/sec", avg: 50 },
    benchmark_duration: { unit: "sec", avg: 600 },
    theoretical_prefix_cache_hit: { unit: "%", avg: 75, count: 400, sum: 300 },
    input_config: { endpoint: { model_names: ["org/model"] }, loadgen: { concurrency: 8 } },
  });
  assert.deepEqual(result.issues, []);
  const d = result.drafts[0];
  assert.equal(d.source_format, "agentx-aiperf");
  assert.equal(d.priority, 25);
  assert.equal(d.primary, true);
  assert.deepEqual(d.identity, { model_path: "org/model", concurrency: 8 });
  assert.equal(d.metrics.num_requests_successful, 90);
  assert.equal(d.metrics.num_requests_total, 105);
  // Warm-up records are not failures: 90 of the 100 profiling requests succeeded.
  close(d.metrics.success_rate, 0.9);
  assert.deepEqual(d.notes?.request_accounting, {
    records_total: 105,
    records_profiled: 90,
    records_dropped_total: 15,
    records_warmup_dropped: 5,
    records_error_dropped: 10,
  });
  assert.equal(d.metrics.mean_ttft, 1);
  assert.equal(d.metrics.p50_ttft, 0.5);
  assert.equal(d.metrics.p90_ttft, 2);
  assert.equal(d.metrics.p99_ttft, 4);
  assert.equal(d.metrics.p99_e2el, 16);
  assert.equal(d.metrics.p99_itl, 0.08);
  assert.equal(d.metrics.p99_tpot, 0.08);
  assert.equal(d.metrics.intvty, 100); // 1 / p50 TPOT (0.01 s)
  assert.equal(d.metrics.output_tput_tps, undefined);
  assert.equal(d.notes?.aiperf_output_token_throughput, 50);
  assert.equal(d.metrics.duration_s, 600);
  assert.equal(d.metrics.theoretical_cache_hit_rate, 0.75);
  assert.equal(d.extra_percentiles?.p95_ttft, 3);
  assert.equal(d.notes?.error_request_count, 10);
});

Deno.test("profile export: malformed input becomes issues", async (t) => {
  for (const value of [null, [], "x", 3]) {
    await t.step(`not an object: ${JSON.stringify(value)}`, () => {
      const r = parseAiperfProfile(value);
      assert.equal(r.unreadable, true);
      assert.match(r.issues[0].message, /^Expected an aiperf profile object, got /);
    });
  }
  await t.step("no metrics at all", () => {
    const r = parseAiperfProfile({ schema_version: "1.2" });
    assert.equal(r.unreadable, true);
    assert.deepEqual(r.issues.map((i) => i.message), [
      'Field "request_count.avg" is missing',
      "No aiperf metrics found",
    ]);
  });
  await t.step("wrong types, NaN and a non-time unit", () => {
    const r = parseAiperfProfile({
      request_count: { avg: "NaN" },
      time_to_first_token: { unit: "tokens", avg: 1 },
      request_latency: { unit: "ms", avg: "12", p99: [1] },
      theoretical_prefix_cache_hit: { sum: 1, count: 0 },
    });
    assert.equal(r.unreadable, false);
    const d = r.drafts[0];
    assert.equal(d.metrics.mean_e2el, 0.012);
    assert.equal(d.metrics.p99_e2el, undefined);
    assert.equal(d.metrics.mean_ttft, undefined);
    assert.equal(d.metrics.theoretical_cache_hit_rate, undefined);
    assert.deepEqual(r.issues.map((i) => i.message), [
      'Field "request_count.avg" is not a number: "NaN"',
      'Field "time_to_first_token.unit" is not a time unit: "tokens"',
      'Field "request_latency.p99" is not a number: an array',
    ]);
  });
});

Deno.test({
  name: "real profile export conc 1 matches §9.6 and §9.7",
  ignore: !HAS_REALDATA,
  fn() {
    const base = realdata("agentx-aiperf");
    const dir = readdirSync(base).find((d) => d.startsWith("agentic_") && d.includes("_conc1_"))!;
    const text = readFileSync(`${base}/${dir}/aiperf_artifacts/profile_export_aiperf.json`, "utf8");
    const r = parseAiperfProfile(JSON.parse(text));
    assert.deepEqual(r.issues, []);
    const m = r.drafts[0].metrics;
    // §9.6: request_count.avg 195, benchmark_duration 3542.8186, TTFT avg 10259.107 ms,
    // theoretical hit 273995 / 295295 = 0.92787. §9.7: 196 records in total (1 warm-up).
    assert.equal(m.num_requests_successful, 195);
    assert.equal(m.num_requests_total, 196);
    close(m.duration_s, 3542.8186, 1e-4);
    close(m.mean_ttft, 10.259107, 1e-6);
    close(m.theoretical_cache_hit_rate, 0.92787, 5e-6);
    assert.equal(r.drafts[0].identity.concurrency, 1);
    assert.equal(r.drafts[0].notes?.effective_concurrency_max, 4);
  },
});

Deno.test("profile export: request accounting splits warm-up and error drops as the agg does", async (t) => {
  const base = {
    request_count: { unit: "requests", avg: 40 },
    time_to_first_token: ladder(1000),
  };
  await t.step("no warm-up block: no accounting, the rate over profiling requests", () => {
    const d = parseAiperfProfile({ ...base, error_request_count: { avg: 10 } }).drafts[0];
    assert.equal(d.notes?.request_accounting, undefined);
    assert.equal(d.metrics.num_requests_total, 50);
    close(d.metrics.success_rate, 0.8);
  });
  await t.step("errored warm-up records count in both drops; only profiling errors fail", () => {
    const d = parseAiperfProfile({
      ...base,
      error_request_count: { avg: 10 },
      warmup_metrics: { request_count: { avg: 7 }, error_request_count: { avg: 3 } },
      error_summary: [
        { error_details: { type: "ServerDisconnectedError", message: "x" }, count: 4 },
        { error_details: { type: "InvalidInferenceResultError", message: "y" }, count: 9 },
      ],
    }).drafts[0];
    assert.equal(d.metrics.num_requests_total, 60);
    close(d.metrics.success_rate, 0.8);
    assert.deepEqual(d.notes?.request_accounting, {
      records_total: 60,
      records_profiled: 40,
      records_dropped_total: 20,
      records_warmup_dropped: 10,
      records_error_dropped: 13,
      error_categories: { InvalidInferenceResultError: 9, ServerDisconnectedError: 4 },
    });
  });
  await t.step("a summary that does not add up to the errors gives no categories", () => {
    const d = parseAiperfProfile({
      ...base,
      error_request_count: { avg: 10 },
      warmup_metrics: { request_count: { avg: 7 } },
      error_summary: [{ error_details: { type: "E" }, count: 4 }],
    }).drafts[0];
    const acc = d.notes?.request_accounting as Record<string, unknown>;
    assert.equal(acc.records_error_dropped, 10);
    assert.equal("error_categories" in acc, false);
  });
});

/** The real conc-4 raw directory of agentx-aiperf and the request accounting of its agg. */
function realConc4(): { json: Record<string, unknown>; aggAccounting: unknown } {
  const base = realdata("agentx-aiperf");
  const dirs = readdirSync(base);
  const dir = dirs.find((d) => d.startsWith("agentic_") && d.includes("_conc4_"))!;
  const bmk = dirs.find((d) => d.startsWith("bmk_agentic_") && d.includes("_conc4_"))!;
  const aggName = readdirSync(`${base}/${bmk}`).find((f) => f.endsWith(".json"))!;
  const agg = JSON.parse(readFileSync(`${base}/${bmk}/${aggName}`, "utf8"));
  const text = readFileSync(`${base}/${dir}/aiperf_artifacts/profile_export_aiperf.json`, "utf8");
  return { json: JSON.parse(text), aggAccounting: agg.request_accounting };
}

Deno.test({
  name:
    "real profile export conc 4: warm-up requests are not failures; accounting equals the agg's",
  ignore: !HAS_REALDATA,
  fn() {
    const { json, aggAccounting } = realConc4();
    const d = parseAiperfProfile(json).drafts[0];
    // §9.7 table: 552 records, 547 profiled, 5 warm-up, 0 errors; the agg's own request_accounting
    // (read from the bmk_ file, not from this parser) is the independent reference.
    assert.equal(d.metrics.num_requests_total, 552);
    assert.equal(d.metrics.num_requests_successful, 547);
    assert.equal(d.metrics.success_rate, 1);
    assert.deepEqual(d.notes?.request_accounting, aggAccounting);
  },
});

Deno.test({
  name:
    "analyze: a raw aiperf tree with only profile_export_aiperf.json is complete, not partial_run",
  ignore: !HAS_REALDATA,
  async fn() {
    const { json } = realConc4();
    for (const warmup of [5, 960]) {
      // 960 warm-up records, as agentx-v1 conc 4 had: 547 of 1507 records are profiled ones.
      const edited = structuredClone(json) as {
        warmup_metrics: { request_count: { avg: number } };
      };
      edited.warmup_metrics.request_count.avg = warmup;
      await withTemp("aiperf_profile", async (tmp) => {
        const dir = `${tmp}/in/agentic_kimik2.7_tp4_conc4_kvnone_fp4_vllm_tp4-dcp1-pcp1-ep1-` +
          "dpafalse_disagg-false_spec-none_conc4_mi355x-amds_02/aiperf_artifacts";
        await Deno.mkdir(dir, { recursive: true });
        await Deno.writeTextFile(`${dir}/profile_export_aiperf.json`, JSON.stringify(edited));
        const r = await analyzeInProcess(`${tmp}/in`, `${tmp}/out`, ["--fail-on", "never"]);
        assert.equal(r.code, 0, r.stderr);
        const [cell] = r.report!.cells;
        assert.equal(cell.status, "complete", `warm-up ${warmup}`);
        assert.equal(cell.metrics.num_requests_total, 547 + warmup);
        assert.equal(cell.metrics.success_rate, 1);
        assert.deepEqual(r.report!.findings.filter((f) => f.code === "partial_run"), []);
      });
    }
  },
});
