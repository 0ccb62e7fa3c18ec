import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { analyzeInProcess, withTemp } from "../tests/_hostile.ts";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import { makeCell } from "./cell.ts";
import { evalIdentityCompatible, evalIdentityKey, joinEvalCells } from "./eval_join.ts";
import type { Cell } from "./types.ts";

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

/** A multi-node deployment: 1 prefill worker (tp4 ep4 DPA) + 1 decode worker (tp8 ep8 DPA). */
const mnIdentity = {
  model: "dsr1",
  hardware: "gb200",
  framework: "dynamo-trt",
  precision: "fp4",
  spec_decoding: "none",
  is_multinode: true,
  prefill_dp_attention: true,
  decode_dp_attention: true,
};
const mnTopology = {
  prefill_tp: 4,
  prefill_ep: 4,
  prefill_num_workers: 1,
  decode_tp: 8,
  decode_ep: 8,
  decode_num_workers: 1,
};
/** A multi-node benchmark cell (an agg: no tp/ep/dp_attention, GPU split known). */
const mnBench = (id: string, concurrency: number, extra: Record<string, unknown> = {}) =>
  makeCell(id, {
    ...mnIdentity,
    concurrency,
    source_format: "inferencex-srt-slurm",
    metrics: { ...mnTopology, num_prefill_gpu: 4, num_decode_gpu: 8 },
    ...extra,
  });
/**
 * A multi-node eval cell as the runner's `meta_env.json` describes one: `tp`/`ep`/`dp_attention`
 * are the prefill values (which no multi-node agg has), GPU counts absent.
 */
const mnEval = (
  id: string,
  concurrency: number,
  score: number,
  over: { identity?: Record<string, unknown>; metrics?: Record<string, number | null> } = {},
) =>
  makeCell(id, {
    ...mnIdentity,
    dp_attention: true,
    concurrency,
    ...over.identity,
    source_format: "eval",
    metrics: { tp: 4, ep: 4, ...mnTopology, ...over.metrics },
    eval: { gsm8k: { em_strict: { value: score, stderr: null } } },
  });

/** Each case: cells in, and which eval cell joins which benchmark cell (absent: none). */
const MULTI_NODE_CASES: {
  name: string;
  cells: ReturnType<typeof makeCell>[];
  joined: Record<string, string>;
}[] = [
  {
    name: "each batched multi-node eval joins the benchmark cell of its concurrency",
    cells: [mnBench("b4", 4), mnBench("b16", 16), mnEval("e4", 4, 0.91), mnEval("e16", 16, 0.92)],
    joined: { e4: "b4", e16: "b16" },
  },
  {
    name: "GPU counts and worker counts are compared where both sides state them",
    cells: [
      mnBench("b4", 4),
      mnEval("e4", 4, 0.9, { metrics: { num_prefill_gpu: 4, num_decode_gpu: 8 } }),
    ],
    joined: { e4: "b4" },
  },
  {
    name: "a GPU split that differs does not join (quiet)",
    cells: [mnBench("b4", 4), mnEval("e4", 4, 0.9, { metrics: { num_decode_gpu: 16 } })],
    joined: {},
  },
  {
    name: "a worker count that differs does not join (quiet)",
    cells: [mnBench("b4", 4), mnEval("e4", 4, 0.9, { metrics: { decode_num_workers: 2 } })],
    joined: {},
  },
  {
    name: "a decode dcp that differs does not join (quiet); the same, or unknown, joins",
    cells: [
      mnBench("b4", 4, { metrics: { ...mnTopology, decode_dcp: 1 } }),
      mnEval("e4", 4, 0.9, { metrics: { decode_dcp: 2 } }),
      mnBench("b8", 8, { metrics: { ...mnTopology, decode_dcp: 2 } }),
      mnEval("e8", 8, 0.9, { metrics: { decode_dcp: 2 } }),
      mnBench("b16", 16, { metrics: { ...mnTopology, prefill_pp: 1 } }),
      mnEval("e16", 16, 0.9),
    ],
    joined: { e8: "b8", e16: "b16" },
  },
  {
    name: "another decode block does not join (quiet)",
    cells: [mnBench("b4", 4), mnEval("e4", 4, 0.9, { metrics: { decode_ep: 1 } })],
    joined: {},
  },
  {
    // A meta_env.json states no per-side DP attention or EP (reference §10.1): not compared.
    name: "DP attention and EP unknown on the eval side are not compared: joins",
    cells: [
      mnBench("b4", 4),
      mnEval("e4", 4, 0.9, {
        identity: { prefill_dp_attention: null, decode_dp_attention: null },
        metrics: { ...mnTopology, prefill_ep: null, decode_ep: null },
      }),
    ],
    joined: { e4: "b4" },
  },
  {
    name: "DP attention stated differently on the two sides does not join (quiet)",
    cells: [mnBench("b4", 4), mnEval("e4", 4, 0.9, { identity: { decode_dp_attention: false } })],
    joined: {},
  },
  {
    name: "two deployments that differ only in what the eval leaves open: ambiguous (quiet)",
    cells: [
      mnBench("b4", 4),
      mnBench("b4big", 4, { metrics: { ...mnTopology, num_prefill_gpu: 8, num_decode_gpu: 8 } }),
      mnEval("e4", 4, 0.9),
    ],
    joined: {},
  },
  {
    name: "a single-node eval never joins a multi-node cell with the same tp (quiet)",
    cells: [
      mnBench("b4", 4, { metrics: { tp: 4, ep: 4, ...mnTopology }, dp_attention: true }),
      makeCell("e4", {
        ...mnIdentity,
        is_multinode: false,
        dp_attention: true,
        concurrency: 4,
        source_format: "eval",
        metrics: { tp: 4, ep: 4 },
        eval: { gsm8k: { em_strict: { value: 0.9, stderr: null } } },
      }),
    ],
    joined: {},
  },
  {
    name: "without is_multinode, prefill/decode blocks and no tp still make a multi-node cell",
    cells: [
      mnBench("b4", 4, { is_multinode: null }),
      mnEval("e4", 4, 0.9, { identity: { is_multinode: null }, metrics: { tp: null, ep: null } }),
    ],
    joined: { e4: "b4" },
  },
];

