/**
 * Matching cells of this run to cells of a baseline run, by identity (never by path).
 * @module
 */
import { canonicalKey, compareText, curveKey } from "./curves.ts";
import { groupBy, replaceContents, setOwn } from "./group_by.ts";
import type { ArtifactKind, Cell, MetricField } from "./types.ts";
import { MEASUREMENT_KINDS } from "./copies.ts";
import { evalIdentityCompatible, evalIdentityKey } from "./eval_join.ts";

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
  /**
   * The baseline's name of the metric when it is not this run's (an agg_eval column such as
   * `em_strict` against lm-eval's `exact_match,strict-match`, see {@link collectedEvalMetric});
   * absent when both sides name it alike. The delta is keyed by this run's name.
   */
  baseline_metric?: string;
}

/**
 * How a cell was paired with its baseline cell: `identity` when the identity names one cell on
 * each side; otherwise (re-runs of one point, rows of one eval file) by the same `cell_id`, by
 * notes or by measurements that only one cell on each side has (a copy, a renamed or reordered
 * file), or, failing all of these, by `order` (cell-id order, failed runs with failed runs and
 * measured ones with measured ones first: a guess). `reused` when this run has more cells of the
 * identity than the baseline: the extra ones are compared with the baseline cell of the smallest
 * id (that agrees on having failed, when one does), which another cell of this run is paired with
 * too. `eval_identity` when
 * no cell on the other side had the identity and one side is eval-only (an eval's `meta_env.json`
 * and results, or an agg_eval row, joined to no benchmark cell), which cannot state the scenario
 * type or disaggregation: paired with the one cell that has eval results for one of its tasks and
 * agrees on the fields an eval states (lib/eval_join.ts), one to one.
 */
export type PairedBy =
  | "identity"
  | "cell_id"
  | "notes"
  | "measurements"
  | "order"
  | "reused"
  | "eval_identity";

/** A cell of this run and the baseline cell with the same identity. */
export interface BaselineMatch {
  cell_id: string;
  baseline_cell_id: string;
  /** Headline metrics, every one present (values `null` when unknown). */
  deltas: Record<string, MetricDelta>;
  /** Eval metrics present on both sides: task -> metric -> delta. */
  eval_deltas: Record<string, Record<string, EvalDelta>>;
  /** How many baseline cells had this identity (1 for a pairing on the eval's identity). */
  baseline_candidates: number;
  paired_by: PairedBy;
}

/** What a baseline finding's evidence says about its pairing. */
export function pairingEvidence(
  m: BaselineMatch,
): { baseline_cell_id: string; baseline_candidates: number; paired_by: PairedBy } {
  return {
    baseline_cell_id: m.baseline_cell_id,
    baseline_candidates: m.baseline_candidates,
    paired_by: m.paired_by,
  };
}

/**
 * The words a baseline finding's message ends with when its pairing was a guess or made on the
 * eval's identity alone: "" otherwise.
 *
 * @example
 * ```ts
 * pairingNote({ paired_by: "order", baseline_candidates: 3 } as BaselineMatch);
 * // "; paired by cell-id order, a guess among 3 baseline cells of this identity"
 * ```
 */
export function pairingNote(m: BaselineMatch): string {
  if (m.paired_by === "eval_identity") {
    return "; paired on the eval's identity, as an eval-only cell states no scenario type or " +
      "disaggregation";
  }
  if (m.paired_by === "order") {
    return `; paired by cell-id order, a guess among ${m.baseline_candidates} baseline cells of this identity`;
  }
  if (m.paired_by === "reused") {
    const n = m.baseline_candidates;
    return `; the baseline has fewer runs of this identity (${n}), so ${
      n === 1 ? "its only one" : "one of them"
    } is compared again`;
  }
  return "";
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
  return groupBy(cells, baselineIdentity);
}

/** Identity a baseline match is made on: the curve key plus concurrency. */
export function baselineIdentity(cell: Cell): string {
  return canonicalKey({ ...curveKey(cell), concurrency: finite(cell.concurrency) });
}

