/**
 * Parser for the gen-0 AgentX client log `metrics_client_metrics.csv` (formats reference §9.1 and
 * §9.3): one row per completed request of the multi-turn client → completion count, TTFT / TPOT /
 * end-to-end ladders and throughput of one cell.
 *
 * Columns (addressed by header name): `start_time_ms, relative_time_sec, ttft_ms, tpot_ms,
 * latency_ms, input_num_turns, input_num_tokens, output_num_tokens, output_num_chunks,
 * output_num_first_chunk_tokens, approx_cached_percent, conversation_id, client_id,
 * interactivity_tok_per_sec`. Times are milliseconds; `start_time_ms` is a monotonic clock, not
 * epoch, so only differences of it mean anything.
 *
 * Definitions:
 * - the client writes a row only for a request that completed (the multi-turn client keeps the
 *   stats of valid responses only), so every row counts as a successful request; the file says
 *   nothing about failed ones, and the total number of requests is left unknown (`null`);
 * - ladders (numpy's linear interpolation, lib/stats.ts) use values > 0; `tpot_ms` is a
 *   per-request TPOT and fills the TPOT fields only (the file has no per-chunk ITL);
 * - `intvty` = 1 / p50 TPOT (InferenceX's convention);
 * - throughput = Σ tokens / (max(`start_time_ms` + `latency_ms`) − min `start_time_ms`), the
 *   window from the first request sent to the last one finished, as for `detailed_results.csv`.
 *
 * The file is streamed with the byte-level CSV scanner; only numbers are kept.
 * @module
 */
import type { ParseResult, RecordDraft } from "../lib/types.ts";
import { ladder } from "../lib/stats.ts";
import {
  decodeField,
  F64List,
  MAX_HEADER_FIELDS,
  parseNumberField,
  scanCsvBytes,
} from "./_csv_bytes.ts";
import { IssueList } from "./_issues.ts";

/** Numeric columns read, by header name. */
const COLUMNS = [
  "start_time_ms",
  "ttft_ms",
  "tpot_ms",
  "latency_ms",
  "input_num_tokens",
  "output_num_tokens",
  "approx_cached_percent",
] as const;

const START = 0;
const TTFT = 1;
const TPOT = 2;
const LATENCY = 3;
const INPUT = 4;
const OUTPUT = 5;
const CACHED = 6;

/** Latency columns: without at least one of them the file gives no latency. */
const LATENCY_COLUMNS: readonly string[] = ["ttft_ms", "tpot_ms", "latency_ms"];

const VALUE_OK = 1;
const VALUE_EMPTY = 2;
const VALUE_INVALID = 3;

/** The `notes` of the record {@linkcode parseClientMetricsCsv} drafts. */
export interface ClientMetricsNotes {
  /** Rows read (each a completed request). */
  rows: number;
  /** Σ `input_num_tokens` / `output_num_tokens` over the rows; `null` without the column. */
  input_tokens_total: number | null;
  output_tokens_total: number | null;
  /** Mean of the client's `approx_cached_percent` (0–100), `null` without values. */
  approx_cached_percent_mean: number | null;
  /** Rows left out of a ladder because the value was ≤ 0. */
  nonpositive_latency_excluded: { ttft: number; tpot: number; latency: number };
  /** Rows with an unreadable cell, by column (each also an issue). */
  invalid_numeric_cells: Record<string, number>;
  /** Rows skipped for a wrong field count or broken quoting (each also an issue). */
  rows_skipped: number;
  completion_basis: string;
  intvty_basis: string;
  throughput_basis: string;
}

/**
 * Parse one `metrics_client_metrics.csv` stream into a single agentic cell record.
 *
 * @example
 * ```ts
 * const file = await Deno.open("run/metrics_client_metrics.csv");
 * const result = await parseClientMetricsCsv(file.readable);
 * result.drafts[0].metrics.p99_ttft; // seconds
 * ```
 */
