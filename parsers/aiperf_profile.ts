/**
 * Parser for aiperf's aggregate `profile_export_aiperf.json` (reference §9.6): request counts,
 * latency ladders (ms in, seconds out), theoretical prefix-cache hit rate.
 * @module
 */
import type { Identity, MetricField, ParseResult, RecordDraft } from "../lib/types.ts";
import {
  asObject,
  compact,
  compactExtras,
  dropNulls,
  FieldReader,
  type Issue,
  num,
  preview,
  ratio,
} from "./_coerce.ts";

/** Seconds per unit for aiperf timing units; `null` for a unit that is not a time. */
export function secondsPerUnit(unit: string | null): number | null {
  switch ((unit ?? "ms").trim().toLowerCase()) {
    case "ns":
      return 1e-9;
    case "us":
    case "µs":
      return 1e-6;
    case "ms":
      return 1e-3;
    case "s":
    case "sec":
    case "seconds":
      return 1;
    default:
      return null;
  }
}

/** Request counts of one export, as {@link requestAccounting} reads them. */
interface RequestCounts {
  /** Profiling requests without error (`request_count.avg`). */
  successful: number;
  /** Profiling requests with an error (`error_request_count.avg`). */
  errors: number;
  /** Warm-up records, successful or not. */
  warmupRecords: number;
  /** Warm-up records with an error. */
  warmupErrors: number;
}

/**
 * The AgentX agg's `request_accounting` (reference §9.7) from aiperf's counts: warm-up and error
 * drops overlap (an errored warm-up record counts in both). Error categories are given only when
 * known: none when no record failed, else from `error_summary` when it accounts for every error.
 */
function requestAccounting(
  top: Record<string, unknown>,
  c: RequestCounts,
): Record<string, unknown> {
  const total = c.successful + c.errors + c.warmupRecords;
  const out: Record<string, unknown> = {
    records_total: total,
    records_profiled: c.successful,
    records_dropped_total: total - c.successful,
    records_warmup_dropped: c.warmupRecords,
    records_error_dropped: c.errors + c.warmupErrors,
  };
  const categories = errorCategories(top.error_summary, c.errors + c.warmupErrors);
  if (categories !== null) out.error_categories = categories;
  return out;
}

/**
 * Error counts by type from aiperf's `error_summary` (`[{error_details: {type}, count}]`), or
 * `null` when the summary does not account for exactly `errors` records.
 */
function errorCategories(summary: unknown, errors: number): Record<string, number> | null {
  if (errors === 0) return {};
  if (!Array.isArray(summary)) return null;
  const counts = new Map<string, number>();
  let sum = 0;
  for (const entry of summary) {
    const o = asObject(entry);
    const count = num(o?.count);
    if (o === null || count === null || count < 0) return null;
    const type = asObject(o.error_details)?.type;
    const key = typeof type === "string" && type !== "" ? type : "unknown";
    counts.set(key, (counts.get(key) ?? 0) + count);
    sum += count;
  }
  if (sum !== errors) return null;
  const out: Record<string, number> = {};
  for (const k of [...counts.keys()].sort()) out[k] = counts.get(k)!;
  return out;
}

/**
 * Parses one `profile_export_aiperf.json` (already decoded JSON) into one primary record draft.
 *
 * @example
 * ```ts
 * const { drafts } = parseAiperfProfile(JSON.parse(text));
 * drafts[0].metrics.p99_ttft; // seconds
 * ```
 */