for (const c of MULTI_NODE_CASES) {
  Deno.test(`multi-node eval join: ${c.name}`, () => {
    const input = Object.freeze(c.cells.map((x) => Object.freeze(x)));
    const { cells, joined } = joinEvalCells(input);
    assert.deepEqual(Object.fromEntries(joined), c.joined);
    const joinedIds = new Set(Object.keys(c.joined));
    assert.deepEqual(
      cells.map((x) => x.cell_id),
      c.cells.map((x) => x.cell_id).filter((id) => !joinedIds.has(id)),
    );
    for (const [ev, bench] of Object.entries(c.joined)) {
      const target = cells.find((x) => x.cell_id === bench)!;
      assert.deepEqual(target.eval, c.cells.find((x) => x.cell_id === ev)!.eval);
      assert.equal(target.source_format, "mixed");
    }
  });
}

Deno.test('an empty spec_decoding is unknown, not "none": the row stays its own cell', () => {
  const bench = makeCell("bench", {
    ...identity,
    source_format: "inferencex-static",
    metrics: { tp: 4, ep: 4 },
  });
  for (const spec of ["", null]) {
    const ev = makeCell("ev", {
      ...identity,
      spec_decoding: spec,
      source_format: "eval",
      metrics: { tp: 4, ep: 4 },
      eval: { gsm8k: { em_strict: { value: 0.9, stderr: null } } },
    });
    // Not even with a benchmark cell whose spec is empty as well.
    const blank = makeCell("blank", { ...bench, cell_id: "blank", spec_decoding: spec });
    assert.equal(joinEvalCells([bench, blank, ev]).joined.size, 0, JSON.stringify(spec));
  }
});

