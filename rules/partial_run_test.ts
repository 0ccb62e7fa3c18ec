import { deepStrictEqual } from "node:assert/strict";
import type { Cell, Finding } from "../lib/types.ts";
import { contextOf, curveCell } from "./_context.ts";
import { kvtesterCells } from "./_real_fixtures.ts";
import { partialRun } from "./partial_run.ts";

function run(cells: Cell[]): Finding[] {
  return partialRun.check(contextOf(cells), { ...partialRun.defaults });
}

function cell(
  id: string,
  total: number | null,
  ok: number | null,
  rate: number | null = null,
): Cell {
  return curveCell(id, null, {
    num_requests_total: total,
    num_requests_successful: ok,
    success_rate: rate,
  });
}

Deno.test("partial_run: table", async (t) => {
  const cases: { name: string; cells: Cell[]; expected: Finding[] }[] = [
    { name: "quiet: all succeeded", cells: [cell("a", 100, 100, 1)], expected: [] },
    {
      name: "quiet: zero successes is the invalid-run rule's",
      cells: [cell("a", 100, 0, 0)],
      expected: [],
    },
    { name: "quiet: nothing known", cells: [cell("a", null, null)], expected: [] },
    {
      name: "at threshold: exactly 0.95 is quiet",
      cells: [cell("a", 100, 95, 0.95)],
      expected: [],
    },
    {
      name: "fires: 57 of 66 (real kv-cache-tester 2 users, offload off)",
      cells: [cell("a", 66, 57, 57 / 66)],
      expected: [{
        code: "partial_run",
        severity: "warning",
        cell_id: "a",
        message: "57 of 66 requests succeeded (success rate 0.864 < 0.95)",
        source: "analyzer",
        evidence: {
          success_rate: 57 / 66,
          success_rate_source: "metric",
          num_requests_total: 66,
          num_requests_successful: 57,
          thresholds: { min_success_rate: 0.95 },
        },
      }],
    },
    {
      name: "fires: rate derived from counts",
      cells: [cell("a", 1749, 663)],
      expected: [{
        code: "partial_run",
        severity: "warning",
        cell_id: "a",
        message: "663 of 1749 requests succeeded (success rate 0.379 < 0.95)",
        source: "analyzer",
        evidence: {
          success_rate: 663 / 1749,
          success_rate_source: "derived",
          num_requests_total: 1749,
          num_requests_successful: 663,
          thresholds: { min_success_rate: 0.95 },
        },
      }],
    },
    {
      name: "fires: rate without counts",
      cells: [cell("a", null, null, 0.9)],
      expected: [{
        code: "partial_run",
        severity: "warning",
        cell_id: "a",
        message: "Success rate 0.9 is below 0.95",
        source: "analyzer",
        evidence: {
          success_rate: 0.9,
          success_rate_source: "metric",
          num_requests_total: null,
          num_requests_successful: null,
          thresholds: { min_success_rate: 0.95 },
        },
      }],
    },
  ];
  for (const c of cases) await t.step(c.name, () => deepStrictEqual(run(c.cells), c.expected));
});

Deno.test("partial_run: real kv-cache-tester sweep", () => {
  // num_requests_successful / num_requests_total from the gen-1 aggs: 57/66, 53/65, 152/271,
  // 82/519 (off) and 150/284, 44/537 (on) are below 0.95; 143/145 and 141/144 are not.
  deepStrictEqual(run(kvtesterCells()).map((f) => f.cell_id), [
    "kv-off-u2",
    "kv-off-u32",
    "kv-off-u128",
    "kv-off-u256",
    "kv-on-u128",
    "kv-on-u256",
  ]);
});
