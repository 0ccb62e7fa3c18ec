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
    merged.set(target.cell_id, { ...target, source_format: "mixed", eval: evalResults, artifacts });
    joined.set(c.cell_id, target.cell_id);
  }
  return {
    cells: cells.filter((c) => !joined.has(c.cell_id)).map((c) => merged.get(c.cell_id) ?? c),
    joined,
  };
}
