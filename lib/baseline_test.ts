import { deepStrictEqual } from "node:assert/strict";
import {
  BASELINE_METRICS,
  collectedEvalMetric,
  matchBaseline,
  matchBaselineCells,
  pairingNote,
} from "./baseline.ts";
import { makeCell } from "./cell.ts";
import type { Cell } from "./types.ts";

function cell(id: string, conc: number, metrics = {}, over: Partial<Cell> = {}): Cell {
  return makeCell(id, {
    hardware: "b200",
    model: "dsr1",
    framework: "sglang",
    precision: "fp4",
    isl: 1024,
    osl: 8192,
    is_multinode: false,
    concurrency: conc,
    status: "complete",
    ...over,
    metrics: { tp: 4, ep: 4, ...metrics },
  });
}

Deno.test("matchBaseline: matches by identity and concurrency, never by id or path", () => {
  const current = [
    cell("run2/c128", 128, { p99_ttft: 2, total_tput_tps: 90, success_rate: 1 }),
    cell("run2/c64", 64),
    cell("run2/tp8", 128, { tp: 8 }),
  ];
  const base = [
    cell("zzz", 128, { p99_ttft: 1, total_tput_tps: 100, success_rate: 1 }, {
      artifacts: { agg: ["x/agg.json"] },
    }),
    cell("aaa-dup", 128, { p99_ttft: 1.5 }),
    cell("run2/c64", 32),
  ];
  const m = matchBaseline(current, base);
  deepStrictEqual(m.map((x) => [x.cell_id, x.baseline_cell_id, x.baseline_candidates]), [
    ["run2/c128", "aaa-dup", 2],
  ]);
  deepStrictEqual(Object.keys(m[0].deltas), [...BASELINE_METRICS]);
  deepStrictEqual(m[0].deltas.p99_ttft, { current: 2, baseline: 1.5, ratio: 2 / 1.5, delta: 0.5 });
  deepStrictEqual(m[0].deltas.p99_tpot, {
    current: null,
    baseline: null,
    ratio: null,
    delta: null,
  });
  deepStrictEqual(m[0].deltas.total_tput_tps, {
    current: 90,
    baseline: null,
    ratio: null,
    delta: null,
  });
});

Deno.test("matchBaseline: a baseline named without pp, dcp or pcp matches a run that states 1", () => {
  // 2026-02 names (tp4-ep4-dpafalse) against 2026-08 ones (tp4-pp1-dcp1-pcp1-ep4): one topology.
  const m = matchBaseline([cell("new", 128, { pp: 1, dcp: 1, pcp: 1 })], [cell("old", 128)]);
  deepStrictEqual(m.map((x) => [x.cell_id, x.baseline_cell_id]), [["new", "old"]]);
  deepStrictEqual(matchBaseline([cell("pp2", 128, { pp: 2 })], [cell("old", 128)]), []);
});

Deno.test("matchBaseline: ratio is null for a zero baseline; eval deltas on shared metrics", () => {
  const em = "exact_match,strict-match";
  const current = [cell("a", 64, { success_rate: 0.5 }, {
    eval: { gsm8k: { [em]: { value: 0.9, stderr: 0.008 }, other: { value: 1, stderr: null } } },
  })];
  const base = [
    cell("b", 64, { success_rate: 0 }, {
      eval: { gsm8k: { [em]: { value: 0.95, stderr: null } } },
    }),
  ];
  const [m] = matchBaseline(current, base);
  deepStrictEqual(m.deltas.success_rate, { current: 0.5, baseline: 0, ratio: null, delta: 0.5 });
  deepStrictEqual(m.eval_deltas, {
    gsm8k: {
      [em]: {
        current: 0.9,
        baseline: 0.95,
        ratio: 0.9 / 0.95,
        delta: 0.9 - 0.95,
        current_stderr: 0.008,
        baseline_stderr: null,
      },
    },
  });
});