/**
 * The agg_eval column (`em_strict`, `em_flexible`) that InferenceX's collector fills from an
 * lm-eval results key, or `null` for any other key: the same number under another name. The
 * formats reference names both sides (§10.2 the `exact_match,<filter>` keys, §10.3 the columns of
 * `collect_eval_results.py`); the collector's code reads `<metric>,<filter>` with the task's
 * first metric (`exact_match` when none is configured) and puts the filter whose name contains
 * `strict` in `em_strict`, one whose name contains `flex` or `extract` in `em_flexible`. Only
 * `exact_match` keys are mapped, as the column names say.
 *
 * @example
 * ```ts
 * collectedEvalMetric("exact_match,strict-match"); // "em_strict"
 * collectedEvalMetric("exact_match,flexible-extract"); // "em_flexible"
 * collectedEvalMetric("acc,none"); // null
 * ```
 */
export function collectedEvalMetric(metric: string): string | null {
  const comma = metric.indexOf(",");
  if (comma === -1 || metric.slice(0, comma) !== "exact_match") return null;
  const filter = metric.slice(comma + 1);
  if (filter.includes("strict")) return "em_strict";
  if (filter.includes("flex") || filter.includes("extract")) return "em_flexible";
  return null;
}

/** The name a metric is compared under across the two namings: the agg_eval column, else itself. */
function comparedName(metric: string): string {
  return collectedEvalMetric(metric) ?? metric;
}

/**
 * Metric names by their {@link comparedName}, for the names that are the only one of theirs in
 * the task (two lm-eval filters both mapped to `em_strict` leave it unknown which one the
 * collector took).
 */
function uniqueByComparedName(metrics: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Set<string>();
  for (const m of metrics) {
    const name = comparedName(m);
    if (seen.has(name)) out.delete(name);
    else out.set(name, m);
    seen.add(name);
  }
  return out;
}

/** An object's own entry (never one of `Object.prototype`'s), `undefined` when absent. */
function own<T>(o: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/**
 * Eval metrics both cells have, task by task: a metric of the same name on both sides, else the
 * one the other side names differently but means the same (an agg_eval row's `em_strict` for
 * lm-eval's `exact_match,strict-match`; {@link collectedEvalMetric}), keyed by this run's name.
 */
function evalDeltas(current: Cell, base: Cell): Record<string, Record<string, EvalDelta>> {
  const out: Record<string, Record<string, EvalDelta>> = {};
  if (!current.eval || !base.eval) return out;
  for (const task of Object.keys(current.eval).sort(compareText)) {
    const baseTask = own(base.eval, task);
    if (!baseTask) continue;
    const metrics = Object.keys(current.eval[task]).sort(compareText);
    const nowByName = uniqueByComparedName(metrics);
    const baseByName = uniqueByComparedName(Object.keys(baseTask));
    for (const metric of metrics) {
      let baseMetric: string | undefined = metric;
      if (own(baseTask, metric) === undefined) {
        const name = comparedName(metric);
        baseMetric = nowByName.get(name) === metric ? baseByName.get(name) : undefined;
      }
      const b = baseMetric === undefined ? undefined : own(baseTask, baseMetric);
      if (!b) continue;
      const c = current.eval[task][metric];
      // Task and metric names are the files': own properties only (a task named `constructor`).
      let deltas = own(out, task);
      if (deltas === undefined) setOwn(out, task, deltas = {});
      setOwn(deltas, metric, {
        ...metricDelta(c.value, b.value),
        current_stderr: finite(c.stderr),
        baseline_stderr: finite(b.stderr),
        ...(baseMetric === metric ? {} : { baseline_metric: baseMetric }),
      });
    }
  }
  return out;
}

/** JSON with object keys sorted, so that two equal values give one text. */
function stableText(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) =>
      v !== null && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => compareText(a, b)))
        : v,
  );
}

/** What a cell's notes say (source file, timestamps), `null` when it has none. */
function notesKey(c: Cell): string | null {
  return c.notes && Object.keys(c.notes).length > 0 ? stableText(c.notes) : null;
}

/** Everything the cell measured: metrics, eval scores and extra percentiles. */
function measurementsKey(c: Cell): string {
  return stableText([c.metrics, c.eval ?? null, c.extra_percentiles ?? null]);
}