Deno.test("an eval that names its benchmark's ISL/OSL joins only a cell of that shape", () => {
  const bench = (id: string, isl: number, osl: number) =>
    makeCell(id, { ...identity, isl, osl, source_format: "inferencex-static", metrics: { tp: 4 } });
  const ev = (isl: number | null, osl: number | null) =>
    makeCell("ev", {
      ...identity,
      isl,
      osl,
      source_format: "eval",
      metrics: { tp: 4 },
      eval: { gsm8k: { em_strict: { value: 0.95, stderr: 0.006 } } },
    });
  const cases: { name: string; cells: ReturnType<typeof makeCell>[]; joined: string | null }[] = [
    { name: "other shape only", cells: [bench("b1k1k", 1024, 1024), ev(1024, 8192)], joined: null },
    {
      name: "its shape among others",
      cells: [bench("b1k1k", 1024, 1024), bench("b1k8k", 1024, 8192), ev(1024, 8192)],
      joined: "b1k8k",
    },
    {
      name: "shape unknown on the eval",
      cells: [bench("b1k1k", 1024, 1024), ev(null, null)],
      joined: "b1k1k",
    },
    {
      name: "shape unknown, two candidates: ambiguous",
      cells: [bench("b1k1k", 1024, 1024), bench("b1k8k", 1024, 8192), ev(null, null)],
      joined: null,
    },
  ];
  for (const c of cases) {
    assert.equal(joinEvalCells(c.cells).joined.get("ev") ?? null, c.joined, c.name);
  }
});

/** An eval row cell as parsers/eval_collection.ts gives it, at `at` (`null`: time unknown). */
function row(id: string, em: number, at: string | null, extra: Partial<Cell> = {}): Cell {
  const source = at === null
    ? `eval_results/eval_${id}/results.json`
    : `eval_results/eval_${id}/results_${at.replaceAll(":", "-")}.000000.json`;
  return makeCell(id, {
    ...identity,
    source_format: "eval",
    metrics: { tp: 4, ep: 4 },
    eval: { gsm8k: { em_strict: { value: em, stderr: 0.006 } } },
    artifacts: { eval_collection: ["evals/all.json"] },
    notes: {
      n_eff: 1319,
      source,
      hw_raw: "B200",
      ...(at === null ? {} : { eval_date: at.slice(0, 10), results_datetime: at }),
    },
    ...extra,
  });
}

const bench = () =>
  makeCell("bench", {
    ...identity,
    source_format: "inferencex-static",
    metrics: { tp: 4, ep: 4 },
    notes: { hw_label: "b200" },
    artifacts: { agg: ["bmk/agg.json"] },
  });

Deno.test("two eval rows for one cell and task: the later run gives the scores, the earlier is named superseded", () => {
  const older = row("older", 0.95224, "2026-01-21T05:53:28");
  const newer = row("newer", 0.9492, "2026-02-19T15:48:37");
  for (const input of [[bench(), older, newer], [newer, bench(), older], [older, newer, bench()]]) {
    const { cells, joined } = joinEvalCells(input);
    assert.deepEqual(cells.map((c) => c.cell_id), ["bench"]);
    assert.deepEqual(Object.fromEntries(joined), { older: "bench", newer: "bench" });
    assert.deepEqual(cells[0].eval, { gsm8k: { em_strict: { value: 0.9492, stderr: 0.006 } } });
    // The kept row's source, sample count and date; the benchmark's own notes; no identity notes.
    assert.deepEqual(cells[0].notes, {
      eval_date: "2026-02-19",
      eval_results_superseded: [older.notes.source],
      hw_label: "b200",
      n_eff: 1319,
      results_datetime: "2026-02-19T15:48:37",
      source: newer.notes.source,
    });
    assert.deepEqual(cells[0].artifacts, {
      agg: ["bmk/agg.json"],
      eval_collection: ["evals/all.json"],
    });
  }
});

Deno.test("two eval rows for one cell and task whose order cannot be decided: the second stays its own cell", () => {
  const cases: { name: string; evals: Cell[]; kept: string; own: string }[] = [
    {
      name: "one time unknown",
      evals: [row("a", 0.9, null), row("b", 0.8, "2026-02-19T15:48:37")],
      kept: "b",
      own: "a",
    },
    {
      name: "both times unknown",
      evals: [row("b", 0.8, null), row("a", 0.9, null)],
      kept: "a",
      own: "b",
    },
    {
      name: "one time",
      evals: [row("b", 0.8, "2026-02-19T15:48:37"), row("a", 0.9, "2026-02-19T15:48:37")],
      kept: "a",
      own: "b",
    },
  ];
  for (const c of cases) {
    const { cells, joined } = joinEvalCells([bench(), ...c.evals]);
    assert.deepEqual(cells.map((x) => x.cell_id), ["bench", c.own], c.name);
    assert.deepEqual(Object.fromEntries(joined), { [c.kept]: "bench" }, c.name);
    const kept = c.evals.find((e) => e.cell_id === c.kept)!;
    const own = c.evals.find((e) => e.cell_id === c.own)!;
    assert.deepEqual(cells[0].eval, kept.eval, c.name);
    assert.equal(cells[0].notes.source, kept.notes.source, c.name);
    assert.equal(cells[0].notes.eval_results_superseded, undefined, c.name);
    assert.deepEqual(cells[1], own, `${c.name}: the other row unchanged`);
  }
});

