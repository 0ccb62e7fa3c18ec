/**
 * `throughput_plateau`: a concurrency step buys (almost) no throughput while tail latency rises.
 * @module
 */
import type { Rule } from "../lib/rule.ts";
import type { Finding } from "../lib/types.ts";
import {
  atLeast,
  below,
  curveSteps,
  finding,
  fmtGain,
  fmtRatio,
  hasThroughput,
  measured,
  positive,
  round4,
  type Step,
  throughputGain,
  throughputLabel,
  tooFewPoints,
} from "./_shared.ts";

const CODE = "throughput_plateau";

interface PlateauStep {
  step: Step;
  metric: "total_tput_tps" | "tput_per_gpu";
  from: number;
  to: number;
  gain: number;
  ttftRatio: number | null;
  e2elRatio: number | null;
}

function ratioOf(a: number | null, b: number | null): number | null {
  const x = positive(a);
  const y = positive(b);
  return x !== null && y !== null ? y / x : null;
}

/** Detects concurrency steps with little throughput gain and rising tail latency. */
export const throughputPlateau: Rule = {
  code: CODE,
  severity: "info",
  severities: ["info", "warning"],
  summary: "A concurrency step gains less than max_gain throughput while p99 TTFT or p99 E2E " +
    "latency rises latency_ratio× (info); min_consecutive_steps such steps in a row (warning)",
  docs: {
    why: "Past the saturation point extra concurrency only lengthens queues: throughput stays " +
      "flat (or falls) and every user waits longer. One such step can be noise; consecutive " +
      "steps show the curve has flattened. Checked on real curves: the AMD MI355X disaggregated, " +
      "gpt-oss H200 and GLM-4.7 Gaudi3 curves gain at least +49 % per step (quiet). The AgentX " +
      "kv-cache-tester TP4 sweep with offload off plateaus at 16→24 (throughput -32.6 %, p99 TTFT " +
      "×2.17) and 24→32 (-58.4 %, ×3.15), two steps in a row (warning); with offload on, 16→24 " +
      "(-17.7 %, ×1.90) and 32→48 (-9.2 %, ×1.65) are single steps (info). Defaults kept as in " +
      "the specification. The gain uses total throughput when both points have it, otherwise " +
      "throughput per GPU (the same ratio within one topology).",
    confirm: "Plot throughput against p99 TTFT for the curve; the plateau is where the curve " +
      "turns vertical. Check request completion at those points, since cut-off requests lower " +
      "throughput.",
    next: "Record queue depth and KV cache usage over time at the plateau points, and measure " +
      "one point below the first plateau step to bracket the saturation concurrency.",
  },
  defaults: { max_gain: 0.05, latency_ratio: 1.5, min_consecutive_steps: 2 },
  check(ctx, t) {
    const out: Finding[] = [];
    const thresholds = {
      max_gain: t.max_gain,
      latency_ratio: t.latency_ratio,
      min_consecutive_steps: t.min_consecutive_steps,
    };
    for (const curve of ctx.curves) {
      const { points, levels, steps } = curveSteps(
        curve,
        (p) => hasThroughput(p) && (positive(p.p99_ttft) !== null || positive(p.p99_e2el) !== null),
      );
      if (points.length === 0 && !measured(curve)) continue;
      if (levels < 2) {
        out.push(tooFewPoints(CODE, curve, points, "throughput and p99 latency"));
        continue;
      }
      const plateaus: PlateauStep[] = [];
      for (const step of steps) {
        const tp = throughputGain(step.from, step.to);
        if (tp === null || !below(tp.gain, t.max_gain)) continue;
        const ttftRatio = ratioOf(step.from.p99_ttft, step.to.p99_ttft);
        const e2elRatio = ratioOf(step.from.p99_e2el, step.to.p99_e2el);
        const rises = (r: number | null) => r !== null && atLeast(r, t.latency_ratio);
        if (!rises(ttftRatio) && !rises(e2elRatio)) continue;
        plateaus.push({ step, ...tp, ttftRatio, e2elRatio });
      }
      // Longest chain of plateau steps ending at / starting from each step (steps join on a cell).
      const endingAt = new Map<string, number>(); // to.cell_id -> chain length ending there
      for (const p of plateaus) { // steps are in ascending concurrency order
        const len = (endingAt.get(p.step.from.cell_id) ?? 0) + 1;
        endingAt.set(p.step.to.cell_id, Math.max(endingAt.get(p.step.to.cell_id) ?? 0, len));
      }
      const startingAt = new Map<string, number>(); // from.cell_id -> chain length starting there
      for (const p of [...plateaus].reverse()) {
        const len = (startingAt.get(p.step.to.cell_id) ?? 0) + 1;
        startingAt.set(
          p.step.from.cell_id,
          Math.max(startingAt.get(p.step.from.cell_id) ?? 0, len),
        );
      }
      for (const p of plateaus) {
        const { from, to } = p.step;
        const back = endingAt.get(from.cell_id) ?? 0;
        const forward = startingAt.get(to.cell_id) ?? 0;
        const run = back + 1 + forward;
        const severity = atLeast(run, t.min_consecutive_steps) ? "warning" : "info";
        const rising = [
          p.ttftRatio !== null && atLeast(p.ttftRatio, t.latency_ratio)
            ? `p99 TTFT rises ${fmtRatio(p.ttftRatio)}`
            : null,
          p.e2elRatio !== null && atLeast(p.e2elRatio, t.latency_ratio)
            ? `p99 E2E latency rises ${fmtRatio(p.e2elRatio)}`
            : null,
        ].filter((s) => s !== null).join(" and ");
        const runText = run > 1 ? `, one of ${run} consecutive plateau steps` : "";
        out.push(finding(
          CODE,
          severity,
          to.cell_id,
          `${throughputLabel(p.metric)[0].toUpperCase()}${throughputLabel(p.metric).slice(1)} ` +
            `changes ${fmtGain(p.gain, t.max_gain)} from concurrency ${from.concurrency} to ` +
            `${to.concurrency} while ${rising}${runText}`,
          {
            curve_id: curve.curve_id,
            from: {
              cell_id: from.cell_id,
              concurrency: from.concurrency,
              [p.metric]: p.from,
              p99_ttft: from.p99_ttft,
              p99_e2el: from.p99_e2el,
            },
            to: {
              cell_id: to.cell_id,
              concurrency: to.concurrency,
              [p.metric]: p.to,
              p99_ttft: to.p99_ttft,
              p99_e2el: to.p99_e2el,
            },
            throughput_metric: p.metric,
            throughput_gain: round4(p.gain),
            ttft_ratio: p.ttftRatio === null ? null : round4(p.ttftRatio),
            e2el_ratio: p.e2elRatio === null ? null : round4(p.e2elRatio),
            consecutive_steps: run,
            thresholds,
          },
        ));
      }
    }
    return out;
  },
};
