import { deepStrictEqual } from "node:assert/strict";
import { buildCurves } from "../lib/curves.ts";
import type { Cell, Finding } from "../lib/types.ts";
import { contextOf, curveCell } from "./_context.ts";
import { amdDisaggCells, glmGaudi3Cells, kvtesterCells } from "./_real_fixtures.ts";
import { throughputPlateau } from "./throughput_plateau.ts";

const THRESHOLDS = { max_gain: 0.05, latency_ratio: 1.5, min_consecutive_steps: 2 };

function run(cells: Cell[]): Finding[] {
  return throughputPlateau.check(contextOf(cells), { ...throughputPlateau.defaults });
}

function curve(rows: [number, number, number, number | null][]): Cell[] {
  return rows.map(([conc, tput, ttft, e2el]) =>
    curveCell(`c${conc}`, conc, { total_tput_tps: tput, p99_ttft: ttft, p99_e2el: e2el })
  );
}

function side(c: Cell) {
  return {
    cell_id: c.cell_id,
    concurrency: c.concurrency,
    total_tput_tps: c.metrics.total_tput_tps,
    p99_ttft: c.metrics.p99_ttft,
    p99_e2el: c.metrics.p99_e2el,
  };
}

Deno.test("throughput_plateau: table", async (t) => {
  const cases: { name: string; cells: Cell[]; expected: (c: Cell[]) => Finding[] }[] = [
    {
      name: "quiet: throughput still grows",
      cells: curve([[4, 100, 1, 10], [8, 180, 2, 20]]),
      expected: () => [],
    },
    {
      name: "quiet: flat throughput, latency rises only 1.2×",
      cells: curve([[4, 100, 1, 10], [8, 100, 1.2, 12]]),
      expected: () => [],
    },
    {
      name: "info: one plateau step (E2E only)",
      cells: curve([[4, 100, 1, 10], [8, 102, 1.1, 20]]),
      expected: (c) => [{
        code: "throughput_plateau",
        severity: "info",
        cell_id: "c8",
        message:
          "Total throughput changes +2.0 % from concurrency 4 to 8 while p99 E2E latency rises 2.00×",
        source: "analyzer",
        evidence: {
          curve_id: buildCurves(c)[0].curve_id,
          from: side(c[0]),
          to: side(c[1]),
          throughput_metric: "total_tput_tps",
          throughput_gain: 0.02,
          ttft_ratio: 1.1,
          e2el_ratio: 2,
          consecutive_steps: 1,
          thresholds: THRESHOLDS,
        },
      }],
    },
    {
      name: "at threshold: gain exactly 5 % is quiet, ratio exactly 1.5 fires",
      cells: curve([[4, 100, 1, null], [8, 105, 1.5, null], [16, 100, 1.5, null], [
        32,
        90,
        2.25,
        null,
      ]]),
      expected: (c) => [{
        code: "throughput_plateau",
        severity: "info",
        cell_id: "c32",
        message:
          "Total throughput changes -10.0 % from concurrency 16 to 32 while p99 TTFT rises 1.50×",
        source: "analyzer",
        evidence: {
          curve_id: buildCurves(c)[0].curve_id,
          from: side(c[2]),
          to: side(c[3]),
          throughput_metric: "total_tput_tps",
          throughput_gain: -0.1,
          ttft_ratio: 1.5,
          e2el_ratio: null,
          consecutive_steps: 1,
          thresholds: THRESHOLDS,
        },
      }],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => deepStrictEqual(run(c.cells), c.expected(c.cells)));
  }
});

Deno.test("throughput_plateau: two consecutive steps are warnings", () => {
  const cells = curve([[4, 100, 1, null], [8, 101, 2, null], [16, 99, 4, null], [
    32,
    200,
    4,
    null,
  ]]);
  deepStrictEqual(
    run(cells).map((f) => [f.severity, f.cell_id, f.message, f.evidence.consecutive_steps]),
    [
      [
        "warning",
        "c8",
        "Total throughput changes +1.0 % from concurrency 4 to 8 while p99 TTFT rises 2.00×, one of 2 consecutive plateau steps",
        2,
      ],
      [
        "warning",
        "c16",
        "Total throughput changes -2.0 % from concurrency 8 to 16 while p99 TTFT rises 2.00×, one of 2 consecutive plateau steps",
        2,
      ],
    ],
  );
});

Deno.test("throughput_plateau: real curves", () => {
  // AMD disagg and GLM Gaudi3 gain at least +49 % per step.
  deepStrictEqual(run(amdDisaggCells()), []);
  deepStrictEqual(run(glmGaudi3Cells()), []);
  // kv-cache-tester: offload off 16→24 (-32.6 %, TTFT ×2.17) and 24→32 (-58.4 %, ×3.15) in a row;
  // offload on 16→24 (-17.7 %, ×1.90) alone; 8→12 (off: TTFT ×17.35; on: E2E ×1.55); on 32→48.
  deepStrictEqual(
    run(kvtesterCells()).map((f) => [f.cell_id, f.severity, f.evidence.throughput_gain]),
    [
      ["kv-on-u12", "info", -0.0106],
      ["kv-on-u24", "info", -0.1766],
      ["kv-on-u48", "info", -0.0922],
      ["kv-off-u12", "info", -0.5521],
      ["kv-off-u24", "warning", -0.326],
      ["kv-off-u32", "warning", -0.5838],
    ],
  );
});

Deno.test("throughput_plateau: a gain just under max_gain is printed under it", () => {
  const cells = [
    curveCell("a", 4, { p99_ttft: 1, total_tput_tps: 1000 }),
    curveCell("b", 8, { p99_ttft: 1.5, total_tput_tps: 1049.9 }),
  ];
  const [f] = run(cells);
  deepStrictEqual(f.evidence.throughput_gain, 0.0499);
  deepStrictEqual(/changes (\S+ %) from/.exec(f.message)?.[1], "+4.99 %");
});

Deno.test("throughput_plateau: a total throughput of 0 is no measurement, not a -100 % gain", () => {
  const cells = [
    curveCell("a", 4, { p99_ttft: 10, total_tput_tps: 9000, tput_per_gpu: 2250 }),
    curveCell("b", 8, { p99_ttft: 25, total_tput_tps: 0, tput_per_gpu: 4500 }),
  ];
  deepStrictEqual(throughputPlateau.check(contextOf(cells, null), throughputPlateau.defaults), []);
});