/**
 * Pair the cells of `now` with those of `base` whose `key` is the same and belongs to no other
 * cell on either side; paired cells are removed from both lists.
 */
function pairUnique(
  now: Cell[],
  base: Cell[],
  key: (c: Cell) => string | null,
  how: PairedBy,
  out: Map<Cell, { base: Cell; how: PairedBy }>,
): void {
  const counts = new Map<string, number>();
  const keysOf = (cells: Cell[]) =>
    cells.map((c) => {
      const k = key(c);
      if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
      return k;
    });
  const nowKeys = keysOf(now);
  const baseKeys = keysOf(base);
  const baseByKey = new Map<string, number>();
  baseKeys.forEach((k, i) => {
    if (k !== null && counts.get(k) === 2) baseByKey.set(k, i);
  });
  const pairedBase = new Set<number>();
  const keep: Cell[] = [];
  now.forEach((cell, i) => {
    const k = nowKeys[i];
    const j = k === null ? undefined : baseByKey.get(k);
    if (j === undefined) keep.push(cell);
    else {
      out.set(cell, { base: base[j], how });
      pairedBase.add(j);
    }
  });
  replaceContents(now, keep);
  replaceContents(base, base.filter((_, j) => !pairedBase.has(j)));
}

/** Matches of {@link matchBaseline}, and the baseline cells no cell of this run was paired with. */
export interface BaselineMatching {
  matches: BaselineMatch[];
  /**
   * Baseline cells paired with no cell of this run (missing from it), sorted; a baseline cell
   * whose files this run counts as copies of one of its cells' (lib/copies.ts) is not missing.
   */
  baseline_unmatched: string[];
}

/**
 * Match each cell to the baseline cell with the same identity (curve key + concurrency). Cells
 * that share an identity (two runs of one point, rows of one eval file) are paired one to one:
 * by the same `cell_id` (a tree against itself, or a copy), then by notes and then by
 * measurements that only one cell on each side has (a renamed or reordered file), then the rest
 * in cell-id order, measured cells with measured ones first (`paired_by: "order"`, a guess, see
 * {@link pairInOrder}). Beyond the baseline's count, a baseline cell is used again
 * (`paired_by: "reused"`). Then, among the cells still unpaired on
 * both sides, an eval-only cell is paired on the eval's identity (`paired_by: "eval_identity"`,
 * see {@link pairOnEvalIdentity}). Cells without a match are left out; the result is sorted by
 * `cell_id`.
 *
 * @example
 * ```ts
 * const { matches } = matchBaselineCells(cells, baselineCells);
 * matches[0].deltas.p99_ttft.ratio;
 * ```
 */
export function matchBaselineCells(
  cells: readonly Cell[],
  baselineCells: readonly Cell[],
): BaselineMatching {
  const byIdentity = byBaselineIdentity(baselineCells);
  const byIdentityNow = byBaselineIdentity(cells);
  const pairOf = new Map<Cell, { base: Cell; how: PairedBy }>();
  const pairedBaseIds = new Set<Cell>();
  for (const [id, group] of byIdentityNow) {
    const candidates = byIdentity.get(id);
    if (!candidates) continue;
    const sorted = [...candidates].sort((a, b) => compareText(a.cell_id, b.cell_id));
    if (group.length === 1 && sorted.length === 1) {
      pairOf.set(group[0], { base: sorted[0], how: "identity" });
      continue;
    }
    const now = [...group].sort((a, b) => compareText(a.cell_id, b.cell_id));
    const base = [...sorted];
    pairUnique(now, base, (c) => c.cell_id, "cell_id", pairOf);
    pairUnique(now, base, notesKey, "notes", pairOf);
    pairUnique(now, base, measurementsKey, "measurements", pairOf);
    pairInOrder(now, base, sorted, pairOf);
  }
  pairOnEvalIdentity(cells, baselineCells, pairOf);
  const countedNow = copiesCountedNow(cells, byIdentityNow);
  const matches: BaselineMatch[] = [];
  for (const cell of cells) {
    const pair = pairOf.get(cell);
    if (!pair) continue;
    const candidates = pair.how === "eval_identity"
      ? 1
      : byIdentity.get(baselineIdentity(cell))?.length ?? 0;
    const base = pair.base;
    pairedBaseIds.add(base);
    const deltas: Record<string, MetricDelta> = {};
    for (const m of BASELINE_METRICS) deltas[m] = metricDelta(cell.metrics[m], base.metrics[m]);
    matches.push({
      cell_id: cell.cell_id,
      baseline_cell_id: base.cell_id,
      deltas,
      eval_deltas: evalDeltas(cell, base),
      baseline_candidates: candidates,
      paired_by: pair.how,
    });
  }
  return {
    matches: matches.sort((a, b) =>
      compareText(a.cell_id, b.cell_id) || compareText(a.baseline_cell_id, b.baseline_cell_id)
    ),
    baseline_unmatched: baselineCells.filter((c) => !pairedBaseIds.has(c) && !countedNow(c))
      .map((c) => c.cell_id).sort(compareText),
  };
}

