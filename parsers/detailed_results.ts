/**
 * Parser for AgentX trace-replay `trace_replay/detailed_results.csv` (kv-cache-tester, gens 1–2):
 * one row per request → completion counts, TTFT/E2EL/TPOT ladders, throughput, QPS and the
 * theoretical cache hit rate of one cell.
 *
 * The file is streamed with a byte-level scanner: the two long list columns (`token_timestamps`,
 * `tokens_per_chunk`, up to 131 215 characters) are skipped without decoding, and only the
 * per-request numbers that percentiles need are kept, in Float64Arrays.
 *
 * Definitions (chosen to reproduce the gen-1 flat agg, `process_agentic_result.py`):
 * - latency ladders use rows with `success == True` whose value is > 0 (the tester writes 0.0
 *   when it has no value, e.g. a "successful" request that produced no token); `itl` is a
 *   per-request TPOT, so it fills both the TPOT and the ITL fields;
 * - `intvty` = 1 / p50 TPOT (InferenceX's convention: pXX intvty is 1 / pXX TPOT);
 * - throughput = Σ tokens of successful rows / (max `request_complete_time` − min
 *   `request_start_time`) over successful rows;
 * - `theoretical_cache_hit_rate` = Σ hit blocks / (Σ hit + Σ miss) over **successful** rows, as
 *   InferenceX's gen-1 aggregator computes it (checked on every real file: bs32 0.9684, bs256
 *   0.8774); the all-rows value is kept in notes as `theoretical_cache_hit_rate_all_rows`;
 * - QPS: completions of successful rows counted in back-to-back 1-second windows
 *   `[t0 + k, t0 + k + 1)` from the first completion `t0` while the window ends by the last
 *   completion (the last partial window is dropped), exactly as the gen-1 agg counts them (its
 *   code calls them sliding windows, but they are contiguous and do not overlap).
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

/** Numeric columns read from the file, by header name. */
const NUMERIC_COLUMNS = [
  "input_tokens",
  "output_tokens_expected",
  "output_tokens_actual",
  "cache_hit_blocks",
  "cache_miss_blocks",
  "ttft",
  "ttlt",
  "itl",
  "theoretical_cache_hit_blocks",
  "request_start_time",
  "request_complete_time",
] as const;

const IN = 0;
const OUT_EXPECTED = 1;
const OUT_ACTUAL = 2;
const HIT = 3;
const MISS = 4;
const TTFT = 5;
const TTLT = 6;
const ITL = 7;
const THEORETICAL = 8;
const START = 9;
const COMPLETE = 10;
const SUCCESS = 11;
const ERROR = 12;
const SLOT_COUNT = 13;

/** Columns without which the named outputs cannot be computed (the rest are optional). */
const REQUIRED: readonly string[] = [
  "success",
  "input_tokens",
  "output_tokens_actual",
  "cache_hit_blocks",
  "cache_miss_blocks",
  "ttft",
  "ttlt",
  "itl",
  "request_start_time",
  "request_complete_time",
];

/** Distinct error messages summarised before the rest are grouped. */
const MAX_ERROR_KINDS = 20;
/** Longest error message kept as a summary key, in characters. */
const MAX_ERROR_CHARS = 200;
/** QPS is not computed over more 1-second windows than this (a ~115-day span). */
const MAX_QPS_WINDOWS = 10_000_000;

const VALUE_OK = 1;
const VALUE_EMPTY = 2;
const VALUE_INVALID = 3;

const TRUE_BYTES = [84, 114, 117, 101]; // "True"
const FALSE_BYTES = [70, 97, 108, 115, 101]; // "False"

