/**
 * Helpers shared by the detectors: tolerant comparisons, number formatting, curve steps.
 * @module
 */
import { finding } from "../lib/finding.ts";
import type { Curve, CurvePoint } from "../lib/curves.ts";
import type { Cell, Finding } from "../lib/types.ts";

/**
 * Relative tolerance for threshold comparisons, so that a value exactly at a threshold in
 * decimal (0.9 − 0.8 vs 0.1) compares as equal despite binary rounding.
 */
const EPS = 1e-9;

/** `value ≥ threshold`, tolerant of binary rounding. */
export function atLeast(value: number, threshold: number): boolean {
  return value >= threshold - EPS * Math.max(1, Math.abs(threshold));
}

/** `value < threshold`, tolerant of binary rounding (a value at the threshold is not below). */
export function below(value: number, threshold: number): boolean {
  return value < threshold - EPS * Math.max(1, Math.abs(threshold));
}

/** A finite number, or `null`. */
export function num(x: unknown): number | null {
  return typeof x === "number" && Number.isFinite(x) ? x : null;
}

/** A finite number above 0, or `null` (a 0 latency or throughput is a placeholder, not data). */
export function positive(x: unknown): number | null {
  const n = num(x);
  return n !== null && n > 0 ? n : null;
}

/** Round a derived number (ratio, gain) for evidence. */
export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** A number for a message: 3–4 significant digits, no exponent for ordinary values. */
export function fmt(x: number): string {
  const a = Math.abs(x);
  const s = a >= 100
    ? x.toFixed(0)
    : a >= 10
    ? x.toFixed(1)
    : a >= 1
    ? x.toFixed(2)
    : x.toPrecision(3);
  return String(Number(s));
}

/**
 * Numbers for one message, each as {@link fmt} prints it, unless two of them would then read as
 * equal (or in the wrong order) while they are not: all are then printed with as many significant
 * digits as it takes. A rate of 0.7999 against a theoretical 0.9 is 0.1001 below it, never "0.8 is
 * 0.1 below 0.9" next to a limit of 0.1.
 *
 * @example
 * ```ts
 * fmtApart([0.1001, 0.1]); // ["0.1001", "0.1"]
 * fmtApart([0.25, 0.5]); // ["0.25", "0.5"]
 * ```
 */
export function fmtApart(values: readonly number[]): string[] {
  // Values equal up to binary rounding (0.9 − 0.8 and 0.1) are equal, as for the thresholds.
  const order = (a: number, b: number) =>
    Math.abs(a - b) <= EPS * Math.max(1, Math.abs(a), Math.abs(b)) ? 0 : Math.sign(a - b);
  const faithful = (texts: string[]) =>
    values.every((a, i) =>
      values.every((b, j) => order(a, b) === order(Number(texts[i]), Number(texts[j])))
    );
  const plain = values.map(fmt);
  if (faithful(plain)) return plain;
  // Never fewer significant digits than fmt gave a value (12345 stays 12345, not 12350).
  const shown = plain.map((t) => t.replace(/^-/, "").replace(".", "").replace(/^0+/, "").length);
  for (let digits = 4; digits < 17; digits++) {
    const texts = values.map((x, i) =>
      String(Number(x.toPrecision(Math.min(21, Math.max(digits, shown[i])))))
    );
    if (faithful(texts)) return texts;
  }
  return values.map((x) => String(x));
}

/** A duration in seconds for a message (`ms` below one second). */
export function fmtSeconds(s: number): string {
  return Math.abs(s) >= 1 ? `${fmt(s)} s` : `${fmt(s * 1000)} ms`;
}

/** A ratio for a message, e.g. `2.17×`. */
export function fmtRatio(r: number): string {
  return `${r.toFixed(2)}×`;
}

/**
 * A signed fraction as percent for a message, e.g. `+5.0 %`, `-32.6 %`. Given the limit the gain
 * was found below, as many more decimals as it takes for the text to be below it too: a gain of
 * 0.0999 under a limit of 0.1 is `+9.99 %`, never `+10.0 %`.
 *
 * @example
 * ```ts
 * fmtGain(0.0499, 0.05); // "+4.99 %"
 * ```
 */
export function fmtGain(g: number, below?: number): string {
  const p = g * 100;
  let text = p.toFixed(1);
  for (
    let digits = 2;
    below !== undefined && digits <= 8 && !(Number(text) < below * 100);
    digits++
  ) {
    text = p.toFixed(digits);
  }
  return `${p >= 0 ? "+" : ""}${text} %`;
}

