import assert from "node:assert/strict";
import { makeCell } from "./cell.ts";
import { joinEvalCells } from "./eval_join.ts";

const identity = {
  model: "dsr1",
  hardware: "b200",
  framework: "sglang",
  precision: "fp4",
  spec_decoding: "none",
  dp_attention: false,
  concurrency: 64,
};

Deno.test("an eval row joins the one benchmark cell with its identity (hardware case-insensitive)", () => {
  const bench = makeCell("bench", {
    ...identity,
    source_format: "inferencex-static",
    metrics: { tp: 4, ep: 4 },
  });
  const ev = makeCell("ev", {
    ...identity,
    hardware: "B200",
    source_format: "eval",
    metrics: { tp: 4, ep: 4 },
    eval: { gsm8k: { em_strict: { value: 0.95, stderr: 0.006 } } },
    artifacts: { eval_collection: ["evals/all.json"] },
  });
  const input = Object.freeze([bench, ev]);
  const { cells, joined } = joinEvalCells(input);
  assert.deepEqual(cells.map((c) => c.cell_id), ["bench"]);
  assert.deepEqual(cells[0].eval, { gsm8k: { em_strict: { value: 0.95, stderr: 0.006 } } });
  assert.deepEqual(cells[0].artifacts.eval_collection, ["evals/all.json"]);
  assert.equal(joined.get("ev"), "bench");
  assert.equal(cells[0].source_format, "mixed");
  assert.equal(bench.eval, null, "input not mutated");
});

Deno.test("an eval row stays its own cell when no benchmark cell, or several, match", () => {
  const ev = makeCell("ev", {
    ...identity,
    source_format: "eval",
    metrics: { tp: 4, ep: 4 },
    eval: { gsm8k: { em_strict: { value: 0.9, stderr: null } } },
  });
  const other = makeCell("b1", {
    ...identity,
    concurrency: 32,
    source_format: "inferencex-static",
    metrics: { tp: 4, ep: 4 },
  });
  assert.deepEqual(joinEvalCells([other, ev]).cells.map((c) => c.cell_id), ["b1", "ev"]);
  const twin1 = makeCell("t1", {
    ...identity,
    source_format: "inferencex-static",
    metrics: { tp: 4, ep: 4 },
  });
  const twin2 = makeCell("t2", {
    ...identity,
    source_format: "inferencex-static",
    metrics: { tp: 4, ep: 4 },
  });
  assert.deepEqual(joinEvalCells([twin1, twin2, ev]).cells.map((c) => c.cell_id), [
    "t1",
    "t2",
    "ev",
  ]);
});

Deno.test("a joined eval cell keeps naming the lm-eval files it superseded", () => {
  const bench = makeCell("bench", {
    ...identity,
    source_format: "inferencex-static",
    metrics: { tp: 4, ep: 4 },
    notes: { z_last: 1, backend: "sglang" },
  });
  const ev = makeCell("ev", {
    ...identity,
    source_format: "eval",
    metrics: { tp: 4, ep: 4 },
    eval: { gsm8k: { em_strict: { value: 0.5, stderr: 0.006 } } },
    notes: { eval_results_superseded: ["ev/results_2026-05-01T00-00-00.json"] },
  });
  const { cells } = joinEvalCells([bench, ev]);
  assert.deepEqual(cells[0].notes, {
    backend: "sglang",
    eval_results_superseded: ["ev/results_2026-05-01T00-00-00.json"],
    z_last: 1,
  });
  assert.deepEqual(Object.keys(cells[0].notes), ["backend", "eval_results_superseded", "z_last"]);
});
