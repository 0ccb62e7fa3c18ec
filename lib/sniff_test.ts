import assert from "node:assert/strict";
import {
  DEFAULT_TIMELINE_GLOB,
  globMatcher,
  isParsedKind,
  kindFromJson,
  kindFromName,
  timelineMatcher,
} from "./sniff.ts";

Deno.test("globMatcher: ** spans zero or more directories, * and ? stay in one segment", () => {
  const table: [string, string, boolean][] = [
    ["**/inferguard_timeline.jsonl", "inferguard_timeline.jsonl", true],
    ["**/inferguard_timeline.jsonl", "a/b/c/inferguard_timeline.jsonl", true],
    ["**/inferguard_timeline.jsonl", "a/xinferguard_timeline.jsonl", false],
    ["**/inferguard_timeline.jsonl", "a/inferguard_timeline.jsonl.bak", false],
    ["*.jsonl", "x.jsonl", true],
    ["*.jsonl", "a/x.jsonl", false],
    ["live/**", "live/a/b.jsonl", true],
    ["live/**", "other/live/a.jsonl", false],
    ["a/**/t.jsonl", "a/t.jsonl", true],
    ["a/**/t.jsonl", "a/x/y/t.jsonl", true],
    ["a/**/t.jsonl", "b/a/t.jsonl", false],
    ["t?.jsonl", "t1.jsonl", true],
    ["t?.jsonl", "t12.jsonl", false],
    ["t?.jsonl", "t/.jsonl", false],
    // Regex metacharacters in the glob are literal.
    ["run(1)/t+x.jsonl", "run(1)/t+x.jsonl", true],
    ["run(1)/t+x.jsonl", "run1/ttx.jsonl", false],
    ["a.jsonl", "abjsonl", false],
    ["[ab].jsonl", "[ab].jsonl", true],
    ["[ab].jsonl", "a.jsonl", false],
  ];
  for (const [glob, path, want] of table) {
    assert.equal(globMatcher(glob)(path), want, `${glob} vs ${path}`);
  }
});

Deno.test("kindFromName: fast paths by file name", () => {
  const none = () => false;
  const table: [string, string][] = [
    // Timelines are only what the glob names (below): a glob may leave this one out.
    ["x/inferguard_timeline.jsonl", "other"],
    ["run/trace_replay/detailed_results.csv", "detailed_results"],
    ["run/metrics_server_metrics.csv", "server_metrics_csv"],
    ["run/aiperf_artifacts/server_metrics_export.csv", "aiperf_server_metrics"],
    ["run/profile_export.jsonl", "aiperf_profile_jsonl"],
    ["run/profile_export_aiperf.json", "aiperf_profile"],
    // aiperf's aggregate CSV and the gen-0 AgentX companions (reference §9.3, §13 rule 9).
    ["run/aiperf_artifacts/profile_export_aiperf.csv", "aiperf_profile_csv"],
    ["run/PROFILE_EXPORT_AIPERF.CSV", "aiperf_profile_csv"],
    ["run/metrics_client_metrics.csv", "client_metrics_csv"],
    ["run/metrics_gpu_transfer.csv", "gpu_transfer_csv"],
    ["run/profile_export_aiperf_timeslices.csv", "other"],
    ["run/x_metrics_client_metrics.csv", "other"],
    ["eval/meta_env.json", "eval_meta"],
    ["eval/samples_gsm8k_2026-01-01.jsonl", "eval_samples"],
    ["agg_x.json", "json_other"],
    ["power_validation_x.json", "json_other"],
    ["glm47_gaudi3_summary.csv", "summary_csv"],
    ["run/benchmark_command.txt", "command"],
    ["run/status.txt", "status"],
    ["run/vllm_config.yaml", "config"],
    ["run/server.log", "log"],
    ["multinode_server_logs.tar.gz", "archive"],
    ["plot.png", "plot"],
    ["README", "other"],
    ["notes.txt", "other"],
  ];
  for (const [path, kind] of table) assert.equal(kindFromName(path, none), kind, path);
  assert.equal(kindFromName("a/custom.jsonl", (p) => p === "a/custom.jsonl"), "timeline");
  const defaultGlob = timelineMatcher(DEFAULT_TIMELINE_GLOB);
  assert.equal(kindFromName("x/inferguard_timeline.jsonl", defaultGlob), "timeline");
  assert.equal(kindFromName("inferguard_timeline.jsonl", defaultGlob), "timeline");
  // The default takes the name in any case, as every other name is recognised; a user's glob is
  // taken as written.
  assert.equal(kindFromName("a/Inferguard_Timeline.jsonl", defaultGlob), "timeline");
  assert.equal(kindFromName("INFERGUARD_TIMELINE.JSONL", defaultGlob), "timeline");
  const own = timelineMatcher("**/*.jsonl");
  assert.equal(kindFromName("a/INFERGUARD_TIMELINE.JSONL", own), "other");
  assert.equal(kindFromName("a/live.jsonl", own), "timeline");
});