/** Cells by id (a repeated id: the last cell). */
export function cellIndex(cells: readonly Cell[]): Map<string, Cell> {
  const byId = new Map<string, Cell>();
  for (const c of cells) byId.set(c.cell_id, c);
  return byId;
}

/** Two points compared along a curve: `from` at the next lower concurrency than `to`. */
export interface Step {
  from: CurvePoint;
  to: CurvePoint;
}

/** Whether two points of one level plot the same numbers: one measurement listed twice. */
function sameMeasurement(a: CurvePoint, b: CurvePoint): boolean {
  return a.total_tput_tps === b.total_tput_tps && a.tput_per_gpu === b.tput_per_gpu &&
    a.p99_ttft === b.p99_ttft && a.p99_tpot === b.p99_tpot && a.p99_e2el === b.p99_e2el &&
    a.intvty === b.intvty && a.status === b.status;
}

/**
 * Points of a curve usable by a rule (not failed, passing `usable`) and the steps between
 * consecutive distinct concurrency levels. Duplicated levels (re-runs) give one step per pair of
 * distinct measurements: a point plotting exactly the numbers of an earlier point of its level
 * (the same run found twice, e.g. an agg file and its row in `agg_bmk.json`) adds no step.
 */
export function curveSteps(
  curve: Curve,
  usable: (p: CurvePoint) => boolean,
): { points: CurvePoint[]; levels: number; steps: Step[] } {
  const points = curve.points.filter((p) => p.status !== "failed" && usable(p));
  const levels: CurvePoint[][] = [];
  for (const p of points) {
    const last = levels[levels.length - 1];
    if (!last || last[0].concurrency !== p.concurrency) levels.push([p]);
    else if (!last.some((q) => sameMeasurement(q, p))) last.push(p);
  }
  const steps: Step[] = [];
  for (let i = 1; i < levels.length; i++) {
    for (const from of levels[i - 1]) for (const to of levels[i]) steps.push({ from, to });
  }
  return { points, levels: levels.length, steps };
}

/** Throughput change of a step: total throughput when both points have it, else per GPU. */
export function throughputGain(
  from: { total_tput_tps: number | null; tput_per_gpu: number | null },
  to: { total_tput_tps: number | null; tput_per_gpu: number | null },
): { metric: "total_tput_tps" | "tput_per_gpu"; from: number; to: number; gain: number } | null {
  for (const metric of ["total_tput_tps", "tput_per_gpu"] as const) {
    // A throughput of 0 is no measurement at either end (a placeholder, or a run with nothing
    // completed): the next metric is tried, as when the value is missing.
    const a = positive(from[metric]);
    const b = positive(to[metric]);
    if (a !== null && b !== null) return { metric, from: a, to: b, gain: b / a - 1 };
  }
  return null;
}

/** Whether a point has some throughput to compare. */
export function hasThroughput(p: { total_tput_tps: number | null; tput_per_gpu: number | null }) {
  return positive(p.total_tput_tps) !== null || positive(p.tput_per_gpu) !== null;
}

/** Human name of a throughput metric for messages. */
export function throughputLabel(metric: "total_tput_tps" | "tput_per_gpu"): string {
  return metric === "total_tput_tps" ? "total throughput" : "throughput per GPU";
}

/** Whether a curve has a point that is not a failed run (so a rule had something to look at). */
export function measured(curve: Curve): boolean {
  return curve.points.some((p) => p.status !== "failed");
}

/**
 * The "too few points" result a curve rule emits when a measured curve has fewer than two
 * concurrency levels with what the rule needs (none at all, e.g. a source that reports p95 but
 * no p99); `runRules` moves it into the curve's `not_checked` list (it is a fact about the curve,
 * not a finding about a cell).
 */
export function tooFewPoints(
  code: string,
  curve: Curve,
  usable: CurvePoint[],
  needs: string,
): Finding {
  const last = usable[usable.length - 1] ?? curve.points[curve.points.length - 1];
  const levels = new Set(usable.map((p) => p.concurrency)).size;
  return finding(
    code,
    "info",
    last.cell_id,
    (levels === 0
      ? `Curve ${curve.curve_id} has no point with ${needs}`
      : `Curve ${curve.curve_id} has ${levels} concurrency level with ${needs}`) +
      `, so ${code} cannot compare adjacent points (needs at least 2)`,
    {
      reason: "too_few_points",
      curve_id: curve.curve_id,
      concurrency_levels: levels,
      min_levels: 2,
      cell_ids: usable.map((p) => p.cell_id),
      concurrencies: usable.map((p) => p.concurrency),
    },
  );
}

export { finding };