/**
 * The guesses left once nothing tells the cells of one identity apart: in cell-id order, a
 * measured cell (not failed, with a compared metric or eval results) with a measured one and an
 * unmeasured one (a failed run, an agg cut short) with an unmeasured one first — a failed baseline
 * re-run paired with this run's good one would hide every regression of it, its numbers being
 * null — then what is left in cell-id order (`order`). Cells of this run beyond the baseline's
 * count are compared with the baseline cell of the smallest id that agrees on being measured, or
 * else of the smallest id (`reused`).
 */
function pairInOrder(
  now: readonly Cell[],
  base: readonly Cell[],
  sorted: readonly Cell[],
  out: Map<Cell, { base: Cell; how: PairedBy }>,
): void {
  const unmeasured = (c: Cell) =>
    c.status === "failed" ||
    (!BASELINE_METRICS.some((m) => typeof c.metrics[m] === "number") && !hasEval(c));
  const leftNow: Cell[] = [];
  const leftBase: Cell[] = [];
  for (const wanted of [false, true]) {
    const n = now.filter((c) => unmeasured(c) === wanted);
    const b = base.filter((c) => unmeasured(c) === wanted);
    const k = Math.min(n.length, b.length);
    for (let i = 0; i < k; i++) out.set(n[i], { base: b[i], how: "order" });
    // Loops, not a spread: an identity can have over 100,000 re-runs (a spread overflows the stack).
    for (let i = k; i < n.length; i++) leftNow.push(n[i]);
    for (let i = k; i < b.length; i++) leftBase.push(b[i]);
  }
  leftNow.sort((a, b) => compareText(a.cell_id, b.cell_id));
  leftBase.sort((a, b) => compareText(a.cell_id, b.cell_id));
  leftNow.forEach((cell, i) => {
    if (leftBase[i] !== undefined) out.set(cell, { base: leftBase[i], how: "order" });
    else {
      const alike = sorted.find((c) => unmeasured(c) === unmeasured(cell)) ?? sorted[0];
      out.set(cell, { base: alike, how: "reused" });
    }
  });
}

/** Whether a cell is eval-only (no benchmark record) and has eval results. */
function isEvalOnly(c: Cell): boolean {
  return c.source_format === "eval" && hasEval(c);
}

/** Whether a cell has eval results (a `--baseline` report.json's cell may hold anything there). */
function hasEval(c: Cell): boolean {
  const e: unknown = c.eval;
  return typeof e === "object" && e !== null && !Array.isArray(e) && Object.keys(e).length > 0;
}

/** Whether two cells with eval results have one task in common. */
function shareTask(a: Cell, b: Cell): boolean {
  return Object.keys(a.eval!).some((task) => Object.hasOwn(b.eval!, task));
}

/**
 * Pair, in `pairOf`, cells left unpaired by identity where one side is eval-only. An eval-only
 * cell cannot state the scenario type or disaggregation that a benchmark cell's identity holds,
 * so it never has a benchmark cell's identity; it is paired with a cell on the other side that
 * agrees on the fields an eval states, as the eval join decides it (lib/eval_join.ts: model,
 * hardware, framework, precision, speculative decoding, concurrency, topology; ISL/OSL where both
 * state them) and has eval results for one of its tasks — only when each of the two is the
 * other's only such candidate. Ordinary benchmark cells are never paired here with each other.
 */
