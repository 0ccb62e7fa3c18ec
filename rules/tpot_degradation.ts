/**
 * `tpot_degradation`: p99 TPOT worsens materially versus the adjacent lower-concurrency point
 * or versus the same cell in the baseline.
 * @module
 */
import { pairingEvidence, pairingNote } from "../lib/baseline.ts";
import type { Rule } from "../lib/rule.ts";
import type { Finding } from "../lib/types.ts";
import {
  atLeast,
  cellIndex,
  curveSteps,
  finding,
  fmtRatio,
  fmtSeconds,
  measured,
  positive,
  round4,
  tooFewPoints,
} from "./_shared.ts";

const CODE = "tpot_degradation";

/** Detects p99 TPOT growth between adjacent curve points and against the baseline. */
export const tpotDegradation: Rule = {
  code: CODE,
  severity: "warning",
  severities: ["warning"],
  summary:
    "p99 TPOT grows by ratio× or more versus the adjacent lower-concurrency point or the baseline",
  docs: {
    why: "TPOT is the per-token decode time each user sees; when it grows faster than batching " +
      "explains, decode is saturating (memory bandwidth, batch size limits or interference from " +
      "prefill). Checked on real curves: the AMD MI355X disaggregated gpt-oss curve grows at most " +
      "×1.25 per doubling (17.9 → 22.3 ms, 256→512) and the gpt-oss H200 TP8 curve at most ×1.35 " +
      "(32→64): quiet. The GLM-4.7 Gaudi3 curve grows ×1.37, ×1.26 and ×1.45 up to 64 and then " +
      "×2.33 (163 → 380 ms, 64→128): it fires only at that knee. The evidence carries the " +
      "concurrency ratio because sparse curves compare distant points (gpt-oss H200 TP4 8→64 is " +
      "×1.73 over an 8× concurrency step). On the AgentX kv-cache-tester TP4 sweep (p99 of " +
      "per-request TPOT) it fires at the KV cliff (16→24 users: ×1.73 offload off, ×1.56 on) and " +
      "also below it (2→4 users ×1.88, 4→8 ×1.55, 8→12 ×1.59 with offload on) where throughput " +
      "still grows: true observations of decode slowing as the batch grows, not a wrong " +
      "default. Default kept as in the specification.",
    confirm: "Compare mean and p50 TPOT as well as p99 for the two points, and ITL if the engine " +
      "uses speculative decoding (ITL then differs from TPOT). Check whether the running batch " +
      "size stopped growing while TPOT rose.",
    next: "Measure the concurrencies between the two points and record the running batch size " +
      "and decode-side GPU utilisation at each.",
  },
  defaults: { ratio: 1.5 },
  check(ctx, t) {
    const out: Finding[] = [];
    const thresholds = { ratio: t.ratio };
    for (const curve of ctx.curves) {
      const { points, levels, steps } = curveSteps(curve, (p) => positive(p.p99_tpot) !== null);
      if (points.length === 0 && !measured(curve)) continue;
      if (levels < 2) {
        out.push(tooFewPoints(CODE, curve, points, "p99 TPOT"));
        continue;
      }
      for (const { from, to } of steps) {
        const a = from.p99_tpot as number;
        const b = to.p99_tpot as number;
        const ratio = b / a;
        if (!atLeast(ratio, t.ratio)) continue;
        out.push(finding(
          CODE,
          "warning",
          to.cell_id,
          `p99 TPOT rises ${fmtRatio(ratio)} from ${fmtSeconds(a)} at concurrency ` +
            `${from.concurrency} to ${fmtSeconds(b)} at concurrency ${to.concurrency}`,
          {
            comparison: "curve",
            curve_id: curve.curve_id,
            from: { cell_id: from.cell_id, concurrency: from.concurrency, p99_tpot: a },
            to: { cell_id: to.cell_id, concurrency: to.concurrency, p99_tpot: b },
            tpot_ratio: round4(ratio),
            concurrency_ratio: round4(to.concurrency / from.concurrency),
            thresholds,
          },
        ));
      }
    }
    // Only the baseline comparison looks cells up by id.
    const byId = ctx.baseline?.length ? cellIndex(ctx.cells) : new Map();
    for (const m of ctx.baseline ?? []) {
      if (byId.get(m.cell_id)?.status === "failed") continue;
      const d = m.deltas.p99_tpot;
      const a = positive(d?.baseline);
      const b = positive(d?.current);
      if (a === null || b === null) continue;
      const ratio = b / a;
      if (!atLeast(ratio, t.ratio)) continue;
      out.push(finding(
        CODE,
        "warning",
        m.cell_id,
        `p99 TPOT is ${fmtRatio(ratio)} the baseline (${fmtSeconds(b)} vs ${fmtSeconds(a)} in ` +
          `baseline cell ${m.baseline_cell_id}${pairingNote(m)})`,
        {
          comparison: "baseline",
          ...pairingEvidence(m),
          current: { p99_tpot: b },
          baseline: { p99_tpot: a },
          tpot_ratio: round4(ratio),
          thresholds,
        },
      ));
    }
    return out;
  },
};
