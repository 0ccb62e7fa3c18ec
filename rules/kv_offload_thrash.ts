/**
 * `kv_offload_thrash`: KV blocks move GPU→CPU and back in growing volume while latency degrades.
 * @module
 */
import type { CurvePoint } from "../lib/curves.ts";
import type { Rule } from "../lib/rule.ts";
import type { Cell, Finding } from "../lib/types.ts";
import {
  atLeast,
  cellIndex,
  curveSteps,
  finding,
  fmtRatio,
  measured,
  positive,
  round4,
  tooFewPoints,
} from "./_shared.ts";

const CODE = "kv_offload_thrash";

function bytes(cell: Cell | undefined): { out: number; back: number } | null {
  if (!cell) return null;
  const out = positive(cell.metrics.kv_offload_bytes_gpu_to_cpu);
  const back = positive(cell.metrics.kv_offload_bytes_cpu_to_gpu);
  return out !== null && back !== null ? { out, back } : null;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/** Detects KV offload traffic growing in both directions together with latency. */
export const kvOffloadThrash: Rule = {
  code: CODE,
  severity: "warning",
  severities: ["warning"],
  summary: "Both offload directions grow growth_ratio× versus the previous point while p99 TTFT " +
    "grows ttft_ratio×, or CPU→GPU bytes ≥ reload_fraction of GPU→CPU bytes with p99 TTFT " +
    "ttft_ratio× above the curve's first point",
  docs: {
    why: "Offloading KV blocks to CPU memory helps only while reloaded blocks save more prefill " +
      "than the transfers cost. When blocks are written out and read back in rising volume while " +
      "TTFT grows, the working set no longer fits the GPU tier and the transfers themselves add " +
      "latency. Uses kv_offload_bytes_gpu_to_cpu and kv_offload_bytes_cpu_to_gpu (in-run " +
      "increases of the engine counters). Checked on real data: the offload byte counters are 0 " +
      "in every AgentX kv-cache-tester server CSV, even with native offload on (the traffic shows " +
      "as external prefix-cache tokens instead, 52 % of prompt tokens at 24 users), so the rule " +
      "is quiet there and its defaults could not be tuned on real numbers; they are kept as in " +
      "the specification.",
    confirm: "Plot both offload byte counters' rates and the CPU-tier hit rate over the run next " +
      "to TTFT; thrash shows as reloads tracking evictions. Check the external (CPU tier) " +
      "prefix-cache token counters when the byte counters read 0.",
    next: "Measure the same concurrencies with the offload tier's usage, hit rate and transfer " +
      "time recorded, and one point with offload absent for comparison.",
  },
  defaults: { growth_ratio: 1.5, ttft_ratio: 1.5, reload_fraction: 0.5 },
  check(ctx, t) {
    const out: Finding[] = [];
    // Only curves with offload traffic are looked at: without any, there is nothing to index.
    if (!ctx.cells.some((c) => bytes(c) !== null)) return out;
    const byId = cellIndex(ctx.cells);
    const thresholds = {
      growth_ratio: t.growth_ratio,
      ttft_ratio: t.ttft_ratio,
      reload_fraction: t.reload_fraction,
    };
    const side = (p: CurvePoint) => {
      const b = bytes(byId.get(p.cell_id))!;
      return {
        cell_id: p.cell_id,
        concurrency: p.concurrency,
        p99_ttft: p.p99_ttft,
        kv_offload_bytes_gpu_to_cpu: b.out,
        kv_offload_bytes_cpu_to_gpu: b.back,
      };
    };
    for (const curve of ctx.curves) {
      if (!curve.points.some((p) => bytes(byId.get(p.cell_id)) !== null)) continue;
      const withTtft = (p: CurvePoint) => positive(p.p99_ttft) !== null;
      const { points, levels, steps } = curveSteps(curve, withTtft);
      if (points.length === 0 && !measured(curve)) continue;
      if (levels < 2) {
        out.push(tooFewPoints(CODE, curve, points, "p99 TTFT"));
        continue;
      }
      const first = points[0];
      const growth = new Map<string, Record<string, unknown>>(); // to.cell_id -> evidence
      for (const { from, to } of steps) {
        const a = bytes(byId.get(from.cell_id));
        const b = bytes(byId.get(to.cell_id));
        if (a === null || b === null || growth.has(to.cell_id)) continue;
        const outRatio = b.out / a.out;
        const backRatio = b.back / a.back;
        const ttftRatio = (to.p99_ttft as number) / (from.p99_ttft as number);
        if (
          atLeast(outRatio, t.growth_ratio) && atLeast(backRatio, t.growth_ratio) &&
          atLeast(ttftRatio, t.ttft_ratio)
        ) {
          growth.set(to.cell_id, {
            from: side(from),
            to: side(to),
            gpu_to_cpu_ratio: round4(outRatio),
            cpu_to_gpu_ratio: round4(backRatio),
            ttft_ratio: round4(ttftRatio),
          });
        }
      }
      for (const p of points) {
        const b = bytes(byId.get(p.cell_id));
        if (b === null) continue;
        const g = growth.get(p.cell_id);
        const reload = b.back / b.out;
        const vsFirst = (p.p99_ttft as number) / (first.p99_ttft as number);
        const reloading = p.concurrency !== first.concurrency &&
          atLeast(reload, t.reload_fraction) && atLeast(vsFirst, t.ttft_ratio);
        if (!g && !reloading) continue;
        const within = reloading
          ? {
            cell: side(p),
            reload_fraction: round4(reload),
            first_point: {
              cell_id: first.cell_id,
              concurrency: first.concurrency,
              p99_ttft: first.p99_ttft,
            },
            ttft_ratio_vs_first: round4(vsFirst),
          }
          : null;
        const message = g
          ? `KV offload bytes grow ${fmtRatio(g.gpu_to_cpu_ratio as number)} GPU→CPU and ` +
            `${fmtRatio(g.cpu_to_gpu_ratio as number)} CPU→GPU from concurrency ` +
            `${(g.from as { concurrency: number }).concurrency} to ${p.concurrency} while p99 ` +
            `TTFT rises ${fmtRatio(g.ttft_ratio as number)}`
          : `CPU→GPU offload bytes are ${pct(reload)} of GPU→CPU bytes while p99 TTFT is ` +
            `${fmtRatio(vsFirst)} the curve's first point (concurrency ${first.concurrency})`;
        out.push(finding(CODE, "warning", p.cell_id, message, {
          curve_id: curve.curve_id,
          growth: g ?? null,
          within_cell: within,
          thresholds,
        }));
      }
    }
    return out;
  },
};