Deno.test("kindFromJson: rule 1, JSON arrays", () => {
  assert.equal(kindFromJson("agg_bmk.json", [{ hw: "h200", tput_per_gpu: 1 }]), "agg_collection");
  assert.equal(
    kindFromJson("rows.json", [{ scenario_type: "agentic-coding", conc: 4 }]),
    "agg_collection",
  );
  assert.equal(kindFromJson("x.json", [{ task: "gsm8k", score: 0.9 }]), "eval_collection");
  assert.equal(kindFromJson("x.json", [{ task: "gsm8k", em_strict: 0.9 }]), "eval_collection");
  // InferenceX-app API evaluation rows keep their scores in `metrics`.
  assert.equal(
    kindFromJson("evals.json", [{ task: "gsm8k", metrics: { n_eff: 1319, em_strict: 0.95 } }]),
    "eval_collection",
  );
  // App API benchmark rows (metrics without scores) stay collected agg rows.
  assert.equal(
    kindFromJson("rows.json", [{ hardware: "b200", metrics: { tput_per_gpu: 1 } }]),
    "agg_collection",
  );
  assert.equal(kindFromJson("agg_bmk.json", []), "agg_collection");
  assert.equal(kindFromJson("agg_eval_all.json", []), "eval_collection");
});

Deno.test("kindFromJson: rule 2 beats rule 3 (AgentX agg with tput_per_gpu)", () => {
  assert.equal(
    kindFromJson("x.json", {
      scenario_type: "agentic-coding",
      tput_per_gpu: 10,
      infmax_model_prefix: "dsr1",
    }),
    "agentx_agg",
  );
});

Deno.test("kindFromJson: rule 3, fixed-seq agg (current and pre-2025-12)", () => {
  assert.equal(
    kindFromJson("agg_x.json", { tput_per_gpu: 1, infmax_model_prefix: "gptoss", conc: 4 }),
    "agg",
  );
  assert.equal(kindFromJson("agg_x.json", { hw: "h100", tp: 8, conc: 4, tput_per_gpu: 1 }), "agg");
});

Deno.test("kindFromJson: nested-metrics points (app API rows, together baselines) are aggs", () => {
  const table: [unknown, string][] = [
    [{ hardware: "h200", conc: 4, metrics: { tput_per_gpu: 82.7 } }, "agg"],
    [{ hw: "h200", conc: 16, metrics: { median_ttft_ms: 150 }, gpu: { n_gpus: 8 } }, "agg"],
    // An app API evaluation row is not a benchmark point.
    [{ hardware: "h200", conc: 4, task: "gsm8k", metrics: { em_strict: 0.9 } }, "json_other"],
    // No identity beside the metrics, no concurrency, or metrics that are not an object.
    [{ conc: 4, metrics: { tput_per_gpu: 1 } }, "json_other"],
    [{ hardware: "h200", metrics: { tput_per_gpu: 1 } }, "json_other"],
    [{ hardware: "h200", conc: 4, metrics: [1, 2] }, "json_other"],
    [{ hardware: "h200", conc: 4, metrics: null }, "json_other"],
    // An AgentX agg stays one, whatever else it carries.
    [{ scenario_type: "agentic-coding", hw: "b200", conc: 4, metrics: {} }, "agentx_agg"],
  ];
  for (const [value, kind] of table) {
    assert.equal(kindFromJson("conc16.json", value), kind, JSON.stringify(value));
  }
});

