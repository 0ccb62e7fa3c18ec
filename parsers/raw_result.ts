/**
 * Raw `benchmark_serving` result JSON (InferenceX, srt-slurm and AMD multi-node flavours).
 * Latencies arrive in milliseconds and leave in seconds; every percentile key is kept.
 * @module
 */
import { isRecord, num, str } from "../lib/coerce.ts";
import type { Metrics, ParseResult } from "../lib/types.ts";
import { checkRecordValues, withoutRejected } from "./_check.ts";
import { shared, withoutKey } from "./_coerce.ts";
import { FlatLatencyReader } from "./_latency.ts";

/** Latency statistics, with room for the metric fields a raw result sets itself. */
const LATENCY = new FlatLatencyReader([
  "num_requests_total",
  "num_requests_successful",
  "success_rate",
  "duration_s",
  "request_throughput",
  "total_tput_tps",
  "output_tput_tps",
  "input_tput_tps",
  "intvty",
]);

/**
 * Draft a cell record from one raw result object.
 *
 * @example
 * ```ts
 * const r = parseRawResult({ max_concurrency: 4, num_prompts: 40, completed: 40, p99_ttft_ms: 987.5 });
 * r.drafts[0].metrics.p99_ttft; // 0.9875
 * ```
 */
export function parseRawResult(value: unknown): ParseResult {
  if (!isRecord(value)) {
    return {
      drafts: [],
      issues: [{ line: null, message: "Expected a JSON object" }],
      unreadable: true,
    };
  }
  const checked = checkRecordValues(value);
  const r = withoutRejected(value, checked.rejected);
  const issues: ParseResult["issues"] = checked.issues;
  const completed = num(r.completed);
  const planned = num(r.num_prompts);
  const total = num(r.total_token_throughput);
  const output = num(r.output_throughput);
  const anySuccess = completed === null || completed > 0;
  const lat = anySuccess ? LATENCY.read(r) : { metrics: {}, extra: {} };
  // The reader left room for these fields: filling them never changes the object's shape.
  let metrics: Partial<Metrics> = lat.metrics;
  const p50Tpot = metrics.p50_tpot ?? metrics.mean_tpot;
  metrics.num_requests_total = planned;
  metrics.num_requests_successful = completed;
  metrics.success_rate = completed !== null && planned !== null && planned > 0
    ? completed / planned
    : null;
  metrics.duration_s = num(r.duration);
  metrics.request_throughput = anySuccess ? num(r.request_throughput) : null;
  metrics.total_tput_tps = anySuccess ? total : null;
  metrics.output_tput_tps = anySuccess ? output : null;
  metrics.input_tput_tps = anySuccess && total !== null && output !== null ? total - output : null;
  // No TPOT, no interactivity: the field is left out, as it always was.
  if (p50Tpot) metrics.intvty = 1 / p50Tpot;
  else if ("intvty" in metrics) metrics = withoutKey(metrics, "intvty");
  const backend = str(r.backend);
  const srtSlurm = "request_goodput" in r || "peak_output_tokens_per_s" in r ||
    backend === "dynamo";
  const notes: Record<string, unknown> = {};
  // Named reads, not a loop over a list of names: this runs once per raw file.
  const date = str(r.date);
  if (date !== null) notes.date = date;
  if (backend !== null) notes.backend = backend;
  const requestRate = str(r.request_rate);
  if (requestRate !== null) notes.request_rate = requestRate;
  const inTokens = num(r.total_input_tokens) ?? num(r.total_input);
  const outTokens = num(r.total_output_tokens);
  const startS = num(r.benchmark_start_time_unix);
  if (startS !== null) notes.benchmark_start_time_unix = startS;
  if (inTokens !== null) notes.total_input_tokens = inTokens;
  if (outTokens !== null) notes.total_output_tokens = outTokens;
  return {
    drafts: [{
      source_format: srtSlurm ? "inferencex-srt-slurm" : "inferencex-static",
      priority: 20,
      primary: true,
      identity: {
        model_path: shared(str(r.model_id)),
        concurrency: num(r.max_concurrency),
        scenario_type: "fixed-seq",
      },
      metrics,
      extra_percentiles: lat.extra,
      notes,
    }],
    issues,
    unreadable: false,
  };
}
