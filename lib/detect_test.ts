import { deepStrictEqual, ok } from "node:assert/strict";
import {
  amdDisaggCells,
  glmGaudi3Cells,
  h200Tp8Cells,
  kvtesterCells,
} from "../rules/_real_fixtures.ts";
import { makeCell } from "./cell.ts";
import { cellIdsOf, runRules } from "./detect.ts";
import { defaultThresholds } from "./thresholds.ts";
import { type Cell, type Finding, SEVERITY_RANK } from "./types.ts";

function all(): Cell[] {
  return [
    ...amdDisaggCells(),
    ...glmGaudi3Cells(),
    ...h200Tp8Cells(),
    ...kvtesterCells(),
    makeCell("failed", {
      concurrency: 64,
      status: "failed",
      metrics: { num_requests_total: 640, num_requests_successful: 0 },
    }),
  ];
}

/** Deterministic shuffle (LCG), so the test is reproducible. */
function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

Deno.test("runRules: shuffled cells give the same result", () => {
  const cells = all();
  const opts = { thresholds: defaultThresholds(), baselineCells: glmGaudi3Cells() };
  const first = runRules(cells, opts);
  for (const seed of [1, 7, 42]) {
    deepStrictEqual(
      runRules(shuffle(cells, seed), { ...opts, baselineCells: shuffle(glmGaudi3Cells(), seed) }),
      first,
    );
  }
  ok(first.findings.length > 20);
});

Deno.test("runRules: findings sorted by severity desc, code, cell, message", () => {
  const { findings } = runRules(all(), { thresholds: defaultThresholds() });
  for (let i = 1; i < findings.length; i++) {
    const a = findings[i - 1];
    const b = findings[i];
    const key = (f: typeof a) =>
      [-SEVERITY_RANK[f.severity], f.code, f.cell_id ?? "", f.message] as const;
    const [ka, kb] = [key(a), key(b)];
    const cmp = ka[0] - kb[0] || (ka[1] < kb[1] ? -1 : ka[1] > kb[1] ? 1 : 0) ||
      (ka[2] < kb[2] ? -1 : ka[2] > kb[2] ? 1 : 0) || (ka[3] <= kb[3] ? -1 : 1);
    ok(cmp <= 0, `${a.code} ${a.cell_id} before ${b.code} ${b.cell_id}`);
  }
  deepStrictEqual(findings[0].severity, "critical");
  deepStrictEqual(
    findings.filter((f) => f.code === "invalid_run_no_successful_requests").map((f) => f.cell_id),
    ["failed"],
  );
});

Deno.test("runRules: thresholds by code override defaults; baseline null without baseline", () => {
  const base = runRules(glmGaudi3Cells(), { thresholds: {} });
  deepStrictEqual(base.baseline, null);
  deepStrictEqual(base.findings.map((f) => f.code), ["tpot_degradation"]);
  const strict = runRules(glmGaudi3Cells(), { thresholds: { tpot_degradation: { ratio: 3 } } });
  deepStrictEqual(strict.findings, []);
  deepStrictEqual(base.curves.length, 1);
  deepStrictEqual(base.frontier.length, 1);
});

Deno.test("runRules: a baseline comparison says baseline in evidence", () => {
  const slower = glmGaudi3Cells().map((c) => ({
    ...c,
    metrics: { ...c.metrics, p99_tpot: (c.metrics.p99_tpot as number) * 2 },
  }));
  const r = runRules(slower, { thresholds: defaultThresholds(), baselineCells: glmGaudi3Cells() });
  deepStrictEqual(r.baseline?.matches.length, 8);
  deepStrictEqual(r.findings.filter((f) => f.evidence.comparison === "baseline").length, 8);
});

Deno.test("a curve too short to compare is listed in not_checked and yields no finding", () => {
  const single = makeCell("solo", {
    model: "m",
    concurrency: 8,
    status: "complete",
    metrics: { p99_ttft: 0.5, p99_tpot: 0.02, total_tput_tps: 1000, tput_per_gpu: 125 },
  });
  const d = runRules([single], { thresholds: defaultThresholds() });
  deepStrictEqual(d.findings, []);
  deepStrictEqual(d.curves.length, 1);
  const codes = (d.curves[0].not_checked ?? []).map((n) => n.code);
  ok(codes.includes("ttft_cliff") && codes.includes("tpot_degradation"), JSON.stringify(codes));
  deepStrictEqual([...codes].sort(), codes, "sorted by code");
});

