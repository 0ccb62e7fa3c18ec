/**
 * Streaming parser for aiperf's per-request `profile_export.jsonl` (reference §9.6): request
 * accounting (warm-up, profiling, errors by type), latency ladders over successful profiling
 * records and throughput over the profiled window.
 * @module
 */
import * as v from "valibot";
import { mean, percentileSorted } from "../lib/stats.ts";
import type { MetricField, ParseResult, RecordDraft } from "../lib/types.ts";
import { secondsPerUnit } from "./aiperf_profile.ts";
import {
  asObject,
  compact,
  compactExtras,
  type Issue,
  jsonlValues,
  NumericSchema,
  preview,
  ratio,
  str,
} from "./_coerce.ts";

const RecordSchema = v.looseObject({
  metadata: v.looseObject({
    benchmark_phase: v.optional(v.nullable(v.string())),
    request_start_ns: v.optional(v.nullable(NumericSchema)),
    request_end_ns: v.optional(v.nullable(NumericSchema)),
    was_cancelled: v.optional(v.nullable(v.boolean())),
  }),
  metrics: v.optional(v.nullable(v.record(v.string(), v.unknown()))),
  error: v.optional(v.unknown()),
});

const MetricSchema = v.looseObject({
  value: NumericSchema,
  unit: v.optional(v.nullable(v.string())),
});

/** Keep at most this many per-line issues; the rest are counted in one summary issue. */
const MAX_LINE_ISSUES = 100;

type LatencyName = "ttft" | "e2el" | "itl";

const LATENCY_KEYS: readonly (readonly [string, LatencyName])[] = [
  ["time_to_first_token", "ttft"],
  ["request_latency", "e2el"],
  ["inter_token_latency", "itl"],
];

/**
 * Parses aiperf `profile_export.jsonl` lines (streamed) into one primary record draft.
 * Success = profiling record without error; latency statistics use successful records only.
 *
 * @example
 * ```ts
 * const result = await parseAiperfJsonl(readLines(path));
 * result.drafts[0].metrics.num_requests_successful;
 * ```
 */
