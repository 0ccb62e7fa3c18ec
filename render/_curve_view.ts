/**
 * What report.md says about one concurrency curve, worked out once for sections 6 and 7: which
 * points are trustworthy enough to describe the curve's shape, which throughput metric they
 * share, where throughput peaks, how latency grows, and which points carry no data.
 * @module
 */
import type { Curve, CurvePoint } from "../lib/curves.ts";

/** The throughput metric a curve is described with. */
export type TputMetric = "tput_per_gpu" | "total_tput_tps";

/** A point left out of the curve's shape, and why (`failed`, `partial, success 0.815`). */
export interface LeftOut {
  point: CurvePoint;
  reason: string;
}

/** Two points of a curve and a value at each. */
export interface Step {
  from: CurvePoint;
  to: CurvePoint;
  fromValue: number;
  toValue: number;
}

/** The facts report.md states about one curve. */
export interface CurveView {
  curve: Curve;
  /** Distinct concurrencies, ascending. */
  concurrencies: number[];
  /** Concurrencies measured more than once, with their run counts. */
  repeats: { concurrency: number; runs: number }[];
  /**
   * One point per concurrency among the trustworthy ones (not failed; success rate at or above
   * the partial-run threshold when known, otherwise not `partial`), ascending. A repeated
   * concurrency is represented by its median-throughput run (the lower one of two).
   */
  used: CurvePoint[];
  /** Points that are not trustworthy, in curve order. */
  leftOut: LeftOut[];
  /** The metric every used point has (per GPU preferred); `null` when no point has throughput. */
  metric: TputMetric | null;
  /** Points of any status without a value of `metric` (all points when `metric` is null). */
  noThroughput: CurvePoint[];
  /** Whether any point has a p99 TTFT or p99 TPOT. */
  p99Available: boolean;
  /** Points without any p99 latency (empty when `p99Available` is false). */
  noLatency: CurvePoint[];
  /** Highest `metric` among used points, against the first used point's. */
  peak: Step | null;
  /** The last two used points with `metric`. */
  lastStep: Step | null;
  /** First and last used points with both p99 TTFT and p99 TPOT: TTFT values, then TPOT. */
  latency: { ttft: Step; tpot: Step } | null;
}

/** Options of {@link curveView}. */
export interface CurveViewOptions {
  /** Success rate of a point's cell (`null` when unknown). */
  successRate: (cellId: string) => number | null;
  /** The partial-run threshold (`partial_run.min_success_rate`). */
  minSuccessRate: number;
}

function metricOf(p: CurvePoint, metric: TputMetric | null): number | null {
  return metric === null ? null : p[metric];
}

function hasLatency(p: CurvePoint): boolean {
  return p.p99_ttft !== null || p.p99_tpot !== null || p.p99_e2el !== null;
}

/**
 * The view of one curve. Linear in the curve's points (after the curve's own sort).
 *
 * @example
 * ```ts
 * const view = curveView(curve, { successRate: () => null, minSuccessRate: 0.95 });
 * ```
 */
