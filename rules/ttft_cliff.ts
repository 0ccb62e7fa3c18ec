/**
 * `ttft_cliff`: p99 TTFT jumps between adjacent curve points (or versus the baseline)
 * while throughput barely moves.
 * @module
 */
import { pairingEvidence, pairingNote } from "../lib/baseline.ts";
import type { Rule } from "../lib/rule.ts";
import type { Finding } from "../lib/types.ts";
import {
  atLeast,
  below,
  cellIndex,
  curveSteps,
  finding,
  fmtGain,
  fmtRatio,
  fmtSeconds,
  hasThroughput,
  measured,
  positive,
  round4,
  throughputGain,
  throughputLabel,
  tooFewPoints,
} from "./_shared.ts";

const CODE = "ttft_cliff";

/** Detects p99 TTFT cliffs along a concurrency curve and against the baseline. */
export const ttftCliff: Rule = {
  code: CODE,
  severity: "warning",
  severities: ["warning", "critical"],
  summary:
    "p99 TTFT jumps by ratio_warning× (critical at ratio_critical×) between adjacent curve " +
    "points or versus the baseline while throughput gains less than max_throughput_gain",
  docs: {
    why: "A TTFT cliff marks the concurrency where requests start queueing for prefill or KV " +
      "space: beyond it, added load buys no throughput and only adds waiting time. Both " +
      "severities require the small throughput gain. Checked on real curves: the AMD MI355X " +
      "disaggregated gpt-oss curve has p99 TTFT ×2.21 (8→16), ×2.26 (16→32) and ×2.21 (64→128) " +
      "with +86 %, +73 % and +67 % total throughput, the gpt-oss H200 TP8 curve ×6.39 (4→8) with " +
      "+85 % and the GLM-4.7 Gaudi3 curve ×4.64 (64→128) with +54 %: all still scaling, so none " +
      "fires (a ratio-only critical would have flagged two of them). The AgentX kv-cache-tester " +
      "TP4 sweep, whose KV cache saturates between 16 and 24 users, fires with offload off " +
      "(×2.17, throughput -32.6 %); with offload on the same step is ×1.90 with -17.7 % and stays " +
      "below the 2.0 default, where throughput_plateau, kv_pressure and prefix_cache_regression " +
      "report it. Defaults kept as in the specification. A curve with a single concurrency " +
      "level cannot be checked; the report says so in that curve's not_checked list.",
    confirm: "Compare the TTFT distribution (p50, p90, p99) of the two points and the server's " +
      "waiting-queue length over time; a cliff shows as the median moving too, not only the tail. " +
      "Check that both points completed the same share of requests.",
    next: "Measure intermediate concurrencies between the two points to locate the knee, and " +
      "record KV cache usage and queue depth at each point.",
  },
  defaults: { ratio_warning: 2.0, ratio_critical: 4.0, max_throughput_gain: 0.1 },
  check(ctx, t) {
    const out: Finding[] = [];
    const thresholds = {
      ratio_warning: t.ratio_warning,
      ratio_critical: t.ratio_critical,
      max_throughput_gain: t.max_throughput_gain,
    };
    const severityOf = (ratio: number) =>
      atLeast(ratio, t.ratio_critical) ? "critical" as const : "warning" as const;
    for (const curve of ctx.curves) {
      const { points, levels, steps } = curveSteps(
        curve,
        (p) => positive(p.p99_ttft) !== null && hasThroughput(p),
      );
      if (points.length === 0 && !measured(curve)) continue;
      if (levels < 2) {
        out.push(tooFewPoints(CODE, curve, points, "p99 TTFT and throughput"));
        continue;
      }
      for (const { from, to } of steps) {
        const tp = throughputGain(from, to);
        if (tp === null) continue;
        const ratio = (to.p99_ttft as number) / (from.p99_ttft as number);
        if (!atLeast(ratio, t.ratio_warning) || !below(tp.gain, t.max_throughput_gain)) continue;
        out.push(finding(
          CODE,
          severityOf(ratio),
          to.cell_id,
          `p99 TTFT rises ${fmtRatio(ratio)} from ${fmtSeconds(from.p99_ttft as number)} at ` +
            `concurrency ${from.concurrency} to ${fmtSeconds(to.p99_ttft as number)} at ` +
            `concurrency ${to.concurrency} while ${throughputLabel(tp.metric)} changes ` +
            fmtGain(tp.gain, t.max_throughput_gain),
          {
            comparison: "curve",
            curve_id: curve.curve_id,
            from: {
              cell_id: from.cell_id,
              concurrency: from.concurrency,
              p99_ttft: from.p99_ttft,
              [tp.metric]: tp.from,
            },
            to: {
              cell_id: to.cell_id,
              concurrency: to.concurrency,
              p99_ttft: to.p99_ttft,
              [tp.metric]: tp.to,
            },
            ttft_ratio: round4(ratio),
            throughput_metric: tp.metric,
            throughput_gain: round4(tp.gain),
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
      const ttft = m.deltas.p99_ttft;
      if (!ttft || positive(ttft.baseline) === null || positive(ttft.current) === null) continue;
      const tp = throughputGain(
        {
          total_tput_tps: m.deltas.total_tput_tps?.baseline ?? null,
          tput_per_gpu: m.deltas.tput_per_gpu?.baseline ?? null,
        },
        {
          total_tput_tps: m.deltas.total_tput_tps?.current ?? null,
          tput_per_gpu: m.deltas.tput_per_gpu?.current ?? null,
        },
      );
      if (tp === null) continue;
      const ratio = (ttft.current as number) / (ttft.baseline as number);
      if (!atLeast(ratio, t.ratio_warning) || !below(tp.gain, t.max_throughput_gain)) continue;
      out.push(finding(
        CODE,
        severityOf(ratio),
        m.cell_id,
        `p99 TTFT is ${fmtRatio(ratio)} the baseline (${fmtSeconds(ttft.current as number)} vs ` +
          `${fmtSeconds(ttft.baseline as number)} in baseline cell ${m.baseline_cell_id}${
            pairingNote(m)
          }) while ${throughputLabel(tp.metric)} changes ${
            fmtGain(tp.gain, t.max_throughput_gain)
          }`,
        {
          comparison: "baseline",
          ...pairingEvidence(m),
          current: { p99_ttft: ttft.current, [tp.metric]: tp.to },
          baseline: { p99_ttft: ttft.baseline, [tp.metric]: tp.from },
          ttft_ratio: round4(ratio),
          throughput_metric: tp.metric,
          throughput_gain: round4(tp.gain),
          thresholds,
        },
      ));
    }
    return out;
  },
};