Deno.test("matchBaseline: cells sharing an identity pair with the same id first, then in id order", () => {
  const run = (id: string, p99: number) => cell(id, 64, { p99_tpot: p99 });
  // Two runs of one point: a tree against itself pairs each with itself, not both with "a…".
  const tree = [run("dsr1_c64-bbbb", 0.016), run("dsr1_c64-aaaa", 0.008)];
  deepStrictEqual(
    matchBaseline(tree, tree).map((m) => [m.cell_id, m.baseline_cell_id, m.deltas.p99_tpot.ratio]),
    [["dsr1_c64-aaaa", "dsr1_c64-aaaa", 1], ["dsr1_c64-bbbb", "dsr1_c64-bbbb", 1]],
  );
  // No id in common: in id order; a third cell falls back to the smallest baseline id.
  const now = [run("x-1", 0.008), run("x-2", 0.016), run("x-3", 0.02)];
  deepStrictEqual(
    matchBaseline(now, tree).map((m) => [m.cell_id, m.baseline_cell_id, m.baseline_candidates]),
    [["x-1", "dsr1_c64-aaaa", 2], ["x-2", "dsr1_c64-bbbb", 2], ["x-3", "dsr1_c64-aaaa", 2]],
  );
  // x-1 and x-2 have the baseline's measurements; x-3 reuses a baseline cell, and says so.
  deepStrictEqual(matchBaseline(now, tree).map((m) => m.paired_by), [
    "measurements",
    "measurements",
    "reused",
  ]);
  deepStrictEqual(
    pairingNote(matchBaseline(now, tree)[2]),
    "; the baseline has fewer runs of this identity (2), so one of them is compared again",
  );
});

Deno.test("matchBaselineCells: re-runs of one identity pair by notes, then by measurements", () => {
  // Three eval rows of one configuration (re-runs), as in a renamed or reordered eval file: the
  // ids differ, but each row's notes (its source and time) and scores say which row is which.
  const row = (id: string, source: string, score: number) =>
    cell(id, 64, {}, {
      notes: { source, results_datetime: `2026-02-19T${source}` },
      eval: { gsm8k: { em: { value: score, stderr: 0.005 } } },
    });
  const base = [row("old-a", "10", 0.9591), row("old-b", "11", 0.9386), row("old-c", "12", 0.95)];
  const now = [row("new-z", "10", 0.9591), row("new-y", "11", 0.9386), row("new-x", "12", 0.95)];
  const byNotes = matchBaselineCells(now, base);
  deepStrictEqual(
    byNotes.matches.map((m) => [m.cell_id, m.baseline_cell_id, m.paired_by]),
    [["new-x", "old-c", "notes"], ["new-y", "old-b", "notes"], ["new-z", "old-a", "notes"]],
  );
  deepStrictEqual(byNotes.baseline_unmatched, []);
  // Without notes, identical scores pair the copies; no delta is then a regression.
  const bare = (cells: Cell[]) => cells.map((c) => ({ ...c, notes: {} }));
  const byScores = matchBaselineCells(bare(now), bare(base)).matches;
  deepStrictEqual(
    byScores.map((m) => [m.cell_id, m.baseline_cell_id, m.paired_by]),
    [["new-x", "old-c", "measurements"], ["new-y", "old-b", "measurements"], [
      "new-z",
      "old-a",
      "measurements",
    ]],
  );
  for (const m of byScores) deepStrictEqual(m.eval_deltas.gsm8k.em.delta, 0);
});

Deno.test("matchBaselineCells: a guess is labelled, and unmeasured baseline cells are listed", () => {
  const run = (id: string, p99: number) => cell(id, 64, { p99_tpot: p99 });
  // Nothing tells two new runs from the baseline's two: cell-id order, said to be a guess.
  const m = matchBaselineCells([run("n-1", 0.01), run("n-2", 0.02)], [
    run("b-1", 0.011),
    run("b-2", 0.021),
    cell("b-c32", 32, {}),
  ]);
  deepStrictEqual(
    m.matches.map((x) => [x.cell_id, x.baseline_cell_id, x.paired_by, x.baseline_candidates]),
    [["n-1", "b-1", "order", 2], ["n-2", "b-2", "order", 2]],
  );
  // The baseline measured c32; this run did not.
  deepStrictEqual(m.baseline_unmatched, ["b-c32"]);
  // One cell on each side: paired by identity.
  deepStrictEqual(
    matchBaselineCells([run("n", 0.01)], [run("b", 0.01)]).matches[0].paired_by,
    "identity",
  );
});

