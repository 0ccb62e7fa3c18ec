// Checks the hard-coded real numbers in _real_fixtures.ts against the files they came from.
import { deepStrictEqual, ok } from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import { AMD_DISAGG_ROWS, GLM_GAUDI3_ROWS, KVTESTER_ROWS } from "./_real_fixtures.ts";

function json(path: string): Record<string, number | string> {
  return JSON.parse(readFileSync(path, "utf8"));
}

function close(a: number, b: number, tol: number, what: string) {
  ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
}

Deno.test({
  name: "real fixtures: AMD disagg and GLM Gaudi3 raw curves",
  ignore: !HAS_REALDATA,
  fn() {
    const amdDir = realdata("multinode/gptoss-mi355x-disagg-raw");
    for (const [conc, total, ttft, tpot, e2el] of AMD_DISAGG_ROWS) {
      const r = json(`${amdDir}/concurrency_${conc}_req_rate_inf_gpus_16_ctx_8_gen_8.json`);
      deepStrictEqual([r.max_concurrency, r.p99_ttft_ms, r.p99_tpot_ms, r.p99_e2el_ms], [
        conc,
        ttft,
        tpot,
        e2el,
      ]);
      close(r.total_token_throughput as number, total, 0.005, `amd ${conc}`);
    }
    const glmDir = realdata("fixed-seq/glm-4.7-gaudi3-raw");
    for (const [conc, total, ttft, tpot] of GLM_GAUDI3_ROWS) {
      const r = json(`${glmDir}/glm47_conc${conc}.json`);
      deepStrictEqual([r.max_concurrency, r.p99_ttft_ms, r.p99_tpot_ms], [conc, ttft, tpot]);
      close(r.total_token_throughput as number, total, 0.005, `glm ${conc}`);
    }
  },
});

/** numpy-default linear percentile of a sorted array. */
function percentile(sorted: number[], q: number): number {
  const rank = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

Deno.test({
  name: "real fixtures: kv-cache-tester aggs and server CSVs (16 and 24 users)",
  ignore: !HAS_REALDATA,
  fn() {
    const root = realdata("agentx-kvtester");
    const dirs = readdirSync(root);
    for (const row of KVTESTER_ROWS) {
      const [mode, users, total, okCount, tput, , ttft, ttlt, itl, hit, theo, kv95, kvMax, pre] =
        row;
      const prefix = `agentic_dsr1_tp4_bs${users}_offload${mode}_`;
      const bmk = dirs.find((d) => d.startsWith(`bmk_${prefix}`))!;
      const aggFile = readdirSync(`${root}/${bmk}`).find((f) => f.startsWith("agg_"))!;
      const a = json(`${root}/${bmk}/${aggFile}`);
      deepStrictEqual([a.num_requests_total, a.num_requests_successful], [total, okCount]);
      close(a.total_tput_tps as number, tput, 0.005, `${bmk} tput`);
      close(a.p99_ttft as number, ttft, 0.0005, `${bmk} ttft`);
      close(a.p99_ttlt as number, ttlt, 0.005, `${bmk} ttlt`);
      close(a.p99_itl as number, itl, 0.00005, `${bmk} itl`);
      close(a.server_gpu_cache_hit_rate as number, hit, 0.00005, `${bmk} hit`);
      close(a.theoretical_cache_hit_rate as number, theo, 0.00005, `${bmk} theo`);
      if (users !== 16 && users !== 24) continue;
      // The raw run directory of the same point (the bmk_ name minus its prefix).
      const csv = readFileSync(`${root}/${bmk.slice(4)}/metrics_server_metrics.csv`, "utf8")
        .trim().split(/\r?\n/);
      const header = csv[0].split(",");
      const rows = csv.slice(1).map((l) => l.split(","));
      const usage = rows.map((r) => Number(r[header.indexOf("kv_cache_usage_pct")]) / 100)
        .sort((x, y) => x - y);
      const preempt = rows.map((r) => Number(r[header.indexOf("num_preemptions_total")]));
      close(percentile(usage, 95), kv95, 0.00005, `${bmk} kv p95`);
      close(usage[usage.length - 1], kvMax, 0.00005, `${bmk} kv max`);
      deepStrictEqual(preempt[preempt.length - 1] - preempt[0], pre);
    }
  },
});