Deno.test("kindFromJson: rule 4, raw result (InferenceX and srt-slurm flavours)", () => {
  assert.equal(
    kindFromJson("x.json", {
      max_concurrency: 4,
      total_token_throughput: 1,
      "request_goodput:": null,
    }),
    "raw_result",
  );
  assert.equal(
    kindFromJson("x.json", { max_concurrency: 4, total_token_throughput: 1, request_goodput: 1 }),
    "raw_result",
  );
});

Deno.test("kindFromJson: rule 5, power validation sidecars", () => {
  assert.equal(
    kindFromJson("power_validation_x.json", {
      schema_version: 1,
      power_valid: false,
      integration_method: "per_device_trapezoidal_with_linear_boundary_interpolation",
    }),
    "power_validation",
  );
});

Deno.test("kindFromJson: rules 6-7, aiperf profile, lm-eval results, meta_env", () => {
  assert.equal(
    kindFromJson("profile_export_aiperf.json", { schema_version: "1", aiperf_version: "0.3" }),
    "aiperf_profile",
  );
  assert.equal(
    kindFromJson("results_2026.json", { results: {}, lm_eval_version: "0.4" }),
    "eval_results",
  );
  assert.equal(kindFromJson("e/meta_env.json", { model: "x" }), "eval_meta");
  assert.equal(kindFromJson("meta_env.json", { model: "x" }), "eval_meta");
  assert.equal(kindFromJson("a/b/META_ENV.JSON", { model: "x" }), "eval_meta");
  assert.equal(kindFromJson("e/xmeta_env.json", { model: "x" }), "json_other");
  assert.equal(kindFromJson("e/meta_env.json.bak", { model: "x" }), "json_other");
  assert.equal(kindFromJson("meta_env.json/x.json", { model: "x" }), "json_other");
  // Only objects are metadata: an array named meta_env.json is a collection.
  assert.equal(kindFromJson("e/meta_env.json", []), "agg_collection");
});

Deno.test("kindFromJson: campaign manifest, unknown objects and scalars", () => {
  assert.equal(
    kindFromJson("manifest.json", { expected_cells: [], timeline_expected: true }),
    "manifest",
  );
  assert.equal(kindFromJson("x.json", { timeline_expected: false }), "manifest");
  // inferguard's own report has `cells` but is no manifest (its cells were measured, not expected).
  const ours = { schema_version: "inferguard-analyze/v1", cells: [{ cell_id: "a" }] };
  assert.equal(kindFromJson("old/report.json", ours), "json_other");
  assert.equal(kindFromJson("m.json", { cells: [{ cell_id: "a" }] }), "manifest");
  assert.equal(kindFromJson("x.json", { hello: "world" }), "json_other");
  assert.equal(kindFromJson("x.json", 42), "json_other");
  assert.equal(kindFromJson("x.json", null), "json_other");
  assert.equal(kindFromJson("x.json", "text"), "json_other");
});

Deno.test("isParsedKind: listing-only kinds are not parsed", () => {
  for (
    const k of [
      "gpu_transfer_csv",
      "command",
      "status",
      "config",
      "log",
      "archive",
      "plot",
      "other",
    ] as const
  ) {
    assert.equal(isParsedKind(k), false, k);
  }
  for (
    const k of [
      "agg",
      "raw_result",
      "agg_collection",
      "power_validation",
      "manifest",
      "aiperf_profile_csv",
      "client_metrics_csv",
      "summary_csv",
    ] as const
  ) {
    assert.equal(isParsedKind(k), true, k);
  }
});
