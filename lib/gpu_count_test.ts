import assert from "node:assert/strict";
import { makeCell } from "./cell.ts";
import { gpuCountMismatches } from "./gpu_count.ts";
import type { Metrics } from "./types.ts";

function disagg(metrics: Partial<Metrics>, isMultinode: boolean | null = true) {
  return makeCell("mn-c64", {
    is_multinode: isMultinode,
    artifacts: { raw_result: ["mn/concurrency_64_gpus_16_ctx_4_gen_8.json"] },
    metrics,
  });
}

Deno.test("gpuCountMismatches: table of quiet and firing cases", () => {
  const cases: { name: string; metrics: Partial<Metrics>; multinode?: boolean; fires: boolean }[] =
    [
      { name: "total = P + D", metrics: { num_gpus: 16, num_prefill_gpu: 8, num_decode_gpu: 8 } },
      {
        name: "aggregated multi-node (no decode side)",
        metrics: { num_gpus: 16, num_prefill_gpu: 16, num_decode_gpu: 0 },
      },
      { name: "split unknown", metrics: { num_gpus: 16, num_prefill_gpu: 4 } },
      {
        name: "single-node cell",
        metrics: { num_gpus: 16, num_prefill_gpu: 4, num_decode_gpu: 8 },
        multinode: false,
      },
      {
        name: "one GPU short",
        metrics: { num_gpus: 13, num_prefill_gpu: 4, num_decode_gpu: 8 },
        fires: true,
      },
      {
        name: "total below the split",
        metrics: { num_gpus: 8, num_prefill_gpu: 4, num_decode_gpu: 8 },
        fires: true,
      },
    ].map((c) => ({ fires: false, ...c }));
  for (const c of cases) {
    const got = gpuCountMismatches([disagg(c.metrics, c.multinode ?? true)]);
    assert.equal(got.length, c.fires ? 1 : 0, c.name);
  }
});

Deno.test("gpuCountMismatches: message and evidence name both totals and the divisor used", () => {
  const [f] = gpuCountMismatches([
    disagg({ num_gpus: 16, num_prefill_gpu: 4, num_decode_gpu: 8 }),
  ]);
  assert.deepEqual(f, {
    code: "gpu_count_mismatch",
    severity: "warning",
    cell_id: "mn-c64",
    message: "Cell mn-c64 states 16 GPUs but 4 prefill + 8 decode = 12; per-GPU throughput " +
      "divides by 12",
    evidence: {
      num_gpus: 16,
      num_prefill_gpu: 4,
      num_decode_gpu: 8,
      per_gpu_divisor: 12,
      artifacts: { raw_result: ["mn/concurrency_64_gpus_16_ctx_4_gen_8.json"] },
    },
    source: "analyzer",
  });
});

Deno.test("gpuCountMismatches: a single-node count stated beside tp×pp×pcp", () => {
  const single = (notes: Record<string, unknown>) =>
    makeCell("k-c32", {
      is_multinode: false,
      notes,
      artifacts: { raw_result: ["k/conc32.json"], summary_csv: ["k/summary.csv"] },
      metrics: { tp: 8, pp: 1, pcp: null, num_gpus: 8 },
    });
  assert.deepEqual(gpuCountMismatches([single({})]), [], "nothing stated: quiet");
  assert.deepEqual(gpuCountMismatches([single({ num_gpus_stated: "16" })]), [], "not a number");
  assert.deepEqual(gpuCountMismatches([single({ num_gpus_stated: 16 })]), [{
    code: "gpu_count_mismatch",
    severity: "warning",
    cell_id: "k-c32",
    message: "Cell k-c32 states 16 GPUs but tp×pp×pcp = 8; per-GPU throughput divides by 8",
    evidence: {
      num_gpus_stated: 16,
      tp: 8,
      pp: 1,
      pcp: null,
      per_gpu_divisor: 8,
      artifacts: { raw_result: ["k/conc32.json"], summary_csv: ["k/summary.csv"] },
    },
    source: "analyzer",
  }]);
});
