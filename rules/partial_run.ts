/**
 * `partial_run`: a cell completed some, but too few, of its requests.
 * @module
 */
import { accountedRequests } from "../lib/accounting.ts";
import type { Rule } from "../lib/rule.ts";
import type { Cell, Finding } from "../lib/types.ts";
import { below, finding, fmt, num } from "./_shared.ts";

const CODE = "partial_run";

/** Success rate of a cell: the metric when present, else successful ÷ total. */
function successRate(cell: Cell): { rate: number; source: "metric" | "derived" } | null {
  const rate = num(cell.metrics.success_rate);
  if (rate !== null) return { rate, source: "metric" };
  const total = num(cell.metrics.num_requests_total);
  const ok = num(cell.metrics.num_requests_successful);
  return total !== null && ok !== null && total > 0
    ? { rate: ok / total, source: "derived" }
    : null;
}

/**
 * A rate below a limit, as text: the rate with as many digits as it takes to read as below the
 * limit, and the limit as given (0.99906 against 0.9995 is "0.999" and "0.9995", not "0.999" and
 * "1").
 */
function rateBelow(rate: number, limit: number): [string, string] {
  const limitText = String(limit);
  let rateText = fmt(rate);
  for (let digits = 3; digits <= 12 && !(Number(rateText) < limit); digits++) {
    rateText = String(Number(rate.toPrecision(digits)));
  }
  return [rateText, limitText];
}

/**
 * The message's counts, on the basis of the rate: a run whose request accounting gives its
 * profiled and failed records (AgentX v1.0, aiperf) is rated on those, its warm-up records left
 * out; the cell's total counts them, so "906 of 1618" would contradict a rate of 0.999.
 */
function countsText(cell: Cell, ok: number | null, total: number | null): string | null {
  const acc = accountedRequests(cell.notes.request_accounting);
  if (acc !== null) {
    const warmup = acc.warmup !== null && acc.warmup > 0
      ? `, ${fmt(acc.warmup)} warm-up records not counted`
      : "";
    return `${fmt(acc.profiled)} of ${fmt(acc.profiled + acc.failed)} requests succeeded${warmup}`;
  }
  return ok !== null && total !== null ? `${fmt(ok)} of ${fmt(total)} requests succeeded` : null;
}

/** Detects cells whose success rate is below `min_success_rate` (zero successes excluded). */
export const partialRun: Rule = {
  code: CODE,
  severity: "warning",
  summary: "Success rate below min_success_rate (cells with zero successes are " +
    "invalid_run_no_successful_requests instead)",
  docs: {
    why: "Throughput and latency of a run that lost requests describe only the survivors: " +
      "failed or cut-off requests are usually the slow ones, so the numbers look better than " +
      "the system behaved. InferenceX itself fails a fixed-sequence job above 5 % failures, " +
      "hence 0.95. Real data: the AgentX kv-cache-tester TP4 sweep completes 57 of 66 requests " +
      "at 2 users and 152 of 271 at 128 users (offload off), and the AgentX v1 conc-8 run 663 of " +
      "1749 after warm-up drops. The success rate is the cell's metric when present, otherwise " +
      "successful ÷ total. Default kept as in the specification.",
    confirm: "Read the failed requests' error categories or status (detailed results, aiperf " +
      "error summary, request accounting) and check whether they cluster at the end of the run " +
      "(cut off by the test duration) or throughout (server errors).",
    next: "Re-measure the point and record server errors, timeouts and the request accounting " +
      "(warm-up, errors, cut-off) separately.",
  },
  defaults: { min_success_rate: 0.95 },
  check(ctx, t) {
    const out: Finding[] = [];
    for (const cell of ctx.cells) {
      const ok = num(cell.metrics.num_requests_successful);
      const total = num(cell.metrics.num_requests_total);
      const sr = successRate(cell);
      if (sr === null || ok === 0 || sr.rate === 0) continue;
      if (!below(sr.rate, t.min_success_rate)) continue;
      const counts = countsText(cell, ok, total);
      const [rate, limit] = rateBelow(sr.rate, t.min_success_rate);
      out.push(finding(
        CODE,
        "warning",
        cell.cell_id,
        counts === null
          ? `Success rate ${rate} is below ${limit}`
          : `${counts} (success rate ${rate} < ${limit})`,
        {
          success_rate: sr.rate,
          success_rate_source: sr.source,
          num_requests_total: total,
          num_requests_successful: ok,
          thresholds: { min_success_rate: t.min_success_rate },
        },
      ));
    }
    return out;
  },
};