export function curveView(curve: Curve, options: CurveViewOptions): CurveView {
  const points = curve.points;
  const concurrencies: number[] = [];
  const repeats: { concurrency: number; runs: number }[] = [];
  for (let i = 0; i < points.length; i++) {
    const c = points[i].concurrency;
    if (concurrencies[concurrencies.length - 1] !== c) concurrencies.push(c);
    else {
      const last = repeats[repeats.length - 1];
      if (last?.concurrency === c) last.runs++;
      else repeats.push({ concurrency: c, runs: 2 });
    }
  }
  const trusted: CurvePoint[] = [];
  const leftOut: LeftOut[] = [];
  for (const p of points) {
    const sr = options.successRate(p.cell_id);
    if (p.status === "failed") leftOut.push({ point: p, reason: "failed" });
    else if (sr !== null && sr < options.minSuccessRate) {
      leftOut.push({ point: p, reason: `${p.status}, success ${fmt3(sr)}` });
    } else if (sr === null && p.status === "partial") {
      leftOut.push({ point: p, reason: "partial" });
    } else trusted.push(p);
  }
  let perGpu = 0;
  let total = 0;
  let withAny = 0;
  for (const p of trusted) {
    if (p.tput_per_gpu !== null) perGpu++;
    if (p.total_tput_tps !== null) total++;
    if (p.tput_per_gpu !== null || p.total_tput_tps !== null) withAny++;
  }
  let metric: TputMetric | null = null;
  if (perGpu > 0 && perGpu === withAny) metric = "tput_per_gpu";
  else if (total > 0 && total === withAny) metric = "total_tput_tps";
  else if (withAny > 0) metric = perGpu >= total ? "tput_per_gpu" : "total_tput_tps";
  else {
    // No trustworthy point has throughput: describe the others' with what they have.
    let anyPerGpu = false;
    let anyTotal = false;
    for (const p of points) {
      anyPerGpu ||= p.tput_per_gpu !== null;
      anyTotal ||= p.total_tput_tps !== null;
    }
    metric = anyPerGpu ? "tput_per_gpu" : anyTotal ? "total_tput_tps" : null;
  }
  const used = representatives(
    trusted.filter((p) => metricOf(p, metric) !== null || hasLatency(p)),
    metric,
  );
  let p99Available = false;
  for (const p of points) p99Available ||= p.p99_ttft !== null || p.p99_tpot !== null;
  const noThroughput = points.filter((p) => metricOf(p, metric) === null);
  const noLatency = p99Available ? points.filter((p) => !hasLatency(p)) : [];

  const withMetric = used.filter((p) => metricOf(p, metric) !== null);
  let peak: Step | null = null;
  let lastStep: Step | null = null;
  if (withMetric.length > 0) {
    const first = withMetric[0];
    let best = first;
    for (const p of withMetric) if (metricOf(p, metric)! > metricOf(best, metric)!) best = p;
    peak = {
      from: first,
      to: best,
      fromValue: metricOf(first, metric)!,
      toValue: metricOf(best, metric)!,
    };
    if (withMetric.length >= 2) {
      const from = withMetric[withMetric.length - 2];
      const to = withMetric[withMetric.length - 1];
      lastStep = { from, to, fromValue: metricOf(from, metric)!, toValue: metricOf(to, metric)! };
    }
  }
  const both = used.filter((p) => p.p99_ttft !== null && p.p99_tpot !== null);
  let latency: CurveView["latency"] = null;
  if (both.length >= 2) {
    const from = both[0];
    const to = both[both.length - 1];
    latency = {
      ttft: { from, to, fromValue: from.p99_ttft!, toValue: to.p99_ttft! },
      tpot: { from, to, fromValue: from.p99_tpot!, toValue: to.p99_tpot! },
    };
  }
  return {
    curve,
    concurrencies,
    repeats,
    used,
    leftOut,
    metric,
    noThroughput,
    p99Available,
    noLatency,
    peak,
    lastStep,
    latency,
  };
}

/** One point per concurrency: the only one, or the median-throughput run (lower of two). */
function representatives(points: readonly CurvePoint[], metric: TputMetric | null): CurvePoint[] {
  const out: CurvePoint[] = [];
  let i = 0;
  while (i < points.length) {
    let j = i;
    while (j + 1 < points.length && points[j + 1].concurrency === points[i].concurrency) j++;
    if (i === j) out.push(points[i]);
    else {
      const group = points.slice(i, j + 1);
      const valued = group.filter((p) => metricOf(p, metric) !== null)
        .sort((a, b) => metricOf(a, metric)! - metricOf(b, metric)!);
      out.push(valued.length ? valued[Math.floor((valued.length - 1) / 2)] : group[0]);
    }
    i = j + 1;
  }
  return out;
}

function fmt3(n: number): string {
  return Number(n.toPrecision(3)).toString();
}

/**
 * For each point of a curve (by cell id), the runs at the next higher concurrency that has a
 * run which is not failed and has a p99 TTFT: every such run there, in curve order; no entry
 * when there is none. Used to tell a TTFT spike that falls back from a cliff that stays, which
 * takes every re-run at the next concurrency into account.
 *
 * @example
 * ```ts
 * const next = nextWithTtft(curve).get(finding.evidence.to.cell_id) ?? [];
 * ```
 */
export function nextWithTtft(curve: Curve): Map<string, CurvePoint[]> {
  const out = new Map<string, CurvePoint[]>();
  const pts = curve.points;
  let next: CurvePoint[] | undefined;
  let i = pts.length - 1;
  while (i >= 0) {
    // Points of one concurrency share the runs above them; walk them as a group.
    let j = i;
    while (j - 1 >= 0 && pts[j - 1].concurrency === pts[i].concurrency) j--;
    if (next !== undefined) { for (let k = j; k <= i; k++) out.set(pts[k].cell_id, next); }
    const usable: CurvePoint[] = [];
    for (let k = j; k <= i; k++) {
      if (pts[k].status !== "failed" && pts[k].p99_ttft !== null) usable.push(pts[k]);
    }
    if (usable.length > 0) next = usable;
    i = j - 1;
  }
  return out;
}
