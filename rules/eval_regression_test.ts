import { deepStrictEqual } from "node:assert/strict";
import type { Cell, EvalResults, Finding } from "../lib/types.ts";
import { contextOf, curveCell } from "./_context.ts";
import { evalRegression, lowerIsBetter } from "./eval_regression.ts";

const THRESHOLDS = { stderr_multiplier: 2, min_drop: 0.01 };
const EM = "exact_match,strict-match";

function run(current: EvalResults, baseline: EvalResults): Finding[] {
  const now: Cell[] = [curveCell("now", 64, {}, { eval: current })];
  const then: Cell[] = [curveCell("then", 64, {}, { eval: baseline })];
  return evalRegression.check(contextOf(now, then), { ...evalRegression.defaults });
}

function gsm(value: number, stderr: number | null): EvalResults {
  return { gsm8k: { [EM]: { value, stderr } } };
}

Deno.test("eval_regression: table", async (t) => {
  const cases: {
    name: string;
    current: EvalResults;
    baseline: EvalResults;
    expected: Finding[];
  }[] = [
    {
      name: "quiet: within 2 × stderr",
      current: gsm(0.93, 0.007),
      baseline: gsm(0.94, 0.007),
      expected: [],
    },
    {
      name: "quiet: improvement",
      current: gsm(0.96, 0.007),
      baseline: gsm(0.94, 0.007),
      expected: [],
    },
    {
      name: "fires: drop 0.05 beyond 2 × larger stderr 0.009",
      current: gsm(0.89, 0.007),
      baseline: gsm(0.94, 0.009),
      expected: [{
        code: "eval_regression",
        severity: "warning",
        cell_id: "now",
        message: `gsm8k ${EM} 0.89 is 0.05 below the baseline 0.94 (allowed 0.018)`,
        source: "analyzer",
        evidence: {
          baseline_cell_id: "then",
          baseline_candidates: 1,
          paired_by: "identity",
          task: "gsm8k",
          metric: EM,
          current: 0.89,
          baseline: 0.94,
          delta: -0.05,
          current_stderr: 0.007,
          baseline_stderr: 0.009,
          stderr_used: 0.009,
          allowed_change: 0.018,
          direction: "higher_is_better",
          thresholds: THRESHOLDS,
        },
      }],
    },
    {
      name: "at threshold: drop exactly 0.01 with no stderr is quiet",
      current: gsm(0.5, null),
      baseline: gsm(0.51, null),
      expected: [],
    },
    {
      name: "at threshold: drop exactly 2 × stderr is quiet, just beyond fires",
      current: {
        a: { m: { value: 0.48, stderr: 0.01 } },
        b: { m: { value: 0.4799, stderr: 0.01 } },
      },
      baseline: { a: { m: { value: 0.5, stderr: null } }, b: { m: { value: 0.5, stderr: null } } },
      expected: [{
        code: "eval_regression",
        severity: "warning",
        cell_id: "now",
        message: "b m 0.4799 is 0.0201 below the baseline 0.5 (allowed 0.02)",
        source: "analyzer",
        evidence: {
          baseline_cell_id: "then",
          baseline_candidates: 1,
          paired_by: "identity",
          task: "b",
          metric: "m",
          current: 0.4799,
          baseline: 0.5,
          delta: -0.0201,
          current_stderr: 0.01,
          baseline_stderr: null,
          stderr_used: 0.01,
          allowed_change: 0.02,
          direction: "higher_is_better",
          thresholds: THRESHOLDS,
        },
      }],
    },
    {
      name: "fires upwards for a lower-is-better metric",
      current: { wikitext: { "word_perplexity,none": { value: 12, stderr: null } } },
      baseline: { wikitext: { "word_perplexity,none": { value: 10, stderr: null } } },
      expected: [{
        code: "eval_regression",
        severity: "warning",
        cell_id: "now",
        message: "wikitext word_perplexity,none 12 is 2 above the baseline 10 (allowed 0.01)",
        source: "analyzer",
        evidence: {
          baseline_cell_id: "then",
          baseline_candidates: 1,
          paired_by: "identity",
          task: "wikitext",
          metric: "word_perplexity,none",
          current: 12,
          baseline: 10,
          delta: 2,
          current_stderr: null,
          baseline_stderr: null,
          stderr_used: null,
          allowed_change: 0.01,
          direction: "lower_is_better",
          thresholds: THRESHOLDS,
        },
      }],
    },
    {
      name: "fires across namings: lm-eval's key against an agg_eval row's em_strict",
      current: gsm(0.9, 0.008),
      baseline: { gsm8k: { em_strict: { value: 0.95, stderr: 0.006 } } },
      expected: [{
        code: "eval_regression",
        severity: "warning",
        cell_id: "now",
        message: `gsm8k ${EM} 0.9 is 0.05 below the baseline em_strict 0.95 (allowed 0.016)`,
        source: "analyzer",
        evidence: {
          baseline_cell_id: "then",
          baseline_candidates: 1,
          paired_by: "identity",
          task: "gsm8k",
          metric: EM,
          baseline_metric: "em_strict",
          current: 0.9,
          baseline: 0.95,
          delta: -0.05,
          current_stderr: 0.008,
          baseline_stderr: 0.006,
          stderr_used: 0.008,
          allowed_change: 0.016,
          direction: "higher_is_better",
          thresholds: THRESHOLDS,
        },
      }],
    },
    {
      name: "quiet: task only on one side",
      current: gsm(0.1, null),
      baseline: { other: { m: { value: 0.9, stderr: null } } },
      expected: [],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => deepStrictEqual(run(c.current, c.baseline), c.expected));
  }
});

