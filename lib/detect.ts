/**
 * The detection entry point: curves, frontiers, baseline matches and every rule's findings.
 * @module
 */
import { RULES } from "../rules/mod.ts";
import { type BaselineMatching, matchBaselineCells } from "./baseline.ts";
import { compareText, type Curve, curvesAndFrontiers, type Frontier } from "./curves.ts";
import type { RuleContext } from "./rule.ts";
import { type Cell, type Finding, SEVERITY_RANK } from "./types.ts";

/** What detection produces for the report. */
export interface Detection {
  findings: Finding[];
  curves: Curve[];
  frontier: Frontier[];
  /** `null` when no baseline was given. */
  baseline: BaselineMatching | null;
}

/** Total order of findings: severity (critical first), code, cell (run-level first), message. */
export function compareFindings(a: Finding, b: Finding): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    compareText(a.code, b.code) ||
    compareText(a.cell_id ?? "", b.cell_id ?? "") ||
    compareText(a.message, b.message) ||
    compareText(JSON.stringify(a.evidence), JSON.stringify(b.evidence));
}

function byCellId(cells: readonly Cell[]): Cell[] {
  // Sorting the ids with the built-in string order (no comparator to call back into) is several
  // times faster with tens of thousands of cells; ids are unique unless cells were made by hand.
  const byId = new Map<string, Cell>();
  for (const c of cells) byId.set(c.cell_id, c);
  if (byId.size !== cells.length) {
    return [...cells].sort((a, b) => compareText(a.cell_id, b.cell_id));
  }
  return [...byId.keys()].sort().map((id) => byId.get(id)!);
}

/** How deep {@link cellIdsOf} looks into evidence (`growth.from.cell_id` is at depth 2). */
const EVIDENCE_ID_DEPTH = 4;

/**
 * The ids of this run's cells a finding is about: its own, then those its evidence compares with,
 * in the order the evidence gives them: every string under a key `cell_id` or `…_cell_id` at any
 * depth up to {@link EVIDENCE_ID_DEPTH}, in objects and arrays (`kv_offload_thrash` names the
 * cells of a step as `growth.from.cell_id` and `growth.to.cell_id`). Keys that begin with
 * `baseline` name cells of the baseline's tree, whose ids can equal ids of this run: they are left
 * out, and so is everything under them.
 */
export function cellIdsOf(f: Finding): string[] {
  const ids = f.cell_id === null ? [] : [f.cell_id];
  const add = (v: unknown) => {
    if (typeof v === "string" && !ids.includes(v)) ids.push(v);
  };
  const visit = (value: unknown, depth: number) => {
    if (value === null || typeof value !== "object" || depth > EVIDENCE_ID_DEPTH) return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith("baseline")) continue;
      if (k === "cell_id" || k.endsWith("_cell_id")) add(v);
      else visit(v, depth + 1);
    }
  };
  visit(f.evidence, 0);
  return ids;
}

/**
 * The finding with `evidence.artifacts`: the artifact paths (by kind) of every cell of this run it
 * names (SPEC §4: evidence holds the numbers and the paths they come from). Cells of a baseline
 * are in another tree and are named by id only.
 */
function withArtifacts(f: Finding, byId: ReadonlyMap<string, Cell>): Finding {
  const artifacts: Record<string, Cell["artifacts"]> = {};
  for (const id of cellIdsOf(f)) {
    const cell = byId.get(id);
    if (cell) artifacts[id] = cell.artifacts;
  }
  return Object.keys(artifacts).length === 0 ? f : { ...f, evidence: { ...f.evidence, artifacts } };
}

/**
 * Run every rule over the cells. Thresholds are by code; a code or key left out uses the
 * rule's default. The result does not depend on the order of `cells`.
 *
 * @example
 * ```ts
 * const { findings, curves, frontier } = runRules(cells, { thresholds: defaultThresholds() });
 * ```
 */
export function runRules(
  cells: readonly Cell[],
  opts: {
    thresholds: Record<string, Record<string, number>>;
    baselineCells?: readonly Cell[] | null;
  },
): Detection {
  const sorted = byCellId(cells);
  const { curves, frontiers: frontier } = curvesAndFrontiers(sorted);
  const baseline = opts.baselineCells
    ? matchBaselineCells(sorted, byCellId(opts.baselineCells))
    : null;
  const ctx: RuleContext = { cells: sorted, curves, baseline: baseline?.matches ?? null };
  const byId = new Map(sorted.map((c) => [c.cell_id, c]));
  const findings: Finding[] = [];
  const notChecked = new Map<string, { code: string; reason: string }[]>();
  for (const rule of RULES) {
    const thresholds = { ...rule.defaults, ...(opts.thresholds[rule.code] ?? {}) };
    for (const f of rule.check(ctx, thresholds)) {
      // "Too few points" is a fact about the curve, not a finding about a cell: it is written
      // into the curve's evidence (SPEC §5), so it neither inflates counts nor the exit code.
      if (f.evidence.reason === "too_few_points" && typeof f.evidence.curve_id === "string") {
        const list = notChecked.get(f.evidence.curve_id) ?? [];
        list.push({ code: f.code, reason: f.message });
        notChecked.set(f.evidence.curve_id, list);
      } else findings.push(withArtifacts(f, byId));
    }
  }
  const annotated = curves.map((c) => {
    const list = notChecked.get(c.curve_id);
    return list ? { ...c, not_checked: list.sort((a, b) => compareText(a.code, b.code)) } : c;
  });
  return { findings: findings.sort(compareFindings), curves: annotated, frontier, baseline };
}