export function parseAiperfProfile(value: unknown): ParseResult {
  const issues: Issue[] = [];
  const top = asObject(value);
  if (top === null) {
    issues.push({
      line: null,
      message: `Expected an aiperf profile object, got ${preview(value)}`,
    });
    return { drafts: [], issues, unreadable: true };
  }
  const r = new FieldReader(top, { issues });
  const metrics: Partial<Record<MetricField, number | null>> = {};
  const extra: Record<string, number | null> = {};
  const notes: Record<string, unknown> = {};

  const scalar = (reader: FieldReader | null, key: string): number | null =>
    reader?.obj(key)?.num("avg") ?? null;

  // Completion: aiperf's request_count counts successful profiling requests; errors are only
  // reported when there were some (the validation gate reads a missing count as 0).
  const successful = scalar(r, "request_count");
  const errors = scalar(r, "error_request_count");
  const warmup = r.obj("warmup_metrics");
  const warmupCount = scalar(warmup, "request_count");
  const warmupErrors = scalar(warmup, "error_request_count");
  if (successful === null) {
    const rawCount = asObject(top.request_count)?.avg;
    if (rawCount === undefined || rawCount === null) {
      issues.push({ line: null, message: 'Field "request_count.avg" is missing' });
    }
  } else {
    const profiled = successful + (errors ?? 0);
    const warmupRecords = (warmupCount ?? 0) + (warmupErrors ?? 0);
    metrics.num_requests_successful = successful;
    // Every record, as the AgentX agg counts them: profiling + warm-up (§9.7).
    metrics.num_requests_total = profiled + warmupRecords;
    // Warm-up records are not failures: the rate is over the profiling requests, as the agg's
    // request accounting gives it (lib/fold.ts) and as the CSV export (no warm-up counts) does.
    metrics.success_rate = ratio(successful, profiled);
    notes.profiling_requests_total = profiled;
    if (warmup !== null) {
      notes.request_accounting = requestAccounting(top, {
        successful,
        errors: errors ?? 0,
        warmupRecords,
        warmupErrors: warmupErrors ?? 0,
      });
    }
  }
  notes.error_request_count = errors;
  notes.warmup_request_count = warmupCount;
  notes.warmup_error_request_count = warmupErrors;

  const ladders = [
    ["time_to_first_token", "ttft"],
    ["request_latency", "e2el"],
    ["inter_token_latency", "itl"],
    ["inter_token_latency", "tpot"],
  ] as const;
  for (const [key, name] of ladders) {
    const block = r.obj(key);
    if (block === null) continue;
    const scale = secondsPerUnit(block.str("unit"));
    if (scale === null) {
      issues.push({
        line: null,
        message: `Field "${key}.unit" is not a time unit: ${preview(block.raw("unit"))}`,
      });
      continue;
    }
    const s = (k: string): number | null => {
      const x = block.num(k);
      return x === null ? null : x * scale;
    };
    const m = metrics as Record<string, number | null>;
    m[`mean_${name}`] = s("avg");
    m[`p50_${name}`] = s("p50");
    m[`p90_${name}`] = s("p90");
    m[`p99_${name}`] = s("p99");
    extra[`p75_${name}`] = s("p75");
    extra[`p95_${name}`] = s("p95");
    extra[`max_${name}`] = s("max");
  }
  const p50Tpot = metrics.p50_tpot ?? null;
  if (p50Tpot !== null && p50Tpot > 0) metrics.intvty = 1 / p50Tpot;

  // aiperf's throughputs use another window than the aggregate's and the per-request data, so
  // mixing them into the cell would make per-GPU and absolute throughput disagree: notes only.
  const aiperfOutput = scalar(r, "output_token_throughput");
  metrics.duration_s = scalar(r, "benchmark_duration");
  // aiperf's own input/total throughput differ from the agg's (§9.7); kept as notes only.
  notes.aiperf_output_token_throughput = aiperfOutput;
  notes.aiperf_total_token_throughput = scalar(r, "total_token_throughput");
  notes.aiperf_input_token_throughput = scalar(r, "input_token_throughput");
  notes.aiperf_request_throughput = scalar(r, "request_throughput");

  const hit = r.obj("theoretical_prefix_cache_hit");
  if (hit !== null) {
    metrics.theoretical_cache_hit_rate = ratio(hit.num("sum"), hit.num("count"));
  }

  notes.aiperf_version = r.str("aiperf_version");
  notes.aiperf_schema_version = r.str("schema_version");
  notes.benchmark_id = r.str("benchmark_id");
  notes.start_time = r.str("start_time");
  notes.end_time = r.str("end_time");
  notes.was_cancelled = r.bool("was_cancelled");
  const errorSummary = r.raw("error_summary");
  if (Array.isArray(errorSummary) && errorSummary.length > 0) notes.error_summary = errorSummary;
  const branch = r.obj("branch_stats");
  if (branch !== null) notes.branch_stats = branch.value;
  notes.effective_concurrency_max = r.obj("effective_concurrency")?.num("max") ?? null;
  const meta = r.obj("metadata");
  notes.scenario = meta?.str("scenario") ?? null;
  notes.submission_valid = meta?.bool("submission_valid") ?? null;

  const identity: Partial<Identity> = {};
  const config = r.obj("input_config");
  if (config !== null) {
    const names = config.obj("endpoint")?.raw("model_names");
    if (Array.isArray(names) && typeof names[0] === "string") identity.model_path = names[0];
    const conc = num(config.obj("loadgen")?.raw("concurrency"));
    if (conc !== null) identity.concurrency = conc;
  }

  const known = compact(metrics);
  if (Object.keys(known).length === 0) {
    issues.push({ line: null, message: "No aiperf metrics found" });
    return { drafts: [], issues, unreadable: true };
  }
  const draft: RecordDraft = {
    source_format: "agentx-aiperf",
    priority: 25,
    identity,
    metrics: known,
    primary: true,
    notes: dropNulls(notes),
  };
  const extras = compactExtras(extra);
  if (Object.keys(extras).length > 0) draft.extra_percentiles = extras;
  return { drafts: [draft], issues, unreadable: false };
}