export async function parseAiperfJsonl(lines: AsyncIterable<string>): Promise<ParseResult> {
  const issues: Issue[] = [];
  let dropped = 0;
  const report = (line: number, message: string): void => {
    if (issues.length < MAX_LINE_ISSUES) issues.push({ line, message });
    else dropped++;
  };

  let total = 0;
  let warmup = 0;
  let profiling = 0;
  let otherPhase = 0;
  let errored = 0;
  let cancelled = 0;
  let successful = 0;
  let badLines = 0;
  const errorCategories = new Map<string, number>();
  const samples: Record<LatencyName, number[]> = { ttft: [], e2el: [], itl: [] };
  let minStartNs = Infinity;
  let maxEndNs = -Infinity;
  let windowRecords = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let inputTokenRecords = 0;
  let outputTokenRecords = 0;

  const bad = (line: number, message: string): void => {
    badLines++;
    report(line, message);
  };
  for await (const { line: lineNo, value: parsed } of jsonlValues(lines, bad)) {
    const rec = v.safeParse(RecordSchema, parsed);
    if (!rec.success) {
      badLines++;
      const path = v.getDotPath(rec.issues[0]);
      report(
        lineNo,
        `Not an aiperf record: ${path ? `field "${path}" ` : ""}${rec.issues[0].message}`,
      );
      continue;
    }
    const { metadata, metrics } = rec.output;
    total++;
    const phase = metadata.benchmark_phase ?? null;
    if (phase === "warmup") warmup++;
    else if (phase === "profiling") profiling++;
    else otherPhase++;
    if (metadata.was_cancelled === true) cancelled++;
    const error = rec.output.error;
    const hasError = error !== undefined && error !== null;
    if (hasError) {
      errored++;
      const type = str(asObject(error)?.type) ?? "unknown";
      errorCategories.set(type, (errorCategories.get(type) ?? 0) + 1);
    }
    if (phase !== "profiling" || hasError) continue;
    successful++;

    // The schema reads an array as an object keyed "0", "1", …: look at what the line held.
    const listed = Array.isArray((parsed as { metrics?: unknown }).metrics);
    if (listed) report(lineNo, 'Field "metrics" is an array, not an object');
    const m = metrics && !listed ? metrics : {};
    const read = (key: string, asSeconds: boolean): number | null => {
      const entry = m[key];
      if (entry === undefined || entry === null) return null;
      const ok = v.safeParse(MetricSchema, entry);
      if (!ok.success) {
        const bad = asObject(entry)?.value ?? entry;
        report(lineNo, `Field "metrics.${key}.value" is not a number: ${preview(bad)}`);
        return null;
      }
      if (!asSeconds) return ok.output.value;
      const scale = secondsPerUnit(ok.output.unit ?? null);
      if (scale === null) {
        report(lineNo, `Field "metrics.${key}.unit" is not a time unit: ${ok.output.unit}`);
        return null;
      }
      return ok.output.value * scale;
    };
    for (const [key, name] of LATENCY_KEYS) {
      const x = read(key, true);
      if (x !== null) samples[name].push(x);
    }
    const isl = read("input_sequence_length", false);
    if (isl !== null) {
      inputTokens += isl;
      inputTokenRecords++;
    }
    const osl = read("output_sequence_length", false);
    if (osl !== null) {
      outputTokens += osl;
      outputTokenRecords++;
    }
    const start = metadata.request_start_ns ?? null;
    const end = metadata.request_end_ns ?? null;
    if (start !== null && end !== null) {
      minStartNs = Math.min(minStartNs, start);
      maxEndNs = Math.max(maxEndNs, end);
      windowRecords++;
    }
  }
  if (dropped > 0) {
    issues.push({ line: null, message: `${dropped} more line issues not listed` });
  }
  if (total === 0) {
    issues.push({ line: null, message: "No aiperf records found" });
    return { drafts: [], issues, unreadable: true };
  }
  if (profiling === 0 && warmup > 0) {
    // Counted as requests that did not succeed, but the reason is not theirs: say it.
    issues.push({
      line: null,
      message: `Only warm-up records (${warmup}): the profiling phase never ran`,
    });
  }

  const metrics: Partial<Record<MetricField, number | null>> = {
    num_requests_total: total,
    num_requests_successful: successful,
    success_rate: ratio(successful, total),
  };
  const extra: Record<string, number | null> = {};
  for (const name of ["ttft", "e2el", "itl"] as const) {
    putLadder(metrics, extra, name, samples[name]);
    if (name === "itl") putLadder(metrics, extra, "tpot", samples.itl);
  }
  const p50Tpot = metrics.p50_tpot ?? null;
  if (p50Tpot !== null && p50Tpot > 0) metrics.intvty = 1 / p50Tpot;

  const windowS = windowRecords > 0 && maxEndNs > minStartNs ? (maxEndNs - minStartNs) / 1e9 : null;
  if (windowS !== null) {
    const allTokens = inputTokenRecords === successful && outputTokenRecords === successful;
    metrics.duration_s = windowS;
    metrics.request_throughput = successful / windowS;
    if (inputTokenRecords === successful) metrics.input_tput_tps = inputTokens / windowS;
    if (outputTokenRecords === successful) metrics.output_tput_tps = outputTokens / windowS;
    if (allTokens) metrics.total_tput_tps = (inputTokens + outputTokens) / windowS;
  }

  const categories: Record<string, number> = {};
  for (const k of [...errorCategories.keys()].sort()) categories[k] = errorCategories.get(k)!;
  const notes: Record<string, unknown> = {
    request_accounting: {
      records_total: total,
      records_profiled: successful,
      records_dropped_total: total - successful,
      records_warmup_dropped: warmup,
      records_error_dropped: errored,
      error_categories: categories,
    },
    records_profiling_phase: profiling,
    total_input_tokens: inputTokenRecords > 0 ? inputTokens : null,
    total_output_tokens: outputTokenRecords > 0 ? outputTokens : null,
  };
  if (otherPhase > 0) notes.records_other_phase = otherPhase;
  if (cancelled > 0) notes.records_cancelled = cancelled;
  if (badLines > 0) notes.bad_lines = badLines;
  for (const k of Object.keys(notes)) if (notes[k] === null) delete notes[k];

  const draft: RecordDraft = {
    source_format: "agentx-aiperf",
    priority: 30,
    identity: {},
    metrics: compact(metrics),
    primary: true,
    notes,
  };
  const extras = compactExtras(extra);
  if (Object.keys(extras).length > 0) draft.extra_percentiles = extras;
  return { drafts: [draft], issues, unreadable: false };
}

/** Mean, p50, p90, p99 (and p99.9 for TTFT) into metrics; p75, p95, p99.9, max into extras. */
function putLadder(
  metrics: Partial<Record<MetricField, number | null>>,
  extra: Record<string, number | null>,
  name: LatencyName | "tpot",
  values: number[],
): void {
  if (values.length === 0) return;
  const sorted = Float64Array.from(values).sort();
  const q = (p: number): number | null => percentileSorted(sorted, p);
  const m = metrics as Record<string, number | null>;
  m[`mean_${name}`] = mean(sorted);
  m[`p50_${name}`] = q(50);
  m[`p90_${name}`] = q(90);
  m[`p99_${name}`] = q(99);
  if (name === "ttft") m.p999_ttft = q(99.9);
  else extra[`p99.9_${name}`] = q(99.9);
  extra[`p75_${name}`] = q(75);
  extra[`p95_${name}`] = q(95);
  extra[`max_${name}`] = sorted[sorted.length - 1];
}
