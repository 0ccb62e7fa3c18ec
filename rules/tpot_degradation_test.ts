import { deepStrictEqual } from "node:assert/strict";
import { buildCurves } from "../lib/curves.ts";
import type { Cell, Finding } from "../lib/types.ts";
import { contextOf, curveCell } from "./_context.ts";
import { amdDisaggCells, glmGaudi3Cells, h200Tp8Cells } from "./_real_fixtures.ts";
import { tpotDegradation } from "./tpot_degradation.ts";

function run(cells: Cell[], baseline: Cell[] | null = null): Finding[] {
  return tpotDegradation.check(contextOf(cells, baseline), { ...tpotDegradation.defaults });
}

function pair(a: number, b: number): Cell[] {
  return [curveCell("a", 16, { p99_tpot: a }), curveCell("b", 32, { p99_tpot: b })];
}

function expected(cells: Cell[], message: string, ratio: number): Finding[] {
  return [{
    code: "tpot_degradation",
    severity: "warning",
    cell_id: "b",
    message,
    source: "analyzer",
    evidence: {
      comparison: "curve",
      curve_id: buildCurves(cells)[0].curve_id,
      from: { cell_id: "a", concurrency: 16, p99_tpot: cells[0].metrics.p99_tpot },
      to: { cell_id: "b", concurrency: 32, p99_tpot: cells[1].metrics.p99_tpot },
      tpot_ratio: ratio,
      concurrency_ratio: 2,
      thresholds: { ratio: 1.5 },
    },
  }];
}

Deno.test("tpot_degradation: table", async (t) => {
  const cases: { name: string; cells: Cell[]; expected: (c: Cell[]) => Finding[] }[] = [
    { name: "quiet: ratio 1.2", cells: pair(0.01, 0.012), expected: () => [] },
    {
      name: "fires: ratio 2.0",
      cells: pair(0.02, 0.04),
      expected: (c) =>
        expected(
          c,
          "p99 TPOT rises 2.00× from 20 ms at concurrency 16 to 40 ms at concurrency 32",
          2,
        ),
    },
    {
      name: "at threshold: ratio exactly 1.5 fires",
      cells: pair(0.02, 0.03),
      expected: (c) =>
        expected(
          c,
          "p99 TPOT rises 1.50× from 20 ms at concurrency 16 to 30 ms at concurrency 32",
          1.5,
        ),
    },
    {
      name: "quiet: a zero TPOT is a placeholder, not a measurement",
      cells: [
        curveCell("a", 16, { p99_tpot: 0 }),
        curveCell("b", 32, { p99_tpot: 0.03 }),
        curveCell("c", 64, { p99_tpot: 0.031 }),
      ],
      expected: () => [],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => deepStrictEqual(run(c.cells), c.expected(c.cells)));
  }
});

Deno.test("tpot_degradation: single point says the curve is too short", () => {
  const f = run([curveCell("a", 16, { p99_tpot: 0.02 })]);
  deepStrictEqual(f.map((x) => [x.severity, x.cell_id, x.evidence.reason]), [[
    "info",
    "a",
    "too_few_points",
  ]]);
});

Deno.test("tpot_degradation: compares against the baseline match", () => {
  const current = [
    curveCell("now", 8, { p99_tpot: 0.03 }),
    curveCell("now2", 16, { p99_tpot: 0.031 }),
  ];
  const base = [curveCell("then", 8, { p99_tpot: 0.02 })];
  deepStrictEqual(run(current, base).filter((f) => f.evidence.comparison === "baseline"), [{
    code: "tpot_degradation",
    severity: "warning",
    cell_id: "now",
    message: "p99 TPOT is 1.50× the baseline (30 ms vs 20 ms in baseline cell then)",
    source: "analyzer",
    evidence: {
      comparison: "baseline",
      baseline_cell_id: "then",
      baseline_candidates: 1,
      paired_by: "identity",
      current: { p99_tpot: 0.03 },
      baseline: { p99_tpot: 0.02 },
      tpot_ratio: 1.5,
      thresholds: { ratio: 1.5 },
    },
  }]);
});

Deno.test("tpot_degradation: real curves", () => {
  // AMD disagg: at most ×1.25 per step (17.90 → 22.29 ms); H200 TP8 at most ×1.35: quiet.
  deepStrictEqual(run(amdDisaggCells()), []);
  deepStrictEqual(run(h200Tp8Cells()), []);
  // GLM Gaudi3: only the 64→128 knee, 163.061 → 380.446 ms = ×2.33315.
  deepStrictEqual(run(glmGaudi3Cells()).map((f) => [f.cell_id, f.message, f.evidence.tpot_ratio]), [
    [
      "glm-c128",
      "p99 TPOT rises 2.33× from 163 ms at concurrency 64 to 380 ms at concurrency 128",
      2.3332,
    ],
  ]);
});

Deno.test("tpot_degradation: one measurement listed twice gives one finding, distinct re-runs each", () => {
  // The same c16 and c32 runs found twice (an agg file and its row in agg_bmk.json): one step.
  const twice = [
    curveCell("a", 16, { p99_tpot: 0.02 }),
    curveCell("a-row", 16, { p99_tpot: 0.02 }),
    curveCell("b", 32, { p99_tpot: 0.04 }),
    curveCell("b-row", 32, { p99_tpot: 0.04 }),
  ];
  deepStrictEqual(
    run(twice).map((f) => [f.cell_id, (f.evidence.from as { cell_id: string }).cell_id]),
    [["b", "a"]],
  );
  // Two real re-runs at c16 that measured different numbers are each compared with c32.
  const reruns = [
    curveCell("a", 16, { p99_tpot: 0.02 }),
    curveCell("a2", 16, { p99_tpot: 0.025 }),
    curveCell("b", 32, { p99_tpot: 0.04 }),
  ];
  deepStrictEqual(
    run(reruns).map((f) => (f.evidence.from as { cell_id: string }).cell_id).sort(),
    ["a", "a2"],
  );
});
