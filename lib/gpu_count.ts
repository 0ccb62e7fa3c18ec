/**
 * Cross-checking a cell's GPU count: a total stated by a name or a record against the one the
 * per-GPU formulas use (prefill + decode for a disaggregated cell, tp×pp×pcp for a single-node one).
 * @module
 */
import { finding } from "./finding.ts";
import type { Cell, Finding } from "./types.ts";

/**
 * One `gpu_count_mismatch` warning per cell whose stated GPU count is not the one its per-GPU
 * throughput divides by, as InferenceX does:
 * - a disaggregated cell whose `num_gpus` is not `num_prefill_gpu + num_decode_gpu` (e.g. a file
 *   named `…_gpus_16_ctx_4_gen_8.json`);
 * - a single-node cell whose stated count (an uploader summary, a baseline's `gpu.n_gpus`; kept
 *   in `notes.num_gpus_stated` by the fold) is not tp×pp×pcp.
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
    if (cell.is_multinode) {
      if (total === null || p === null || d === null || d === 0 || total === p + d) continue;
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
      continue;
    }
    const stated = cell.notes.num_gpus_stated;
    if (typeof stated !== "number" || total === null) continue;
    const { tp, pp, pcp } = cell.metrics;
    findings.push(finding(
      "gpu_count_mismatch",
      "warning",
      cell.cell_id,
      `Cell ${cell.cell_id} states ${stated} GPUs but tp×pp×pcp = ${total}; per-GPU throughput ` +
        `divides by ${total}`,
      {
        num_gpus_stated: stated,
        tp,
        pp,
        pcp,
        per_gpu_divisor: total,
        artifacts: cell.artifacts,
      },
    ));
  }
  return findings;
}
