import { deepStrictEqual } from "node:assert/strict";
import type { Cell, Finding } from "../lib/types.ts";
import { contextOf, curveCell } from "./_context.ts";
import { invalidRunNoSuccessfulRequests } from "./invalid_run_no_successful_requests.ts";

function run(cells: Cell[]): Finding[] {
  return invalidRunNoSuccessfulRequests.check(contextOf(cells), {});
}

function f(message: string, evidence: Record<string, unknown>): Finding {
  return {
    code: "invalid_run_no_successful_requests",
    severity: "critical",
    cell_id: "a",
    message,
    source: "analyzer",
    evidence,
  };
}

Deno.test("invalid_run_no_successful_requests: table", async (t) => {
  const cases: { name: string; cells: Cell[]; expected: Finding[] }[] = [
    {
      name: "quiet: one success is enough (threshold edge)",
      cells: [curveCell("a", 4, { num_requests_total: 640, num_requests_successful: 1 })],
      expected: [],
    },
    {
      name: "quiet: zero of zero is not a run",
      cells: [curveCell("a", 4, { num_requests_total: 0, num_requests_successful: 0 })],
      expected: [],
    },
    {
      name: "fires: 0 of 640 (real minimaxm2.5 8k1k conc 64 raw file)",
      cells: [
        curveCell(
          "a",
          64,
          { num_requests_total: 640, num_requests_successful: 0, success_rate: 0 },
          { status: "failed" },
        ),
      ],
      expected: [f("None of the 640 requests succeeded", {
        status: "failed",
        num_requests_total: 640,
        num_requests_successful: 0,
        success_rate: 0,
      })],
    },
    {
      name: "fires: status failed",
      cells: [curveCell("a", 64, {}, { status: "failed" })],
      expected: [f("The cell is marked failed", {
        status: "failed",
        num_requests_total: null,
        num_requests_successful: null,
        success_rate: null,
      })],
    },
    {
      name: "fires: status failed with counts",
      cells: [
        curveCell("a", 64, { num_requests_total: 100, num_requests_successful: 90 }, {
          status: "failed",
        }),
      ],
      expected: [f("The cell is marked failed with 90 of 100 requests successful", {
        status: "failed",
        num_requests_total: 100,
        num_requests_successful: 90,
        success_rate: null,
      })],
    },
  ];
  for (const c of cases) await t.step(c.name, () => deepStrictEqual(run(c.cells), c.expected));
});