function pairOnEvalIdentity(
  cells: readonly Cell[],
  baselineCells: readonly Cell[],
  pairOf: Map<Cell, { base: Cell; how: PairedBy }>,
): void {
  const usedBase = new Set<Cell>();
  for (const { base } of pairOf.values()) usedBase.add(base);
  const leftNow = cells.filter((c) => !pairOf.has(c) && hasEval(c));
  const leftBase = baselineCells.filter((c) => !usedBase.has(c) && hasEval(c));
  if (!leftNow.some(isEvalOnly) && !leftBase.some(isEvalOnly)) return;
  const baseByKey = new Map<string, Cell[]>();
  for (const b of leftBase) {
    const k = evalIdentityKey(b);
    if (k === null) continue;
    const list = baseByKey.get(k);
    if (list) list.push(b);
    else baseByKey.set(k, [b]);
  }
  const edges: [Cell, Cell][] = [];
  const degreeNow = new Map<Cell, number>();
  const degreeBase = new Map<Cell, number>();
  for (const now of leftNow) {
    const k = evalIdentityKey(now);
    if (k === null) continue;
    for (const base of baseByKey.get(k) ?? []) {
      if (!isEvalOnly(now) && !isEvalOnly(base)) continue;
      if (!evalIdentityCompatible(now, base) || !shareTask(now, base)) continue;
      edges.push([now, base]);
      degreeNow.set(now, (degreeNow.get(now) ?? 0) + 1);
      degreeBase.set(base, (degreeBase.get(base) ?? 0) + 1);
    }
  }
  for (const [now, base] of edges) {
    if (degreeNow.get(now) === 1 && degreeBase.get(base) === 1) {
      pairOf.set(now, { base, how: "eval_identity" });
    }
  }
}

/** The paths a cell names in one of its copy notes (lib/copies.ts). */
function notedPaths(cell: Cell, key: "same_bytes_copies" | "collected_copies"): string[] {
  const list = cell.notes[key];
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const c of list) {
    const path = (c as { path?: unknown } | null)?.path;
    if (typeof path === "string") out.push(path);
  }
  return out;
}

/**
 * Which baseline cells left unpaired this run counts as copies (lib/copies.ts): a baseline made
 * before copies were counted once has each copy as a cell of its own, and it was measured again,
 * in the cell it repeats. A cell is such a copy when one cell of this run names every one of its
 * measurement files in `same_bytes_copies`, or, for a row of a collected file, when a cell of
 * this run with its identity names that file in `collected_copies`.
 */
function copiesCountedNow(
  cells: readonly Cell[],
  byIdentityNow: ReadonlyMap<string, Cell[]>,
): (base: Cell) => boolean {
  let byCopy: Map<string, Cell> | null = null;
  return (base) => {
    // A baseline report.json is input: its cells' artifacts may be missing or of any shape.
    const artifacts: unknown = base.artifacts;
    if (typeof artifacts !== "object" || artifacts === null) return false;
    const pathsOf = (kind: string): string[] => {
      const list = (artifacts as Record<string, unknown>)[kind];
      return Array.isArray(list) ? list.filter((p): p is string => typeof p === "string") : [];
    };
    const rows = pathsOf("agg_collection");
    if (rows.length > 0) {
      return (byIdentityNow.get(baselineIdentity(base)) ?? []).some((cell) => {
        const named = notedPaths(cell, "collected_copies");
        return rows.every((p) => named.includes(p));
      });
    }
    const measured = Object.keys(artifacts)
      .filter((kind) => MEASUREMENT_KINDS.has(kind as ArtifactKind))
      .flatMap(pathsOf);
    if (measured.length === 0) return false;
    if (byCopy === null) {
      byCopy = new Map();
      for (const cell of cells) {
        for (const p of notedPaths(cell, "same_bytes_copies")) byCopy.set(p, cell);
      }
    }
    const holder = byCopy.get(measured[0]);
    return holder !== undefined && measured.every((p) => byCopy!.get(p) === holder);
  };
}

/**
 * The matches of {@link matchBaselineCells} alone.
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
  return matchBaselineCells(cells, baselineCells).matches;
}
