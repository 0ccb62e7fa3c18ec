import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import { parseAiperfServerMetrics } from "./aiperf_server_metrics.ts";

function close(actual: number | null | undefined, expected: number, tol = 1e-9): void {
  assert.ok(typeof actual === "number", `expected ${expected}, got ${actual}`);
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected} ± ${tol}, got ${actual}`);
}

const GAUGE_HEADER =
  "Endpoint,Type,Metric,Unit,avg,min,max,std,p1,p5,p10,p25,p50,p75,p90,p95,p99,engine,model_name,Description";
const COUNTER_HEADER =
  "Endpoint,Type,Metric,Unit,total,rate,rate_avg,rate_min,rate_max,rate_std,engine,source,transfer_type,Description";
const HIST_HEADER =
  "Endpoint,Type,Metric,Unit,count,count_rate,sum,sum_rate,avg,p50_estimate,p99_estimate,engine,Description,buckets";

function gauge(metric: string, p95: number, max: number, engine = "0"): string {
  return `h:1,gauge,${metric},ratio,0.5,0,${max},0.1,0,0,0,0,0.5,0.6,0.7,${p95},${max},${engine},m,"Usage, as a ratio"`;
}

function counter(metric: string, total: number, labels = { source: "", transfer: "" }): string {
  return `h:1,counter,${metric},,${total},1,1,0,2,0.5,0,${labels.source},${labels.transfer},"Count, ""quoted"""`;
}

function csv(sections: string[][]): string {
  return [
    "# AIPerf Server Metrics Export (CSV)",
    "# aiperf_version: 0.8.0",
    "# schema_version: 1.0",
    "#",
    ...sections.flatMap((s, i) => (i === 0 ? s : ["", ...s])),
  ].join("\r\n") + "\r\n";
}

Deno.test("server metrics: by-source hit rates, legacy offload by direction, gauge p95", () => {
  const text = csv([
    [
      GAUGE_HEADER,
      gauge("vllm:kv_cache_usage_perc", 0.9, 0.99),
      gauge("vllm:kv_cache_usage_perc", 0.95, 1, "1"),
    ],
    [
      COUNTER_HEADER,
      counter("vllm:prompt_tokens", 1000),
      counter("vllm:prompt_tokens_by_source", 300, { source: "local_cache_hit", transfer: "" }),
      counter("vllm:prompt_tokens_by_source", 600, {
        source: "external_kv_transfer",
        transfer: "",
      }),
      counter("vllm:prompt_tokens_by_source", 100, { source: "local_compute", transfer: "" }),
      counter("vllm:prefix_cache_hits", 10),
      counter("vllm:prefix_cache_queries", 100),
      counter("vllm:num_preemptions_total", 7),
      counter("vllm:kv_offload_total_bytes", 2048, { source: "", transfer: "GPU_to_CPU" }),
      counter("vllm:kv_offload_total_bytes", 1024, { source: "", transfer: "CPU_to_GPU" }),
      counter("vllm:kv_offload_total_time", 1.5, { source: "", transfer: "GPU_to_CPU" }),
    ],
    [
      HIST_HEADER,
      'h:1,histogram,vllm:e2e_request_latency_seconds,seconds,3,0.1,6,0.2,2,1.5,4,0,"E2E",0.5=1;1.0=2;+Inf=3',
    ],
    ["Endpoint,Metric,Key,Value,Description", "h:1,vllm:cache_config_info,block_size,16,Config"],
  ]);
  const r = parseAiperfServerMetrics(text);
  assert.deepEqual(r.issues, []);
  const d = r.drafts[0];
  assert.equal(d.primary, false);
  assert.equal(d.priority, 30);
  assert.equal(d.source_format, "agentx-aiperf");
  // Prompt tokens by source win over hits/queries (10 / 100).
  close(d.metrics.server_gpu_cache_hit_rate, 0.3);
  close(d.metrics.server_cpu_cache_hit_rate, 0.6);
  assert.equal(d.notes?.cache_hit_rate_basis, "prompt_tokens_by_source");
  assert.equal(d.metrics.num_preemptions, 7);
  assert.equal(d.metrics.kv_offload_bytes_gpu_to_cpu, 2048);
  assert.equal(d.metrics.kv_offload_bytes_cpu_to_gpu, 1024);
  assert.equal(d.metrics.kv_offload_time_gpu_to_cpu, 1.5);
  assert.equal(d.metrics.kv_offload_time_cpu_to_gpu, undefined); // no series for it
  assert.equal(d.metrics.gpu_kv_usage_p95, 0.95); // worst engine
  assert.equal(d.notes?.gpu_kv_usage_max, 1);
  assert.equal(d.metrics.cpu_kv_usage_p95, undefined);
  assert.deepEqual(d.notes?.cache_config, { block_size: "16" });
  assert.equal(d.notes?.aiperf_version, "0.8.0");
});

Deno.test("server metrics: the worst of 200,000 engines' KV usage, without a stack overflow", () => {
  const engines = Array.from(
    { length: 200_000 },
    (_, i) => gauge("vllm:kv_cache_usage_perc", i === 123_456 ? 0.97 : 0.5, 0.99, String(i)),
  );
  const r = parseAiperfServerMetrics(csv([[GAUGE_HEADER, ...engines]]));
  assert.equal(r.drafts[0].metrics.gpu_kv_usage_p95, 0.97);
});

Deno.test("server metrics: hits/queries fallback, current offload names, percent gauges", () => {
  const text = csv([
    [
      GAUGE_HEADER,
      gauge("vllm:gpu_cache_usage_perc", 93, 100),
      gauge("vllm:cpu_cache_usage_perc", 40, 50),
    ],
    [
      COUNTER_HEADER,
      counter("vllm:prefix_cache_hits", 25),
      counter("vllm:prefix_cache_queries", 100),
      counter("vllm:external_prefix_cache_hits", 5),
      counter("vllm:external_prefix_cache_queries", 20),
      counter("vllm:kv_offload_store_bytes", 4096),
      counter("vllm:kv_offload_total_bytes", 999, { source: "", transfer: "GPU_to_CPU" }),
    ],
  ]);
  const r = parseAiperfServerMetrics(text);
  assert.deepEqual(r.issues, []);
  const m = r.drafts[0].metrics;
  assert.equal(m.server_gpu_cache_hit_rate, 0.25);
  assert.equal(m.server_cpu_cache_hit_rate, 0.25);
  assert.equal(r.drafts[0].notes?.cache_hit_rate_basis, "hits/queries");
  assert.equal(m.kv_offload_bytes_gpu_to_cpu, 4096); // never added to the legacy series
  assert.equal(m.kv_offload_bytes_cpu_to_gpu, undefined);
  assert.equal(m.gpu_kv_usage_p95, 0.93);
  assert.equal(m.cpu_kv_usage_p95, 0.4);
  assert.equal(m.num_preemptions, undefined);
});

Deno.test("server metrics: malformed text becomes issues with line numbers", async (t) => {
  await t.step("empty and comment-only text is unreadable", () => {
    for (const text of ["", "# AIPerf Server Metrics Export (CSV)\n#\n"]) {
      const r = parseAiperfServerMetrics(text);
      assert.equal(r.unreadable, true);
      assert.deepEqual(r.issues, [{ line: null, message: "No server metric rows found" }]);
    }
  });
  await t.step("bad rows are reported, good rows kept", () => {
    const text = [
      "h:1,counter,vllm:prompt_tokens,,5,1,1,0,1,0,,,,d",
      COUNTER_HEADER,
      "h:1,counter,vllm:prefix_cache_hits,,abc,1,1,0,1,0,,,,d",
      "h:1,counter,vllm:prefix_cache_queries,,10",
      "h:1,weird,vllm:x,,1,1,1,0,1,0,,,,d",
      "h:1,counter,vllm:prefix_cache_queries,,10,1,1,0,1,0,,,,d",
      'h:1,counter,vllm:num_preemptions,,1,1,1,0,1,0,,,,"unterminated',
    ].join("\n");
    const r = parseAiperfServerMetrics(text);
    assert.equal(r.unreadable, false);
    assert.deepEqual(r.issues, [
      { line: 1, message: "Row outside a section (no header above it)" },
      { line: 3, message: 'Column "total" is not a number: "abc"' },
      { line: 4, message: "Row has 5 fields, header has 14" },
      { line: 5, message: 'Unknown metric type "weird"' },
      { line: 7, message: "Unterminated quoted field" },
    ]);
    assert.equal(r.drafts[0].metrics.server_gpu_cache_hit_rate, undefined);
    assert.equal(r.drafts[0].notes?.server_prefix_cache_queries, 10);
  });
  await t.step("quoted newline keeps line numbers right", () => {
    const text = [
      COUNTER_HEADER,
      'h:1,counter,vllm:prompt_tokens,,5,1,1,0,1,0,,,,"two\nlines"',
      "h:1,counter,vllm:prefix_cache_hits,,x,1,1,0,1,0,,,,d",
    ].join("\n");
    const r = parseAiperfServerMetrics(text);
    assert.deepEqual(r.issues, [{ line: 4, message: 'Column "total" is not a number: "x"' }]);
    assert.equal(r.drafts[0].notes?.server_prompt_tokens, 5);
  });
});

function runFile(marker: string): string {
  const base = realdata("agentx-aiperf");
  const dir = readdirSync(base).find((d) => d.startsWith("agentic_") && d.includes(marker))!;
  return readFileSync(`${base}/${dir}/aiperf_artifacts/server_metrics_export.csv`, "utf8");
}

Deno.test({
  name: "real server metrics CSVs match the agg's server_metrics (§9.6, §9.7)",
  ignore: !HAS_REALDATA,
  fn() {
    // §9.6: conc 1 prefix_cache_hits 17 690 047 / queries 19 129 495 → 0.92475.
    // §9.7 table: conc 4 gpu_cache_hit_rate 0.93741; external 0.0; gpu_usage_pct max 0.13776/0.40767.
    const cases = [
      { marker: "_conc1_", gpu: 0.92475, max: 0.13776, completed: 195 },
      { marker: "_conc4_", gpu: 0.93741, max: 0.40767, completed: 547 },
    ];
    for (const c of cases) {
      const r = parseAiperfServerMetrics(runFile(c.marker));
      assert.deepEqual(r.issues, [], c.marker);
      const d = r.drafts[0];
      close(d.metrics.server_gpu_cache_hit_rate, c.gpu, 5e-6);
      assert.equal(d.metrics.server_cpu_cache_hit_rate, 0);
      close(d.notes?.gpu_kv_usage_max as number, c.max, 5e-5); // CSV has 4 dp
      assert.equal(d.notes?.server_requests_completed, c.completed);
      assert.equal(d.metrics.num_preemptions, 0);
      assert.ok(d.metrics.gpu_kv_usage_p95! <= c.max);
      assert.equal(d.notes?.metric_count, 49); // the agg's server_metrics.metric_count
    }
    const conc1 = parseAiperfServerMetrics(runFile("_conc1_")).drafts[0];
    assert.equal(conc1.notes?.server_prefix_cache_hits, 17690047);
    assert.equal(conc1.notes?.server_prefix_cache_queries, 19129495);
  },
});
