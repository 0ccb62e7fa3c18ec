/**
 * `kv_pressure`: KV cache usage or preemptions show the KV cache was full for much of a run.
 * @module
 */
import type { Curve } from "../lib/curves.ts";
import type { Rule } from "../lib/rule.ts";
import type { Cell, Finding } from "../lib/types.ts";
import { atLeast, cellIndex, finding, fmt, num } from "./_shared.ts";

const CODE = "kv_pressure";

/** The previous point of the cell's curve (next lower concurrency), for preemption context. */
function previousPoints(
  curves: readonly Curve[],
): Map<string, { cell_id: string; concurrency: number }> {
  const prev = new Map<string, { cell_id: string; concurrency: number }>();
  for (const curve of curves) {
    // Nearest strictly lower concurrency; with duplicates the first cell of that level. Points
    // are sorted by concurrency, so one pass remembering where each level starts finds it.
    const pts = curve.points;
    let levelStart = 0;
    let previousLevelStart = -1;
    for (let i = 1; i < pts.length; i++) {
      if (pts[i].concurrency !== pts[i - 1].concurrency) {
        previousLevelStart = levelStart;
        levelStart = i;
      }
      if (previousLevelStart < 0) continue;
      const p = pts[previousLevelStart];
      prev.set(pts[i].cell_id, { cell_id: p.cell_id, concurrency: p.concurrency });
    }
  }
  return prev;
}

function gpuUsage(cell: Cell): { value: number; source: "p95" | "max" } | null {
  const p95 = num(cell.metrics.gpu_kv_usage_p95);
  if (p95 !== null) return { value: p95, source: "p95" };
  const max = num(cell.notes.gpu_kv_usage_max);
  return max !== null ? { value: max, source: "max" } : null;
}

/** Detects sustained KV cache pressure within a cell. */
export const kvPressure: Rule = {
  code: CODE,
  severity: "warning",
  summary: "GPU KV usage p95 ≥ gpu_kv_usage_p95 (run maximum when no p95), CPU KV usage p95 ≥ " +
    "cpu_kv_usage_p95, or at least min_preemptions preemptions during the run",
  docs: {
    why: "When the KV cache is full the scheduler cannot admit new sequences (they queue, " +
      "TTFT grows) or evicts running ones (preemptions, recomputation) and prefix-cache blocks are " +
      "evicted before reuse. Usage is a 0–1 ratio summarised over the run; preemptions are the " +
      "increase of the engine's preemption counter during the run. Checked on the AgentX " +
      "kv-cache-tester TP4 sweep (server CSV kv_cache_usage_pct): GPU KV usage p95 is 0.68 (max " +
      "0.72) at 16 users with offload off and 0.65 (max 0.73) with offload on, with no " +
      "preemptions; at 24 users it is 0.994 (4 preemptions) and 0.997 (9 preemptions), and stays " +
      "≥ 0.99 up to 256 users. The 0.90 default separates the two regimes cleanly; defaults kept " +
      "as in the specification. The CPU tier read 0 in every real file.",
    confirm: "Plot KV cache usage, running and waiting requests over the run; sustained usage " +
      "near 1.0 with a growing waiting queue confirms it. Compare the server's prefix-cache hit " +
      "rate with the theoretical one for the same cell.",
    next: "Measure the concurrencies just below this one to find where usage first reaches the " +
      "threshold, and record the KV cache size in tokens reported by the server log.",
  },
  defaults: { gpu_kv_usage_p95: 0.9, cpu_kv_usage_p95: 0.9, min_preemptions: 1 },
  check(ctx, t) {
    const out: Finding[] = [];
    // The previous points are context for findings only: built when the first one fires.
    let prev: Map<string, { cell_id: string; concurrency: number }> | null = null;
    let byId: Map<string, Cell> | null = null;
    for (const cell of ctx.cells) {
      const gpu = gpuUsage(cell);
      const cpu = num(cell.metrics.cpu_kv_usage_p95);
      const preemptions = num(cell.metrics.num_preemptions);
      const reasons: string[] = [];
      if (gpu !== null && atLeast(gpu.value, t.gpu_kv_usage_p95)) {
        reasons.push(`GPU KV usage ${gpu.source} ${fmt(gpu.value)} ≥ ${fmt(t.gpu_kv_usage_p95)}`);
      }
      if (cpu !== null && atLeast(cpu, t.cpu_kv_usage_p95)) {
        reasons.push(`CPU KV usage p95 ${fmt(cpu)} ≥ ${fmt(t.cpu_kv_usage_p95)}`);
      }
      if (preemptions !== null && preemptions > 0 && atLeast(preemptions, t.min_preemptions)) {
        reasons.push(`${fmt(preemptions)} preemptions during the run`);
      }
      if (reasons.length === 0) continue;
      prev ??= previousPoints(ctx.curves);
      byId ??= cellIndex(ctx.cells);
      const p = prev.get(cell.cell_id);
      const prevCell = p ? byId.get(p.cell_id) : undefined;
      const evidence: Record<string, unknown> = {
        gpu_kv_usage: gpu?.value ?? null,
        gpu_kv_usage_source: gpu?.source ?? null,
        cpu_kv_usage_p95: cpu,
        num_preemptions: preemptions,
        kv_offload_bytes_gpu_to_cpu: num(cell.metrics.kv_offload_bytes_gpu_to_cpu),
        kv_offload_bytes_cpu_to_gpu: num(cell.metrics.kv_offload_bytes_cpu_to_gpu),
        previous_point: p && prevCell
          ? {
            cell_id: p.cell_id,
            concurrency: p.concurrency,
            gpu_kv_usage: gpuUsage(prevCell)?.value ?? null,
            gpu_kv_usage_source: gpuUsage(prevCell)?.source ?? null,
            num_preemptions: num(prevCell.metrics.num_preemptions),
          }
          : null,
        thresholds: {
          gpu_kv_usage_p95: t.gpu_kv_usage_p95,
          cpu_kv_usage_p95: t.cpu_kv_usage_p95,
          min_preemptions: t.min_preemptions,
        },
      };
      out.push(
        finding(CODE, "warning", cell.cell_id, `KV pressure: ${reasons.join(", ")}`, evidence),
      );
    }
    return out;
  },
};
