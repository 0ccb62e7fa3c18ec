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
  // The per-request data outranks an AgentX aggregate: the cell holds the measured 10.
  const measuredCell = new Map([["run:x", makeCell("cell-x", { metrics: { p99_ttft: 10 } })]]);
  const [f] = crossCheckAggregates([raw(10), agg(9.8)], measuredCell);
  assert.equal(f.code, "aggregate_mismatch");
  assert.equal(f.severity, "warning");
  assert.equal(f.cell_id, "cell-x");
  assert.equal(
    f.message,
    '"bmk/agg.json" disagrees with the measured data on 1 field (p99_ttft: aggregate 9.8 vs measured 10); the cell keeps the measured values',
  );
  assert.deepEqual(f.evidence, {
    aggregate: "bmk/agg.json",
    tolerance_relative: RELATIVE_TOLERANCE,
    fields: {
      p99_ttft: {
        raw: 10,
        aggregate: 9.8,
        raw_artifact: "run/trace_replay/detailed_results.csv",
        used: "measured",
      },
    },
  });
  // Another record's value, or none (an impossible value left out): neither is claimed.
  const [other] = crossCheckAggregates([raw(10), agg(9.8)], cells);
  assert.equal((other.evidence.fields as Record<string, { used: string }>).p99_ttft.used, "other");
  assert.match(other.message, /the cell keeps the measured value for 0 of them/);
});

Deno.test("crossCheckAggregates: a fixed-seq cell keeps its agg, and the message says so", () => {
  // SPEC §2: the agg is the primary record of an InferenceX cell; the raw result ranks below it.
  const fsRecord = (kind: CellRecord["kind"], artifact: string, metrics: Partial<Metrics>) => ({
    ...record(kind, artifact, metrics),
    source_format: "inferencex-static" as const,
    priority: kind === "agg" ? 25 : 20,
  });
  const cell = makeCell("fs", {
    metrics: { p99_ttft: 17.388, num_gpus: 8, total_tput_tps: 1257, tput_per_gpu: 235.7 },
  });
  const [f] = crossCheckAggregates([
    fsRecord("raw_result", "run/c32.json", { p99_ttft: 14.49, total_tput_tps: 1257 }),
    fsRecord("agg", "run/agg_c32.json", { p99_ttft: 17.388, tput_per_gpu: 235.7 }),
  ], new Map([["run:x", cell]]));
  assert.equal(
    f.message,
    '"run/agg_c32.json" disagrees with the measured data on 2 fields (p99_ttft: aggregate 17.388 vs measured 14.49); the cell keeps the aggregate\'s values (its primary record)',
  );
  // Per-GPU throughput against the raw total divided as InferenceX divides it (1257 / 8).
  assert.deepEqual((f.evidence.fields as Record<string, unknown>).tput_per_gpu, {
    raw: 1257 / 8,
    aggregate: 235.7,
    raw_artifact: "run/c32.json",
    raw_total: 1257,
    divisor: 8,
    used: "aggregate",
  });
  // Within rounding of the raw total, and without a GPU count, nothing is said about it.
  const quiet = (perGpu: number, gpus: number | null) =>
    crossCheckAggregates([
      fsRecord("raw_result", "run/c32.json", { total_tput_tps: 1257 }),
      fsRecord("agg", "run/agg_c32.json", { tput_per_gpu: perGpu }),
    ], new Map([["run:x", makeCell("fs", { metrics: { num_gpus: gpus } })]]));
  assert.deepEqual(quiet(157.2, 8), []);
  assert.deepEqual(quiet(235.7, null), []);
  assert.equal(quiet(235.7, 8).length, 1);
  assert.match(
    quiet(235.7, 8)[0].message,
    /tput_per_gpu: aggregate 235\.7 vs measured 157\.125 = 1257 ÷ 8 GPUs/,
  );
});

