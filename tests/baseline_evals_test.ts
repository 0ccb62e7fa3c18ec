/**
 * `--baseline` with evals on real files: an agg_eval row's `em_strict` / `em_flexible` compared
 * with lm-eval's `exact_match,<filter>` keys, and an eval-only cell paired with the benchmark cell
 * whose eval identity it shares. The real files are the supplemental agg_eval rows and a real
 * fixed-seq agg; no lm-eval results file from InferenceX is public (reference §10), so the lm-eval
 * side is written here in the shape of reference §10.2. Expected numbers are computed from the
 * files in the test, not read from the program's output.
 * @module
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { analyzeInProcess, withTemp } from "./_hostile.ts";
import { HAS_REALDATA, realdata } from "./_realdata.ts";
import type { BaselineSummary, Report } from "../lib/analyze.ts";

const STRICT = "exact_match,strict-match";
const FLEXIBLE = "exact_match,flexible-extract";

/** A real gptoss fixed-seq agg (H200, vLLM, fp4, tp8, ep1, conc 16, 1k1k). */
const AGG_NAME =
  "agg_gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc16_h200-nebius_0.json";

interface Row {
  model: string;
  hw: string;
  framework: string;
  precision: string;
  spec_decoding: string;
  tp: number;
  ep: number;
  conc: number;
  dp_attention: string;
  task: string;
  em_strict: number;
  em_strict_se: number;
  em_flexible: number;
  em_flexible_se: number;
  source: string;
  model_prefix?: string;
}

/** An lm-eval results document (reference §10.2) for gsm8k. */
function lmEval(strict: number, strictSe: number, flexible: number, flexibleSe: number) {
  return {
    lm_eval_version: "0.4.9",
    model_name: "openai/gpt-oss-120b",
    results: {
      gsm8k: {
        alias: "gsm8k",
        [STRICT]: strict,
        "exact_match_stderr,strict-match": strictSe,
        [FLEXIBLE]: flexible,
        "exact_match_stderr,flexible-extract": flexibleSe,
      },
    },
    "n-samples": { gsm8k: { original: 1319, effective: 1319 } },
  };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(value, null, 1));
}

/** The allowance of eval_regression at its defaults: max(2 × larger stderr, 0.01). */
function allowed(a: number, b: number): number {
  return Math.max(2 * Math.max(a, b), 0.01);
}

async function analyzeAgainst(dir: string, current: string, baseline: string): Promise<Report> {
  const r = await analyzeInProcess(current, `${dir}/out`, [
    "--baseline",
    baseline,
    "--fail-on",
    "never",
  ]);
  assert.equal(r.code, 0, r.stderr);
  return r.report!;
}

/** `cross_run.baseline`, which a run with `--baseline` always has. */
function baselineOf(report: Report): BaselineSummary {
  assert.ok(report.cross_run.baseline);
  return report.cross_run.baseline;
}

Deno.test({
  name: "baseline (real data): lm-eval keys are compared with the supplemental rows' em_strict",
  ignore: !HAS_REALDATA,
  async fn() {
    const rows = JSON.parse(
      readFileSync(realdata("evals/supplemental-evals.json"), "utf8"),
    ) as Row[];
    // The one row of gptoss on H200, vLLM fp4, tp1 ep1, DP attention off, conc 4, 1k8k (by its
    // source path): no other row has that deployment, so it is paired by identity alone.
    const sameDeployment = (r: Row) =>
      r.hw === "H200" && r.framework === "vllm" && r.precision === "fp4" &&
      r.spec_decoding === "none" && r.tp === 1 && r.ep === 1 && r.conc === 4 &&
      r.dp_attention === "false" && /\/eval_gptoss_1k8k_/.test(r.source);
    const mine = rows.filter(sameDeployment);
    assert.equal(mine.length, 1);
    const [row] = mine;
    assert.equal(row.task, "gsm8k");
    // This run: the same deployment's eval, strict score 0.05 lower, flexible unchanged.
    const strict = row.em_strict - 0.05;
    const se = 0.0062;
    const meta = {
      framework: "vllm",
      precision: "fp4",
      spec_decoding: "none",
      tp: 1,
      ep: 1,
      dp_attention: false,
      conc: 4,
      model: row.model,
      infmax_model_prefix: "gptoss",
      hw: "h200",
      isl: "1024",
      osl: "8192",
    };
    await withTemp("baseline_rows", async (dir) => {
      await Deno.mkdir(`${dir}/base`, { recursive: true });
      await Deno.copyFile(
        realdata("evals/supplemental-evals.json"),
        `${dir}/base/supplemental-evals.json`,
      );
      // An older meta_env.json (reference §10.1: some lack is_multinode, as the rows do): the
      // same identity as the row's.
      await writeJson(`${dir}/now/eval/meta_env.json`, meta);
      await writeJson(
        `${dir}/now/eval/results_2026-06-01T00-00-00.json`,
        lmEval(strict, se, row.em_flexible, se),
      );
      const report = await analyzeAgainst(dir, `${dir}/now`, `${dir}/base`);
      const b = baselineOf(report);
      assert.equal(b.matched, 1);
      const [m] = b.matches;
      assert.equal(m.paired_by, "identity");
      assert.deepEqual(Object.keys(m.eval_deltas.gsm8k), [FLEXIBLE, STRICT]);
      const d = m.eval_deltas.gsm8k[STRICT];
      assert.equal(d.baseline, row.em_strict);
      assert.equal(d.baseline_stderr, row.em_strict_se);
      assert.equal(d.baseline_metric, "em_strict");
      assert.equal(m.eval_deltas.gsm8k[FLEXIBLE].baseline, row.em_flexible);
      assert.equal(m.eval_deltas.gsm8k[FLEXIBLE].baseline_metric, "em_flexible");
      // 0.05 below, beyond max(2 × 0.0062, 0.01) = 0.0124: one eval_regression, on em_strict.
      assert.ok(0.05 > allowed(se, row.em_strict_se));
      const found = report.findings.filter((f) => f.code === "eval_regression");
      assert.deepEqual(found.map((f) => [f.evidence.metric, f.evidence.baseline_metric]), [
        [STRICT, "em_strict"],
      ]);
      assert.equal(found[0].evidence.baseline, row.em_strict);

      // A current meta_env.json states is_multinode (the rows do not): not one identity, but one
      // eval identity, and both cells are eval-only.
      await writeJson(`${dir}/now/eval/meta_env.json`, { is_multinode: false, ...meta });
      const again = baselineOf(await analyzeAgainst(dir, `${dir}/now`, `${dir}/base`));
      assert.deepEqual(
        again.matches.map((x) => [x.paired_by, x.eval_deltas.gsm8k[STRICT].baseline]),
        [["eval_identity", row.em_strict]],
      );
    });
  },
});

