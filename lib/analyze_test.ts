import assert from "node:assert/strict";
import { analyze } from "./analyze.ts";
import { defaultThresholds } from "./thresholds.ts";
import type { ExpectedCell, Identity, LoadedArtifact, ParseResult } from "./types.ts";
import { parseEvalMeta } from "../parsers/eval_meta.ts";
import { parseEvalResults } from "../parsers/eval_results.ts";

function raw(path: string, identity: Partial<Identity>): LoadedArtifact {
  return {
    ref: { path, kind: "raw_result", size: 1 },
    result: {
      drafts: [{
        source_format: "inferencex-static",
        priority: 20,
        identity,
        metrics: { num_requests_total: 4, num_requests_successful: 4 },
        primary: true,
      }],
      issues: [],
      unreadable: false,
    },
  };
}

Deno.test("analyze: manifest expectations are met by path prefix and by identity", () => {
  const expected: Omit<ExpectedCell, "index">[] = [
    { path: "runs/a", match: {} }, // a directory of an artifact
    { path: "runs/a/x.json", match: {} }, // the artifact itself
    { path: "runs/a/x", match: {} }, // missing: a prefix, but not at a "/"
    { path: "run", match: {} }, // missing
    { path: null, match: { model: "gptoss" } }, // strings compare ignoring case
    { path: null, match: { concurrency: "4" } }, // missing: "4" is not 4
    { path: null, match: { concurrency: 8, model: "GPTOSS" } }, // missing: that is dsr1
    { path: "runs", match: { model: "dsr1", concurrency: 8 } },
    { path: null, match: {} }, // any cell
    { path: null, match: { metrics: "x" } }, // missing: not an identity value
    { path: null, match: { hardware: "h100" } }, // missing: unknown hardware
  ];
  const report = analyze({
    inputRoot: "r",
    generatedAt: "2026-01-01T00:00:00Z",
    loaded: [
      {
        ref: { path: "campaign.json", kind: "manifest", size: 1 },
        result: null,
        manifest: {
          expected_cells: expected.map((e, index) => ({ ...e, index })),
          timeline_expected: false,
        },
      },
      raw("runs/a/x.json", { model: "GptOss", concurrency: 4 }),
      raw("runs/ab/y.json", { model: "dsr1", concurrency: 8 }),
    ],
    walkIssues: [],
    timelines: [],
    thresholds: defaultThresholds(),
  });
  assert.equal(report.cells.length, 2);
  const missing = report.findings
    .filter((f) => f.code === "missing_required_artifact")
    .map((f) => f.evidence.expected_index as number)
    .sort((a, b) => a - b);
  assert.deepEqual(missing, [2, 3, 5, 6, 9, 10]);
  assert.deepEqual(report.run_summary.missing_artifacts.map((m) => m.what).sort(), [
    "concurrency=4",
    "concurrency=8, model=GPTOSS",
    "hardware=h100",
    "metrics=x",
    "path=run",
    "path=runs/a/x",
  ]);
});

Deno.test("analyze: findings are attached to their cells, and inputs are not changed", () => {
  const loaded = [
    raw("a/x.json", { model: "m", concurrency: 4 }),
    {
      ...raw("b/y.json", { model: "m", concurrency: 8 }),
      result: {
        drafts: [{
          source_format: "inferencex-static" as const,
          priority: 20,
          identity: { model: "m", concurrency: 8 },
          metrics: { num_requests_total: 10, num_requests_successful: 0 },
          primary: true,
        }],
        issues: [],
        unreadable: false,
      },
    },
  ];
  const before = JSON.stringify(loaded);
  const report = analyze({
    inputRoot: "r",
    generatedAt: "2026-01-01T00:00:00Z",
    loaded,
    walkIssues: [],
    timelines: [],
    thresholds: defaultThresholds(),
  });
  assert.equal(JSON.stringify(loaded), before);
  for (const cell of report.cells) {
    assert.deepEqual(cell.findings, report.findings.filter((f) => f.cell_id === cell.cell_id));
  }
  assert.ok(report.cells.some((c) => c.findings.length > 0));
});

Deno.test("analyze: recordsFolded lets go of the records after the fold and changes nothing else", () => {
  const input = () => ({
    inputRoot: "r",
    generatedAt: "2026-01-01T00:00:00Z",
    loaded: [
      raw("runs/a/x.json", { model: "m", concurrency: 4 }),
      raw("runs/b/y.json", { model: "m", concurrency: 8 }),
    ],
    walkIssues: [],
    // A timeline in a cell's run directory: attached through the records' directory index,
    // which must outlive the records.
    timelines: [{
      path: "runs/b/inferguard_timeline.jsonl",
      samples: [{
        observed_at: "2026-05-27T10:00:00Z",
        findings: [{
          code: "kv_transfer_errors_present",
          severity: "warning" as const,
          message: "Decode-side KV transfer failures rose by 2 in the window",
          evidence: { failures_delta: 2 },
        }],
      }],
      bad_lines: 0,
    }],
    thresholds: defaultThresholds(),
  });
  const kept = input();
  const expected = analyze(kept);
  assert.ok(kept.loaded.every((l) => l.result!.drafts.length === 1), "loaded changed without it");
  const timeline = expected.cells.find((c) => c.timeline !== null);
  assert.ok(timeline, "the timeline is attached to a cell");

  const handed = input();
  let calls = 0;
  const report = analyze({
    ...handed,
    recordsFolded: () => {
      calls++;
      assert.ok(handed.loaded.every((l) => l.result!.drafts.length === 0), "drafts still held");
    },
  });
  assert.equal(calls, 1);
  assert.equal(JSON.stringify(report), JSON.stringify(expected));
});

