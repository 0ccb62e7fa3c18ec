import { deepStrictEqual, ok } from "node:assert/strict";
import { makeCell } from "./cell.ts";
import { buildCurves, curveKey, curvesAndFrontiers, paretoFrontier } from "./curves.ts";
import type { Cell } from "./types.ts";

function cell(id: string, conc: number | null, over: Partial<Cell> = {}, metrics = {}): Cell {
  return makeCell(id, {
    hardware: "h200",
    model: "gptoss",
    framework: "vllm",
    isl: 1024,
    osl: 1024,
    is_multinode: false,
    concurrency: conc,
    status: "complete",
    ...over,
    metrics: { tp: 8, ...metrics },
  });
}

Deno.test("buildCurves: groups by key, sorts numerically, records duplicates", () => {
  const cells = [
    cell("c16", 16),
    cell("c4", 4),
    cell("c64-b", 64),
    cell("c64-a", 64),
    cell("tp4-c8", 8, {}, { tp: 4 }),
    cell("off-c8", 8, { offload_mode: "on" }),
    cell("no-conc", null),
  ];
  const curves = buildCurves(cells);
  deepStrictEqual(curves.length, 3);
  const tp8 = curves.find((c) => c.points.length === 4)!;
  deepStrictEqual(tp8.points.map((p) => p.cell_id), ["c4", "c16", "c64-a", "c64-b"]);
  deepStrictEqual(tp8.duplicates, [64]);
  deepStrictEqual(tp8.key.tp, 8);
  deepStrictEqual(tp8.key.offload_mode, null);
  ok(!("prefill_tp" in tp8.key), "single-node keys leave out the prefill/decode block");
  ok(!curves.some((c) => c.points.some((p) => p.cell_id === "no-conc")));
  deepStrictEqual(curves.map((c) => c.curve_id), [...curves.map((c) => c.curve_id)].sort());
});

Deno.test("buildCurves: numeric order ('4' < '16' < '128') and id independent of order", () => {
  const cells = [128, 16, 4, 32].map((c) => cell(`c${c}`, c));
  const a = buildCurves(cells);
  const b = buildCurves([...cells].reverse());
  deepStrictEqual(a[0].points.map((p) => p.concurrency), [4, 16, 32, 128]);
  deepStrictEqual(a, b);
  ok(/^gptoss-h200-vllm-na-1024-1024-[0-9a-f]{14}$/.test(a[0].curve_id), a[0].curve_id);
});

Deno.test("buildCurves: multi-node topology is part of the key", () => {
  const mn = (id: string, conc: number, prefillGpus: number) =>
    makeCell(id, {
      hardware: "gb200",
      is_multinode: true,
      concurrency: conc,
      metrics: { num_prefill_gpu: prefillGpus, num_decode_gpu: 8 },
    });
  const curves = buildCurves([mn("a", 4, 8), mn("b", 8, 8), mn("c", 4, 16)]);
  deepStrictEqual(curves.map((c) => c.points.map((p) => p.cell_id)).sort(), [["a", "b"], ["c"]]);
  deepStrictEqual(curves[0].key.num_decode_gpu, 8);
});

Deno.test("buildCurves and paretoFrontier: without a model prefix, the model path keeps models apart", () => {
  const bare = (id: string, conc: number, path: string | null, model: string | null = null) =>
    cell(id, conc, { model, model_path: path }, { tput_per_gpu: conc, intvty: 100 / conc });
  const cells = [
    bare("oss-64", 64, "/models/gpt-oss-120b"),
    bare("llama-128", 128, "/models/Llama-3.1-405B"),
    // A known prefix keeps one curve whatever path each run loaded the model from.
    bare("k-4", 4, "/a/dsr1", "dsr1"),
    bare("k-8", 8, "/b/dsr1", "dsr1"),
  ];
  const curves = buildCurves(cells);
  deepStrictEqual(curves.map((c) => c.points.map((p) => p.cell_id)).sort(), [
    ["k-4", "k-8"],
    ["llama-128"],
    ["oss-64"],
  ]);
  deepStrictEqual(
    curves.find((c) => c.points[0].cell_id === "oss-64")!.key.model_path,
    "/models/gpt-oss-120b",
  );
  ok(!("model_path" in curves.find((c) => c.points[0].cell_id === "k-4")!.key));
  deepStrictEqual(paretoFrontier(cells).length, 3);
});

