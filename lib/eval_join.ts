/**
 * Joining eval-only cells to the benchmark cell they measured, on identity — model, hardware
 * (case-insensitive), framework, precision, speculative decoding, concurrency and the serving
 * topology — never on paths (the formats reference, §10.3). Single-node topology is tp, ep and DP
 * attention; multi-node topology is the prefill and decode tp, with EP, DP attention, worker and
 * GPU counts compared where both sides state them (a `meta_env.json` states only the tp of each).
 * @module
 */
import { compareText } from "./curves.ts";
import { setOwn, withSortedKeys } from "./group_by.ts";
import type { Cell, MetricField } from "./types.ts";

/** Identity fields every join needs, on both sides. */
const IDENTITY_FIELDS = [
  "model",
  "hardware",
  "framework",
  "precision",
  "spec_decoding",
  "concurrency",
] as const;

/**
 * The topology of a multi-node deployment, side by side: each side's parallelism and workers, and
 * the GPU counts (metrics). The eval joins compare it (here and in lib/analyze.ts).
 */
export const MULTI_NODE_TOPOLOGY = [
  "prefill_tp",
  "decode_tp",
  "prefill_ep",
  "decode_ep",
  "prefill_pp",
  "decode_pp",
  "prefill_dcp",
  "decode_dcp",
  "prefill_pcp",
  "decode_pcp",
  "prefill_num_workers",
  "decode_num_workers",
  "num_prefill_gpu",
  "num_decode_gpu",
] as const satisfies readonly MetricField[];

/**
 * Multi-node fields compared only when both sides state them: an eval's `meta_env.json` or
 * agg_eval row may leave them out (reference §10.1, §10.3), and the runner's metadata writer
 * defaults a missing worker count to 1.
 */
const MULTI_NODE_OPTIONAL: readonly MetricField[] = MULTI_NODE_TOPOLOGY.filter((f) =>
  f !== "prefill_tp" && f !== "decode_tp"
);

/**
 * A field's value, `null` when unknown. A cell of a `--baseline` report.json is input and may
 * lack fields altogether: missing is unknown, like `null`.
 */
function known<T>(v: T | null | undefined): T | null {
  return v === undefined ? null : v;
}

/** Whether a cell describes a multi-node (prefill/decode) deployment, as far as it says. */
function isMultiNode(c: Cell): boolean {
  if (typeof c.is_multinode === "boolean") return c.is_multinode;
  // Older records lack `is_multinode`: single-node ones state tp, multi-node ones the blocks.
  const m = c.metrics;
  return known(m.tp) === null && known(m.prefill_tp) !== null && known(m.decode_tp) !== null;
}

/**
 * The exact-match part of a cell's eval identity — the fields an eval states and is joined on
 * (reference §10.3): model, hardware (case-insensitive), framework, precision, speculative
 * decoding, concurrency and the serving topology — or `null` when a required part is unknown. An
 * empty string is unknown too: an agg_eval row's `spec_decoding: ""` does not say "none" (the
 * reference only records that such a row exists). Two cells with one key are the same deployment
 * for an eval when {@link evalIdentityCompatible} also holds. A missing field (a cell of a
 * `--baseline` report.json) is unknown.
 *
 * @example
 * ```ts
 * evalIdentityKey(evalCell) === evalIdentityKey(benchmarkCell) &&
 *   evalIdentityCompatible(evalCell, benchmarkCell); // the eval measured that deployment
 * ```
 */
export function evalIdentityKey(c: Cell): string | null {
  const parts: unknown[] = [];
  for (const f of IDENTITY_FIELDS) {
    const v = known(c[f]);
    if (v === null || v === "") return null;
    parts.push(typeof v === "string" ? v.toLowerCase() : v);
  }
  const m = c.metrics;
  if (!isMultiNode(c)) {
    // Multi-node records keep tp/ep/dp_attention only as legacy or prefill copies: never join on
    // them there. Single-node: tp and DP attention must be known; ep is compared as it is.
    if (known(m.tp) === null || known(c.dp_attention) === null) return null;
    parts.push("single", c.dp_attention, m.tp, known(m.ep));
    return JSON.stringify(parts);
  }
  // A multi-node `meta_env.json` states only the tp of each side (reference §10.1); EP, DP
  // attention, worker and GPU counts are compared where both sides state them
  // (`evalIdentityCompatible`).
  if (known(m.prefill_tp) === null || known(m.decode_tp) === null) return null;
  parts.push("multi", m.prefill_tp, m.decode_tp);
  return JSON.stringify(parts);
}

