import assert from "node:assert/strict";
import { guardDraftRanges, guardMetricRanges } from "./ranges.ts";
import { parseAggCollection } from "../parsers/agg_collection.ts";

Deno.test("guardMetricRanges: negatives, shares outside 0–1 and too many successes are left out", () => {
  const metrics: Record<string, unknown> = {
    server_gpu_cache_hit_rate: 2,
    gpu_kv_usage_p95: -0.5,
    theoretical_cache_hit_rate: 1 + 1e-12, // rounding: kept
    p99_ttft: -0.005,
    input_tput_tps: -4,
    total_tput_tps: 1e6, // not a share: any size is fine
    num_requests_total: 1607,
    num_requests_successful: 5000,
    success_rate: 3.11,
    p50_ttft: null,
  };
  const issues: { line: number | null; message: string }[] = [];
  guardMetricRanges(metrics, issues);
  assert.deepEqual(metrics, {
    server_gpu_cache_hit_rate: null,
    gpu_kv_usage_p95: null,
    theoretical_cache_hit_rate: 1 + 1e-12,
    p99_ttft: null,
    input_tput_tps: null,
    total_tput_tps: 1e6,
    num_requests_total: 1607,
    num_requests_successful: null,
    success_rate: null,
    p50_ttft: null,
  });
  assert.deepEqual(issues.map((i) => i.message), [
    'Field "server_gpu_cache_hit_rate" is 2, outside 0–1; left out',
    'Field "gpu_kv_usage_p95" is -0.5, below 0; left out',
    'Field "p99_ttft" is -0.005, below 0; left out',
    'Field "input_tput_tps" is -4, below 0; left out',
    'Field "success_rate" is 3.11, outside 0–1; left out',
    'Field "num_requests_successful" (5000) exceeds num_requests_total (1607); left out',
  ]);
  const clean: Record<string, unknown> = {
    success_rate: 1,
    num_requests_total: 4,
    num_requests_successful: 4,
  };
  guardMetricRanges(clean, issues);
  assert.equal(issues.length, 6);
});

Deno.test("guardDraftRanges: a row of a collection is named by its row", () => {
  const agentic = {
    scenario_type: "agentic-coding",
    infmax_model_prefix: "dsr1",
    hw: "b200",
    conc: 8,
    tp: 4,
    users: 8,
    tput_per_gpu: 1000,
  };
  const r = parseAggCollection([agentic, { ...agentic, server_gpu_cache_hit_rate: 2 }]);
  guardDraftRanges(r);
  assert.deepEqual(r.issues.map((i) => i.message), [
    'Row 1: Field "server_gpu_cache_hit_rate" is 2, outside 0–1; left out',
  ]);
  assert.equal(r.drafts[1].metrics.server_gpu_cache_hit_rate, null);
});
