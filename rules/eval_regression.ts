/**
 * `eval_regression`: an eval metric is worse than the same cell's baseline beyond noise.
 * @module
 */
import { pairingEvidence, pairingNote } from "../lib/baseline.ts";
import type { Rule } from "../lib/rule.ts";
import type { Finding } from "../lib/types.ts";
import { below, finding, fmtApart, num, round4 } from "./_shared.ts";

const CODE = "eval_regression";

/** Metric names (before lm-eval's `,<filter>` suffix) where a lower value is better. */
const LOWER_IS_BETTER = /perplexity|bits_per_byte|loss/i;

/** Whether a lower value of this eval metric is better (perplexities, bits per byte, losses). */
export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.test(metric.split(",")[0]);
}

/** Detects eval metrics that regress versus the baseline by more than the noise allowance. */
export const evalRegression: Rule = {
  code: CODE,
  severity: "warning",
  summary: "An eval metric is worse than the baseline by more than max(stderr_multiplier × " +
    "stderr, min_drop)",
  docs: {
    why: "A serving change that speeds a run up can silently cost accuracy (precision, " +
      "speculative decoding, kernels). Scores carry sampling noise, so a drop counts only when it " +
      "exceeds max(stderr_multiplier × stderr, min_drop), where stderr is the larger of the " +
      "current and baseline standard errors that are available (the conservative choice: the " +
      "noisier side sets the allowance); with no stderr on either side the allowance is min_drop. " +
      "Metrics whose name contains perplexity, bits_per_byte or loss are lower-is-better and " +
      "regress upwards. A metric is compared under its name on both sides, or under the name the " +
      "other side gives the same numbers: an agg_eval row's em_strict and em_flexible are " +
      "lm-eval's exact_match with the strict and the flexible filter (exact_match,strict-match " +
      "and exact_match,flexible-extract for gsm8k), and the finding names both. The real gsm8k " +
      "rows (1319 samples, em_strict 0.87–0.96) carry standard " +
      "errors of 0.0053–0.0092, an allowance of 0.011–0.018 at the default multiplier, just " +
      "above the 0.01 floor; one row scored 0.0 with stderr 0.0, where the floor applies. " +
      "Defaults kept as in the specification.",
    confirm: "Re-run the eval on the same cell and the baseline with the same seed and sample " +
      "count, and compare per-sample results to see which documents changed.",
    next: "Run the eval at a second concurrency and on the baseline configuration again to " +
      "separate configuration effects from run-to-run noise.",
  },
  defaults: { stderr_multiplier: 2, min_drop: 0.01 },
  check(ctx, t) {
    const out: Finding[] = [];
    for (const m of ctx.baseline ?? []) {
      for (const [task, metrics] of Object.entries(m.eval_deltas)) {
        for (const [metric, d] of Object.entries(metrics)) {
          const current = num(d.current);
          const baseline = num(d.baseline);
          if (current === null || baseline === null) continue;
          const stderrs = [d.current_stderr, d.baseline_stderr].filter((s) => num(s) !== null);
          const stderr = stderrs.length ? Math.max(...(stderrs as number[])) : null;
          const allowed = Math.max(stderr === null ? 0 : t.stderr_multiplier * stderr, t.min_drop);
          const lower = lowerIsBetter(metric);
          const regressed = lower
            ? below(baseline + allowed, current)
            : below(current, baseline - allowed);
          if (!regressed) continue;
          const change = Math.abs(current - baseline);
          // The baseline's own name of the metric, when it names it otherwise (lib/baseline.ts).
          const named = typeof d.baseline_metric === "string" ? d.baseline_metric : null;
          // Printed so that the change never reads as within what is allowed, nor the two
          // scores as equal.
          const [currentText, baselineText] = fmtApart([
            current,
            baseline,
            lower ? baseline + allowed : baseline - allowed,
          ]);
          const [changeText, allowedText] = fmtApart([change, allowed]);
          out.push(finding(
            CODE,
            "warning",
            m.cell_id,
            `${task} ${metric} ${currentText} is ${changeText} ${lower ? "above" : "below"} ` +
              `the baseline ${named === null ? "" : `${named} `}${baselineText} ` +
              `(allowed ${allowedText}${pairingNote(m)})`,
            {
              ...pairingEvidence(m),
              task,
              metric,
              ...(named === null ? {} : { baseline_metric: named }),
              current,
              baseline,
              delta: round4(current - baseline),
              current_stderr: d.current_stderr,
              baseline_stderr: d.baseline_stderr,
              stderr_used: stderr,
              allowed_change: round4(allowed),
              direction: lower ? "lower_is_better" : "higher_is_better",
              thresholds: { stderr_multiplier: t.stderr_multiplier, min_drop: t.min_drop },
            },
          ));
        }
      }
    }
    return out;
  },
};
