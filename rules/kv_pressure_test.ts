import { deepStrictEqual } from "node:assert/strict";
import type { Cell, Finding } from "../lib/types.ts";
import { contextOf, curveCell } from "./_context.ts";
import { kvtesterCells } from "./_real_fixtures.ts";
import { kvPressure } from "./kv_pressure.ts";

const THRESHOLDS = { gpu_kv_usage_p95: 0.9, cpu_kv_usage_p95: 0.9, min_preemptions: 1 };

function run(cells: Cell[]): Finding[] {
  return kvPressure.check(contextOf(cells), { ...kvPressure.defaults });
}

function evidence(over: Record<string, unknown>): Record<string, unknown> {
  return {
    gpu_kv_usage: null,
    gpu_kv_usage_source: null,
    cpu_kv_usage_p95: null,
    num_preemptions: null,
    kv_offload_bytes_gpu_to_cpu: null,
    kv_offload_bytes_cpu_to_gpu: null,
    previous_point: null,
    thresholds: THRESHOLDS,
    ...over,
  };
}

function f(cellId: string, message: string, ev: Record<string, unknown>): Finding {
  return {
    code: "kv_pressure",
    severity: "warning",
    cell_id: cellId,
    message,
    source: "analyzer",
    evidence: evidence(ev),
  };
}

Deno.test("kv_pressure: table", async (t) => {
  const cases: { name: string; cells: Cell[]; expected: Finding[] }[] = [
    {
      name: "quiet: usage 0.7, no preemptions",
      cells: [
        curveCell("a", 4, { gpu_kv_usage_p95: 0.7, cpu_kv_usage_p95: 0, num_preemptions: 0 }),
      ],
      expected: [],
    },
    {
      name: "quiet: nothing measured",
      cells: [curveCell("a", 4, {})],
      expected: [],
    },
    {
      name: "fires: GPU p95 0.95 and preemptions, with the previous point",
      cells: [
        curveCell("a", 4, { gpu_kv_usage_p95: 0.5, num_preemptions: 0 }),
        curveCell("b", 8, {
          gpu_kv_usage_p95: 0.95,
          num_preemptions: 3,
          kv_offload_bytes_gpu_to_cpu: 0,
        }),
      ],
      expected: [f("b", "KV pressure: GPU KV usage p95 0.95 ≥ 0.9, 3 preemptions during the run", {
        gpu_kv_usage: 0.95,
        gpu_kv_usage_source: "p95",
        num_preemptions: 3,
        kv_offload_bytes_gpu_to_cpu: 0,
        previous_point: {
          cell_id: "a",
          concurrency: 4,
          gpu_kv_usage: 0.5,
          gpu_kv_usage_source: "p95",
          num_preemptions: 0,
        },
      })],
    },
    {
      name: "at threshold: GPU p95 exactly 0.9 fires; uses the max when p95 is missing",
      cells: [
        curveCell("a", null, { gpu_kv_usage_p95: 0.9 }),
        curveCell("b", null, {}, { notes: { gpu_kv_usage_max: 0.9 } }),
        curveCell("c", null, { gpu_kv_usage_p95: 0.8999 }, { notes: { gpu_kv_usage_max: 1 } }),
      ],
      expected: [
        f("a", "KV pressure: GPU KV usage p95 0.9 ≥ 0.9", {
          gpu_kv_usage: 0.9,
          gpu_kv_usage_source: "p95",
        }),
        f("b", "KV pressure: GPU KV usage max 0.9 ≥ 0.9", {
          gpu_kv_usage: 0.9,
          gpu_kv_usage_source: "max",
        }),
      ],
    },
    {
      name: "at threshold: CPU p95 exactly 0.9 and exactly 1 preemption fire",
      cells: [curveCell("a", null, { cpu_kv_usage_p95: 0.9, num_preemptions: 1 })],
      expected: [f("a", "KV pressure: CPU KV usage p95 0.9 ≥ 0.9, 1 preemptions during the run", {
        cpu_kv_usage_p95: 0.9,
        num_preemptions: 1,
      })],
    },
  ];
  for (const c of cases) await t.step(c.name, () => deepStrictEqual(run(c.cells), c.expected));
});

Deno.test("kv_pressure: real kv-cache-tester KV cliff starts at 24 users", () => {
  // Server CSV kv_cache_usage_pct p95: 16 users 0.6836 (off) / 0.6457 (on), no preemptions;
  // 24 users 0.9939 with 4 preemptions (off) / 0.9966 with 9 (on); saturated up to 256.
  const findings = run(kvtesterCells());
  const fired = findings.map((x) => x.cell_id);
  deepStrictEqual(fired, [
    "kv-off-u24",
    "kv-off-u32",
    "kv-off-u48",
    "kv-off-u64",
    "kv-off-u128",
    "kv-off-u256",
    "kv-on-u24",
    "kv-on-u32",
    "kv-on-u48",
    "kv-on-u64",
    "kv-on-u128",
    "kv-on-u256",
  ]);
  const on24 = findings.find((x) => x.cell_id === "kv-on-u24")!;
  deepStrictEqual(
    on24.message,
    "KV pressure: GPU KV usage p95 0.997 ≥ 0.9, 9 preemptions during the run",
  );
  deepStrictEqual(on24.evidence.previous_point, {
    cell_id: "kv-on-u16",
    concurrency: 16,
    gpu_kv_usage: 0.6457,
    gpu_kv_usage_source: "p95",
    num_preemptions: 0,
  });
});

Deno.test("kv_pressure: with re-runs, the previous point is the first cell of the level below", () => {
  const pressed = { gpu_kv_usage_p95: 0.95 };
  const findings = run([
    curveCell("a1", 4, { gpu_kv_usage_p95: 0.5 }),
    curveCell("a2", 4, { gpu_kv_usage_p95: 0.6 }),
    curveCell("b1", 8, pressed),
    curveCell("b2", 8, pressed),
    curveCell("c1", 16, pressed),
  ]);
  deepStrictEqual(
    findings.map((x) => [x.cell_id, (x.evidence.previous_point as { cell_id: string }).cell_id]),
    [["b1", "a1"], ["b2", "a1"], ["c1", "b1"]],
  );
});
