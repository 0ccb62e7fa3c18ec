/**
 * Joining eval-only cells to the benchmark cell they measured, on identity — model, hardware
 * (case-insensitive), framework, precision, speculative decoding, tp, ep, DP attention and
 * concurrency — never on paths (the formats reference, §10.3).
 * @module
 */
import type { Cell } from "./types.ts";

const JOIN_FIELDS = [
  "model",
  "hardware",
  "framework",
  "precision",
  "spec_decoding",
  "dp_attention",
  "concurrency",
] as const;

function joinKey(c: Cell): string | null {
  const parts: unknown[] = [];
  for (const f of JOIN_FIELDS) {
    const v = c[f];
    if (v === null) return null;
    parts.push(typeof v === "string" ? v.toLowerCase() : v);
  }
  if (c.metrics.tp === null) return null;
  parts.push(c.metrics.tp, c.metrics.ep);
  return JSON.stringify(parts);
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
    const targets = k === null ? [] : byKey.get(k) ?? [];
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
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