/**
 * Whether two cells with one {@link evalIdentityKey} agree on the fields compared only when both
 * state them: ISL/OSL, and on multi-node deployments the prefill/decode EP, DP attention, worker
 * and GPU counts.
 */
export function evalIdentityCompatible(a: Cell, b: Cell): boolean {
  // Sequence lengths are not part of the reference's join key, but an eval that names its
  // benchmark's ISL/OSL (from its `source` path) belongs to no benchmark of another shape.
  for (const f of ["isl", "osl"] as const) {
    const x = known(a[f]);
    const y = known(b[f]);
    if (x !== null && y !== null && x !== y) return false;
  }
  if (!isMultiNode(a)) return true;
  const both = <T>(x: T | null | undefined, y: T | null | undefined) =>
    known(x) === null || known(y) === null || x === y;
  return both(a.prefill_dp_attention, b.prefill_dp_attention) &&
    both(a.decode_dp_attention, b.decode_dp_attention) &&
    MULTI_NODE_OPTIONAL.every((f) => both(a.metrics[f], b.metrics[f]));
}

/**
 * Move the eval results of each eval-only cell into the one benchmark cell with the same identity.
 * Eval cells with no match, or with several candidates, stay cells of their own. When several eval
 * cells match one benchmark cell and give the same task, the latest run (by its results time)
 * gives the scores and the earlier one is named in `eval_results_superseded`, as a rerun in one
 * directory is (lib/fold.ts); when that cannot be decided (a run's time unknown, two runs at one
 * time, or a task the benchmark cell already has from its own directory), the eval cell stays a
 * cell of its own. Nothing is dropped. Inputs are not mutated; the result keeps the input order
 * minus the joined eval cells.
 *
 * @example
 * ```ts
 * const { cells, joined } = joinEvalCells(cells);
 * ```
 */
export function joinEvalCells(
  cells: readonly Cell[],
): { cells: Cell[]; joined: Map<string, string> } {
  // Most runs have no eval-only cell: then there is nothing to key.
  if (!cells.some((c) => c.source_format === "eval" && c.eval !== null)) {
    return { cells: cells.slice(), joined: new Map() };
  }
  const byKey = new Map<string, Cell[]>();
  for (const c of cells) {
    if (c.source_format === "eval") continue;
    const k = evalIdentityKey(c);
    if (k === null) continue;
    const list = byKey.get(k);
    if (list) list.push(c);
    else byKey.set(k, [c]);
  }
  const candidates = new Map<string, { target: Cell; evals: Cell[] }>(); // by benchmark cell id
  for (const c of cells) {
    if (c.source_format !== "eval" || c.eval === null) continue;
    const k = evalIdentityKey(c);
    const targets = k === null
      ? []
      : (byKey.get(k) ?? []).filter((t) => evalIdentityCompatible(c, t));
    if (targets.length !== 1) continue;
    const entry = candidates.get(targets[0].cell_id);
    if (entry) entry.evals.push(c);
    else candidates.set(targets[0].cell_id, { target: targets[0], evals: [c] });
  }
  const joined = new Map<string, string>(); // eval cell id -> benchmark cell id
  const merged = new Map<string, Cell>();
  for (const { target, evals } of candidates.values()) {
    const cell = joinInto(target, evals, joined);
    if (cell !== target) merged.set(target.cell_id, cell);
  }
  return {
    cells: cells.filter((c) => !joined.has(c.cell_id)).map((c) => merged.get(c.cell_id) ?? c),
    joined,
  };
}

/** An eval cell about to join, with its results time (`null` when unknown). */
interface Candidate {
  cell: Cell;
  at: string | null;
}

/**
 * Join `evals` (eval cells whose identity is `target`'s) into `target`, latest run first; record
 * each joined one in `joined`. Returns `target` itself when none joins.
 */
