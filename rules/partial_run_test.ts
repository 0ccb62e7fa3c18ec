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

Deno.test("partial_run: a run with request accounting is counted without its warm-up records", () => {
  // Real AgentX v1 conc-48 shape: 906 profiled, 1 failed, 711 warm-up records in the total.
  const c = cell("v1", 1618, 906, 906 / 907);
  c.notes.request_accounting = {
    records_profiled: 906,
    records_dropped_total: 712,
    records_warmup_dropped: 711,
  };
  const [f] = partialRun.check(contextOf([c]), { min_success_rate: 0.9995 });
  deepStrictEqual(
    f.message,
    "906 of 907 requests succeeded, 711 warm-up records not counted (success rate 0.999 < 0.9995)",
  );
  // Without the accounting the cell's own counts are the basis.
  const plain = cell("p", 1000, 999, 0.999);
  deepStrictEqual(
    partialRun.check(contextOf([plain]), { min_success_rate: 0.9995 })[0].message,
    "999 of 1000 requests succeeded (success rate 0.999 < 0.9995)",
  );
  // A limit is printed as given, however many digits it has.
  deepStrictEqual(
    partialRun.check(contextOf([cell("r", 1e7, 9999990, 0.999999)]), {
      min_success_rate: 0.9999995,
    })[0].message,
    "9999990 of 10000000 requests succeeded (success rate 0.999999 < 0.9999995)",
  );
  // A rate that rounds to the limit gets the digits that tell them apart.
  deepStrictEqual(
    partialRun.check(contextOf([cell("q", 100000, 94999, 0.94999)]), { min_success_rate: 0.95 })[0]
      .message,
    "94999 of 100000 requests succeeded (success rate 0.94999 < 0.95)",
  );
});
