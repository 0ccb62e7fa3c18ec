import { deepStrictEqual } from "node:assert/strict";
import { buildCurves } from "../lib/curves.ts";
import type { Cell, Finding } from "../lib/types.ts";
import { contextOf, curveCell } from "./_context.ts";
import { amdDisaggCells, glmGaudi3Cells, h200Tp8Cells, kvtesterCells } from "./_real_fixtures.ts";
import { ttftCliff } from "./ttft_cliff.ts";

const T = { ...ttftCliff.defaults };
const THRESHOLDS = { ratio_warning: 2, ratio_critical: 4, max_throughput_gain: 0.1 };

function run(cells: Cell[], baseline: Cell[] | null = null, t = T): Finding[] {
  return ttftCliff.check(contextOf(cells, baseline), t);
}

function pair(ttft: [number, number], tput: [number, number]): Cell[] {
  return [
    curveCell("a", 4, { p99_ttft: ttft[0], total_tput_tps: tput[0] }),
    curveCell("b", 8, { p99_ttft: ttft[1], total_tput_tps: tput[1] }),
  ];
}

function curveFinding(
  cells: Cell[],
  severity: Finding["severity"],
  message: string,
  ratio: number,
  gain: number,
): Finding {
  const [a, b] = cells;
  return {
    code: "ttft_cliff",
    severity,
    cell_id: "b",
    message,
    source: "analyzer",
    evidence: {
      comparison: "curve",
      curve_id: buildCurves(cells)[0].curve_id,
      from: {
        cell_id: "a",
        concurrency: 4,
        p99_ttft: a.metrics.p99_ttft,
        total_tput_tps: a.metrics.total_tput_tps,
      },
      to: {
        cell_id: "b",
        concurrency: 8,
        p99_ttft: b.metrics.p99_ttft,
        total_tput_tps: b.metrics.total_tput_tps,
      },
      ttft_ratio: ratio,
      throughput_metric: "total_tput_tps",
      throughput_gain: gain,
      concurrency_ratio: 2,
      thresholds: THRESHOLDS,
    },
  };
}

Deno.test("ttft_cliff: table", async (t) => {
  const cases: { name: string; cells: Cell[]; expected: (cells: Cell[]) => Finding[] }[] = [
    { name: "quiet: ratio 1.5", cells: pair([1, 1.5], [100, 101]), expected: () => [] },
    {
      name: "quiet: ratio 5 but throughput +50 %",
      cells: pair([1, 5], [100, 150]),
      expected: () => [],
    },
    {
      name: "fires: ratio 2.5, gain +4 %",
      cells: pair([1, 2.5], [100, 104]),
      expected: (c) => [
        curveFinding(
          c,
          "warning",
          "p99 TTFT rises 2.50× from 1 s at concurrency 4 to 2.5 s at concurrency 8 while " +
            "total throughput changes +4.0 %",
          2.5,
          0.04,
        ),
      ],
    },
    {
      name: "at threshold: ratio exactly 2.0 fires",
      cells: pair([0.5, 1], [100, 100]),
      expected: (c) => [
        curveFinding(
          c,
          "warning",
          "p99 TTFT rises 2.00× from 500 ms at concurrency 4 to 1 s at concurrency 8 while " +
            "total throughput changes +0.0 %",
          2,
          0,
        ),
      ],
    },
    {
      name: "at threshold: gain exactly 10 % is quiet",
      cells: pair([1, 3], [100, 110]),
      expected: () => [],
    },
    {
      name: "at threshold: ratio exactly 4.0 is critical",
      cells: pair([1, 4], [100, 90]),
      expected: (c) => [
        curveFinding(
          c,
          "critical",
          "p99 TTFT rises 4.00× from 1 s at concurrency 4 to 4 s at concurrency 8 while " +
            "total throughput changes -10.0 %",
          4,
          -0.1,
        ),
      ],
    },
    {
      name: "info: a failed point is not compared, leaving one level",
      cells: [
        curveCell("a", 4, { p99_ttft: 1, total_tput_tps: 100 }),
        curveCell("b", 8, { p99_ttft: 9, total_tput_tps: 100 }, { status: "failed" }),
      ],
      expected: (c) => [{
        code: "ttft_cliff",
        severity: "info",
        cell_id: "a",
        message: `Curve ${buildCurves(c)[0].curve_id} has 1 concurrency level with p99 TTFT ` +
          "and throughput, so ttft_cliff cannot compare adjacent points (needs at least 2)",
        source: "analyzer",
        evidence: {
          reason: "too_few_points",
          curve_id: buildCurves(c)[0].curve_id,
          concurrency_levels: 1,
          min_levels: 2,
          cell_ids: ["a"],
          concurrencies: [4],
        },
      }],
    },
    {
      name: "not checked: no point has p99 TTFT (e.g. a source with p95 only)",
      cells: [curveCell("a", 4, { total_tput_tps: 1 }), curveCell("b", 8, { total_tput_tps: 1 })],
      expected: (c) => [{
        code: "ttft_cliff",
        severity: "info",
        cell_id: "b",
        message: `Curve ${
          buildCurves(c)[0].curve_id
        } has no point with p99 TTFT and throughput, so ttft_cliff cannot compare adjacent points (needs at least 2)`,
        source: "analyzer",
        evidence: {
          reason: "too_few_points",
          curve_id: buildCurves(c)[0].curve_id,
          concurrency_levels: 0,
          min_levels: 2,
          cell_ids: [],
          concurrencies: [],
        },
      }],
    },
    {
      name: "quiet: every point failed (invalid_run_no_successful_requests says it)",
      cells: [
        curveCell("a", 4, { total_tput_tps: 1 }, { status: "failed" }),
        curveCell("b", 8, { total_tput_tps: 1 }, { status: "failed" }),
      ],
      expected: () => [],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => deepStrictEqual(run(c.cells), c.expected(c.cells)));
  }
});