Deno.test("paretoFrontier: keeps non-dominated points per hardware/model/shape", () => {
  const m = (tput: number | null, intvty: number | null) => ({ tput_per_gpu: tput, intvty });
  const cells = [
    cell("a", 4, {}, m(100, 50)),
    cell("b", 8, {}, m(200, 40)),
    cell("c", 16, {}, m(150, 30)), // dominated by b
    cell("d", 32, {}, m(200, 35)), // same tput as b, lower intvty: dominated
    cell("e", 64, {}, m(300, 10)),
    cell("f", 64, { model: "other" }, m(1, 1)),
    cell("g", 128, {}, m(null, 99)), // lacks tput: skipped
    cell("h", 256, { status: "failed" }, m(999, 999)), // failed: skipped
    cell("i", 4, {}, m(100, 50)), // exact tie with a: both kept
  ];
  const fr = paretoFrontier(cells);
  deepStrictEqual(fr.length, 2);
  const main = fr.find((f) => f.key.model === "gptoss")!;
  deepStrictEqual(main.points.map((p) => p.cell_id), ["a", "i", "b", "e"]);
  deepStrictEqual(
    main.points[0].curve_id,
    buildCurves(cells).find((c) => c.key.model === "gptoss")!.curve_id,
  );
  deepStrictEqual(paretoFrontier([...cells].reverse()), fr);
});

Deno.test("paretoFrontier and buildCurves: linear-ish on 50,000 cells", () => {
  const cells: Cell[] = [];
  for (let i = 0; i < 50_000; i++) {
    cells.push(
      cell(`c${i}`, (i % 64) + 1, { model: `m${i % 500}` }, {
        tput_per_gpu: i % 997,
        intvty: (i * 7) % 991,
      }),
    );
  }
  const curves = buildCurves(cells);
  deepStrictEqual(curves.length, 500);
  deepStrictEqual(curves.reduce((n, c) => n + c.points.length, 0), 50_000);
  const fr = paretoFrontier(cells);
  deepStrictEqual(fr.length, 500);
  for (const f of fr) {
    for (let k = 1; k < f.points.length; k++) {
      ok(f.points[k].tput_per_gpu > f.points[k - 1].tput_per_gpu);
      ok(f.points[k].intvty < f.points[k - 1].intvty);
    }
  }
});

Deno.test("curveKey: the key's fields, in order; the prefill/decode block unless single-node", () => {
  const single = [
    "hardware",
    "model",
    "framework",
    "precision",
    "spec_decoding",
    "offload_mode",
    "disagg",
    "isl",
    "osl",
    "scenario_type",
    "is_multinode",
    "tp",
    "pp",
    "dcp",
    "pcp",
    "ep",
    "dp_attention",
  ];
  const multi = [
    ...single,
    "prefill_tp",
    "prefill_ep",
    "prefill_num_workers",
    "decode_tp",
    "decode_ep",
    "decode_num_workers",
    "num_prefill_gpu",
    "num_decode_gpu",
    "prefill_dp_attention",
    "decode_dp_attention",
  ];
  deepStrictEqual(Object.keys(curveKey(cell("s", 4))), single);
  deepStrictEqual(Object.keys(curveKey(cell("m", 4, { is_multinode: true }))), multi);
  deepStrictEqual(Object.keys(curveKey(cell("u", 4, { is_multinode: null }))), multi);
  deepStrictEqual(curveKey(cell("s", 4, {}, { pp: 2 })).pp, 2);
  // A side's pp/dcp/pcp other than 1: the six join the prefill/decode block, side by side.
  const sides = [
    "prefill_tp",
    "prefill_pp",
    "prefill_dcp",
    "prefill_pcp",
    "prefill_ep",
    "prefill_num_workers",
    "decode_tp",
    "decode_pp",
    "decode_dcp",
    "decode_pcp",
    "decode_ep",
    "decode_num_workers",
  ];
  const deep = [...single, ...sides, ...multi.slice(single.length + 6)];
  const dcp2 = cell("d", 4, { is_multinode: true }, { decode_dcp: 2 });
  deepStrictEqual(Object.keys(curveKey(dcp2)), deep);
  // Single-node: never, whatever the record mirrors into them.
  deepStrictEqual(Object.keys(curveKey(cell("s", 4, {}, { decode_dcp: 2 }))), single);
});