export async function parseClientMetricsCsv(
  chunks: AsyncIterable<Uint8Array>,
): Promise<ParseResult> {
  const list = new IssueList();
  const issues = list.issues;
  const issue = (line: number | null, message: string) => list.add(line, message);

  let header: string[] | null = null;
  let headerFields = 0;
  let slotOf = new Int16Array(0);
  const headerCells: string[] = [];

  const num = new Float64Array(COLUMNS.length);
  const state = new Uint8Array(COLUMNS.length);
  const rawInvalid: string[] = new Array(COLUMNS.length).fill("");

  let rows = 0;
  let skipped = 0;
  let inputTotal = 0;
  let outputTotal = 0;
  let cachedSum = 0;
  let cachedCount = 0;
  let firstStart = Infinity;
  let lastEnd = -Infinity;
  const invalidCells = new Map<string, number>();
  const nonPositive = { ttft: 0, tpot: 0, latency: 0 };
  const ttft = new F64List();
  const tpot = new F64List();
  const latency = new F64List();

  const onHeader = (line: number) => {
    header = headerCells.map((h) => h.trim());
    headerFields = header.length;
    slotOf = new Int16Array(headerFields).fill(-1);
    const seen = new Set<string>();
    header.forEach((name, i) => {
      if (seen.has(name)) {
        issue(line, `Duplicate column "${name}" in the header; the first one is used`);
        return;
      }
      seen.add(name);
      slotOf[i] = (COLUMNS as readonly string[]).indexOf(name);
    });
    for (const name of COLUMNS) {
      if (name !== "approx_cached_percent" && !seen.has(name)) {
        issue(line, `The header lacks column "${name}"`);
      }
    }
  };

  /** Whether the row just read repeats the header: every numeric cell holds its column's name. */
  const isHeaderAgain = () => {
    let named = 0;
    for (let s = 0; s < COLUMNS.length; s++) {
      if (state[s] === VALUE_OK) return false;
      if (state[s] === VALUE_INVALID) {
        if (rawInvalid[s].trim() !== COLUMNS[s]) return false;
        named++;
      }
    }
    return named > 0;
  };

  const onRow = (line: number) => {
    rows++;
    for (let s = 0; s < COLUMNS.length; s++) {
      if (state[s] !== VALUE_INVALID) continue;
      invalidCells.set(COLUMNS[s], (invalidCells.get(COLUMNS[s]) ?? 0) + 1);
      issue(line, `Cannot read ${COLUMNS[s]} "${rawInvalid[s]}" as a number; treated as missing`);
    }
    const ok = (s: number) => state[s] === VALUE_OK;
    if (ok(TTFT)) num[TTFT] > 0 ? ttft.push(num[TTFT] / 1000) : nonPositive.ttft++;
    if (ok(TPOT)) num[TPOT] > 0 ? tpot.push(num[TPOT] / 1000) : nonPositive.tpot++;
    if (ok(LATENCY)) num[LATENCY] > 0 ? latency.push(num[LATENCY] / 1000) : nonPositive.latency++;
    if (ok(INPUT)) inputTotal += num[INPUT];
    if (ok(OUTPUT)) outputTotal += num[OUTPUT];
    if (ok(CACHED)) {
      cachedSum += num[CACHED];
      cachedCount++;
    }
    if (ok(START)) {
      if (num[START] < firstStart) firstStart = num[START];
      if (ok(LATENCY) && num[LATENCY] > 0 && num[START] + num[LATENCY] > lastEnd) {
        lastEnd = num[START] + num[LATENCY];
      }
    }
  };

  const summary = await scanCsvBytes(chunks, {
    keep: (i) => (header === null && i < MAX_HEADER_FIELDS) || (i < headerFields && slotOf[i] >= 0),
    field(i, bytes) {
      if (header === null) {
        if (i < MAX_HEADER_FIELDS) headerCells.push(bytes === null ? "" : decodeField(bytes));
        return;
      }
      if (i >= headerFields) return;
      const slot = slotOf[i];
      if (slot < 0) return;
      if (bytes === null) {
        state[slot] = VALUE_INVALID;
        rawInvalid[slot] = "(overlong)";
        return;
      }
      const v = parseNumberField(bytes);
      if (v === "empty") state[slot] = VALUE_EMPTY;
      else if (v === "invalid") {
        state[slot] = VALUE_INVALID;
        rawInvalid[slot] = decodeField(bytes.subarray(0, 40));
      } else {
        state[slot] = VALUE_OK;
        num[slot] = v;
      }
    },
    record(line, fields, problem) {
      if (header === null) {
        if (fields > MAX_HEADER_FIELDS) {
          issue(
            line,
            `The header has ${fields} fields; only the first ${MAX_HEADER_FIELDS} are read`,
          );
        }
        onHeader(line);
      } else if (problem !== null) {
        skipped++;
        issue(line, `${problem}; row skipped`);
      } else if (fields !== headerFields) {
        skipped++;
        issue(line, `Expected ${headerFields} fields, found ${fields}; row skipped`);
      } else if (isHeaderAgain()) {
        skipped++;
        issue(line, "The header row again; skipped");
      } else {
        onRow(line);
      }
      state.fill(0);
    },
  });

  if (summary.records === 0) {
    issues.push({ line: null, message: "The file is empty" });
    return { drafts: [], issues: list.close(), unreadable: true };
  }
  const names: string[] = header ?? [];
  const has = (name: string) => names.includes(name);
  if (!LATENCY_COLUMNS.some(has)) {
    issues.push({ line: 1, message: "The header has none of ttft_ms, tpot_ms, latency_ms" });
    return { drafts: [], issues: list.close(), unreadable: true };
  }
  if (rows === 0 && skipped > 0) {
    // Rows were there but none could be read: no count is made up.
    issues.push({ line: null, message: `None of the ${skipped} rows could be read` });
    return { drafts: [], issues: list.close(), unreadable: true };
  }

  const ttftL = ladder(ttft.view());
  const tpotL = ladder(tpot.view());
  const latencyL = ladder(latency.view());
  const windowMs = lastEnd - firstStart;
  const duration = rows > 0 && Number.isFinite(windowMs) && windowMs > 0 ? windowMs / 1000 : null;
  const rate = (amount: number, known: boolean) =>
    duration !== null && known ? amount / duration : null;
  const inputKnown = has("input_num_tokens");
  const outputKnown = has("output_num_tokens");

  const draft: RecordDraft = {
    source_format: "agentx-trace-replay",
    priority: 30,
    primary: true,
    identity: {},
    metrics: {
      num_requests_successful: rows,
      mean_ttft: ttftL.mean,
      p50_ttft: ttftL.p50,
      p90_ttft: ttftL.p90,
      p99_ttft: ttftL.p99,
      p999_ttft: ttftL.p999,
      mean_tpot: tpotL.mean,
      p50_tpot: tpotL.p50,
      p90_tpot: tpotL.p90,
      p99_tpot: tpotL.p99,
      mean_e2el: latencyL.mean,
      p50_e2el: latencyL.p50,
      p90_e2el: latencyL.p90,
      p99_e2el: latencyL.p99,
      intvty: tpotL.p50 !== null && tpotL.p50 > 0 ? 1 / tpotL.p50 : null,
      input_tput_tps: rate(inputTotal, inputKnown),
      output_tput_tps: rate(outputTotal, outputKnown),
      total_tput_tps: rate(inputTotal + outputTotal, inputKnown && outputKnown),
      request_throughput: rate(rows, true),
      duration_s: duration,
    },
    extra_percentiles: {},
    notes: {},
  };
  const extra = draft.extra_percentiles!;
  if (latencyL.p999 !== null) extra["p99.9_e2el"] = latencyL.p999;
  if (tpotL.p999 !== null) extra["p99.9_tpot"] = tpotL.p999;

  const notes: ClientMetricsNotes = {
    rows,
    input_tokens_total: inputKnown ? inputTotal : null,
    output_tokens_total: outputKnown ? outputTotal : null,
    approx_cached_percent_mean: cachedCount > 0 ? cachedSum / cachedCount : null,
    nonpositive_latency_excluded: nonPositive,
    invalid_numeric_cells: Object.fromEntries([...invalidCells].sort()),
    rows_skipped: skipped,
    completion_basis:
      "each row is a completed request; the client does not record failed ones, so the total is unknown",
    intvty_basis: "1 / p50_tpot",
    throughput_basis: "tokens of all rows / (max(start_time_ms + latency_ms) - min start_time_ms)",
  };
  draft.notes = notes as unknown as Record<string, unknown>;
  return { drafts: [draft], issues: list.close(), unreadable: false };
}
