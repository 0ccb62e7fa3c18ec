import assert from "node:assert/strict";
import { makeCell } from "./cell.ts";
import { crossCheckAggregates, RELATIVE_TOLERANCE } from "./crosscheck.ts";
import { NumberPacker, numbersOf } from "./packed.ts";
import type { Cell, CellRecord, Metrics } from "./types.ts";

function record(kind: CellRecord["kind"], artifact: string, metrics: Partial<Metrics>): CellRecord {
  return {
    group_key: "run:x",
    artifact,
    kind,
    source_format: "agentx-trace-replay",
    priority: kind === "agentx_agg" ? 20 : 30,
    identity: {},
    metrics,
    primary: true,
  };
}

const cells = new Map<string, Cell>([["run:x", makeCell("cell-x")]]);
const raw = (ttft: number) =>
  record("detailed_results", "run/trace_replay/detailed_results.csv", { p99_ttft: ttft });
const agg = (ttft: number) => record("agentx_agg", "bmk/agg.json", { p99_ttft: ttft });

Deno.test("crossCheckAggregates: table of quiet, boundary and firing cases", () => {
  const cases: { name: string; rawTtft: number; aggTtft: number; fires: boolean }[] = [
    { name: "equal", rawTtft: 10, aggTtft: 10, fires: false },
    { name: "rounded to 5 dp", rawTtft: 10.000004, aggTtft: 10, fires: false },
    { name: "exactly at 1 %", rawTtft: 10, aggTtft: 10 * (1 - RELATIVE_TOLERANCE), fires: false },
    { name: "beyond 1 %", rawTtft: 10, aggTtft: 9.8, fires: true },
  ];
  const packer = new NumberPacker();
  const packed = (r: CellRecord): CellRecord => ({
    ...r,
    metrics: packer.pack(numbersOf(r.metrics))!,
  });
  for (const c of cases) {
    const found = crossCheckAggregates([raw(c.rawTtft), agg(c.aggTtft)], cells);
    assert.equal(found.length, c.fires ? 1 : 0, c.name);
    // Loading packs the numbers of drafts: the same comparison either way.
    const records = [packed(raw(c.rawTtft)), packed(agg(c.aggTtft))];
    assert.deepEqual(crossCheckAggregates(records, cells), found, `${c.name}, packed`);
  }
});

Deno.test("crossCheckAggregates: the finding names the aggregate, both numbers and the raw file", () => {
  const [f] = crossCheckAggregates([raw(10), agg(9.8)], cells);
  assert.equal(f.code, "aggregate_mismatch");
  assert.equal(f.severity, "warning");
  assert.equal(f.cell_id, "cell-x");
  assert.equal(
    f.message,
    '"bmk/agg.json" disagrees with the measured data on 1 field (p99_ttft: aggregate 9.8 vs measured 10); the measured values are used',
  );
  assert.deepEqual(f.evidence, {
    aggregate: "bmk/agg.json",
    tolerance_relative: RELATIVE_TOLERANCE,
    fields: {
      p99_ttft: {
        raw: 10,
        aggregate: 9.8,
        raw_artifact: "run/trace_replay/detailed_results.csv",
      },
    },
  });
});

Deno.test("crossCheckAggregates: nothing to compare without both a raw record and an aggregate", () => {
  assert.deepEqual(crossCheckAggregates([agg(1)], cells), []);
  assert.deepEqual(crossCheckAggregates([raw(1)], cells), []);
});