function joinInto(target: Cell, evals: readonly Cell[], joined: Map<string, string>): Cell {
  const order: Candidate[] = evals.map((cell) => ({ cell, at: resultsTime(cell) }))
    .sort((a, b) =>
      a.at === b.at
        ? compareText(a.cell.cell_id, b.cell.cell_id)
        : a.at === null
        ? 1
        : b.at === null
        ? -1
        : compareText(b.at, a.at)
    );
  const own = new Set(Object.keys(target.eval ?? {})); // tasks of the target's own directory
  const givenAt = new Map<string, string | null>(); // task -> time of the run that gave it
  const evalResults = { ...(target.eval ?? {}) };
  const artifacts = { ...target.artifacts };
  let notes = target.notes;
  const superseded: string[] = [];
  let any = false;
  for (const { cell, at } of order) {
    const tasks = Object.keys(cell.eval ?? {});
    const fresh = tasks.filter((t) => !givenAt.has(t) && !own.has(t));
    // A run joins when all its tasks are new here, or when a later run gave every one of them
    // (it is then superseded); otherwise (a task of the target's own directory, a run of
    // unknown or equal time, some tasks new and some not) it stays a cell of its own.
    const supersededAll = fresh.length === 0 && tasks.length > 0 &&
      tasks.every((t) => {
        const later = givenAt.get(t);
        return !own.has(t) && at !== null && typeof later === "string" && later > at;
      });
    if (fresh.length !== tasks.length && !supersededAll) continue;
    for (const t of fresh) {
      evalResults[t] = { ...cell.eval![t] };
      givenAt.set(t, at);
    }
    if (supersededAll) superseded.push(...namesOf(cell));
    for (const [kind, paths] of Object.entries(cell.artifacts)) {
      const k2 = kind as keyof Cell["artifacts"];
      artifacts[k2] = [...new Set([...(artifacts[k2] ?? []), ...(paths ?? [])])].sort();
    }
    // The first (latest) run joined names its source, sample count and date; the target's own
    // notes win, as a benchmark's records do over an eval's in the fold.
    if (fresh.length > 0) notes = withNotes(notes, cell.notes);
    notes = withSuperseded(notes, cell.notes.eval_results_superseded);
    joined.set(cell.cell_id, target.cell_id);
    any = true;
  }
  if (!any) return target;
  // Like an eval attached by directory in the fold, the cell now merges two kinds of record.
  return {
    ...target,
    source_format: "mixed",
    eval: evalResults,
    artifacts,
    notes: withSuperseded(notes, superseded),
  };
}

/**
 * When an eval cell's run produced its results (`YYYY-MM-DDTHH:MM:SS`, naive local time as
 * lm-eval names its files): an agg_eval row's `results_datetime` (from its `source` path), else
 * the latest `results_<time>` of its lm-eval results files; `null` when unknown.
 */
function resultsTime(c: Cell): string | null {
  const stated = c.notes.results_datetime;
  if (typeof stated === "string" && DATETIME.test(stated)) return stated;
  let latest: string | null = null;
  for (const path of c.artifacts.eval_results ?? []) {
    const at = resultsFileTime(path);
    if (at !== null && (latest === null || at > latest)) latest = at;
  }
  return latest;
}

/**
 * The time an lm-eval results file's name gives (`results_2026-06-01T12-30-00.json` →
 * `2026-06-01T12:30:00`), or `null`.
 *
 * @example
 * ```ts
 * resultsFileTime("evals/results_2026-06-01T12-30-00.123.json"); // "2026-06-01T12:30:00"
 * ```
 */
export function resultsFileTime(path: string): string | null {
  const m = RESULTS_TIME.exec(path.slice(path.lastIndexOf("/") + 1));
  return m === null ? null : `${m[1]}T${m[2]}:${m[3]}:${m[4]}`;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const RESULTS_TIME = /^results_(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})/;

/** How a superseded eval cell is named: the results file its row names, else its results files. */
function namesOf(c: Cell): string[] {
  const source = c.notes.source;
  if (typeof source === "string" && source !== "") return [source];
  const files = c.artifacts.eval_results ?? [];
  return files.length > 0 ? [...files] : [c.cell_id];
}

/**
 * Notes of an eval cell that say how its own identity was read (raw hardware label, model or
 * ISL/OSL taken from the `source` path): not carried to the benchmark cell, whose identity they
 * would seem to describe.
 */
const IDENTITY_NOTES: ReadonlySet<string> = new Set([
  "eval_results_superseded", // merged by withSuperseded
  "hw_raw",
  "isl_osl_from_source",
  "model_from_source",
]);

/** `notes` with the keys of `from` it lacks (identity notes aside), keys sorted. */
function withNotes(notes: Cell["notes"], from: Cell["notes"]): Cell["notes"] {
  const all: Cell["notes"] = { ...notes };
  for (const [k, v] of Object.entries(from)) {
    if (!IDENTITY_NOTES.has(k) && !Object.hasOwn(all, k)) setOwn(all, k, v);
  }
  return withSortedKeys(all);
}

/** `notes` plus the names in `theirs` under `eval_results_superseded` (keys kept sorted). */
function withSuperseded(notes: Cell["notes"], theirs: unknown): Cell["notes"] {
  if (!Array.isArray(theirs) || theirs.length === 0) return notes;
  const ours = Array.isArray(notes.eval_results_superseded) ? notes.eval_results_superseded : [];
  return withSortedKeys({
    ...notes,
    eval_results_superseded: [...new Set([...ours, ...theirs])].sort(),
  });
}