Deno.test("matchBaselineCells: a baseline cell this run counts as a copy is not missing from it", () => {
  // This run counts a LOGS/ copy and a collected row once, in the cell they repeat; a baseline
  // made before had each as a cell of its own (the copy even without hardware).
  const now = [
    cell("agg-c8", 8, { p99_ttft: 1 }, {
      artifacts: { agg: ["a/agg_x.json"], raw_result: ["LOGS/r8.json", "a/x.json"] },
      notes: {
        same_bytes_copies: [{ path: "LOGS/r8.json", same_bytes_as: "a/x.json" }],
        collected_copies: [{ path: "c/agg_bmk.json", row: 3, same_record_as: "a/agg_x.json" }],
      },
    }),
  ];
  const base = [
    cell("agg-c8", 8, { p99_ttft: 1 }, { artifacts: { agg: ["a/agg_x.json"] } }),
    cell("logs-c8", 8, { p99_ttft: 1 }, {
      hardware: null,
      artifacts: { raw_result: ["LOGS/r8.json"] },
    }),
    cell("row-c8", 8, { p99_ttft: 1 }, { artifacts: { agg_collection: ["c/agg_bmk.json"] } }),
    // A row of the same collection at another point is no copy of this cell: still missing.
    cell("row-c16", 16, { p99_ttft: 1 }, { artifacts: { agg_collection: ["c/agg_bmk.json"] } }),
    // A raw result no cell names as a copy is missing too.
    cell("gone-c8", 8, {}, { hardware: null, artifacts: { raw_result: ["LOGS/r9.json"] } }),
  ];
  const m = matchBaselineCells(now, base);
  deepStrictEqual(m.matches.map((x) => [x.cell_id, x.baseline_cell_id]), [["agg-c8", "agg-c8"]]);
  deepStrictEqual(m.baseline_unmatched, ["gone-c8", "row-c16"]);
});

Deno.test("matchBaselineCells: baseline cells whose artifacts are missing or malformed are missing", () => {
  // A baseline report.json is input; its cells need only a cell_id and metrics.
  const odd = (id: string, artifacts: unknown) => {
    const c = cell(id, 8, {}, {});
    (c as { artifacts: unknown }).artifacts = artifacts;
    return c;
  };
  const base = [
    odd("none", undefined),
    odd("null", null),
    odd("string-rows", { agg_collection: "abc" }),
    odd("odd-paths", { raw_result: [1, null, "LOGS/r8.json"], agg: "x" }),
  ];
  const now = [
    cell("c16", 16, {}, {
      notes: { same_bytes_copies: [{ path: "LOGS/r8.json", same_bytes_as: "a/x.json" }] },
    }),
  ];
  // The one path that is a string is a copy this run counts: that cell is not missing.
  deepStrictEqual(matchBaselineCells(now, base).baseline_unmatched, [
    "none",
    "null",
    "string-rows",
  ]);
});

Deno.test("matchBaselineCells: 150,000 re-runs of one identity are paired without a stack overflow", () => {
  const now = Array.from({ length: 150_000 }, (_, i) => cell(`n${i}`, 8));
  const base = [cell("n7", 8), cell("b-other", 8)];
  const m = matchBaselineCells(now, base);
  // n7 by its cell id; the rest in id order against what is left, then reusing the first.
  deepStrictEqual(m.matches.find((x) => x.cell_id === "n7")?.paired_by, "cell_id");
  deepStrictEqual(m.matches.length, 150_000);
  deepStrictEqual(m.baseline_unmatched, []);
});

Deno.test("collectedEvalMetric: the agg_eval column the collector fills from an lm-eval key", () => {
  // utils/collect_eval_results.py: `<first metric>,<filter>`, a filter naming "strict" gives
  // em_strict, one naming "flex" or "extract" em_flexible; anything else has no column.
  deepStrictEqual(
    [
      "exact_match,strict-match",
      "exact_match,flexible-extract",
      "exact_match,custom-extract",
      "exact_match,none",
      "exact_match_stderr,strict-match",
      "acc,none",
      "em_strict",
      "exact_match",
    ].map(collectedEvalMetric),
    ["em_strict", "em_flexible", "em_flexible", null, null, null, null, null],
  );
});

