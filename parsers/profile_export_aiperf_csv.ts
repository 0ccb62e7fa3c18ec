/**
 * Parser for aiperf's aggregate CSV `profile_export_aiperf.csv` (formats reference §9.6 and §13
 * rule 9): the metrics of `profile_export_aiperf.json` as display-name rows, `Metric,avg,min,max,
 * sum,p1,…,p99,std`, then a blank line and a `Metric,Value` section of scalars.
 *
 * The rows the JSON parser reads are turned back into the JSON's shape and read by that parser
 * (parsers/aiperf_profile.ts), so both files give the same record; this one at a lower priority,
 * because the CSV rounds every value to two decimals. What the CSV cannot say:
 * - warm-up counts (the JSON's `warmup_metrics`): the request total is the profiling requests only;
 * - the theoretical prefix-cache hit as `sum / count`: the CSV gives the percentage (`avg`).
 * @module
 */
import type { ParseResult } from "../lib/types.ts";
import { parseAiperfProfile } from "./aiperf_profile.ts";
import { decodeField, type NumberField, parseNumberField, scanCsvBytes } from "./_csv_bytes.ts";
import { IssueList } from "./_issues.ts";

/** Display names (without the unit) of the rows read, and their keys in the JSON export. */
const KEYS: ReadonlyMap<string, string> = new Map([
  ["Request Count", "request_count"],
  ["Error Request Count", "error_request_count"],
  ["Time to First Token", "time_to_first_token"],
  ["Request Latency", "request_latency"],
  ["Inter Token Latency", "inter_token_latency"],
  ["Benchmark Duration", "benchmark_duration"],
  ["Output Token Throughput", "output_token_throughput"],
  ["Total Token Throughput", "total_token_throughput"],
  ["Input Token Throughput", "input_token_throughput"],
  ["Request Throughput", "request_throughput"],
  ["Theoretical Prefix Cache Hit", "theoretical_prefix_cache_hit"],
  ["Effective Concurrency", "effective_concurrency"],
]);

/** Statistic columns of the first section, as the JSON names them. */
const STATS: ReadonlySet<string> = new Set([
  "avg",
  "min",
  "max",
  "sum",
  "p1",
  "p5",
  "p10",
  "p25",
  "p50",
  "p75",
  "p90",
  "p95",
  "p99",
  "std",
]);

/** Priority of the record: below the JSON export's (25), which carries the exact values. */
const PRIORITY = 24;

/** Fields of a row read at most (aiperf writes 15), and the longest one kept, in bytes. */
const MAX_FIELDS = 64;
const MAX_FIELD_BYTES = 1024;

/** `"Time to First Token (ms)"` → name and unit; the unit is the last parenthesised part. */
function splitUnit(label: string): { name: string; unit: string | null } {
  const m = /^(.*?)\s*\(([^()]*)\)$/.exec(label.trim());
  return m ? { name: m[1], unit: m[2] } : { name: label.trim(), unit: null };
}

/**
 * Parse one `profile_export_aiperf.csv` stream into the record `profile_export_aiperf.json` gives.
 *
 * @example
 * ```ts
 * const file = await Deno.open("aiperf_artifacts/profile_export_aiperf.csv");
 * const result = await parseProfileExportAiperfCsv(file.readable);
 * result.drafts[0].metrics.p99_ttft; // seconds
 * ```
 */
export async function parseProfileExportAiperfCsv(
  chunks: AsyncIterable<Uint8Array>,
): Promise<ParseResult> {
  const list = new IssueList();
  const issues = list.issues;
  const issue = (line: number | null, message: string) => list.add(line, message);

  /** The current section's header (`null` before the first), and the current row's cells. */
  let header: string[] | null = null;
  let headerFields = 0;
  let cells: string[] = [];
  let values: NumberField[] = [];
  /** The JSON-shaped object being rebuilt, by JSON key. */
  const profile: Record<string, Record<string, unknown>> = {};
  let rowsRead = 0;

  const onRecord = (line: number, fields: number, problem: string | null) => {
    const first = (cells[0] ?? "").trim();
    if (first === "Metric") {
      header = cells.map((c) => c.trim());
      headerFields = fields;
      return;
    }
    if (header === null) {
      issue(line, "A row before the Metric header; skipped");
      return;
    }
    if (problem !== null) {
      issue(line, `${problem}; row skipped`);
      return;
    }
    if (fields !== headerFields) {
      issue(line, `Expected ${headerFields} fields, found ${fields}; row skipped`);
      return;
    }
    rowsRead++;
    const { name, unit } = splitUnit(first);
    const key = KEYS.get(name);
    if (key === undefined) return;
    const block: Record<string, unknown> = profile[key] ?? { unit: unit ?? "" };
    for (let i = 1; i < header.length; i++) {
      const column = header[i] === "Value" ? "avg" : header[i];
      if (!STATS.has(column)) continue;
      const v = values[i];
      if (v === "empty") continue;
      if (v === "invalid") {
        issue(line, `Cannot read ${column} of "${name}" ("${cells[i].slice(0, 40)}") as a number`);
        continue;
      }
      block[column] = v;
    }
    profile[key] = block;
  };

  const summary = await scanCsvBytes(chunks, {
    keep: (i) => i < MAX_FIELDS,
    field(i, bytes) {
      if (i >= MAX_FIELDS) return;
      cells.push(bytes === null ? "(overlong)" : decodeField(bytes));
      values.push(bytes === null ? "invalid" : parseNumberField(bytes));
    },
    record(line, fields, problem) {
      onRecord(line, fields, problem);
      cells = [];
      values = [];
    },
  }, { maxKeptBytes: MAX_FIELD_BYTES });

  if (summary.records === 0) {
    issues.push({ line: null, message: "The file is empty" });
    return { drafts: [], issues: list.close(), unreadable: true };
  }
  if (rowsRead === 0) {
    issues.push({ line: null, message: "No metric rows found" });
    return { drafts: [], issues: list.close(), unreadable: true };
  }
  const parsed = parseAiperfProfile(profile);
  for (const i of parsed.issues) {
    // The JSON parser names JSON fields; here they are rows of the CSV.
    if (i.message !== 'Field "request_count.avg" is missing') issue(null, i.message);
    else issue(null, 'No "Request Count" row');
  }
  const hit = profile.theoretical_prefix_cache_hit;
  const drafts = parsed.drafts.map((d) => {
    const metrics = { ...d.metrics };
    const percent = typeof hit?.avg === "number" ? hit.avg : null;
    if (metrics.theoretical_cache_hit_rate == null && percent !== null && hit?.unit === "%") {
      metrics.theoretical_cache_hit_rate = percent / 100;
    }
    return { ...d, priority: PRIORITY, metrics };
  });
  return { drafts, issues: list.close(), unreadable: parsed.unreadable };
}