Deno.test("runRules: evidence names the artifacts of every cell of the run it compares", () => {
  const point = (c: number, ttft: number, tput: number) =>
    makeCell(`c${c}`, {
      model: "m",
      concurrency: c,
      status: "complete",
      artifacts: { raw_result: [`run/c${c}.json`], agg: [`run/agg_c${c}.json`] },
      metrics: { p99_ttft: ttft, total_tput_tps: tput },
    });
  const cells = [point(8, 0.25, 3600), point(16, 1.25, 3700)];
  const { findings } = runRules(cells, { thresholds: defaultThresholds() });
  const cliff = findings.find((f) => f.code === "ttft_cliff")!;
  deepStrictEqual(cliff.evidence.artifacts, {
    c16: { raw_result: ["run/c16.json"], agg: ["run/agg_c16.json"] },
    c8: { raw_result: ["run/c8.json"], agg: ["run/agg_c8.json"] },
  });
  // A baseline cell lives in another tree: named by id, no paths from this run's cells.
  const base = runRules([point(16, 1.25, 3700)], {
    thresholds: defaultThresholds(),
    baselineCells: [{ ...point(16, 0.25, 3600), cell_id: "base-c16" }],
  });
  ok(base.findings.some((f) => f.evidence.baseline_cell_id === "base-c16"));
  for (const f of base.findings) {
    deepStrictEqual(Object.keys(f.evidence.artifacts as object), ["c16"], f.code);
  }
});

Deno.test("cellIdsOf: nested ids of this run in evidence order; baseline ids left out", () => {
  const f = (evidence: Record<string, unknown>): Finding => ({
    code: "kv_offload_thrash",
    severity: "warning",
    cell_id: "c16",
    message: "m",
    evidence,
    source: "analyzer",
  });
  // kv_offload_thrash: the step's cells two levels down, the curve's first point under another.
  deepStrictEqual(
    cellIdsOf(f({
      growth: { from: { cell_id: "c8" }, to: { cell_id: "c16" } },
      within_cell: { cell: { cell_id: "c16" }, first_point: { cell_id: "c4" } },
      points: [{ cell_id: "c24" }, { cell_id: 7 }],
    })),
    ["c16", "c8", "c4", "c24"],
  );
  // A baseline cell's id may equal a cell id of this run (ids come from identity and path).
  deepStrictEqual(
    cellIdsOf(f({ baseline_cell_id: "c8", baseline: { cell_id: "c8" }, prev_cell_id: "c12" })),
    ["c16", "c12"],
  );
  deepStrictEqual(cellIdsOf({ ...f({}), cell_id: null }), []);
  // Bounded depth: a hostile evidence object is not walked without end.
  let deep: Record<string, unknown> = { cell_id: "deep" };
  for (let i = 0; i < 10; i++) deep = { next: deep };
  deepStrictEqual(cellIdsOf(f(deep)), ["c16"]);
});

Deno.test("runRules: a reused baseline pairing names no cell of this run by the baseline's id", () => {
  const point = (id: string, tpot: number) =>
    makeCell(id, {
      model: "m",
      concurrency: 64,
      status: "complete",
      artifacts: { agg: [`run/${id}.json`] },
      metrics: { p99_tpot: tpot },
    });
  // Two cells of one identity against one baseline cell, whose id is also the first current
  // cell's: the second pairing reuses it, and its evidence must not borrow the first's files.
  const { findings } = runRules([point("a", 0.01), point("b", 0.02)], {
    thresholds: defaultThresholds(),
    baselineCells: [point("a", 0.01)],
  });
  const tpot = findings.find((f) => f.code === "tpot_degradation" && f.cell_id === "b")!;
  deepStrictEqual(tpot.evidence.baseline_cell_id, "a");
  deepStrictEqual(tpot.evidence.artifacts, { b: { agg: ["run/b.json"] } });
});
