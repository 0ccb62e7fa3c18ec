/**
 * Matching cells of this run to cells of a baseline run, by identity (never by path).
 * @module
 */
import { canonicalKey, compareText, curveKey } from "./curves.ts";
import { groupBy, replaceContents } from "./group_by.ts";
import type { ArtifactKind, Cell, MetricField } from "./types.ts";
import { MEASUREMENT_KINDS } from "./copies.ts";

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

/**
 * How a cell was paired with its baseline cell: `identity` when the identity names one cell on
 * each side; otherwise (re-runs of one point, rows of one eval file) by the same `cell_id`, by
 * notes or by measurements that only one cell on each side has (a copy, a renamed or reordered
 * file), or, failing all of these, by `order` (cell-id order, a guess). `reused` when this run has
 * more cells of the identity than the baseline: the extra ones are compared with the baseline
 * cell of the smallest id, which another cell of this run is paired with too.
 */
export type PairedBy = "identity" | "cell_id" | "notes" | "measurements" | "order" | "reused";

/** A cell of this run and the baseline cell with the same identity. */
export interface BaselineMatch {
  cell_id: string;
  baseline_cell_id: string;
  /** Headline metrics, every one present (values `null` when unknown). */
  deltas: Record<string, MetricDelta>;
  /** Eval metrics present on both sides: task -> metric -> delta. */
  eval_deltas: Record<string, Record<string, EvalDelta>>;
  /** How many baseline cells had this identity. */
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
 * The words a baseline finding's message ends with when its pairing was a guess: "" otherwise.
 *
 * @example
 * ```ts
 * pairingNote({ paired_by: "order", baseline_candidates: 3 } as BaselineMatch);
 * // "; paired by cell-id order, a guess among 3 baseline cells of this identity"
 * ```
 */
export function pairingNote(m: BaselineMatch): string {
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
 * in cell-id order (`paired_by: "order"`, a guess). Beyond the baseline's count, the smallest
 * baseline id is used again (`paired_by: "reused"`). Cells without a match are left out; the result is sorted by
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
    now.forEach((cell, i) =>
      pairOf.set(
        cell,
        base[i] !== undefined
          ? { base: base[i], how: "order" }
          : { base: sorted[0], how: "reused" },
      )
    );
  }
  const countedNow = copiesCountedNow(cells, byIdentityNow);
  const matches: BaselineMatch[] = [];
  for (const cell of cells) {
    const candidates = byIdentity.get(baselineIdentity(cell));
    const pair = pairOf.get(cell);
    if (!candidates || !pair) continue;
    const base = pair.base;
    pairedBaseIds.add(base);
    const deltas: Record<string, MetricDelta> = {};
    for (const m of BASELINE_METRICS) deltas[m] = metricDelta(cell.metrics[m], base.metrics[m]);
    matches.push({
      cell_id: cell.cell_id,
      baseline_cell_id: base.cell_id,
      deltas,
      eval_deltas: evalDeltas(cell, base),
      baseline_candidates: candidates.length,
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
