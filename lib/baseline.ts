/**
 * Matching cells of this run to cells of a baseline run, by identity (never by path).
 * @module
 */
import { canonicalKey, compareText, curveKey } from "./curves.ts";
import type { Cell, MetricField } from "./types.ts";

/** Current and baseline value of one metric, with ratio (current ÷ baseline) and difference. */
export interface MetricDelta {
  current: number | null;
  baseline: number | null;
  /** `null` when either value is missing or the baseline is 0. */
  ratio: number | null;
  /** current − baseline, `null` when either value is missing. */
  delta: number | null;
}

/** An eval metric delta, with the stderr each side reported. */
export interface EvalDelta extends MetricDelta {
  current_stderr: number | null;
  baseline_stderr: number | null;
}

/** A cell of this run and the baseline cell with the same identity. */
export interface BaselineMatch {
  cell_id: string;
  baseline_cell_id: string;
  /** Headline metrics, every one present (values `null` when unknown). */
  deltas: Record<string, MetricDelta>;
  /** Eval metrics present on both sides: task -> metric -> delta. */
  eval_deltas: Record<string, Record<string, EvalDelta>>;
  /** How many baseline cells had this identity (more than one: the smallest `cell_id` is used). */
  baseline_candidates: number;
}

/** Headline metrics compared against the baseline, in report order. */
export const BASELINE_METRICS: readonly MetricField[] = [
  "p99_ttft",
  "p99_tpot",
  "tput_per_gpu",
  "total_tput_tps",
  "success_rate",
  "server_gpu_cache_hit_rate",
];

function finite(x: number | null | undefined): number | null {
  return typeof x === "number" && Number.isFinite(x) ? x : null;
}

/** Delta of two possibly-missing values. */
export function metricDelta(current: number | null, baseline: number | null): MetricDelta {
  const c = finite(current);
  const b = finite(baseline);
  return {
    current: c,
    baseline: b,
    ratio: c !== null && b !== null && b !== 0 ? c / b : null,
    delta: c !== null && b !== null ? c - b : null,
  };
}

/** Cells by {@link baselineIdentity}, in input order within each. */
function byBaselineIdentity(cells: readonly Cell[]): Map<string, Cell[]> {
  const out = new Map<string, Cell[]>();
  for (const c of cells) {
    const id = baselineIdentity(c);
    const list = out.get(id);
    if (list) list.push(c);
    else out.set(id, [c]);
  }
  return out;
}

/** Identity a baseline match is made on: the curve key plus concurrency. */
export function baselineIdentity(cell: Cell): string {
  return canonicalKey({ ...curveKey(cell), concurrency: finite(cell.concurrency) });
}

function evalDeltas(current: Cell, base: Cell): Record<string, Record<string, EvalDelta>> {
  const out: Record<string, Record<string, EvalDelta>> = {};
  if (!current.eval || !base.eval) return out;
  for (const task of Object.keys(current.eval).sort(compareText)) {
    const baseTask = base.eval[task];
    if (!baseTask) continue;
    for (const metric of Object.keys(current.eval[task]).sort(compareText)) {
      const b = baseTask[metric];
      if (!b) continue;
      const c = current.eval[task][metric];
      (out[task] ??= {})[metric] = {
        ...metricDelta(c.value, b.value),
        current_stderr: finite(c.stderr),
        baseline_stderr: finite(b.stderr),
      };
    }
  }
  return out;
}

/**
 * Match each cell to the baseline cell with the same identity (curve key + concurrency).
 * Cells without a match are left out; the result is sorted by `cell_id`.
 *
 * @example
 * ```ts
 * const matches = matchBaseline(cells, baselineCells);
 * matches[0].deltas.p99_ttft.ratio;
 * ```
 */
export function matchBaseline(
  cells: readonly Cell[],
  baselineCells: readonly Cell[],
): BaselineMatch[] {
  const byIdentity = byBaselineIdentity(baselineCells);
  // Cells of this run that share an identity (two runs of one point, rows of one eval file) are
  // paired with the baseline's in turn: the same cell id first (a tree against itself, or a copy),
  // then the rest in cell-id order. Beyond the baseline's count, the smallest id is used again.
  const byIdentityNow = byBaselineIdentity(cells);
  const pairOf = new Map<Cell, Cell>();
  for (const [id, group] of byIdentityNow) {
    const candidates = byIdentity.get(id);
    if (!candidates) continue;
    const sorted = [...candidates].sort((a, b) => compareText(a.cell_id, b.cell_id));
    const unpaired = new Map(sorted.map((c) => [c.cell_id, c]));
    const rest: Cell[] = [];
    for (const cell of [...group].sort((a, b) => compareText(a.cell_id, b.cell_id))) {
      const same = unpaired.get(cell.cell_id);
      if (same === undefined) rest.push(cell);
      else {
        pairOf.set(cell, same);
        unpaired.delete(cell.cell_id);
      }
    }
    const free = [...unpaired.values()];
    rest.forEach((cell, i) => pairOf.set(cell, free[i] ?? sorted[0]));
  }
  const matches: BaselineMatch[] = [];
  for (const cell of cells) {
    const candidates = byIdentity.get(baselineIdentity(cell));
    const base = pairOf.get(cell);
    if (!candidates || !base) continue;
    const deltas: Record<string, MetricDelta> = {};
    for (const m of BASELINE_METRICS) deltas[m] = metricDelta(cell.metrics[m], base.metrics[m]);
    matches.push({
      cell_id: cell.cell_id,
      baseline_cell_id: base.cell_id,
      deltas,
      eval_deltas: evalDeltas(cell, base),
      baseline_candidates: candidates.length,
    });
  }
  return matches.sort((a, b) =>
    compareText(a.cell_id, b.cell_id) || compareText(a.baseline_cell_id, b.baseline_cell_id)
  );
}