Deno.test("an eval row for a task the cell has from its own directory stays its own cell; other tasks join", () => {
  const withOwn = makeCell("bench", {
    ...bench(),
    cell_id: "bench",
    eval: { gsm8k: { em_strict: { value: 0.7, stderr: null } } },
  });
  const same = row("same", 0.9, "2026-02-19T15:48:37");
  const other = row("other", 0.5, "2026-01-01T00:00:00", {
    eval: { mmlu: { acc: { value: 0.5, stderr: null } } },
  });
  const { cells, joined } = joinEvalCells([withOwn, same, other]);
  assert.deepEqual(cells.map((c) => c.cell_id), ["bench", "same"]);
  assert.deepEqual(Object.fromEntries(joined), { other: "bench" });
  assert.deepEqual(cells[0].eval, {
    gsm8k: { em_strict: { value: 0.7, stderr: null } },
    mmlu: { acc: { value: 0.5, stderr: null } },
  });
});

Deno.test("lm-eval eval cells are ordered by the time in their results file names", () => {
  const lm = (id: string, file: string, em: number) =>
    makeCell(id, {
      ...identity,
      source_format: "eval",
      metrics: { tp: 4, ep: 4 },
      eval: { gsm8k: { em_strict: { value: em, stderr: null } } },
      artifacts: { eval_results: [`${id}/${file}`] },
    });
  const first = lm("run1", "results_2026-05-01T10-00-00.123.json", 0.9);
  const rerun = lm("run2", "results_2026-05-02T09-00-00.456.json", 0.91);
  const { cells } = joinEvalCells([bench(), rerun, first]);
  assert.deepEqual(cells.map((c) => c.cell_id), ["bench"]);
  assert.equal(cells[0].eval?.gsm8k.em_strict.value, 0.91);
  assert.deepEqual(cells[0].notes.eval_results_superseded, [
    "run1/results_2026-05-01T10-00-00.123.json",
  ]);
  assert.deepEqual(cells[0].artifacts.eval_results, [
    "run1/results_2026-05-01T10-00-00.123.json",
    "run2/results_2026-05-02T09-00-00.456.json",
  ]);
});

Deno.test("an lm-eval run and an agg_eval row of one task: the later gives the whole task, names unmixed", () => {
  // The row names gsm8k's scores em_strict, lm-eval exact_match,strict-match (reference §10.2,
  // §10.3): the join moves a task whole, so the kept run's names are the cell's, and the other
  // run is superseded by its time whatever its names.
  const lm = (at: string) =>
    makeCell("lm", {
      ...identity,
      source_format: "eval",
      metrics: { tp: 4, ep: 4 },
      eval: { gsm8k: { "exact_match,strict-match": { value: 0.9, stderr: 0.008 } } },
      artifacts: { eval_results: [`lm/results_${at.replaceAll(":", "-")}.json`] },
    });
  const later = joinEvalCells([
    bench(),
    row("r", 0.95, "2026-02-19T15:48:37"),
    lm("2026-06-01T00:00:00"),
  ]);
  assert.deepEqual(later.cells.map((c) => c.cell_id), ["bench"]);
  assert.deepEqual(later.cells[0].eval, {
    gsm8k: { "exact_match,strict-match": { value: 0.9, stderr: 0.008 } },
  });
  assert.deepEqual(later.cells[0].notes.eval_results_superseded, [
    "eval_results/eval_r/results_2026-02-19T15-48-37.000000.json",
  ]);
  const earlier = joinEvalCells([
    bench(),
    row("r", 0.95, "2026-02-19T15:48:37"),
    lm("2026-01-01T00:00:00"),
  ]);
  assert.deepEqual(earlier.cells[0].eval, {
    gsm8k: { em_strict: { value: 0.95, stderr: 0.006 } },
  });
  assert.deepEqual(earlier.cells[0].notes.eval_results_superseded, [
    "lm/results_2026-01-01T00-00-00.json",
  ]);
});