Deno.test("ttft_cliff: thresholds are honoured", () => {
  const cells = pair([1, 2.5], [100, 104]);
  deepStrictEqual(run(cells, null, { ...T, ratio_warning: 3 }), []);
  deepStrictEqual(run(cells, null, { ...T, ratio_critical: 2.5 })[0].severity, "critical");
});

Deno.test("ttft_cliff: compares against the baseline match", () => {
  const current = [curveCell("now", 8, { p99_ttft: 3, total_tput_tps: 100 })];
  const base = [curveCell("then", 8, { p99_ttft: 1, total_tput_tps: 101 })];
  const findings = run(current, base).filter((f) => f.evidence.comparison === "baseline");
  deepStrictEqual(findings, [{
    code: "ttft_cliff",
    severity: "warning",
    cell_id: "now",
    message: "p99 TTFT is 3.00× the baseline (3 s vs 1 s in baseline cell then) while total " +
      "throughput changes -1.0 %",
    source: "analyzer",
    evidence: {
      comparison: "baseline",
      baseline_cell_id: "then",
      baseline_candidates: 1,
      paired_by: "identity",
      current: { p99_ttft: 3, total_tput_tps: 100 },
      baseline: { p99_ttft: 1, total_tput_tps: 101 },
      ttft_ratio: 3,
      throughput_metric: "total_tput_tps",
      throughput_gain: -0.0099,
      thresholds: THRESHOLDS,
    },
  }]);
});

Deno.test("ttft_cliff: real curves that keep scaling do not fire", () => {
  // AMD MI355X disagg: p99 TTFT ×2.21/×2.26/×2.21 at 8→16, 16→32, 64→128 with +86/+73/+67 %.
  deepStrictEqual(run(amdDisaggCells()), []);
  // GLM Gaudi3 64→128: ×4.64 with +54 %; gpt-oss H200 TP8 4→8: ×6.39 with +85 %.
  deepStrictEqual(run(glmGaudi3Cells()), []);
  deepStrictEqual(run(h200Tp8Cells()), []);
});

Deno.test("ttft_cliff: real kv-cache-tester KV cliff (16→24 users)", () => {
  const byCell = new Map(run(kvtesterCells()).map((f) => [f.cell_id, f]));
  // Offload off 16→24: 82.273 s → 178.58 s = ×2.17, throughput 8865.68 → 5975.67 = -32.6 %.
  const off24 = byCell.get("kv-off-u24")!;
  deepStrictEqual(
    [off24.severity, off24.message, off24.evidence.ttft_ratio, off24.evidence.throughput_gain],
    [
      "warning",
      "p99 TTFT rises 2.17× from 82.3 s at concurrency 16 to 179 s at concurrency 24 while " +
      "total throughput changes -32.6 %",
      2.1706,
      -0.326,
    ],
  );
  // Offload on 16→24: 77.099 s → 146.432 s = ×1.90 < 2.0, so no ttft_cliff (plateau reports it).
  deepStrictEqual(byCell.has("kv-on-u24"), false);
  // Offload off 8→12: the short 60-request run with a 914 s p99 TTFT is a critical cliff.
  deepStrictEqual(byCell.get("kv-off-u12")?.severity, "critical");
});

Deno.test("ttft_cliff: a gain just under the limit is printed under it", () => {
  // +9.99 % is below max_throughput_gain 0.1; one decimal would print it as the limit itself.
  const [f] = run(pair([1, 2], [1000, 1099.9]));
  deepStrictEqual(f.evidence.throughput_gain, 0.0999);
  deepStrictEqual(/changes (\S+ %)$/.exec(f.message)?.[1], "+9.99 %");
  // Further from it, one decimal as before.
  deepStrictEqual(
    /changes (\S+ %)$/.exec(run(pair([1, 2], [1000, 1050]))[0].message)?.[1],
    "+5.0 %",
  );
});

Deno.test("ttft_cliff: a total throughput of 0 is no measurement; throughput per GPU decides", () => {
  const cells = [
    curveCell("a", 4, { p99_ttft: 10, total_tput_tps: 9000, tput_per_gpu: 2250 }),
    curveCell("b", 8, { p99_ttft: 25, total_tput_tps: 0, tput_per_gpu: 4500 }),
  ];
  // +100 % per GPU for 2.5× TTFT is the price of more throughput, not a cliff; a total of 0 read
  // as -100 % made it one.
  deepStrictEqual(run(cells), []);
});