Deno.test("curveKey: per-side pp, dcp and pcp split multi-node curves; 1 and unknown do not", () => {
  const mn = (id: string, conc: number, sides: Record<string, number | null> = {}) =>
    cell(id, conc, { is_multinode: true, framework: "vllm-disagg" }, {
      tp: null,
      prefill_tp: 8,
      decode_tp: 8,
      num_prefill_gpu: 8,
      num_decode_gpu: 8,
      ...sides,
    });
  const ones = { prefill_pp: 1, prefill_dcp: 1, prefill_pcp: 1, decode_pp: 1, decode_dcp: 1 };
  const base = mn("base", 64);
  // Stating every one of them as 1 (as the real AMD aggs do) keeps the key as it was.
  deepStrictEqual(curveKey(mn("ones", 64, { ...ones, decode_pcp: 1 })), curveKey(base));
  // So does a cell of an older report.json (a --baseline) that has no such fields at all.
  const old = mn("old", 64);
  for (const f of Object.keys(ones).concat("decode_pcp")) {
    delete (old.metrics as Record<string, unknown>)[f];
  }
  deepStrictEqual(curveKey(old), curveKey(base));
  const curves = buildCurves([
    base,
    mn("ones-128", 128, { ...ones, decode_pcp: null }),
    mn("dcp2-64", 64, { ...ones, decode_dcp: 2 }),
    mn("dcp2-128", 128, { decode_dcp: 2 }), // its unknowns are the other cell's 1s
    mn("pp2-64", 64, { prefill_pp: 2 }),
  ]);
  deepStrictEqual(
    curves.map((c) => [c.points.map((p) => p.cell_id), c.duplicates]).sort(),
    [
      [["base", "ones-128"], []],
      [["dcp2-64", "dcp2-128"], []],
      [["pp2-64"], []],
    ],
  );
  const dcp2 = curves.find((c) => c.points[0].cell_id === "dcp2-64")!;
  deepStrictEqual(
    [dcp2.key.prefill_pp, dcp2.key.decode_dcp, dcp2.key.decode_pcp],
    [1, 2, 1],
  );
});

Deno.test("curveKey: a single-node cell that states no pp, dcp or pcp runs with 1", () => {
  // Names before 2026-07 state none of them (tp8-ep1-dpafalse), later ones all three, or dcp and
  // pcp only: one topology, one curve.
  const curves = buildCurves([
    cell("old-4", 4),
    cell("july-8", 8, {}, { dcp: 1, pcp: 1 }),
    cell("new-16", 16, {}, { pp: 1, dcp: 1, pcp: 1 }),
    cell("pp2-4", 4, {}, { pp: 2 }),
  ]);
  deepStrictEqual(curves.map((c) => c.points.map((p) => p.cell_id)).sort(), [
    ["old-4", "july-8", "new-16"],
    ["pp2-4"],
  ]);
  const old = curves.find((c) => c.points.length === 3)!;
  deepStrictEqual([old.key.pp, old.key.dcp, old.key.pcp], [1, 1, 1]);
  deepStrictEqual(curveKey(cell("pp2", 4, {}, { pp: 2 })).dcp, 1);
  // A multi-node cell's top-level fields are left as they are: its parallelism is per side.
  deepStrictEqual(curveKey(cell("m", 4, { is_multinode: true })).pp, null);
});

Deno.test("curvesAndFrontiers: the same as buildCurves and paretoFrontier on their own", () => {
  const cells: Cell[] = [];
  for (let i = 0; i < 300; i++) {
    const over: Partial<Cell> = {
      model: `m${i % 4}`,
      is_multinode: i % 5 === 0 ? true : false,
      // One canonical key, different ways of missing: null, NaN and Infinity all write null.
      isl: i % 7 === 0 ? null : i % 7 === 1 ? NaN : i % 7 === 2 ? Infinity : 1024,
      status: i % 11 === 0 ? "failed" : "complete",
      source_format: i % 13 === 0 ? "eval" : "inferencex-static",
    };
    cells.push(
      cell(`c${i}`, i % 17 === 0 ? null : (i % 6) + 1, over, {
        tput_per_gpu: (i * 37) % 101,
        intvty: (i * 53) % 89,
        num_prefill_gpu: i % 2,
      }),
    );
  }
  const { curves, frontiers } = curvesAndFrontiers(cells);
  deepStrictEqual(curves, buildCurves(cells));
  deepStrictEqual(frontiers, paretoFrontier(cells));
  ok(curves.some((c) => c.points.length > 1) && frontiers.length > 1);
});
