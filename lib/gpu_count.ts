/**
 * Cross-checking a multi-node cell's GPU counts: the total a name or record states against its
 * prefill + decode split.
 * @module
 */
import { finding } from "./finding.ts";
import type { Cell, Finding } from "./types.ts";

/**
 * One `gpu_count_mismatch` warning per disaggregated cell whose `num_gpus` is not
 * `num_prefill_gpu + num_decode_gpu` (e.g. a file named `…_gpus_16_ctx_4_gen_8.json`). Per-GPU
 * throughput divides by prefill + decode, as InferenceX does, so the evidence says which total
 * the per-GPU numbers use.
 *
 * @example
 * ```ts
 * const findings = gpuCountMismatches(cells);
 * ```
 */
export function gpuCountMismatches(cells: readonly Cell[]): Finding[] {
  const findings: Finding[] = [];
  for (const cell of cells) {
    const { num_gpus: total, num_prefill_gpu: p, num_decode_gpu: d } = cell.metrics;
    if (!cell.is_multinode || total === null || p === null || d === null || d === 0) continue;
    if (total === p + d) continue;
    findings.push(finding(
      "gpu_count_mismatch",
      "warning",
      cell.cell_id,
      `Cell ${cell.cell_id} states ${total} GPUs but ${p} prefill + ${d} decode = ${
        p + d
      }; per-GPU throughput divides by ${p + d}`,
      {
        num_gpus: total,
        num_prefill_gpu: p,
        num_decode_gpu: d,
        per_gpu_divisor: p + d,
        artifacts: cell.artifacts,
      },
    ));
  }
  return findings;
}
