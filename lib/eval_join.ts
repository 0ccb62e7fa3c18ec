/**
 * Joining eval-only cells to the benchmark cell they measured, on identity — model, hardware
 * (case-insensitive), framework, precision, speculative decoding, concurrency and the serving
 * topology — never on paths (the formats reference, §10.3). Single-node topology is tp, ep and DP
 * attention; multi-node topology is the prefill and decode tp, with EP, DP attention, worker and
 * GPU counts compared where both sides state them (a `meta_env.json` states only the tp of each).
 * @module
 */
import { compareText } from "./curves.ts";
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
 * Multi-node fields compared only when both sides state them: an eval's `meta_env.json` or
 * agg_eval row may leave them out (reference §10.1, §10.3), and the runner's metadata writer
 * defaults a missing worker count to 1.
 */
const MULTI_NODE_OPTIONAL: readonly MetricField[] = [
  "prefill_ep",
  "decode_ep",
  "prefill_num_workers",
  "decode_num_workers",
  "num_prefill_gpu",
  "num_decode_gpu",
];

/** Whether a cell describes a multi-node (prefill/decode) deployment, as far as it says. */
function isMultiNode(c: Cell): boolean {
  if (c.is_multinode !== null) return c.is_multinode;
  // Older records lack `is_multinode`: single-node ones state tp, multi-node ones the blocks.
  return c.metrics.tp === null && c.metrics.prefill_tp !== null && c.metrics.decode_tp !== null;
}

/**
 * The exact-match part of a cell's join identity, or `null` when a required part is unknown.
 * An empty string is unknown too: an agg_eval row's `spec_decoding: ""` does not say "none"
 * (the reference only records that such a row exists).
 */
function joinKey(c: Cell): string | null {
  const parts: unknown[] = [];
  for (const f of IDENTITY_FIELDS) {
    const v = c[f];
    if (v === null || v === "") return null;
    parts.push(typeof v === "string" ? v.toLowerCase() : v);
  }
  const m = c.metrics;
  if (!isMultiNode(c)) {
    // Multi-node records keep tp/ep/dp_attention only as legacy or prefill copies: never join on
    // them there. Single-node: tp and DP attention must be known; ep is compared as it is.
    if (m.tp === null || c.dp_attention === null) return null;
    parts.push("single", c.dp_attention, m.tp, m.ep);
    return JSON.stringify(parts);
  }
  // A multi-node `meta_env.json` states only the tp of each side (reference §10.1); EP, DP
  // attention, worker and GPU counts are compared where both sides state them (`compatible`).
  if (m.prefill_tp === null || m.decode_tp === null) return null;
  parts.push("multi", m.prefill_tp, m.decode_tp);
  return JSON.stringify(parts);
}

/** Whether two cells with one join key agree on the fields compared only when both state them. */
function compatible(a: Cell, b: Cell): boolean {
  // Sequence lengths are not part of the reference's join key, but an eval that names its
  // benchmark's ISL/OSL (from its `source` path) belongs to no benchmark of another shape.
  for (const f of ["isl", "osl"] as const) {
    if (a[f] !== null && b[f] !== null && a[f] !== b[f]) return false;
  }
  if (!isMultiNode(a)) return true;
  const both = <T>(x: T | null, y: T | null) => x === null || y === null || x === y;
  return both(a.prefill_dp_attention, b.prefill_dp_attention) &&
    both(a.decode_dp_attention, b.decode_dp_attention) &&
    MULTI_NODE_OPTIONAL.every((f) => both(a.metrics[f], b.metrics[f]));
}

/**
 * Move the eval results of each eval-only cell into the one benchmark cell with the same identity.
 * Eval cells with no match, or with several candidates, stay cells of their own. Inputs are not
 * mutated; the result keeps the input order minus the joined eval cells.
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
    const k = joinKey(c);
    if (k === null) continue;
    const list = byKey.get(k);
    if (list) list.push(c);
    else byKey.set(k, [c]);
  }
  const joined = new Map<string, string>(); // eval cell id -> benchmark cell id
  const merged = new Map<string, Cell>();
  for (const c of cells) {
    if (c.source_format !== "eval" || c.eval === null) continue;
    const k = joinKey(c);
    const targets = k === null ? [] : (byKey.get(k) ?? []).filter((t) => compatible(c, t));
    if (targets.length !== 1) continue;
    const target = merged.get(targets[0].cell_id) ?? targets[0];
    const evalResults = { ...(target.eval ?? {}) };
    for (const [task, metrics] of Object.entries(c.eval)) {
      evalResults[task] = { ...metrics, ...(evalResults[task] ?? {}) };
    }
    const artifacts = { ...target.artifacts };
    for (const [kind, paths] of Object.entries(c.artifacts)) {
      const k2 = kind as keyof Cell["artifacts"];
      artifacts[k2] = [...new Set([...(artifacts[k2] ?? []), ...(paths ?? [])])].sort();
    }
    // Like an eval attached by directory in the fold, the cell now merges two kinds of record.
    merged.set(target.cell_id, {
      ...target,
      source_format: "mixed",
      eval: evalResults,
      artifacts,
      notes: withSuperseded(target.notes, c.notes),
    });
    joined.set(c.cell_id, target.cell_id);
  }
  return {
    cells: cells.filter((c) => !joined.has(c.cell_id)).map((c) => merged.get(c.cell_id) ?? c),
    joined,
  };
}

/** `notes` plus the eval cell's `eval_results_superseded` (keys kept sorted), so a rerun stays named. */
function withSuperseded(notes: Cell["notes"], from: Cell["notes"]): Cell["notes"] {
  const theirs = from.eval_results_superseded;
  if (!Array.isArray(theirs) || theirs.length === 0) return notes;
  const ours = Array.isArray(notes.eval_results_superseded) ? notes.eval_results_superseded : [];
  const all = { ...notes, eval_results_superseded: [...new Set([...ours, ...theirs])].sort() };
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => compareText(a, b)));
}
