import { deepStrictEqual } from "node:assert/strict";
import { buildCurves } from "../lib/curves.ts";
import type { Cell, Finding } from "../lib/types.ts";
import { contextOf, curveCell } from "./_context.ts";
import { kvtesterCells } from "./_real_fixtures.ts";
import { kvOffloadThrash } from "./kv_offload_thrash.ts";

const THRESHOLDS = { growth_ratio: 1.5, ttft_ratio: 1.5, reload_fraction: 0.5 };

function run(cells: Cell[]): Finding[] {
  return kvOffloadThrash.check(contextOf(cells), { ...kvOffloadThrash.defaults });
}

function c(id: string, conc: number, ttft: number, out: number | null, back: number | null): Cell {
  return curveCell(id, conc, {
    p99_ttft: ttft,
    kv_offload_bytes_gpu_to_cpu: out,
    kv_offload_bytes_cpu_to_gpu: back,
  });
}

function side(cell: Cell) {
  return {
    cell_id: cell.cell_id,
    concurrency: cell.concurrency,
    p99_ttft: cell.metrics.p99_ttft,
    kv_offload_bytes_gpu_to_cpu: cell.metrics.kv_offload_bytes_gpu_to_cpu,
    kv_offload_bytes_cpu_to_gpu: cell.metrics.kv_offload_bytes_cpu_to_gpu,
  };
}

Deno.test("kv_offload_thrash: table", async (t) => {
  const cases: { name: string; cells: Cell[]; expected: (cells: Cell[]) => Finding[] }[] = [
    {
      name: "quiet: offload bytes are 0 (as in every real kv-cache-tester CSV)",
      cells: [c("a", 4, 1, 0, 0), c("b", 8, 5, 0, 0)],
      expected: () => [],
    },
    {
      name: "quiet: bytes grow but TTFT does not; reloads are 10 %",
      cells: [c("a", 4, 1, 100, 10), c("b", 8, 1.2, 1000, 100)],
      expected: () => [],
    },
    {
      name: "fires: both directions ×2, TTFT ×2 (and reloads 50 % vs first point ×2)",
      cells: [c("a", 4, 1, 100, 50), c("b", 8, 2, 200, 100)],
      expected: (cells) => [{
        code: "kv_offload_thrash",
        severity: "warning",
        cell_id: "b",
        message: "KV offload bytes grow 2.00× GPU→CPU and 2.00× CPU→GPU from concurrency 4 to 8 " +
          "while p99 TTFT rises 2.00×",
        source: "analyzer",
        evidence: {
          curve_id: buildCurves(cells)[0].curve_id,
          growth: {
            from: side(cells[0]),
            to: side(cells[1]),
            gpu_to_cpu_ratio: 2,
            cpu_to_gpu_ratio: 2,
            ttft_ratio: 2,
          },
          within_cell: {
            cell: side(cells[1]),
            reload_fraction: 0.5,
            first_point: { cell_id: "a", concurrency: 4, p99_ttft: 1 },
            ttft_ratio_vs_first: 2,
          },
          thresholds: THRESHOLDS,
        },
      }],
    },
    {
      name: "at threshold: growth exactly 1.5× with TTFT exactly 1.5×; reloads 40 % only",
      cells: [c("a", 4, 2, 100, 40), c("b", 8, 3, 150, 60)],
      expected: (cells) => [{
        code: "kv_offload_thrash",
        severity: "warning",
        cell_id: "b",
        message: "KV offload bytes grow 1.50× GPU→CPU and 1.50× CPU→GPU from concurrency 4 to 8 " +
          "while p99 TTFT rises 1.50×",
        source: "analyzer",
        evidence: {
          curve_id: buildCurves(cells)[0].curve_id,
          growth: {
            from: side(cells[0]),
            to: side(cells[1]),
            gpu_to_cpu_ratio: 1.5,
            cpu_to_gpu_ratio: 1.5,
            ttft_ratio: 1.5,
          },
          within_cell: null,
          thresholds: THRESHOLDS,
        },
      }],
    },
    {
      name: "within one cell: reloads exactly 50 % with TTFT 3× the first point",
      cells: [c("a", 4, 1, null, null), c("b", 8, 3, 1000, 500)],
      expected: (cells) => [{
        code: "kv_offload_thrash",
        severity: "warning",
        cell_id: "b",
        message: "CPU→GPU offload bytes are 50.0 % of GPU→CPU bytes while p99 TTFT is 3.00× the " +
          "curve's first point (concurrency 4)",
        source: "analyzer",
        evidence: {
          curve_id: buildCurves(cells)[0].curve_id,
          growth: null,
          within_cell: {
            cell: side(cells[1]),
            reload_fraction: 0.5,
            first_point: { cell_id: "a", concurrency: 4, p99_ttft: 1 },
            ttft_ratio_vs_first: 3,
          },
          thresholds: THRESHOLDS,
        },
      }],
    },
  ];
  for (const x of cases) {
    await t.step(x.name, () => deepStrictEqual(run(x.cells), x.expected(x.cells)));
  }
});

Deno.test("kv_offload_thrash: a single offloading point says the curve is too short", () => {
  deepStrictEqual(
    run([c("a", 4, 1, 100, 90)]).map((f) => [f.severity, f.evidence.reason]),
    [["info", "too_few_points"]],
  );
});

Deno.test("kv_offload_thrash: real kv-cache-tester sweep has no offload byte counts", () => {
  // Every gen-1 server CSV reports kv_offload_bytes_* = 0 (the fixtures leave them null).
  deepStrictEqual(run(kvtesterCells()), []);
  const zeroed = kvtesterCells().map((cell) => ({
    ...cell,
    metrics: { ...cell.metrics, kv_offload_bytes_gpu_to_cpu: 0, kv_offload_bytes_cpu_to_gpu: 0 },
  }));
  deepStrictEqual(run(zeroed), []);
});