Deno.test("eval_regression: quiet without a baseline", () => {
  const cells = [curveCell("now", 64, {}, { eval: gsm(0.1, null) })];
  deepStrictEqual(evalRegression.check(contextOf(cells), { ...evalRegression.defaults }), []);
});

Deno.test("eval_regression: an eval-only baseline cell paired on the eval's identity says so", () => {
  // The baseline's eval cell states no scenario type or disaggregation: paired on the eval's
  // identity (lib/baseline.ts), and the finding says how.
  const deployment = {
    framework: "vllm",
    precision: "fp4",
    spec_decoding: "none",
    is_multinode: false,
    dp_attention: false,
  };
  const now = [curveCell("now", 64, { tp: 8, ep: 1 }, {
    ...deployment,
    scenario_type: "fixed-seq",
    disagg: false,
    source_format: "mixed",
    eval: gsm(0.9, 0.008),
  })];
  const then = [curveCell("then", 64, { tp: 8, ep: 1 }, {
    ...deployment,
    source_format: "eval",
    eval: gsm(0.95, 0.006),
  })];
  const found = evalRegression.check(contextOf(now, then), { ...evalRegression.defaults });
  deepStrictEqual(found.map((f) => [f.message, f.evidence.paired_by]), [[
    `gsm8k ${EM} 0.9 is 0.05 below the baseline 0.95 (allowed 0.016; paired on the eval's ` +
    "identity, as an eval-only cell states no scenario type or disaggregation)",
    "eval_identity",
  ]]);
});

Deno.test("eval_regression: metric direction", () => {
  deepStrictEqual([
    lowerIsBetter(EM),
    lowerIsBetter("bits_per_byte,none"),
    lowerIsBetter("acc,none"),
  ], [false, true, false]);
});

Deno.test("eval_regression: a message never reads as within what is allowed, nor as no change", () => {
  // 0.9399 against 0.95: 0.0101 below, over the 0.01 allowed; not "0.94 is 0.0101 below 0.95".
  deepStrictEqual(
    run(gsm(0.9399, null), gsm(0.95, null))[0].message.split(" (allowed")[0],
    `gsm8k ${EM} 0.9399 is 0.0101 below the baseline 0.95`,
  );
  const perplexity = (value: number): EvalResults => ({
    wikitext: { "word_perplexity,none": { value, stderr: null } },
  });
  deepStrictEqual(
    run(perplexity(10.02), perplexity(10))[0].message.split(" (allowed")[0],
    "wikitext word_perplexity,none 10.02 is 0.02 above the baseline 10",
  );
});