/** A gsm8k score set named as an agg_eval row names it, or as lm-eval's results file does. */
function gsm8k(naming: "row" | "lm-eval", strict: number, flexible: number): Cell["eval"] {
  const [s, f] = naming === "row"
    ? ["em_strict", "em_flexible"]
    : ["exact_match,strict-match", "exact_match,flexible-extract"];
  return {
    gsm8k: { [s]: { value: strict, stderr: 0.006 }, [f]: { value: flexible, stderr: 0.007 } },
  };
}

Deno.test("matchBaseline: an agg_eval row's em_strict/em_flexible are compared with lm-eval's keys", () => {
  const rows = cell("rows", 64, {}, { eval: gsm8k("row", 0.95, 0.96) });
  const lm = cell("lm", 64, {}, { eval: gsm8k("lm-eval", 0.9, 0.97) });
  const delta = (current: number, baseline: number, cse: number, bse: number, name: string) => ({
    current,
    baseline,
    ratio: current / baseline,
    delta: current - baseline,
    current_stderr: cse,
    baseline_stderr: bse,
    baseline_metric: name,
  });
  // Keyed by this run's name; the baseline's name said beside it.
  deepStrictEqual(matchBaseline([lm], [rows])[0].eval_deltas, {
    gsm8k: {
      "exact_match,flexible-extract": delta(0.97, 0.96, 0.007, 0.007, "em_flexible"),
      "exact_match,strict-match": delta(0.9, 0.95, 0.006, 0.006, "em_strict"),
    },
  });
  deepStrictEqual(matchBaseline([rows], [lm])[0].eval_deltas, {
    gsm8k: {
      em_flexible: delta(0.96, 0.97, 0.007, 0.007, "exact_match,flexible-extract"),
      em_strict: delta(0.95, 0.9, 0.006, 0.006, "exact_match,strict-match"),
    },
  });
  // The same naming on both sides: no baseline_metric, as before.
  deepStrictEqual(
    Object.keys(matchBaseline([lm], [lm])[0].eval_deltas.gsm8k["exact_match,strict-match"]),
    ["current", "baseline", "ratio", "delta", "current_stderr", "baseline_stderr"],
  );
});

Deno.test("matchBaseline: a name that exists on both sides wins; an ambiguous mapping is not guessed", () => {
  // Both namings in the baseline: each metric of this run pairs with its own name only.
  const both = cell("both", 64, {}, {
    eval: { gsm8k: { ...gsm8k("row", 0.5, 0.5)!.gsm8k, ...gsm8k("lm-eval", 0.95, 0.96)!.gsm8k } },
  });
  const lm = cell("lm", 64, {}, { eval: gsm8k("lm-eval", 0.9, 0.97) });
  deepStrictEqual(
    Object.entries(matchBaseline([lm], [both])[0].eval_deltas.gsm8k).map(([k, d]) => [
      k,
      d.baseline,
      d.baseline_metric,
    ]),
    [["exact_match,flexible-extract", 0.96, undefined], [
      "exact_match,strict-match",
      0.95,
      undefined,
    ]],
  );
  // Two strict filters in one results file: which one the collector put in em_strict is unknown.
  const twoStrict = cell("two", 64, {}, {
    eval: {
      gsm8k: {
        "exact_match,strict-match": { value: 0.9, stderr: null },
        "exact_match,strict-match-v2": { value: 0.1, stderr: null },
      },
    },
  });
  const rows = cell("rows", 64, {}, { eval: gsm8k("row", 0.95, 0.96) });
  deepStrictEqual(matchBaseline([twoStrict], [rows])[0].eval_deltas, {});
  deepStrictEqual(matchBaseline([rows], [twoStrict])[0].eval_deltas, {});
});