Deno.test("analyze: a batched eval (results_<ts>_conc<N>.json) gives one cell per concurrency", () => {
  const meta = {
    is_multinode: true,
    framework: "sglang",
    precision: "fp8",
    spec_decoding: "none",
    tp: 8,
    ep: 1,
    dp_attention: false,
    conc: 64,
    eval_concs: [4, 16],
    infmax_model_prefix: "dsr1",
    hw: "gb200",
    isl: "1024",
    osl: "1024",
  };
  const results = (score: number) => ({
    lm_eval_version: "0.4.9",
    results: { gsm8k: { "exact_match,strict-match": score } },
  });
  const art = (path: string, kind: "eval_meta" | "eval_results", r: ParseResult) => ({
    ref: { path, kind, size: 1 },
    result: r,
  });
  const report = analyze({
    inputRoot: "r",
    generatedAt: "2026-01-01T00:00:00Z",
    loaded: [
      art("ev/meta_env.json", "eval_meta", parseEvalMeta(meta)),
      art(
        "ev/results_2026-06-01T00-00-00_conc16.json",
        "eval_results",
        parseEvalResults(results(0.8)),
      ),
      art(
        "ev/results_2026-06-01T00-00-00_conc4.json",
        "eval_results",
        parseEvalResults(results(0.95)),
      ),
    ],
    walkIssues: [],
    timelines: [],
    thresholds: defaultThresholds(),
  });
  assert.deepEqual(
    report.cells.map((
      c,
    ) => [c.concurrency, c.model, c.hardware, c.eval?.gsm8k?.["exact_match,strict-match"]?.value]),
    [[16, "dsr1", "gb200", 0.8], [4, "dsr1", "gb200", 0.95]],
  );
});

Deno.test("analyze: one results_<ts>_conc<N>.json (or conc0) stays with the benchmark cell of its directory", () => {
  const results = {
    lm_eval_version: "0.4.9",
    results: { gsm8k: { "exact_match,strict-match": 0.9 } },
  };
  for (
    const name of [
      "results_2026-06-01T00-00-00_conc8.json",
      "results_2026-06-01T00-00-00_conc0.json",
    ]
  ) {
    const report = analyze({
      inputRoot: "r",
      generatedAt: "2026-01-01T00:00:00Z",
      loaded: [
        raw("runs/b/x.json", { model: "dsr1", concurrency: 8 }),
        {
          ref: { path: `runs/b/${name}`, kind: "eval_results", size: 1 },
          result: parseEvalResults(results),
        },
      ],
      walkIssues: [],
      timelines: [],
      thresholds: defaultThresholds(),
    });
    assert.deepEqual(
      report.cells.map((c) => [c.concurrency, c.eval?.gsm8k?.["exact_match,strict-match"]?.value]),
      [[8, 0.9]],
      name,
    );
  }
});

Deno.test("analyze: an eval whose meta_env contradicts its directory's cell is not attached to it", () => {
  const results = {
    lm_eval_version: "0.4.9",
    results: { gsm8k: { "exact_match,strict-match": 0.9 } },
  };
  const run = (metaModel: string) =>
    analyze({
      inputRoot: "r",
      generatedAt: "2026-01-01T00:00:00Z",
      loaded: [
        raw("d/x.json", { model: "gptoss", hardware: "h200", concurrency: 4 }),
        {
          ref: { path: "d/meta_env.json", kind: "eval_meta", size: 1 },
          result: parseEvalMeta({ infmax_model_prefix: metaModel, hw: "H200", conc: 4, tp: 8 }),
        },
        {
          ref: { path: "d/results_2026-06-01T00-00-00.json", kind: "eval_results", size: 1 },
          result: parseEvalResults(results),
        },
      ],
      walkIssues: [],
      timelines: [],
      thresholds: defaultThresholds(),
    });
  // Another model: two cells, the benchmark one without the eval.
  assert.deepEqual(
    run("dsr1").cells.map((c) => [c.model, c.source_format, c.eval === null]).sort(),
    [["dsr1", "eval", false], ["gptoss", "inferencex-static", true]],
  );
  // The same identity (hardware in another case): attached, one cell.
  assert.deepEqual(run("gptoss").cells.map((c) => [c.model, c.source_format, c.eval === null]), [
    ["gptoss", "mixed", false],
  ]);
});