Deno.test("crossCheckAggregates: per-GPU input throughput against the raw input total ÷ P", () => {
  // A disaggregated cell of 4 prefill and 12 decode GPUs (InferenceX: input ÷ P, output ÷ D).
  const mnRecord = (kind: CellRecord["kind"], artifact: string, metrics: Partial<Metrics>) => ({
    ...record(kind, artifact, metrics),
    source_format: "inferencex-static" as const,
    priority: kind === "agg" ? 25 : 20,
  });
  const cell = makeCell("mn", {
    is_multinode: true,
    metrics: { num_prefill_gpu: 4, num_decode_gpu: 12, input_tput_per_gpu: 1725.58 / 16 },
  });
  const check = (inputPerGpu: number) =>
    crossCheckAggregates([
      mnRecord("raw_result", "run/c16.json", {
        total_tput_tps: 3451.16,
        output_tput_tps: 1725.58,
        input_tput_tps: 1725.58,
      }),
      mnRecord("agg", "run/agg_c16.json", { input_tput_per_gpu: inputPerGpu }),
    ], new Map([["run:x", cell]]));
  assert.deepEqual(check(1725.58 / 4), []);
  const [f] = check(1725.58 / 16);
  assert.deepEqual((f.evidence.fields as Record<string, unknown>).input_tput_per_gpu, {
    raw: 1725.58 / 4,
    aggregate: 1725.58 / 16,
    raw_artifact: "run/c16.json",
    raw_total: 1725.58,
    divisor: 4,
    used: "aggregate",
  });
  // An aggregate stating the input total is compared on the total (AgentX aggregates state both).
  const [total] = crossCheckAggregates([
    mnRecord("raw_result", "run/c16.json", { input_tput_tps: 1725.58 }),
    mnRecord("agg", "run/agg_c16.json", { input_tput_tps: 1725.58 * 2 }),
  ], new Map([["run:x", cell]]));
  assert.deepEqual(Object.keys(total.evidence.fields as object), ["input_tput_tps"]);
});

Deno.test("crossCheckAggregates: a per-GPU figure is checked even when the aggregate states its total", () => {
  // Every real AgentX aggregate states both. Its total agrees here; its per-GPU figure does not.
  const cell = makeCell("ax", { metrics: { num_gpus: 4, tput_per_gpu: 1955.96 / 4 } });
  const check = (aggMetrics: Partial<Metrics>) =>
    crossCheckAggregates([
      record("detailed_results", "run/detailed_results.csv", { total_tput_tps: 1955.96 }),
      record("agentx_agg", "bmk/agg.json", aggMetrics),
    ], new Map([["run:x", cell]]));
  assert.deepEqual(check({ total_tput_tps: 1955.96, tput_per_gpu: 1955.96 / 4 }), []);
  const [f] = check({ total_tput_tps: 1955.96, tput_per_gpu: 600 });
  assert.deepEqual(Object.keys(f.evidence.fields as object), ["tput_per_gpu"]);
  assert.match(f.message, /tput_per_gpu: aggregate 600 vs measured 488\.99 = 1955\.96 ÷ 4 GPUs/);
  assert.match(f.message, /the cell keeps the measured values/);
  // Per-request data without input counts: its input is total − output (1955.96 − 55.96).
  const [input] = crossCheckAggregates([
    record("detailed_results", "run/detailed_results.csv", {
      total_tput_tps: 1955.96,
      output_tput_tps: 55.96,
    }),
    record("agentx_agg", "bmk/agg.json", { input_tput_per_gpu: 570 }),
  ], new Map([["run:x", cell]]));
  assert.deepEqual(
    (input.evidence.fields as Record<string, { raw_total: number }>)
      .input_tput_per_gpu.raw_total,
    1955.96 - 55.96,
  );
  // A total that disagrees is named once: the per-GPU figure that follows from it adds nothing.
  const total = check({ total_tput_tps: 2400, tput_per_gpu: 600 });
  assert.deepEqual(Object.keys(total[0].evidence.fields as object), ["total_tput_tps"]);
  // One that does not follow from it (a wrong divisor) is named too.
  const both = check({ total_tput_tps: 2400, tput_per_gpu: 300 });
  assert.deepEqual(Object.keys(both[0].evidence.fields as object), [
    "total_tput_tps",
    "tput_per_gpu",
  ]);
});

Deno.test("crossCheckAggregates: nothing to compare without both a raw record and an aggregate", () => {
  assert.deepEqual(crossCheckAggregates([agg(1)], cells), []);
  assert.deepEqual(crossCheckAggregates([raw(1)], cells), []);
});