/** A cell with the fields an eval states (single-node), as eval cells and benchmark cells have. */
function evalCell(id: string, over: Partial<Cell> = {}, metrics = {}): Cell {
  return makeCell(id, {
    hardware: "h200",
    model: "gptoss",
    framework: "vllm",
    precision: "fp4",
    spec_decoding: "none",
    isl: 1024,
    osl: 1024,
    is_multinode: false,
    dp_attention: false,
    concurrency: 16,
    source_format: "eval",
    eval: gsm8k("lm-eval", 0.95, 0.96),
    ...over,
    metrics: { tp: 8, ep: 1, pp: 1, dcp: 1, pcp: 1, ...metrics },
  });
}

/** The benchmark cell of that deployment with an eval of its directory: it states more. */
function benchCell(id: string, over: Partial<Cell> = {}, metrics = {}): Cell {
  return evalCell(id, {
    source_format: "mixed",
    scenario_type: "fixed-seq",
    disagg: false,
    eval: gsm8k("lm-eval", 0.9, 0.91),
    ...over,
  }, { p99_ttft: 3.2, ...metrics });
}

Deno.test("matchBaselineCells: an eval-only cell pairs on the eval's identity, either side", () => {
  const evalOnly = evalCell("base-eval");
  const bench = benchCell("now-bench");
  // It cannot state scenario_type and disagg: no identity match, so a fallback on the eval's.
  const m = matchBaselineCells([bench], [evalOnly]);
  deepStrictEqual(
    m.matches.map((x) => [x.cell_id, x.baseline_cell_id, x.paired_by, x.baseline_candidates]),
    [["now-bench", "base-eval", "eval_identity", 1]],
  );
  deepStrictEqual(m.baseline_unmatched, []);
  deepStrictEqual(m.matches[0].eval_deltas.gsm8k["exact_match,strict-match"].baseline, 0.95);
  deepStrictEqual(m.matches[0].deltas.p99_ttft, {
    current: 3.2,
    baseline: null,
    ratio: null,
    delta: null,
  });
  deepStrictEqual(
    pairingNote(m.matches[0]),
    "; paired on the eval's identity, as an eval-only cell states no scenario type or disaggregation",
  );
  // The other way round: this run's eval-only cell against a baseline benchmark cell.
  deepStrictEqual(
    matchBaseline([evalCell("now-eval")], [benchCell("base-bench")]).map((x) => [
      x.cell_id,
      x.baseline_cell_id,
      x.paired_by,
    ]),
    [["now-eval", "base-bench", "eval_identity"]],
  );
  // Hardware case and a side that leaves ISL/OSL open do not matter, as in the eval join.
  deepStrictEqual(
    matchBaseline([bench], [evalCell("e", { hardware: "H200", isl: null, osl: null })]).length,
    1,
  );
});

Deno.test("matchBaselineCells: the eval-identity fallback comes after identity, one to one", () => {
  const bench = benchCell("now-bench");
  // The baseline has the benchmark cell itself: paired by identity, the eval-only cell left.
  const exact = matchBaselineCells([bench], [benchCell("base-bench"), evalCell("base-eval")]);
  deepStrictEqual(exact.matches.map((x) => [x.baseline_cell_id, x.paired_by]), [[
    "base-bench",
    "identity",
  ]]);
  deepStrictEqual(exact.baseline_unmatched, ["base-eval"]);
  // Two baseline eval-only cells for one benchmark cell (reruns): no guess.
  const twoEvals = [evalCell("e1"), evalCell("e2", { eval: gsm8k("row", 0.9, 0.9) })];
  const ambiguous = matchBaselineCells([bench], twoEvals);
  deepStrictEqual([ambiguous.matches, ambiguous.baseline_unmatched], [[], ["e1", "e2"]]);
  // Two benchmark cells of this run the eval could belong to (another scenario type): no guess.
  deepStrictEqual(
    matchBaseline([bench, benchCell("now-other", { scenario_type: "agentic" })], [
      evalCell("e"),
    ]),
    [],
  );
});