function bytesEqual(b: Uint8Array, want: readonly number[]): boolean {
  if (b.length !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (b[i] !== want[i]) return false;
  return true;
}

/** Mean and percentiles of a per-request count (tokens), successful rows. */
export interface CountLadder {
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  count: number;
}

/** Completions per 1-second window (see the module doc for the exact windows). */
export interface QpsNotes {
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  /** Number of whole 1-second windows; 0 when the completions span less than a second. */
  windows: number;
}

/** The `notes` of the record {@linkcode parseDetailedResults} drafts. */
export interface DetailedResultsNotes {
  /**
   * The earliest `request_start_time` of a successful row (Unix seconds): when the cell's
   * measurement started, as a raw result's `benchmark_start_time_unix` says it (the live
   * timeline's lead time is taken from it).
   */
  benchmark_start_time_unix: number | null;
  /** `null` with fewer than two successful completions. */
  qps: QpsNotes | null;
  /** Σ `input_tokens` / `output_tokens_actual` / `output_tokens_expected` over successful rows. */
  input_tokens_total: number | null;
  output_tokens_total: number | null;
  output_tokens_expected_total: number | null;
  token_ladders: {
    input_tokens: CountLadder | null;
    output_tokens_actual: CountLadder | null;
    output_tokens_expected: CountLadder | null;
  };
  /** Rows whose `success` is not `True`, by error message (`(no error message)` when empty). */
  failed_requests: { count: number; by_error_message: Record<string, number> };
  /** Successful rows that produced no output token (a silent failure the tester counts as success). */
  successful_rows_without_output: number;
  /** Successful rows left out of a latency ladder because the value was ≤ 0. */
  nonpositive_latency_excluded: { ttft: number; ttlt: number; itl: number };
  /** Rows with an empty cell, by numeric column (all rows). */
  empty_numeric_cells: Record<string, number>;
  /** Rows with an unreadable cell, by numeric column (all rows; each also an issue). */
  invalid_numeric_cells: Record<string, number>;
  /** Rows skipped for a wrong field count or broken quoting (each also an issue). */
  rows_skipped: number;
  /** Σ blocks over all rows. */
  cache_blocks: { hit: number; miss: number; theoretical_hit: number | null };
  /** Σ hit / (Σ hit + Σ miss) over all rows, failed ones included. */
  theoretical_cache_hit_rate_all_rows: number | null;
  /** Σ theoretical_cache_hit_blocks / (Σ hit + Σ miss), all rows and successful rows (gen-1 agg). */
  theoretical_infinite_cache_hit_rate: number | null;
  theoretical_infinite_cache_hit_rate_successful: number | null;
  intvty_basis: string;
  throughput_basis: string;
}

/**
 * Parse one `detailed_results.csv` stream into a single agentic cell record.
 *
 * @example
 * ```ts
 * const file = await Deno.open("trace_replay/detailed_results.csv");
 * const result = await parseDetailedResults(file.readable);
 * result.drafts[0].metrics.p99_ttft; // seconds
 * ```
 */
export async function parseDetailedResults(
  chunks: AsyncIterable<Uint8Array>,
): Promise<ParseResult> {
  const list = new IssueList();
  const issues = list.issues;
  const issue = (line: number | null, message: string) => list.add(line, message);

  // header state
  let header: string[] | null = null;
  let headerFields = 0;
  let slotOf: Int16Array = new Int16Array(0);
  const headerCells: string[] = [];

  // current row
  const num = new Float64Array(SLOT_COUNT);
  const state = new Uint8Array(SLOT_COUNT);
  const rawInvalid: string[] = new Array(SLOT_COUNT).fill("");
  let successState = 0; // 1 True, 2 False, 3 other
  let successRaw = "";
  let errorMessage = "";

  // accumulators
  let total = 0;
  let successful = 0;
  let skipped = 0;
  /** Of the rows skipped, those that repeated the header. */
  let headersAgain = 0;
  let hitAll = 0;
  let missAll = 0;
  let theoreticalAll = 0;
  let hitOk = 0;
  let missOk = 0;
  let theoreticalOk = 0;
  let inputTotal = 0;
  let outputTotal = 0;
  let outputExpectedTotal = 0;
  let minStart = Infinity;
  let maxComplete = -Infinity;
  let minComplete = Infinity;
  let successfulWithoutOutput = 0;
  const emptyCells = new Map<string, number>();
  const invalidCells = new Map<string, number>();
  const nonPositive = { ttft: 0, ttlt: 0, itl: 0 };
  const errors = new Map<string, number>();
  let failed = 0;
  const ttft = new F64List();
  const ttlt = new F64List();
  const itl = new F64List();
  const completions = new F64List();
  const inputTokens = new F64List();
  const outputActual = new F64List();
  const outputExpected = new F64List();

  const resetRow = () => {
    state.fill(0);
    successState = 0;
    errorMessage = "";
  };

  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  const onHeader = (line: number) => {
    header = headerCells.map((h) => h.trim());
    headerFields = header.length;
    slotOf = new Int16Array(headerFields).fill(-1);
    const seen = new Set<string>();
    header.forEach((name, i) => {
      if (seen.has(name)) {
        issue(
          line,
          `Duplicate column "${name}" in the header; the first one is used`,
        );
        return;
      }
      seen.add(name);
      const numeric = (NUMERIC_COLUMNS as readonly string[]).indexOf(name);
      if (numeric >= 0) slotOf[i] = numeric;
      else if (name === "success") slotOf[i] = SUCCESS;
      else if (name === "error_message") slotOf[i] = ERROR;
    });
    for (const name of REQUIRED) {
      if (!seen.has(name)) issue(line, `The header lacks column "${name}"`);
    }
  };

  /** Whether the row just read repeats the header: its success and numeric cells hold their names. */
  const isHeaderAgain = () => {
    if (successState !== 3 || successRaw.trim() !== "success") return false;
    for (let s = 0; s < NUMERIC_COLUMNS.length; s++) {
      if (state[s] === VALUE_OK) return false;
      if (state[s] === VALUE_INVALID && rawInvalid[s].trim() !== NUMERIC_COLUMNS[s]) return false;
    }
    return true;
  };

  const onRow = (line: number) => {
    total++;
    for (let s = 0; s < NUMERIC_COLUMNS.length; s++) {
      if (state[s] === VALUE_EMPTY) bump(emptyCells, NUMERIC_COLUMNS[s]);
      else if (state[s] === VALUE_INVALID) {
        bump(invalidCells, NUMERIC_COLUMNS[s]);
        issue(
          line,
          `Cannot read ${NUMERIC_COLUMNS[s]} "${rawInvalid[s]}" as a number; treated as missing`,
        );
      }
    }
    const ok = (s: number) => state[s] === VALUE_OK;
    if (ok(HIT)) hitAll += num[HIT];
    if (ok(MISS)) missAll += num[MISS];
    if (ok(THEORETICAL)) theoreticalAll += num[THEORETICAL];
    if (successState !== 1) {
      if (successState === 3) {
        issue(
          line,
          `Success is "${successRaw}", expected True or False; counted as failed`,
        );
      }
      failed++;
      let message = errorMessage.trim();
      if (message === "") message = "(no error message)";
      else if (message.length > MAX_ERROR_CHARS) message = message.slice(0, MAX_ERROR_CHARS) + "…";
      if (!errors.has(message) && errors.size >= MAX_ERROR_KINDS) {
        message = "(other error messages)";
      }
      bump(errors, message);
      return;
    }
    successful++;
    if (ok(HIT)) hitOk += num[HIT];
    if (ok(MISS)) missOk += num[MISS];
    if (ok(THEORETICAL)) theoreticalOk += num[THEORETICAL];
    if (ok(TTFT)) num[TTFT] > 0 ? ttft.push(num[TTFT]) : nonPositive.ttft++;
    if (ok(TTLT)) num[TTLT] > 0 ? ttlt.push(num[TTLT]) : nonPositive.ttlt++;
    if (ok(ITL)) num[ITL] > 0 ? itl.push(num[ITL]) : nonPositive.itl++;
    if (ok(IN)) {
      inputTotal += num[IN];
      inputTokens.push(num[IN]);
    }
    if (ok(OUT_ACTUAL)) {
      outputTotal += num[OUT_ACTUAL];
      outputActual.push(num[OUT_ACTUAL]);
      if (num[OUT_ACTUAL] === 0) successfulWithoutOutput++;
    }
    if (ok(OUT_EXPECTED)) {
      outputExpectedTotal += num[OUT_EXPECTED];
      outputExpected.push(num[OUT_EXPECTED]);
    }
    if (ok(START) && num[START] < minStart) minStart = num[START];
    if (ok(COMPLETE)) {
      completions.push(num[COMPLETE]);
      if (num[COMPLETE] > maxComplete) maxComplete = num[COMPLETE];
      if (num[COMPLETE] < minComplete) minComplete = num[COMPLETE];
    }
  };

  const summary = await scanCsvBytes(chunks, {
    keep: (i) => (header === null && i < MAX_HEADER_FIELDS) || (i < headerFields && slotOf[i] >= 0),
    field(i, bytes) {
      if (header === null) {
        // A hostile "header" of millions of fields must not become millions of strings.
        if (i < MAX_HEADER_FIELDS) headerCells.push(bytes === null ? "" : decodeField(bytes));
        return;
      }
      if (i >= headerFields) return;
      const slot = slotOf[i];
      if (slot < 0) return;
      if (slot === SUCCESS) {
        if (bytes !== null && bytesEqual(bytes, TRUE_BYTES)) successState = 1;
        else if (bytes !== null && bytesEqual(bytes, FALSE_BYTES)) successState = 2;
        else {
          successState = 3;
          successRaw = bytes === null ? "(overlong)" : decodeField(bytes).slice(0, 40);
        }
      } else if (slot === ERROR) {
        errorMessage = bytes === null ? "(overlong error message)" : decodeField(bytes);
      } else if (bytes === null) {
        state[slot] = VALUE_INVALID;
        rawInvalid[slot] = "(overlong)";
      } else {
        const v = parseNumberField(bytes);
        if (v === "empty") state[slot] = VALUE_EMPTY;
        else if (v === "invalid") {
          state[slot] = VALUE_INVALID;
          rawInvalid[slot] = decodeField(bytes.subarray(0, 40));
        } else {
          state[slot] = VALUE_OK;
          num[slot] = v;
        }
      }
    },
    record(line, fields, problem) {
      if (header === null && fields > MAX_HEADER_FIELDS) {
        issue(
          line,
          `The header has ${fields} fields; only the first ${MAX_HEADER_FIELDS} are read`,
        );
      }
      if (header === null) {
        onHeader(line);
      } else if (problem !== null) {
        skipped++;
        issue(
          line,
          `${problem}; row skipped`,
        );
      } else if (fields !== headerFields) {
        skipped++;
        issue(line, `Expected ${headerFields} fields, found ${fields}; row skipped`);
      } else if (isHeaderAgain()) {
        // Two runs' files joined with `cat`: the second header is not a failed request.
        skipped++;
        headersAgain++;
        issue(line, "The header row again; skipped");
      } else {
        onRow(line);
      }
      resetRow();
    },
  });

  const headerNames: string[] = header ?? [];
  if (summary.records === 0) {
    issues.push({ line: null, message: "The file is empty" });
    return { drafts: [], issues: list.close(), unreadable: true };
  }
  if (!headerNames.includes("success")) {
    return { drafts: [], issues: list.close(), unreadable: true };
  }
  if (total === 0 && skipped > headersAgain) {
    // Rows were there but none could be read: that says nothing about how many requests ran or
    // succeeded, so no counts are made up (0 of 0 would read as a run with no successes).
    const rowsBad = skipped - headersAgain;
    issues.push({ line: null, message: `None of the ${rowsBad} rows could be read` });
    return { drafts: [], issues: list.close(), unreadable: true };
  }

  const has = (name: string) => headerNames.includes(name);
  const ttftL = ladder(ttft.view());
  const ttltL = ladder(ttlt.view());
  const itlL = ladder(itl.view());
  const duration = successful > 0 && maxComplete > minStart ? maxComplete - minStart : null;
  const tput = (tokens: number, column: boolean) =>
    duration !== null && column ? tokens / duration : null;
  const hitRate = (hit: number, miss: number) =>
    has("cache_hit_blocks") && has("cache_miss_blocks") && hit + miss > 0
      ? hit / (hit + miss)
      : null;
  const inputKnown = has("input_tokens");
  const outputKnown = has("output_tokens_actual");

  const draft: RecordDraft = {
    source_format: "agentx-trace-replay",
    priority: 30,
    primary: true,
    identity: {},
    metrics: {
      num_requests_total: total,
      num_requests_successful: successful,
      success_rate: total > 0 ? successful / total : null,
      mean_ttft: ttftL.mean,
      p50_ttft: ttftL.p50,
      p90_ttft: ttftL.p90,
      p99_ttft: ttftL.p99,
      p999_ttft: ttftL.p999,
      mean_e2el: ttltL.mean,
      p50_e2el: ttltL.p50,
      p90_e2el: ttltL.p90,
      p99_e2el: ttltL.p99,
      mean_tpot: itlL.mean,
      p50_tpot: itlL.p50,
      p90_tpot: itlL.p90,
      p99_tpot: itlL.p99,
      mean_itl: itlL.mean,
      p50_itl: itlL.p50,
      p90_itl: itlL.p90,
      p99_itl: itlL.p99,
      intvty: itlL.p50 !== null && itlL.p50 > 0 ? 1 / itlL.p50 : null,
      input_tput_tps: tput(inputTotal, inputKnown),
      output_tput_tps: tput(outputTotal, outputKnown),
      total_tput_tps: tput(inputTotal + outputTotal, inputKnown && outputKnown),
      request_throughput: duration !== null ? successful / duration : null,
      duration_s: duration,
      theoretical_cache_hit_rate: hitRate(hitOk, missOk),
    },
    extra_percentiles: {},
    notes: {},
  };
  const extra = draft.extra_percentiles!;
  if (ttltL.p999 !== null) extra["p99.9_e2el"] = ttltL.p999;
  if (itlL.p999 !== null) {
    extra["p99.9_tpot"] = itlL.p999;
    extra["p99.9_itl"] = itlL.p999;
  }

  const total3 = (hit: number, miss: number, theoretical: number) =>
    has("theoretical_cache_hit_blocks") && hitRate(hit, miss) !== null
      ? theoretical / (hit + miss)
      : null;
  const tokenLadder = (list: F64List, column: string): CountLadder | null => {
    if (!has(column) || list.length === 0) return null;
    const l = ladder(list.view());
    return { mean: l.mean, p50: l.p50, p90: l.p90, p99: l.p99, max: l.max, count: l.count };
  };
  const qps = qpsLadder(completions);
  if (qps === null && maxComplete - minComplete > MAX_QPS_WINDOWS) {
    issue(null, `Completion times span more than ${MAX_QPS_WINDOWS} s; QPS not computed`);
  }
  const notes: DetailedResultsNotes = {
    benchmark_start_time_unix: Number.isFinite(minStart) ? minStart : null,
    qps,
    input_tokens_total: inputKnown ? inputTotal : null,
    output_tokens_total: outputKnown ? outputTotal : null,
    output_tokens_expected_total: has("output_tokens_expected") ? outputExpectedTotal : null,
    token_ladders: {
      input_tokens: tokenLadder(inputTokens, "input_tokens"),
      output_tokens_actual: tokenLadder(outputActual, "output_tokens_actual"),
      output_tokens_expected: tokenLadder(outputExpected, "output_tokens_expected"),
    },
    failed_requests: {
      count: failed,
      by_error_message: Object.fromEntries(
        [...errors].sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
      ),
    },
    successful_rows_without_output: successfulWithoutOutput,
    nonpositive_latency_excluded: nonPositive,
    empty_numeric_cells: Object.fromEntries([...emptyCells].sort()),
    invalid_numeric_cells: Object.fromEntries([...invalidCells].sort()),
    rows_skipped: skipped,
    cache_blocks: {
      hit: hitAll,
      miss: missAll,
      theoretical_hit: has("theoretical_cache_hit_blocks") ? theoreticalAll : null,
    },
    theoretical_cache_hit_rate_all_rows: hitRate(hitAll, missAll),
    theoretical_infinite_cache_hit_rate: total3(hitAll, missAll, theoreticalAll),
    theoretical_infinite_cache_hit_rate_successful: total3(hitOk, missOk, theoreticalOk),
    intvty_basis: "1 / p50_tpot",
    throughput_basis:
      "successful rows: tokens / (max request_complete_time - min request_start_time)",
  };
  draft.notes = notes as unknown as Record<string, unknown>;
  return { drafts: [draft], issues: list.close(), unreadable: false };
}

/**
 * QPS ladder of successful completions: counts in back-to-back 1-second windows from the first
 * completion while a whole window fits before the last one (the gen-1 agg's definition).
 * Sorting is O(N log N); the windows are walked with two pointers in O(N + span in seconds).
 */
function qpsLadder(completions: F64List): QpsNotes | null {
  if (completions.length < 2) return null;
  const times = completions.sorted();
  const start = times[0];
  const end = times[times.length - 1];
  if (!(end - start > 0) || end - start > MAX_QPS_WINDOWS) return null;
  const counts = new F64List(Math.ceil(end - start) + 1);
  let lo = 0;
  let hi = 0;
  // `t += 1` repeats the reference's float steps exactly.
  for (let t = start; t + 1 <= end; t += 1) {
    while (lo < times.length && times[lo] < t) lo++;
    if (hi < lo) hi = lo;
    while (hi < times.length && times[hi] < t + 1) hi++;
    counts.push(hi - lo);
  }
  const l = ladder(counts.view());
  return {
    mean: counts.length > 0 ? l.mean : completions.length / (end - start),
    p50: l.p50,
    p90: l.p90,
    p99: l.p99,
    p999: l.p999,
    max: l.max,
    windows: l.count,
  };
}
