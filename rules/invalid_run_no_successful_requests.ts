/**
 * `invalid_run_no_successful_requests`: a cell with zero successful requests, or marked failed.
 * @module
 */
import type { Rule } from "../lib/rule.ts";
import type { Finding } from "../lib/types.ts";
import { finding, fmt, num } from "./_shared.ts";

const CODE = "invalid_run_no_successful_requests";

/** Detects cells that completed no request at all, or whose status is failed. */
export const invalidRunNoSuccessfulRequests: Rule = {
  code: CODE,
  severity: "critical",
  summary: "Zero successful requests out of a non-zero total, or the cell's status is failed",
  docs: {
    why: "A run with no successful request has no latency or throughput at all; any numbers " +
      "in its files are placeholders (InferenceX writes 0.0 everywhere, and its own aggregation " +
      "then fails, e.g. the real minimaxm2.5 8k1k conc-64 file with 0 of 640 completed). Such a " +
      "cell is excluded from curves' comparisons and frontiers. No thresholds.",
    confirm: "Read the server and client logs of the cell for the first error, and check the " +
      "run's status file and the raw result's completed count.",
    next: "Re-run the point once the cause is understood, and keep the failed run's logs with " +
      "the report.",
  },
  defaults: {},
  check(ctx) {
    const out: Finding[] = [];
    for (const cell of ctx.cells) {
      const total = num(cell.metrics.num_requests_total);
      const ok = num(cell.metrics.num_requests_successful);
      const none = ok === 0 && total !== null && total > 0;
      if (!none && cell.status !== "failed") continue;
      const counts = ok !== null && total !== null
        ? ` with ${fmt(ok)} of ${fmt(total)} requests successful`
        : "";
      out.push(finding(
        CODE,
        "critical",
        cell.cell_id,
        none
          ? `None of the ${fmt(total as number)} requests succeeded`
          : `The cell is marked failed${counts}`,
        {
          status: cell.status,
          num_requests_total: total,
          num_requests_successful: ok,
          success_rate: num(cell.metrics.success_rate),
        },
      ));
    }
    return out;
  },
};