Deno.test({
  name: "baseline (real data): an eval-only baseline cell pairs with the real agg's cell and eval",
  ignore: !HAS_REALDATA,
  async fn() {
    const agg = JSON.parse(
      readFileSync(realdata(`fixed-seq/gptoss-h200-agg/${AGG_NAME}`), "utf8"),
    ) as Record<string, unknown>;
    // The eval's meta_env.json of the agg's deployment (read from the agg, reference §10.1 types).
    const meta = {
      is_multinode: false,
      framework: agg.framework,
      precision: agg.precision,
      spec_decoding: agg.spec_decoding,
      tp: agg.tp,
      pp: agg.pp,
      dcp_size: agg.dcp_size,
      pcp_size: agg.pcp_size,
      ep: agg.ep,
      dp_attention: agg.dp_attention === "true",
      conc: agg.conc,
      model: agg.model,
      infmax_model_prefix: agg.infmax_model_prefix,
      hw: agg.hw,
      isl: String(agg.isl),
      osl: String(agg.osl),
    };
    await withTemp("baseline_evalonly", async (dir) => {
      // This run: the agg and its eval in one directory. Baseline: the eval alone.
      await writeJson(`${dir}/now/cell/meta_env.json`, meta);
      await writeJson(
        `${dir}/now/cell/results_2026-06-01T00-00-00.json`,
        lmEval(0.9, 0.008, 0.91, 0.008),
      );
      await Deno.copyFile(
        realdata(`fixed-seq/gptoss-h200-agg/${AGG_NAME}`),
        `${dir}/now/cell/${AGG_NAME}`,
      );
      await writeJson(`${dir}/base/evals/meta_env.json`, meta);
      await writeJson(
        `${dir}/base/evals/results_2026-05-01T00-00-00.json`,
        lmEval(0.95, 0.006, 0.96, 0.006),
      );
      const report = await analyzeAgainst(dir, `${dir}/now`, `${dir}/base`);
      const b = baselineOf(report);
      assert.equal(b.matched, 1);
      assert.deepEqual(b.unmatched, []);
      const [m] = b.matches;
      assert.deepEqual([m.paired_by, m.baseline_candidates], ["eval_identity", 1]);
      // The benchmark side's throughput is this run's; the eval-only baseline has none.
      assert.deepEqual(
        [m.deltas.tput_per_gpu.current, m.deltas.tput_per_gpu.baseline],
        [agg.tput_per_gpu, null],
      );
      // 0.05 below on both filters, beyond max(2 × 0.008, 0.01) = 0.016.
      const found = report.findings.filter((f) => f.code === "eval_regression");
      assert.deepEqual(found.map((f) => [f.evidence.metric, f.evidence.paired_by]), [
        [FLEXIBLE, "eval_identity"],
        [STRICT, "eval_identity"],
      ]);
      assert.match(found[0].message, /; paired on the eval's identity, as an eval-only cell/);
      assert.equal(report.findings.some((f) => f.code === "metrics_unavailable"), false);

      // The other way round: the baseline has the agg and its eval, this run the eval alone.
      await writeJson(`${dir}/later/evals/meta_env.json`, meta);
      await writeJson(
        `${dir}/later/evals/results_2026-07-01T00-00-00.json`,
        lmEval(0.95, 0.006, 0.96, 0.006),
      );
      const back = baselineOf(await analyzeAgainst(dir, `${dir}/later`, `${dir}/now`));
      assert.deepEqual(back.matches.map((x) => x.paired_by), ["eval_identity"]);
    });
  },
});
