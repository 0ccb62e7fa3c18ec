/**
 * Ranges every metric of a record must be in, whichever parser read it: checked once per draft
 * as artifacts are loaded, so no detector ever compares against an impossible number.
 * @module
 */
type Issue = { line: number | null; message: string };

/** Metrics that are shares of a whole: 0–1 (a hair over 1 from rounding is let through). */
const RATIO_METRICS: ReadonlySet<string> = new Set([
  "success_rate",
  "theoretical_cache_hit_rate",
  "server_gpu_cache_hit_rate",
  "server_cpu_cache_hit_rate",
  "gpu_kv_usage_p95",
  "cpu_kv_usage_p95",
]);

/**
 * Leave out the metrics of a draft that cannot be right, each with an issue naming it: a negative
 * value (every metric counts, times, rates or sizes something), a share outside 0–1 (a cache hit
 * rate of 2 from hits that outnumber queries), and more successful requests than requests.
 * `where` prefixes each message (`"Row 3: "` for a row of a collection).
 *
 * @example
 * ```ts
 * const metrics: Record<string, number | null> = { server_gpu_cache_hit_rate: 2 };
 * const issues: { line: number | null; message: string }[] = [];
 * guardMetricRanges(metrics, issues); // metrics.server_gpu_cache_hit_rate is now null
 * ```
 */
export function guardMetricRanges(
  metrics: Record<string, unknown>,
  issues: Issue[],
  where = "",
): void {
  for (const key in metrics) {
    const v = metrics[key];
    if (typeof v !== "number") continue;
    if (v < 0) {
      metrics[key] = null;
      issues.push({ line: null, message: `${where}Field "${key}" is ${v}, below 0; left out` });
    } else if (v > 1 + 1e-9 && RATIO_METRICS.has(key)) {
      metrics[key] = null;
      issues.push({ line: null, message: `${where}Field "${key}" is ${v}, outside 0–1; left out` });
    }
  }
  const ok = metrics.num_requests_successful;
  const total = metrics.num_requests_total;
  if (typeof ok === "number" && typeof total === "number" && ok > total) {
    metrics.num_requests_successful = null;
    if (typeof metrics.success_rate === "number") metrics.success_rate = null;
    issues.push({
      line: null,
      message:
        `${where}Field "num_requests_successful" (${ok}) exceeds num_requests_total (${total}); left out`,
    });
  }
}

/**
 * {@link guardMetricRanges} over every draft of a parse result, in place; a draft of one row of a
 * collection (`sub_key`) is named by its row.
 *
 * @example
 * ```ts
 * guardDraftRanges(parseAggCollection(rows));
 * ```
 */
export function guardDraftRanges(
  result: { drafts: readonly { metrics: object; sub_key?: string }[]; issues: Issue[] },
): void {
  for (const d of result.drafts) {
    const where = d.sub_key !== undefined ? `Row ${d.sub_key}: ` : "";
    guardMetricRanges(d.metrics as Record<string, unknown>, result.issues, where);
  }
}