Deno.test("matchBaselineCells: no eval-identity pairing on a disagreement or without a shared task", () => {
  const bench = benchCell("now-bench");
  const cases: [string, Cell][] = [
    ["tp", evalCell("e", {}, { tp: 4 })],
    ["ep", evalCell("e", {}, { ep: 8 })],
    ["concurrency", evalCell("e", { concurrency: 32 })],
    ["DP attention", evalCell("e", { dp_attention: true })],
    ["framework", evalCell("e", { framework: "sglang" })],
    ["ISL", evalCell("e", { isl: 8192 })],
    ["spec decoding unknown", evalCell("e", { spec_decoding: "" })],
    ["another task", evalCell("e", { eval: { mmlu: { acc: { value: 0.7, stderr: null } } } })],
    ["no eval", evalCell("e", { eval: null })],
  ];
  for (const [name, base] of cases) deepStrictEqual(matchBaseline([bench], [base]), [], name);
});

Deno.test("matchBaselineCells: benchmark cells never pair on the eval's identity", () => {
  // Two benchmark cells (with evals) that differ only in scenario type: not one identity, and
  // neither is eval-only, so they stay unpaired as before.
  const m = matchBaselineCells([benchCell("now")], [
    benchCell("base", { scenario_type: "agentic" }),
  ]);
  deepStrictEqual([m.matches, m.baseline_unmatched], [[], ["base"]]);
});

Deno.test("matchBaselineCells: a baseline report.json's eval-only cell may lack fields", () => {
  // A cell read back from an older report.json: no isl/osl keys, no ep; still the same eval.
  const old = evalCell("old") as unknown as Record<string, unknown>;
  delete old.isl;
  delete old.osl;
  delete (old.metrics as Record<string, unknown>).ep;
  const m = matchBaseline([benchCell("now", {}, { ep: null })], [old as unknown as Cell]);
  deepStrictEqual(m.map((x) => [x.baseline_cell_id, x.paired_by]), [["old", "eval_identity"]]);
});

Deno.test("matchBaselineCells: a guess pairs measured runs with measured ones, failed with failed", () => {
  const good = (id: string, p99: number) => cell(id, 64, { p99_ttft: p99 });
  let runs = 0;
  const failed = (id: string) =>
    cell(id, 64, { num_requests_total: 100 + runs++ }, { status: "failed" });
  const pairs = (now: Cell[], base: Cell[]) =>
    matchBaselineCells(now, base).matches.map((x) => [x.cell_id, x.baseline_cell_id, x.paired_by]);
  // The baseline's failed run sorts first; this run's good one is still compared with the
  // baseline's good re-run, so its regression shows.
  deepStrictEqual(pairs([good("n", 3)], [failed("a-failed"), good("b-good", 1)]), [
    ["n", "b-good", "order"],
  ]);
  deepStrictEqual(
    matchBaselineCells([good("n", 3)], [failed("a-failed"), good("b-good", 1)]).baseline_unmatched,
    ["a-failed"],
  );
  deepStrictEqual(
    pairs([failed("m-failed"), good("n-good", 3)], [good("a-good", 1), failed("b-failed")]),
    [["m-failed", "b-failed", "order"], ["n-good", "a-good", "order"]],
  );
  // More runs here than in the baseline: the extra one is compared with a baseline run that
  // agrees on having failed.
  deepStrictEqual(
    pairs([good("n-1", 3), good("n-2", 2)], [failed("a-failed"), good("b-good", 1)]),
    [["n-1", "b-good", "order"], ["n-2", "a-failed", "order"]],
  );
  // A baseline cell with nothing measured (its agg cut short: status unknown) is no good run either.
  const cut = cell("a-cut", 64, {}, { status: "unknown" });
  deepStrictEqual(pairs([good("n", 3)], [cut, good("b-good", 1)]), [["n", "b-good", "order"]]);
  deepStrictEqual(pairs([good("n-1", 3), good("n-2", 2)], [failed("a-failed")]), [
    ["n-1", "a-failed", "order"],
    ["n-2", "a-failed", "reused"],
  ]);
  deepStrictEqual(
    pairs([good("n-1", 3), good("n-2", 2), good("n-3", 4)], [
      failed("a-failed"),
      good("b-good", 1),
    ]),
    [["n-1", "b-good", "order"], ["n-2", "a-failed", "order"], ["n-3", "b-good", "reused"]],
  );
});
