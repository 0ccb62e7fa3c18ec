import assert from "node:assert/strict";
import type { Curve, CurvePoint } from "../lib/curves.ts";
import type { CellStatus } from "../lib/types.ts";
import { curveView, nextWithTtft } from "./_curve_view.ts";

function p(
  concurrency: number,
  tput: number | null,
  ttft: number | null,
  tpot: number | null,
  status: CellStatus = "complete",
  suffix = "",
  total?: number | null,
): CurvePoint {
  return {
    cell_id: `c${concurrency}${suffix}`,
    concurrency,
    tput_per_gpu: tput,
    total_tput_tps: total === undefined ? (tput === null ? null : tput * 8) : total,
    p99_ttft: ttft,
    p99_tpot: tpot,
    p99_e2el: null,
    intvty: null,
    status,
  };
}

function curve(points: CurvePoint[]): Curve {
  return { curve_id: "k", key: {}, points, duplicates: [] };
}

const rates: Record<string, number> = { c16: 0.5, c32: 0.97 };
const opts = { successRate: (id: string) => rates[id] ?? null, minSuccessRate: 0.95 };

Deno.test("curveView: trustworthy points, one per concurrency, and what they show", () => {
  const v = curveView(
    curve([
      p(4, 100, 1, 0.01),
      p(8, 200, 2, 0.02),
      p(8, 260, 2, 0.02, "complete", "b"),
      p(8, 220, 2, 0.02, "complete", "c"),
      p(16, 10, 100, 1, "partial"), // success 0.5: left out
      p(32, 300, 3, 0.03, "partial"), // success 0.97: kept
      p(64, null, null, null, "failed"),
    ]),
    opts,
  );
  assert.deepEqual(v.concurrencies, [4, 8, 16, 32, 64]);
  assert.deepEqual(v.repeats, [{ concurrency: 8, runs: 3 }]);
  assert.deepEqual(v.used.map((x) => x.cell_id), ["c4", "c8c", "c32"]); // c8c: median of 200/220/260
  assert.deepEqual(v.leftOut.map((l) => [l.point.cell_id, l.reason]), [
    ["c16", "partial, success 0.5"],
    ["c64", "failed"],
  ]);
  assert.equal(v.metric, "tput_per_gpu");
  assert.deepEqual(v.noThroughput.map((x) => x.cell_id), ["c64"]);
  assert.deepEqual(v.noLatency.map((x) => x.cell_id), ["c64"]);
  assert.equal(v.peak?.to.cell_id, "c32");
  assert.deepEqual([v.lastStep?.from.cell_id, v.lastStep?.to.cell_id], ["c8c", "c32"]);
  assert.deepEqual([v.latency?.ttft.fromValue, v.latency?.ttft.toValue], [1, 3]);
});

Deno.test("curveView: the throughput metric is one every used point has", () => {
  const cases: { name: string; points: CurvePoint[]; want: string | null }[] = [
    { name: "per GPU everywhere", points: [p(4, 1, 1, 1), p(8, 2, 1, 1)], want: "tput_per_gpu" },
    {
      name: "one point lacks per GPU",
      points: [p(4, 1, 1, 1), p(8, null, 1, 1, "complete", "", 16)],
      want: "total_tput_tps",
    },
    { name: "no throughput", points: [p(4, null, 1, 1), p(8, null, 1, 1)], want: null },
  ];
  for (const c of cases) assert.equal(curveView(curve(c.points), opts).metric, c.want, c.name);
});

Deno.test("curveView: no p99 anywhere is not a per-point gap", () => {
  const v = curveView(curve([p(4, 1, null, null), p(8, 2, null, null)]), opts);
  assert.equal(v.p99Available, false);
  assert.deepEqual(v.noLatency, []);
  assert.equal(v.latency, null);
});

Deno.test("nextWithTtft: every usable run at the next higher concurrency with one", () => {
  const next = nextWithTtft(curve([
    p(4, 1, 1, 1),
    p(8, 1, 1, 1),
    p(8, 1, 1, 1, "complete", "b"),
    p(12, 1, null, 1), // no TTFT: skipped
    p(16, 1, 5, 1, "failed"), // failed: skipped
    p(32, 1, 2, 1),
    p(32, 1, 3, 1, "partial", "b"), // partial, not failed: counts
    p(32, 1, 9, 1, "failed", "c"), // failed: not among the runs
    p(64, 1, 2, 1),
  ]));
  assert.deepEqual(
    [...next.entries()].map(([id, runs]) => [id, runs.map((q) => q.cell_id).join(" ")]).sort(),
    [
      ["c12", "c32 c32b"],
      ["c16", "c32 c32b"],
      ["c32", "c64"],
      ["c32b", "c64"],
      ["c32c", "c64"],
      ["c4", "c8 c8b"],
      ["c8", "c32 c32b"],
      ["c8b", "c32 c32b"],
    ],
  );
  // The top concurrency has no next runs.
  assert.equal(next.has("c64"), false);
});
