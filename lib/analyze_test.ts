import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { analyze } from "./analyze.ts";
import { defaultThresholds } from "./thresholds.ts";
import type { ExpectedCell, Identity, LoadedArtifact, ParseResult } from "./types.ts";
import { parseEvalMeta } from "../parsers/eval_meta.ts";
import { parseEvalResults } from "../parsers/eval_results.ts";
import { analyzeInProcess, withTemp } from "../tests/_hostile.ts";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import { copyDistinct, distinctPadding } from "../tests/_distinct.ts";
import type { Report } from "./analyze.ts";
import { renderMarkdown } from "../render/markdown.ts";

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

Deno.test("analyze: manifest topology, flags and the root's own directory; attached evals place no cell", () => {
  const expect = (path: string, entries: Omit<ExpectedCell, "index">[]): LoadedArtifact => ({
    ref: { path, kind: "manifest", size: 1 },
    result: null,
    manifest: {
      expected_cells: entries.map((e, index) => ({ ...e, index })),
      timeline_expected: false,
    },
  });
  const withMetrics = (path: string, identity: Partial<Identity>, metrics: object) => {
    const l = raw(path, identity);
    Object.assign(l.result!.drafts[0].metrics, metrics);
    return l;
  };
  const evalFile = (path: string): LoadedArtifact => ({
    ref: { path, kind: "eval_results", size: 1 },
    result: parseEvalResults({
      results: { gsm8k: { "exact_match,strict-match": 0.9 } },
      config: { model_args: "pretrained=openai/gpt-oss-120b" },
    }),
  });
  const report = analyze({
    inputRoot: "r",
    generatedAt: "2026-01-01T00:00:00Z",
    loaded: [
      expect("manifest.json", [
        { path: null, match: { concurrency: 32, tp: 8 } }, // met
        { path: null, match: { concurrency: 32, tp: 2 } }, // missing: that cell is tp8
        { path: null, match: { concurrency: 32, pp: 1, is_multinode: false } }, // met: pp unstated
        { path: null, match: { concurrency: 32, is_multinode: true } }, // missing
        { path: "", match: { concurrency: 32 } }, // met: "." at the root
        { path: "camp/c64", match: {} }, // missing: only an eval lies there
      ]),
      withMetrics("camp/agg_c32.json", { concurrency: 32, is_multinode: false }, { tp: 8 }),
      evalFile("camp/c64/results_2026-06-01T00-00-00.json"),
    ],
    walkIssues: [],
    timelines: [],
    thresholds: defaultThresholds(),
  });
  assert.equal(report.cells.length, 1, "the eval attaches to the c32 cell above it");
  assert.deepEqual(
    report.findings.filter((f) => f.code === "missing_required_artifact")
      .map((f) => f.evidence.expected_index).sort(),
    [1, 3, 5],
  );
});

