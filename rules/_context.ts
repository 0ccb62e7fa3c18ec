/**
 * Building rule contexts and curve cells in the detector tests.
 * @module
 */
import { matchBaseline } from "../lib/baseline.ts";
import { makeCell } from "../lib/cell.ts";
import { buildCurves } from "../lib/curves.ts";
import type { RuleContext } from "../lib/rule.ts";
import type { Cell, Metrics } from "../lib/types.ts";

/** The context the detection entry point would build for these cells. */
export function contextOf(cells: Cell[], baselineCells: Cell[] | null = null): RuleContext {
  return {
    cells,
    curves: buildCurves(cells),
    baseline: baselineCells ? matchBaseline(cells, baselineCells) : null,
  };
}

/** A complete cell of one synthetic curve (hardware `h100`, model `m`) at a concurrency. */
export function curveCell(
  cellId: string,
  concurrency: number | null,
  metrics: Partial<Metrics>,
  overrides: Partial<Omit<Cell, "metrics">> = {},
): Cell {
  return makeCell(cellId, {
    hardware: "h100",
    model: "m",
    concurrency,
    status: "complete",
    metrics,
    ...overrides,
  });
}