Deno.test("evalIdentityKey/evalIdentityCompatible: a field a baseline report.json's cell lacks is unknown", () => {
  // A cell read back from an older report.json may lack keys altogether: like null, not a value.
  const full = makeCell("full", { ...identity, isl: 1024, osl: 8192, metrics: { tp: 4, ep: 4 } });
  const partial = { ...full, cell_id: "partial" } as unknown as Record<string, unknown>;
  delete partial.isl;
  delete partial.osl;
  delete partial.is_multinode;
  const old = partial as unknown as Cell;
  assert.equal(evalIdentityKey(old), evalIdentityKey(full));
  assert.ok(evalIdentityCompatible(old, full));
  assert.ok(evalIdentityCompatible(full, old));
  // A stated difference still disagrees; a missing required field leaves the key unknown.
  assert.ok(!evalIdentityCompatible(full, { ...full, osl: 1024 }));
  const noConc = { ...full } as unknown as Record<string, unknown>;
  delete noConc.concurrency;
  assert.equal(evalIdentityKey(noConc as unknown as Cell), null);
});

Deno.test({
  name: "analyze (real data): two supplemental eval rows of one cell both stay in the report",
  ignore: !HAS_REALDATA,
  async fn() {
    const rows = JSON.parse(
      readFileSync(realdata("evals/supplemental-evals.json"), "utf8"),
    ) as Record<string, unknown>[];
    // Independently of the program: the rows of gptoss fp4 vllm on H200, tp 8, ep 1, conc 64
    // (both 1k8k by their source paths); the later one by the results time in its source.
    const mine = rows.filter((r) =>
      (r.model_prefix ?? "gptoss") === "gptoss" && String(r.model).includes("gpt-oss") &&
      r.hw === "H200" && r.framework === "vllm" && r.precision === "fp4" && r.tp === 8 &&
      r.ep === 1 && r.conc === 64 && String(r.source).includes("_1k8k_")
    ).sort((a, b) =>
      String(a.source).split("/").pop()!.localeCompare(String(b.source).split("/").pop()!)
    );
    assert.equal(mine.length, 2);
    const [older, newer] = mine;
    // The real 1k1k agg of that configuration, restated as a 1k8k run.
    const agg = JSON.parse(readFileSync(
      realdata(
        "fixed-seq/gptoss-h200-agg/agg_gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc64_h200-nebius_0.json",
      ),
      "utf8",
    ));
    agg.osl = 8192;
    await withTemp("eval_rows", async (dir) => {
      await Deno.mkdir(`${dir}/in/bench`, { recursive: true });
      await Deno.mkdir(`${dir}/in/evals`, { recursive: true });
      await Deno.writeTextFile(
        `${dir}/in/bench/agg_gptoss_1k8k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc64_h200-nebius_0.json`,
        JSON.stringify(agg),
      );
      await Deno.copyFile(
        realdata("evals/supplemental-evals.json"),
        `${dir}/in/evals/supplemental-evals.json`,
      );
      const r = await analyzeInProcess(`${dir}/in`, `${dir}/out`, ["--fail-on", "never"]);
      assert.equal(r.code, 0, r.stderr);
      const report = r.report!;
      // Every row is in the report: 66 rows, two of them in the benchmark cell.
      assert.equal(report.cells.length, 1 + rows.length - 2);
      const cell = report.cells.find((c) => c.source_format === "mixed")!;
      assert.equal(cell.eval?.gsm8k.em_strict.value, newer.em_strict);
      assert.equal(cell.notes.source, newer.source);
      assert.equal(cell.notes.n_eff, newer.n_eff);
      assert.equal(
        cell.notes.eval_date,
        String(newer.source).match(/results_(\d{4}-\d{2}-\d{2})/)![1],
      );
      assert.deepEqual(cell.notes.eval_results_superseded, [older.source]);
    });
  },
});