Deno.test("analyze: every manifest speaks for its own directory", () => {
  const manifest = (
    path: string,
    entries: Omit<ExpectedCell, "index">[],
    timeline = false,
  ): LoadedArtifact => ({
    ref: { path, kind: "manifest", size: 1 },
    result: { drafts: [], issues: [], unreadable: false },
    manifest: {
      expected_cells: entries.map((e, index) => ({ ...e, index })),
      timeline_expected: timeline,
    },
  });
  const report = analyze({
    inputRoot: "r",
    generatedAt: "2026-01-01T00:00:00Z",
    loaded: [
      manifest("campA/manifest.json", [
        { path: null, match: { concurrency: 4 } },
        { path: null, match: { concurrency: 8 } }, // missing: c8 is campB's
        { path: "x.json", match: {} }, // relative to campA
        { path: "campA/x.json", match: {} }, // as written from the root, and under campA
      ]),
      manifest("campB/manifest.json", [
        { path: null, match: { concurrency: 8 } },
        { path: null, match: { concurrency: 32 } }, // missing
        { path: "campA/x.json", match: {} }, // missing: campA is not under campB
      ], true),
      raw("campA/x.json", { model: "m", concurrency: 4 }),
      raw("campB/y.json", { model: "m", concurrency: 8 }),
    ],
    walkIssues: [],
    timelines: [{ path: "campA/inferguard_timeline.jsonl", samples: [], bad_lines: 0 }],
    thresholds: defaultThresholds(),
  });
  const missing = report.findings.filter((f) => f.code === "missing_required_artifact")
    .map((f) => `${f.evidence.manifest}#${f.evidence.expected_index}`).sort();
  assert.deepEqual(missing, [
    "campA/manifest.json#1",
    "campB/manifest.json#1",
    "campB/manifest.json#2",
  ]);
  assert.equal(report.run_summary.expected_cells, 7);
  assert.equal(report.run_summary.timeline_expected, true);
  // campB expects a timeline; the only one is under campA.
  const noTimeline = report.findings.filter((f) => f.code === "metrics_unavailable");
  assert.deepEqual(noTimeline.map((f) => f.message), [
    '"campB/manifest.json" expects a live timeline but no timeline file was found under "campB"',
  ]);
  assert.match(
    renderMarkdown(report),
    /The 2 campaign manifests expect 7 cell\(s\); 3 of them are missing\./,
  );
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
  // The manifest names the cell of each file: a results file's own, none for the meta_env that
  // describes both.
  assert.deepEqual(
    report.artifact_manifest.discovered.map((d) => [d.path, d.cell]),
    [
      ["ev/meta_env.json", null],
      ["ev/results_2026-06-01T00-00-00_conc16.json", report.cells[0].cell_id],
      ["ev/results_2026-06-01T00-00-00_conc4.json", report.cells[1].cell_id],
    ],
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
    assert.deepEqual(
      report.artifact_manifest.discovered.map((d) => d.cell),
      [report.cells[0].cell_id, report.cells[0].cell_id],
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

Deno.test({
  name:
    "analyze (real data): an eval whose meta_env states another tp, ISL or OSL is not attached to its directory's cell",
  ignore: !HAS_REALDATA,
  async fn() {
    // The real agg is tp 8, ep 1, DP attention off, 1024/1024, conc 64 (its file name and fields).
    const agg =
      "agg_gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc64_h200-nebius_0.json";
    const meta = {
      is_multinode: false,
      framework: "vllm",
      precision: "fp4",
      spec_decoding: "none",
      tp: 8,
      pp: 1,
      conc: 64,
      ep: 1,
      dp_attention: false,
      model: "openai/gpt-oss-120b",
      infmax_model_prefix: "gptoss",
      hw: "h200",
      isl: "1024",
      osl: "1024",
    };
    const results = {
      lm_eval_version: "0.4.9",
      results: {
        gsm8k: { "exact_match,strict-match": 0.8, "exact_match_stderr,strict-match": 0.01 },
      },
    };
    const run = (edit: Record<string, unknown>, drop: readonly string[] = []) =>
      withTemp("eval_dir_join", async (dir) => {
        const run = `${dir}/in/run`;
        const evalDir = `${run}/eval_gptoss_fp4_vllm_conc64_h200-nb_1`;
        await copyInto(realdata(`fixed-seq/gptoss-h200-agg/${agg}`), `${run}/${agg}`);
        await Deno.mkdir(evalDir, { recursive: true });
        const m: Record<string, unknown> = { ...meta, ...edit };
        for (const k of drop) delete m[k];
        await Deno.writeTextFile(`${evalDir}/meta_env.json`, JSON.stringify(m));
        await Deno.writeTextFile(
          `${evalDir}/results_2026-02-19T15-48-37.045606.json`,
          JSON.stringify(results),
        );
        const report = await analyzeTree(`${dir}/in`, `${dir}/out`);
        return report.cells.map((c) => [c.source_format, c.metrics.tp, c.osl, c.eval !== null])
          .sort((a, b) => String(a).localeCompare(String(b)));
      });
    const attached = [["mixed", 8, 1024, true]];
    assert.deepEqual(await run({}), attached, "the same identity: attached");
    assert.deepEqual(
      await run({}, ["tp", "ep", "dp_attention", "isl", "osl", "spec_decoding"]),
      attached,
      "fields the eval leaves open are no conflict",
    );
    for (
      const [what, edit, evalCell] of [
        ["tp", { tp: 1 }, ["eval", 1, 1024, true]],
        ["OSL", { osl: "8192" }, ["eval", 8, 8192, true]],
        ["ISL", { isl: "8192" }, ["eval", 8, 1024, true]],
        ["ep", { ep: 8 }, ["eval", 8, 1024, true]],
        ["DP attention", { dp_attention: true }, ["eval", 8, 1024, true]],
        ["speculative decoding", { spec_decoding: "mtp" }, ["eval", 8, 1024, true]],
      ] as const
    ) {
      assert.deepEqual(
        await run(edit),
        [evalCell, ["inferencex-static", 8, 1024, false]],
        `another ${what}: two cells, the benchmark one without the eval`,
      );
    }
  },
});

Deno.test("analyze: a multi-node eval's legacy tp does not contradict its directory's cell; prefill tp does", () => {
  const results = {
    lm_eval_version: "0.4.9",
    results: { gsm8k: { "exact_match,strict-match": 0.9 } },
  };
  const run = (meta: Record<string, unknown>) =>
    analyze({
      inputRoot: "r",
      generatedAt: "2026-01-01T00:00:00Z",
      loaded: [
        {
          ref: { path: "d/x.json", kind: "raw_result", size: 1 },
          result: {
            drafts: [{
              source_format: "inferencex-static",
              priority: 20,
              identity: { model: "dsr1", hardware: "gb200", concurrency: 4, is_multinode: true },
              // A multi-node agg keeps tp as prefill_tp + decode_tp (reference §9.7).
              metrics: { tp: 12, prefill_tp: 4, decode_tp: 8, num_requests_total: 4 },
              primary: true,
            }],
            issues: [],
            unreadable: false,
          },
        },
        {
          ref: { path: "d/meta_env.json", kind: "eval_meta", size: 1 },
          result: parseEvalMeta({
            infmax_model_prefix: "dsr1",
            hw: "gb200",
            conc: 4,
            is_multinode: true,
            ...meta,
          }),
        },
        {
          ref: { path: "d/results_2026-06-01T00-00-00.json", kind: "eval_results", size: 1 },
          result: parseEvalResults(results),
        },
      ],
      walkIssues: [],
      timelines: [],
      thresholds: defaultThresholds(),
    }).cells.map((c) => [c.source_format, c.eval === null]).sort();
  assert.deepEqual(run({ tp: 4, prefill_tp: 4, decode_tp: 8 }), [["mixed", false]]);
  assert.deepEqual(run({ tp: 4, prefill_tp: 8, decode_tp: 8 }), [
    ["eval", false],
    ["inferencex-srt-slurm", true],
  ]);
});

// ---------------------------------------------------------------------------------------------
// Grouping and joining of real multi-node layouts (formats reference §2.2, §2.4, §9.1, §10).
// Real files are copied into a temporary tree under the names the GitHub Actions artifacts use.

/** The RF of the real AMD multi-node curve (its aggs are named `agg_<RF>_<point>.json`). */
const AMD_RF =
  "gptoss_1k1k_fp4_vllm-disagg_prefill-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_decode-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_disagg-true_spec-none_conc4x8x16x32x64x128x256x512_mi355x-amds_0";
const amdPoint = (conc: number) => `concurrency_${conc}_req_rate_inf_gpus_16_ctx_8_gen_8.json`;

async function copyInto(from: string, to: string): Promise<void> {
  await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
  await Deno.copyFile(from, to);
}

/** Run the real analyze on `tree` (outside it) and return its report. */
async function analyzeTree(tree: string, out: string): Promise<Report> {
  const r = await analyzeInProcess(tree, out, ["--fail-on", "never"]);
  assert.equal(r.code, 0, r.stderr);
  return r.report!;
}

Deno.test({
  name:
    "analyze (real data): multi-node raw results in power_audit_<RF>/ and their aggs in bmk_<RF>/ are one cell per point",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("mn_pair", async (dir) => {
      const tree = `${dir}/in`;
      for (const conc of [64, 128]) {
        const p = amdPoint(conc);
        await copyInto(
          realdata(`multinode/gptoss-mi355x-disagg-raw/${p}`),
          `${tree}/power_audit_${AMD_RF}/${AMD_RF}_${p}`,
        );
        await copyInto(
          realdata(`multinode/gptoss-mi355x-disagg-agg/agg_${AMD_RF}_${p}`),
          `${tree}/bmk_${AMD_RF}/agg_${AMD_RF}_${p}`,
        );
        await copyInto(
          realdata(`multinode/gptoss-mi355x-disagg-agg/power_validation_${AMD_RF}_${p}`),
          `${tree}/power_audit_${AMD_RF}/power_validation_${AMD_RF}_${p}`,
        );
      }
      // Single-node pairing is unchanged: bmk_<RF>/agg_<RF>.json with power_audit_<RF>/<RF>.json.
      const sn =
        "kimik2.5_1k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc4_MI355-gbt350-odcdh5-wbb3";
      await copyInto(
        realdata(`fixed-seq/kimik2.5-mi355x/agg_${sn}.json`),
        `${tree}/bmk_${sn}/agg_${sn}.json`,
      );
      await copyInto(
        realdata(`fixed-seq/kimik2.5-mi355x/${sn}.json`),
        `${tree}/power_audit_${sn}/${sn}.json`,
      );
      const report = await analyzeTree(tree, `${dir}/out`);
      const cells = [...report.cells].sort((a, b) => a.concurrency! - b.concurrency!);
      // Expected values: `completed` and `total_token_throughput` of the raw files (reference
      // §6.2's table for the AMD curve; the kimik2.5 conc-4 file read with python's json).
      assert.deepEqual(
        cells.map((c) => [
          c.concurrency,
          c.is_multinode,
          Object.keys(c.artifacts).sort(),
          c.metrics.num_requests_successful,
          Math.round(c.metrics.total_tput_tps! * 100) / 100,
        ]),
        [
          [4, false, ["agg", "raw_result"], 40, 445.01],
          [64, true, ["agg", "power_validation", "raw_result"], 640, 10005.21],
          [128, true, ["agg", "power_validation", "raw_result"], 1280, 16736.56],
        ],
      );
    }),
});

Deno.test({
  name:
    "analyze (real data): a multi-node run's LOGS/ copies of its raw results are counted once, in the point's cell",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("mn_logs_copies", async (dir) => {
      const tree = `${dir}/in`;
      const audit = `${tree}/power_audit_${AMD_RF}`;
      const copies: string[] = [];
      for (const conc of [64, 128]) {
        const p = amdPoint(conc);
        const raw = realdata(`multinode/gptoss-mi355x-disagg-raw/${p}`);
        await copyInto(raw, `${audit}/${AMD_RF}_${p}`);
        await copyInto(
          realdata(`multinode/gptoss-mi355x-disagg-agg/agg_${AMD_RF}_${p}`),
          `${tree}/bmk_${AMD_RF}/agg_${AMD_RF}_${p}`,
        );
        // The launcher's own files (reference §2.4 and §6.1), the same bytes under other names.
        const logs =
          `LOGS/sa-bench_isl_1024_osl_1024/results_concurrency_${conc}_gpus_16_ctx_8_gen_8.json`;
        await copyInto(raw, `${audit}/${logs}`);
        copies.push(`power_audit_${AMD_RF}/${logs}`);
      }
      // A raw copy without its original beside it stays a point of its own.
      const lone =
        `power_audit_${AMD_RF}/LOGS/sa-bench_isl_1024_osl_1024/results_concurrency_8_gpus_16_ctx_8_gen_8.json`;
      await copyInto(
        realdata(`multinode/gptoss-mi355x-disagg-raw/${amdPoint(8)}`),
        `${tree}/${lone}`,
      );
      const report = await analyzeTree(tree, `${dir}/out`);
      const cells = [...report.cells].sort((a, b) => a.concurrency! - b.concurrency!);
      assert.deepEqual(
        cells.map((c) => [
          c.concurrency,
          c.hardware,
          c.artifacts.raw_result,
          c.notes.same_bytes_copies ?? null,
        ]),
        [
          [8, null, [lone], null],
          ...[64, 128].map((conc, i) => [conc, "mi355x", [
            copies[i],
            `power_audit_${AMD_RF}/${AMD_RF}_${amdPoint(conc)}`,
          ], [{
            path: copies[i],
            same_bytes_as: `power_audit_${AMD_RF}/${AMD_RF}_${amdPoint(conc)}`,
          }]]),
        ],
      );
      // One curve point per concurrency (no duplicates), and the copies are listed under the
      // point's cell in the manifest.
      const curve = report.cross_run.curves.find((c) => c.key.hardware === "mi355x")!;
      assert.deepEqual(curve.points.map((p) => p.concurrency), [64, 128]);
      assert.deepEqual(curve.duplicates, []);
      for (const [i, path] of copies.entries()) {
        const entry = report.artifact_manifest.discovered.find((d) => d.path === path)!;
        assert.equal(entry.cell, cells[i + 1].cell_id);
        assert.equal(entry.parsed, true);
      }
      const md = renderMarkdown(report);
      assert.ok(
        md.includes("2 measurement files repeat the bytes of another and were counted once"),
        md,
      );
      assert.ok(md.includes(`- \`${copies[0]}\`: same bytes as`), md);
    }),
});

Deno.test({
  name:
    "analyze (real data): a multi-node point with no agg takes its job's hardware from the other points' aggs",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("mn_rawonly_hw", async (dir) => {
      const tree = `${dir}/in`;
      for (const conc of [64, 128, 256]) {
        const p = amdPoint(conc);
        await copyInto(
          realdata(`multinode/gptoss-mi355x-disagg-raw/${p}`),
          `${tree}/power_audit_${AMD_RF}/${AMD_RF}_${p}`,
        );
        // The conc-256 point failed its run: InferenceX wrote no agg for it.
        if (conc === 256) continue;
        await copyInto(
          realdata(`multinode/gptoss-mi355x-disagg-agg/agg_${AMD_RF}_${p}`),
          `${tree}/bmk_${AMD_RF}/agg_${AMD_RF}_${p}`,
        );
      }
      const report = await analyzeTree(tree, `${dir}/out`);
      assert.deepEqual(
        [...report.cells].sort((a, b) => a.concurrency! - b.concurrency!).map((c) => [
          c.concurrency,
          c.hardware,
          c.notes.hardware_from ?? null,
        ]),
        [
          [64, "mi355x", null],
          [128, "mi355x", null],
          [256, "mi355x", `bmk_${AMD_RF}/agg_${AMD_RF}_${amdPoint(128)}`],
        ],
      );
      // One curve holds all three points.
      assert.deepEqual(
        report.cross_run.curves.map((c) => c.points.map((p) => p.concurrency)),
        [[64, 128, 256]],
      );
    }),
});

Deno.test({
  name:
    "analyze (real data): rows of agg_bmk.json that repeat agg files of the tree are counted once, not as re-runs",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("collected_copies", async (dir) => {
      const tree = `${dir}/in`;
      // reference §8: agg_bmk.json is collect_results.py over these two folders' aggs.
      const h200 = "fixed-seq/gptoss-h200-agg";
      const mn = "multinode/gptoss-mi355x-disagg-agg";
      const aggs: string[] = [];
      for (const folder of [h200, mn]) {
        for await (const e of Deno.readDir(realdata(folder))) {
          if (e.name.startsWith("agg_")) aggs.push(`${folder}/${e.name}`);
        }
      }
      aggs.sort();
      // One agg left out: its row has nothing to repeat and stays a cell of its own.
      const left = aggs.find((a) => a.includes("tp2-"))!;
      for (const a of aggs) if (a !== left) await copyInto(realdata(a), `${tree}/${a}`);
      await copyInto(realdata("collected/agg_bmk.json"), `${tree}/collected/agg_bmk.json`);
      const report = await analyzeTree(tree, `${dir}/out`);
      assert.equal(aggs.length, 17);
      // 16 agg files and one row: one cell each.
      assert.equal(report.cells.length, 17);
      const fromRows = report.cells.filter((c) => c.artifacts.agg === undefined);
      assert.equal(fromRows.length, 1);
      assert.deepEqual(fromRows[0].artifacts, { agg_collection: ["collected/agg_bmk.json"] });
      assert.equal(fromRows[0].metrics.tp, 2);
      const rows = report.cells.flatMap((c) =>
        ((c.notes.collected_copies ?? []) as { row: number; same_record_as: string }[]).map((
          r,
        ) => [r.row, r.same_record_as, c.artifacts.agg?.[0], c.artifacts.agg_collection])
      );
      assert.equal(rows.length, 16);
      for (const [_, same, agg, collection] of rows) {
        assert.equal(same, agg);
        assert.deepEqual(collection, ["collected/agg_bmk.json"]);
      }
      // No curve counts a point twice, and report.md calls nothing a re-run.
      assert.deepEqual(report.cross_run.curves.filter((c) => c.duplicates.length > 0), []);
      const md = renderMarkdown(report);
      assert.ok(!/\d ×\d/.test(md), md); // the matrix marks a point measured twice "4 ×2"
      assert.ok(md.includes("16 rows of collected files repeat the record of an agg file"), md);
    }),
});

/**
 * Id of the real AMD multi-node curve, as every version before the sides' pp/dcp/pcp were read
 * gave it (its aggs state them all as 1, which must not change the key): a pin, not a derivation.
 */
const AMD_CURVE_ID = "gptoss-mi355x-vllm_disagg-fp4-1024-1024-11af89f97435dc";

Deno.test({
  name: "analyze (real data): the multi-node curve id stays what it was with pp/dcp/pcp read",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("mn_id", async (dir) => {
      const src = realdata("multinode/gptoss-mi355x-disagg-agg");
      const aggs = [...Deno.readDirSync(src)].map((e) => e.name).filter((n) =>
        n.startsWith("agg_")
      );
      for (const f of aggs) await copyInto(`${src}/${f}`, `${dir}/in/${f}`);
      const report = await analyzeTree(`${dir}/in`, `${dir}/out`);
      assert.deepEqual(
        report.cross_run.curves.map((c) => [c.curve_id, c.points.map((p) => p.concurrency)]),
        [[AMD_CURVE_ID, [4, 8, 16, 32, 64, 128, 256, 512]]],
      );
      const key = report.cross_run.curves[0].key;
      assert.equal("decode_dcp" in key, false, "all 1: not part of the key");
      assert.deepEqual(
        report.cells.map((c) => [c.metrics.prefill_dcp, c.metrics.decode_dcp]),
        aggs.map(() => [1, 1]),
      );
    }),
});

Deno.test({
  name:
    "analyze (real data): disaggregated runs that differ only in decode dcp are two curves, not duplicates",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("mn_dcp", async (dir) => {
      const dcp2Rf = AMD_RF.replace("_decode-tp8-pp1-dcp1-", "_decode-tp8-pp1-dcp2-");
      for (const conc of [64, 128]) {
        const p = amdPoint(conc);
        const from = realdata(`multinode/gptoss-mi355x-disagg-agg/agg_${AMD_RF}_${p}`);
        await copyInto(from, `${dir}/in/agg_${AMD_RF}_${p}`);
        // The same run as if deployed with decode dcp 2: the field and the name say so.
        const agg = JSON.parse(await Deno.readTextFile(from));
        await Deno.writeTextFile(
          `${dir}/in/agg_${dcp2Rf}_${p}`,
          JSON.stringify({ ...agg, decode_dcp_size: 2 }),
        );
      }
      const report = await analyzeTree(`${dir}/in`, `${dir}/out`);
      const curves = report.cross_run.curves;
      assert.deepEqual(
        curves
          .map((c) => [c.key.decode_dcp ?? null, c.points.map((p) => p.concurrency), c.duplicates])
          .sort(),
        [[null, [64, 128], []], [2, [64, 128], []]],
      );
      assert.equal(curves.filter((c) => c.curve_id === AMD_CURVE_ID).length, 1);
      // report.md tells the two apart by more than their ids.
      const md = renderMarkdown(report);
      assert.ok(md.includes("1024/1024 · P8+D8 GPUs · decode dcp2"), "dcp2 curve label");
      assert.ok(md.includes("1024/1024 · P8+D8 GPUs |"), "plain curve label");
      for (const c of curves) {
        const dcp2 = c.key.decode_dcp === 2;
        for (const p of c.points) {
          const cell = report.cells.find((x) => x.cell_id === p.cell_id)!;
          assert.equal(Object.values(cell.artifacts).flat()[0].includes("-dcp2-"), dcp2);
        }
      }
    }),
});

Deno.test({
  name:
    "analyze (real data): a multi-node AgentX run gives one cell per conc_<N>, with its <RF>_conc<N>.json",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("ax_mn", async (dir) => {
      // A multi-node RF whose experiment name says conc4 while its run covers 1 and 4.
      const rf =
        "kimik2.7_tp8_conc4_kvnone_fp4_vllm_prefill-tp4-pp1-dcp1-pcp1-ep1-dpfalse-nw1_decode-tp4-pp1-dcp1-pcp1-ep1-dpfalse-nw1_disagg-true_spec-none_conc1x4_mi355x-amds_0";
      const src = (conc: number, file: string) =>
        realdata(
          `agentx-aiperf/agentic_kimik2.7_tp4_conc${conc}_kvnone_fp4_vllm_tp4-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc${conc}_mi355x-amds_0${
            conc === 1 ? 1 : 2
          }/aiperf_artifacts/${file}`,
        );
      const tree = `${dir}/in`;
      const raw = (conc: number) =>
        `${tree}/agentic_${rf}/LOGS/agentic/conc_${conc}/aiperf_artifacts`;
      // conc 1: per-request records only; conc 4: aiperf's aggregate, server metrics and the agg.
      await copyInto(src(1, "profile_export.jsonl"), `${raw(1)}/profile_export.jsonl`);
      await copyInto(src(4, "profile_export_aiperf.json"), `${raw(4)}/profile_export_aiperf.json`);
      await copyInto(src(4, "server_metrics_export.csv"), `${raw(4)}/server_metrics_export.csv`);
      await copyInto(
        realdata(
          "agentx-aiperf/bmk_agentic_kimik2.7_tp4_conc4_kvnone_fp4_vllm_tp4-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc4_mi355x-amds_02/kimik2.7_tp4_conc4_kvnone_fp4_vllm_tp4-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc4_mi355x-amds_02.json",
        ),
        `${tree}/bmk_agentic_${rf}/${rf}_conc4.json`,
      );
      // A file of the whole run, outside every conc_<N>: it describes both points (and its
      // --start-users is not theirs), and makes no cell of its own.
      await Deno.writeTextFile(
        `${tree}/agentic_${rf}/benchmark_command.txt`,
        "python trace_replay.py --start-users 4 --max-users 4 --test-duration 1800\n",
      );
      const report = await analyzeTree(tree, `${dir}/out`);
      assert.deepEqual(report.findings.filter((f) => f.code === "missing_required_artifact"), []);
      const cells = [...report.cells].sort((a, b) => a.concurrency! - b.concurrency!);
      // Expected counts: reference §9.6 (conc 1: 1 warm-up + 195 profiling records in the JSONL)
      // and §9.7's table (conc 4 agg: 552 total / 547 successful).
      assert.deepEqual(
        cells.map((c) => [
          c.concurrency,
          Object.keys(c.artifacts).sort(),
          c.metrics.num_requests_total,
          c.metrics.num_requests_successful,
        ]),
        [
          [1, ["aiperf_profile_jsonl", "command"], 196, 195],
          [4, ["agentx_agg", "aiperf_profile", "aiperf_server_metrics", "command"], 552, 547],
        ],
      );
    }),
});

Deno.test({
  name:
    "analyze (real data): batched multi-node evals and multi-node agg_eval rows join their benchmark cells",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("mn_eval", async (dir) => {
      const tree = `${dir}/in`;
      for (const conc of [4, 16, 64]) {
        const p = amdPoint(conc);
        await copyInto(
          realdata(`multinode/gptoss-mi355x-disagg-agg/agg_${AMD_RF}_${p}`),
          `${tree}/bmk_${AMD_RF}/agg_${AMD_RF}_${p}`,
        );
      }
      // meta_env.json with exactly the keys of reference §10.1 for a multi-node batch: each side
      // states only its tp and worker count; tp/ep/dp_attention are the prefill values, which the
      // multi-node aggs do not have.
      const meta = {
        is_multinode: true,
        framework: "vllm-disagg",
        precision: "fp4",
        spec_decoding: "none",
        tp: 8,
        ep: 1,
        dp_attention: false,
        conc: 4,
        eval_concs: [4, 16],
        completed_eval_concs: [4, 16],
        failed_eval_concs: [],
        prefill_tp: 8,
        prefill_num_workers: 1,
        decode_tp: 8,
        decode_num_workers: 1,
        model: "openai/gpt-oss-120b",
        infmax_model_prefix: "gptoss",
        hw: "mi355x-disagg",
        isl: "1024",
        osl: "1024",
      };
      const ev = `${tree}/eval_${AMD_RF}`;
      await Deno.mkdir(ev, { recursive: true });
      await Deno.writeTextFile(`${ev}/meta_env.json`, JSON.stringify(meta));
      for (const [conc, score] of [[4, 0.91], [16, 0.92]]) {
        await Deno.writeTextFile(
          `${ev}/results_2026-04-28T10-00-00.000000_conc${conc}.json`,
          JSON.stringify({
            lm_eval_version: "0.4.9",
            results: { gsm8k: { "exact_match,strict-match": score } },
          }),
        );
      }
      // agg_eval rows (reference §10.3): upper-case hw, `prefill=…,decode=…` DP attention; the
      // second row's empty spec_decoding is not known to mean "none", so it stays its own cell.
      const row = (score: number, spec: string) => ({
        is_multinode: true,
        model_prefix: "gptoss",
        model: "openai/gpt-oss-120b",
        hw: "MI355X-DISAGG",
        framework: "vllm-disagg",
        precision: "fp4",
        spec_decoding: spec,
        isl: 1024,
        osl: 1024,
        prefill_tp: 8,
        prefill_ep: 1,
        prefill_num_workers: 1,
        decode_tp: 8,
        decode_ep: 1,
        decode_num_workers: 1,
        conc: 64,
        dp_attention: "prefill=false,decode=false",
        task: "gsm8k",
        em_strict: score,
        em_strict_se: 0.006,
        score,
        score_name: "em_strict",
        score_se: 0.006,
      });
      await Deno.mkdir(`${tree}/eval_results_all`, { recursive: true });
      await Deno.writeTextFile(
        `${tree}/eval_results_all/agg_eval_all.json`,
        JSON.stringify([row(0.93, "none"), row(0.5, "")]),
      );
      const report = await analyzeTree(tree, `${dir}/out`);
      assert.deepEqual(
        report.cells.map((c) => [
          c.concurrency,
          c.source_format,
          c.spec_decoding,
          c.eval?.gsm8k?.["exact_match,strict-match"]?.value ?? c.eval?.gsm8k?.em_strict?.value ??
            null,
        ]).sort((a, b) =>
          (a[0] as number) - (b[0] as number) || String(a[1]).localeCompare(String(b[1]))
        ),
        [
          [4, "mixed", "none", 0.91],
          [16, "mixed", "none", 0.92],
          [64, "eval", null, 0.5],
          [64, "mixed", "none", 0.93],
        ],
      );
    }),
});

Deno.test({
  name:
    "analyze (real data): a fixed-seq file's directory (sa-bench_isl_<N>_osl_<M>/) gives its ISL/OSL, so 1k1k and 8k1k are two curves",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("isl_dirs", async (dir) => {
      const tree = `${dir}/in`;
      // srt-slurm layout (reference §6.1) with the real AMD raw files, which hold no ISL/OSL.
      for (const isl of [1024, 8192]) {
        for (const conc of [4, 8]) {
          await copyDistinct(
            realdata(`multinode/gptoss-mi355x-disagg-raw/${amdPoint(conc)}`),
            `${tree}/outputs/1234/logs/sa-bench_isl_${isl}_osl_1024/results_concurrency_${conc}_gpus_16_ctx_8_gen_8.json`,
          );
        }
      }
      // Older srt-slurm names: the file's own isl_<N>_osl_<M> wins over its directory's.
      for (const isl of [1024, 8192]) {
        await copyDistinct(
          realdata(`multinode/gptoss-mi355x-disagg-raw/${amdPoint(64)}`),
          `${tree}/legacy/sa-bench_isl_1024_osl_1024/isl_${isl}_osl_1024_concurrency_64_req_rate_inf.json`,
        );
      }
      const report = await analyzeTree(tree, `${dir}/out`);
      const cells = report.cells.map((c) => [
        c.artifacts.raw_result![0].replace(/^.*\/sa-bench_/, ""),
        c.isl,
        c.osl,
        c.concurrency,
      ]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      assert.deepEqual(cells, [
        ["isl_1024_osl_1024/isl_1024_osl_1024_concurrency_64_req_rate_inf.json", 1024, 1024, 64],
        ["isl_1024_osl_1024/isl_8192_osl_1024_concurrency_64_req_rate_inf.json", 8192, 1024, 64],
        ["isl_1024_osl_1024/results_concurrency_4_gpus_16_ctx_8_gen_8.json", 1024, 1024, 4],
        ["isl_1024_osl_1024/results_concurrency_8_gpus_16_ctx_8_gen_8.json", 1024, 1024, 8],
        ["isl_8192_osl_1024/results_concurrency_4_gpus_16_ctx_8_gen_8.json", 8192, 1024, 4],
        ["isl_8192_osl_1024/results_concurrency_8_gpus_16_ctx_8_gen_8.json", 8192, 1024, 8],
      ]);
      // One curve per ISL/OSL and topology, none with duplicate points.
      const curves = report.cross_run.curves.map((c) => [
        c.key.isl,
        c.key.is_multinode,
        c.points.map((p) => p.concurrency),
        c.duplicates,
      ]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      assert.deepEqual(curves, [
        [1024, null, [64], []],
        [1024, true, [4, 8], []],
        [8192, null, [64], []],
        [8192, true, [4, 8], []],
      ]);
    }),
});

// ---------------------------------------------------------------------------------------------
// A fixed-seq point with no agg (formats reference §11) takes its curve's hardware (§7).

const KIMI_DIR = "fixed-seq/kimik2.5-mi355x";
/** The real kimik2.5 8k1k RF at one concurrency (its aggs state `hw: "mi355x"`). */
const kimiRf = (conc: number) =>
  `kimik2.5_8k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc${conc}_MI355-gbt350-odcdh5-wbb3`;

/** Copy the real conc-64 raw result to `to` as a partial run: 600 of its 640 requests completed. */
async function partialConc64(to: string): Promise<void> {
  const raw = JSON.parse(await Deno.readTextFile(realdata(`${KIMI_DIR}/${kimiRf(64)}.json`)));
  await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
  // Each copy its own bytes: a byte-for-byte copy would be counted once (lib/copies.ts).
  await Deno.writeTextFile(to, JSON.stringify({ ...raw, completed: 600 }) + distinctPadding());
}

/** Per cell, sorted by concurrency: concurrency, hardware, status and `hardware_from`. */
function hardwareOfCells(report: Report): unknown[][] {
  return [...report.cells].sort((a, b) => a.concurrency! - b.concurrency!).map((c) => [
    c.concurrency,
    c.hardware,
    c.status,
    c.notes.hardware_from ?? null,
  ]);
}

Deno.test({
  name:
    "analyze (real data): a partial point with no agg takes its curve's hardware from the agg beside it",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("rawonly_hw", async (dir) => {
      // Flat, as downloaded into one folder; and as GitHub Actions artifacts, one per point
      // (`bmk_<RF>/` for the agg, `power_audit_<RF>/` for the raw file): one directory of points.
      const layouts: [string, (rf: string) => string, (rf: string) => string][] = [
        ["flat", (rf) => `agg_${rf}.json`, (rf) => `${rf}.json`],
        ["artifacts", (rf) => `bmk_${rf}/agg_${rf}.json`, (rf) => `power_audit_${rf}/${rf}.json`],
      ];
      for (const [name, aggPath, rawPath] of layouts) {
        const tree = `${dir}/${name}`;
        await copyInto(
          realdata(`${KIMI_DIR}/agg_${kimiRf(32)}.json`),
          `${tree}/${aggPath(kimiRf(32))}`,
        );
        await copyInto(
          realdata(`${KIMI_DIR}/${kimiRf(32)}.json`),
          `${tree}/${rawPath(kimiRf(32))}`,
        );
        await partialConc64(`${tree}/${rawPath(kimiRf(64))}`);
        const report = await analyzeTree(tree, `${dir}/out_${name}`);
        // mi355x: the `hw` of the conc-32 agg; 600 / 640 < 1: partial.
        assert.deepEqual(hardwareOfCells(report), [
          [32, "mi355x", "complete", null],
          [64, "mi355x", "partial", aggPath(kimiRf(32))],
        ], name);
        assert.deepEqual(
          report.cross_run.curves.map((c) => [c.key.hardware, c.points.map((p) => p.concurrency)]),
          [["mi355x", [32, 64]]],
          name,
        );
        assert.ok(report.cells[1].cell_id.includes("_mi355x_"), report.cells[1].cell_id);
      }
    }),
});

Deno.test({
  name: "analyze (real data): points of one curve that disagree on hardware lend none",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("rawonly_hw_conflict", async (dir) => {
      const tree = `${dir}/in`;
      const agg32 = realdata(`${KIMI_DIR}/agg_${kimiRf(32)}.json`);
      // The same agg as if its conc-16 point had run on other hardware.
      const agg16 = { ...JSON.parse(await Deno.readTextFile(agg32)), conc: 16, hw: "mi300x" };
      for (const sub of ["agree", "disagree"]) {
        await copyDistinct(agg32, `${tree}/${sub}/agg_${kimiRf(32)}.json`);
        await partialConc64(`${tree}/${sub}/${kimiRf(64)}.json`);
      }
      await Deno.writeTextFile(`${tree}/disagree/agg_${kimiRf(16)}.json`, JSON.stringify(agg16));
      const report = await analyzeTree(tree, `${dir}/out`);
      const cells = (sub: string) =>
        hardwareOfCells({
          ...report,
          cells: report.cells.filter((c) => Object.values(c.artifacts).flat()[0].startsWith(sub)),
        });
      // An agg alone has no request counts: status unknown.
      assert.deepEqual(cells("agree/"), [
        [32, "mi355x", "unknown", null],
        [64, "mi355x", "partial", `agree/agg_${kimiRf(32)}.json`],
      ]);
      assert.deepEqual(cells("disagree/"), [
        [16, "mi300x", "unknown", null],
        [32, "mi355x", "unknown", null],
        [64, null, "partial", null],
      ]);
    }),
});

Deno.test({
  name: "analyze (real data): an agg in another directory lends no hardware",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("rawonly_hw_dirs", async (dir) => {
      const tree = `${dir}/in`;
      await copyInto(
        realdata(`${KIMI_DIR}/agg_${kimiRf(32)}.json`),
        `${tree}/a/agg_${kimiRf(32)}.json`,
      );
      await partialConc64(`${tree}/a/${kimiRf(64)}.json`);
      await partialConc64(`${tree}/b/${kimiRf(64)}.json`);
      const report = await analyzeTree(tree, `${dir}/out`);
      const cells = [...report.cells].sort((x, y) =>
        Object.values(x.artifacts).flat()[0].localeCompare(Object.values(y.artifacts).flat()[0])
      );
      assert.deepEqual(
        cells.map((c) => [c.concurrency, c.hardware, c.notes.hardware_from ?? null]),
        [
          [32, "mi355x", null],
          [64, "mi355x", `a/agg_${kimiRf(32)}.json`],
          [64, null, null],
        ],
      );
    }),
});

Deno.test({
  name:
    "analyze (real data): a timeline beside a copy goes where the copy went, not to an unrelated cell above it",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("copy_timeline", async (dir) => {
      const tree = `${dir}/in`;
      const KIMI_1K1K =
        "kimik2.5_1k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc4_MI355-gbt350-odcdh5-wbb3";
      const timeline = fileURLToPath(
        new URL(
          "../testdata/cases/timeline_dedup/input/cell/inferguard_timeline.jsonl",
          import.meta.url,
        ),
      );
      for (const run of ["runA", "runB"]) {
        await copyInto(
          realdata(`${KIMI_DIR}/agg_${KIMI_1K1K}.json`),
          `${tree}/${run}/agg_${KIMI_1K1K}.json`,
        );
        await copyInto(
          realdata(`${KIMI_DIR}/${KIMI_1K1K}.json`),
          `${tree}/${run}/${KIMI_1K1K}.json`,
        );
        await copyInto(timeline, `${tree}/${run}/inferguard_timeline.jsonl`);
      }
      // An unrelated cell at the root: the nearest cell above runB/ once runB's files are a copy.
      await copyInto(
        realdata("fixed-seq/glm-4.7-gaudi3-raw/glm47_conc4.json"),
        `${tree}/glm47_conc4.json`,
      );
      const report = await analyzeTree(tree, `${dir}/out`);
      const kimi = report.cells.find((c) => c.model === "kimik2.5")!;
      const glm = report.cells.find((c) => c.artifacts.raw_result?.[0] === "glm47_conc4.json")!;
      assert.equal(report.cells.length, 2);
      assert.equal(glm.model, null);
      assert.equal(glm.timeline, null);
      assert.deepEqual(
        report.cross_run.timelines.map((t) => [t.path, t.cell_id]),
        [["runA/inferguard_timeline.jsonl", kimi.cell_id], [
          "runB/inferguard_timeline.jsonl",
          kimi.cell_id,
        ]],
      );
    }),
});

Deno.test({
  name:
    "analyze (real data): a timeline beside a collection whose rows went to two cells belongs to neither",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("collected_timeline", async (dir) => {
      const tree = `${dir}/in`;
      const h200 = "fixed-seq/gptoss-h200-agg";
      const agg = (conc: number) =>
        `agg_gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc${conc}_h200-nebius_0.json`;
      const rows = [];
      // The c4 row repeats the sweep's agg; the c8 row has no agg file and is a cell of its own.
      await copyInto(realdata(`${h200}/${agg(4)}`), `${tree}/sweep/${agg(4)}`);
      for (const conc of [4, 8]) {
        rows.push(JSON.parse(await Deno.readTextFile(realdata(`${h200}/${agg(conc)}`))));
      }
      await Deno.mkdir(`${tree}/collected`);
      await Deno.writeTextFile(`${tree}/collected/agg_bmk.json`, JSON.stringify(rows, null, 2));
      await copyInto(
        fileURLToPath(
          new URL(
            "../testdata/cases/timeline_dedup/input/cell/inferguard_timeline.jsonl",
            import.meta.url,
          ),
        ),
        `${tree}/collected/inferguard_timeline.jsonl`,
      );
      const report = await analyzeTree(tree, `${dir}/out`);
      assert.equal(report.cells.length, 2);
      assert.deepEqual(
        report.cells.map((c) => [c.concurrency, (c.notes.collected_copies ?? []) as unknown[]]),
        [[4, [{ path: "collected/agg_bmk.json", row: 0, same_record_as: `sweep/${agg(4)}` }]], [
          8,
          [],
        ]],
      );
      // The collection's directory holds two cells' measurements: the timeline is the run's.
      assert.deepEqual(report.cross_run.timelines.map((t) => [t.path, t.cell_id]), [[
        "collected/inferguard_timeline.jsonl",
        null,
      ]]);
    }),
});

Deno.test("analyze: --timeline-glob names the timelines, and can leave one named inferguard_timeline.jsonl out", () =>
  withTemp("timeline_glob", async (dir) => {
    const cell = fileURLToPath(
      new URL("../testdata/cases/timeline_dedup/input/cell", import.meta.url),
    );
    const tree = `${dir}/in`;
    for (const sub of ["c16", "c32/overlay"]) {
      await Deno.mkdir(`${tree}/${sub}`, { recursive: true });
      for (const e of Deno.readDirSync(cell)) {
        const to = e.name === "inferguard_timeline.jsonl" && sub !== "c16"
          ? "live_timeline.jsonl"
          : e.name;
        await Deno.copyFile(`${cell}/${e.name}`, `${tree}/${sub}/${to}`);
      }
    }
    const timelines = async (extra: string[]) =>
      (await analyzeInProcess(tree, `${dir}/out`, extra)).report!.cross_run.timelines
        .map((t) => t.path);
    assert.deepEqual(await timelines([]), ["c16/inferguard_timeline.jsonl"]);
    assert.deepEqual(await timelines(["--timeline-glob", "c32/**/*.jsonl"]), [
      "c32/overlay/live_timeline.jsonl",
    ]);
  }));

Deno.test("analyze: a timeline beside an eval-only cell is that cell's", () => {
  const evalFile = (path: string): LoadedArtifact => ({
    ref: { path, kind: "eval_results", size: 1 },
    result: parseEvalResults({
      results: { gsm8k: { "exact_match,strict-match": 0.9 } },
      config: { model_args: "pretrained=openai/gpt-oss-120b" },
    }),
  });
  const timeline = (path: string) => ({
    path,
    bad_lines: 0,
    samples: [{ observed_at: "2026-06-01T10:00:00Z", findings: [] }],
  });
  const report = analyze({
    inputRoot: "r",
    generatedAt: "2026-01-01T00:00:00Z",
    loaded: [
      evalFile("evals/results_2026-06-01T00-00-00.json"),
      raw("bench/c8/x.json", { model: "gptoss", concurrency: 8 }),
    ],
    walkIssues: [],
    timelines: [
      timeline("evals/inferguard_timeline.jsonl"),
      timeline("bench/c8/inferguard_timeline.jsonl"),
      timeline("elsewhere/inferguard_timeline.jsonl"),
    ],
    thresholds: defaultThresholds(),
  });
  const evalCell = report.cells.find((c) => c.artifacts.eval_results)!;
  const benchCell = report.cells.find((c) => c.artifacts.raw_result)!;
  assert.notEqual(evalCell, benchCell);
  assert.deepEqual(report.cross_run.timelines.map((t) => [t.path, t.cell_id]), [
    ["bench/c8/inferguard_timeline.jsonl", benchCell.cell_id],
    ["elsewhere/inferguard_timeline.jsonl", null],
    ["evals/inferguard_timeline.jsonl", evalCell.cell_id],
  ]);
  assert.equal(evalCell.timeline?.sample_count, 1);
});

Deno.test({
  name: "analyze (real data): status.txt and the command beside fixed-seq aggs describe their cell",
  ignore: !HAS_REALDATA,
  fn: () =>
    withTemp("run_meta", async (dir) => {
      const tree = `${dir}/in`;
      const agg = (conc: number) =>
        `agg_gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc${conc}_h200-nebius_0.json`;
      // One point in `one/`, two in `two/`, each directory with a status and a command.
      await copyInto(realdata(`fixed-seq/gptoss-h200-agg/${agg(4)}`), `${tree}/one/${agg(4)}`);
      for (const conc of [8, 16]) {
        await copyInto(
          realdata(`fixed-seq/gptoss-h200-agg/${agg(conc)}`),
          `${tree}/two/${agg(conc)}`,
        );
      }
      for (const d of ["one", "two"]) {
        await Deno.writeTextFile(`${tree}/${d}/status.txt`, "SUCCESS\n");
        await Deno.writeTextFile(
          `${tree}/${d}/benchmark_command.txt`,
          "python3 benchmark_serving.py --max-concurrency 4\n",
        );
      }
      const report = await analyzeTree(tree, `${dir}/out`);
      // Three cells, no cell of metadata alone, no critical finding.
      assert.equal(report.cells.length, 3);
      assert.deepEqual(report.findings.filter((f) => f.severity === "critical"), []);
      const one = report.cells.find((c) => c.artifacts.agg?.[0].startsWith("one/"))!;
      assert.deepEqual(one.artifacts.status, ["one/status.txt"]);
      assert.deepEqual(one.artifacts.command, ["one/benchmark_command.txt"]);
      const entry = (p: string) => report.artifact_manifest.discovered.find((d) => d.path === p)!;
      assert.equal(entry("one/status.txt").cell, one.cell_id);
      // In `two/` they describe two cells, so neither's: listed, in no cell.
      for (const c of report.cells.filter((c) => c !== one)) {
        assert.equal(c.artifacts.status, undefined);
      }
      assert.equal(entry("two/status.txt").cell, null);
    }),
});
