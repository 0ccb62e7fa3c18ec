/**
 * Parser for AgentX `metrics_server_metrics.csv` (kv-cache-tester metrics collector, gens 0–2; the
 * 25-column and the older 16-column header, columns addressed by name): a time series of server
 * counters and gauges → cache hit rates, KV offload by direction, KV usage and preemptions.
 *
 * Counters are cumulative since server start, so each is taken as last − first over the file,
 * reset-aware: a decrease is a restart, and the deltas of the segments before and after it are
 * added (each segment's own last − first). Counters are never summed over rows and no ratio is read
 * off the last row (the gen-1 agg did that; its values are kept in `notes.last_row` for comparison).
 *
 * Hit rates: when the `prompt_tokens_*` by-source counters exist and moved, the GPU hit rate is
 * Δlocal_cache_hit / Δprompt_tokens_total and the CPU (offload tier) hit rate is
 * Δexternal_kv_transfer / Δprompt_tokens_total, because `prefix_cache_queries` inflates far
 * beyond the prompt tokens under KV saturation; otherwise Δhits / Δqueries of each tier. The CPU
 * rate is `null` when no CPU tier was seen (no CPU queries, no external transfer, no offload bytes).
 * @module
 */
import type { ParseResult, RecordDraft } from "../lib/types.ts";
import { mean, percentileSorted } from "../lib/stats.ts";
import {
  decodeField,
  F64List,
  MAX_HEADER_FIELDS,
  parseNumberField,
  scanCsvBytes,
} from "./_csv_bytes.ts";
import { IssueList } from "./_issues.ts";

/** Cumulative counters, in file order. */
const COUNTERS = [
  "prefix_cache_hits",
  "prefix_cache_queries",
  "cpu_prefix_cache_hits",
  "cpu_prefix_cache_queries",
  "prompt_tokens_total",
  "generation_tokens_total",
  "num_preemptions_total",
  "request_success_total",
  "kv_offload_bytes_gpu_to_cpu",
  "kv_offload_bytes_cpu_to_gpu",
  "kv_offload_time_gpu_to_cpu",
  "kv_offload_time_cpu_to_gpu",
  "prompt_tokens_local_compute",
  "prompt_tokens_local_cache_hit",
  "prompt_tokens_external_kv_transfer",
  "prefill_kv_computed_tokens_sum",
  "prefill_kv_computed_tokens_count",
] as const;

/** Gauges, with the divisor that brings each to its report unit (percent → ratio). */
const GAUGES = [
  ["kv_cache_usage_pct", "gpu_kv_usage", 100],
  ["cpu_kv_cache_usage_pct", "cpu_kv_usage", 100],
  ["num_requests_running", "num_requests_running", 1],
  ["num_requests_waiting", "num_requests_waiting", 1],
] as const;

type Counter = typeof COUNTERS[number];
type GaugeNote = typeof GAUGES[number][1];

const TIMESTAMP = "timestamp_sec";
const RELATIVE_TIME = "relative_time_sec";

/** Metrics made of counter deltas (left out when the rows are not in time order). */
const COUNTER_METRICS = [
  "server_gpu_cache_hit_rate",
  "server_cpu_cache_hit_rate",
  "kv_offload_bytes_gpu_to_cpu",
  "kv_offload_bytes_cpu_to_gpu",
  "kv_offload_time_gpu_to_cpu",
  "kv_offload_time_cpu_to_gpu",
  "num_preemptions",
] as const;

/** p50 / p95 / max / mean of a gauge over rows. */
export interface GaugeSummary {
  p50: number | null;
  p95: number | null;
  max: number | null;
  mean: number | null;
  count: number;
}

/** The `notes` of the record {@linkcode parseServerMetricsCsv} drafts. */
export interface ServerMetricsNotes {
  /** Data rows used (rows with a wrong field count are skipped). */
  rows: number;
  rows_skipped: number;
  column_count: number;
  /** Last − first `timestamp_sec` (or `relative_time_sec`) of the rows used. */
  time_span_s: number | null;
  /** Reset-aware last − first of every counter column present (absent columns are `null`). */
  counter_deltas: Record<Counter, number | null>;
  /** Decreases seen, by counter (only counters that decreased). */
  counter_resets: Record<string, number>;
  /** Rows on which at least one counter decreased (server restarts). */
  restarts_detected: number;
  /** Which definition `server_gpu_cache_hit_rate` uses. */
  gpu_cache_hit_rate_basis: "prompt_tokens_by_source" | "prefix_cache_queries" | null;
  gpu_hit_rate_by_source: {
    value: number;
    local_cache_hit_delta: number;
    prompt_tokens_delta: number;
  } | null;
  gpu_hit_rate_by_queries: { value: number; hits_delta: number; queries_delta: number } | null;
  cpu_hit_rate_by_source: {
    value: number;
    external_kv_transfer_delta: number;
    prompt_tokens_delta: number;
  } | null;
  cpu_hit_rate_by_queries: { value: number; hits_delta: number; queries_delta: number } | null;
  /** Whether any CPU/offload-tier traffic was seen (CPU queries, external transfer, offload bytes). */
  cpu_tier_active: boolean;
  /** Δprefix_cache_queries / Δprompt_tokens_total: 1.0 normally, ≫ 1 under KV saturation. */
  queries_per_prompt_token: number | null;
  /**
   * Offload byte counters did not move although the CPU tier was used (a known upstream gap): the
   * offload bytes and times are then `null` in the metrics, not 0.
   */
  offload_bytes_zero_while_cpu_tier_active: boolean;
  /** CPU KV usage stayed 0 although the CPU tier was used: `cpu_kv_usage_p95` is then `null`. */
  cpu_kv_usage_zero_while_cpu_tier_active: boolean;
  /** Gauges over rows; KV usage as a ratio 0–1. */
  gauges: Record<GaugeNote, GaugeSummary | null>;
  /**
   * What the gen-1 agg stored: ratios and totals read off the last row (the last readable value
   * of each column); they include traffic from before the test.
   */
  last_row: {
    server_gpu_cache_hit_rate: number | null;
    server_cpu_cache_hit_rate: number | null;
    total_prompt_tokens: number | null;
    total_generation_tokens: number | null;
    total_requests_completed: number | null;
  };
  /** Empty or unreadable cells skipped, by column (each row with any is also an issue). */
  cells_skipped: Record<string, number>;
  /**
   * Present only when rows are not in time order: the first row whose time is before the one
   * above it. The counter deltas, resets and rates are then left out (null, or none).
   */
  rows_out_of_order?: { line: number; time: number; before: number };
}

class CounterSeries {
  seen = false;
  first = 0;
  last = 0;
  done = 0;
  resets = 0;

  add(v: number): boolean {
    if (!this.seen) {
      this.seen = true;
      this.first = v;
      this.last = v;
      return false;
    }
    if (v < this.last) {
      // The server restarted: its counter began again at 0, so `v` was all counted since then.
      this.done += this.last - this.first;
      this.first = 0;
      this.last = v;
      this.resets++;
      return true;
    }
    this.last = v;
    return false;
  }

  delta(): number | null {
    return this.seen ? this.done + this.last - this.first : null;
  }
}

function gaugeSummary(list: F64List): GaugeSummary | null {
  if (list.length === 0) return null;
  const sorted = list.sorted();
  return {
    p50: percentileSorted(sorted, 50),
    p95: percentileSorted(sorted, 95),
    max: sorted[sorted.length - 1],
    mean: mean(sorted),
    count: sorted.length,
  };
}

/**
 * Parse one `metrics_server_metrics.csv` stream into a secondary agentic cell record.
 *
 * @example
 * ```ts
 * const file = await Deno.open("metrics_server_metrics.csv");
 * const result = await parseServerMetricsCsv(file.readable);
 * result.drafts[0].metrics.server_gpu_cache_hit_rate; // ratio 0–1
 * ```
 */
export async function parseServerMetricsCsv(
  chunks: AsyncIterable<Uint8Array>,
): Promise<ParseResult> {
  const list = new IssueList();
  const issues = list.issues;
  const issue = (line: number | null, message: string) => list.add(line, message);

  // Slots: counters first, then gauges, then the two time columns.
  const names: string[] = [
    ...COUNTERS,
    ...GAUGES.map((g) => g[0]),
    TIMESTAMP,
    RELATIVE_TIME,
  ];
  const gaugeBase = COUNTERS.length;
  const tsSlot = gaugeBase + GAUGES.length;
  const relSlot = tsSlot + 1;

  let header: string[] | null = null;
  const headerCells: string[] = [];
  let slotOf = new Int16Array(0);
  const present = new Set<string>();

  const values = new Float64Array(names.length);
  const valid = new Uint8Array(names.length);
  const bad: string[] = [];

  const counters = COUNTERS.map(() => new CounterSeries());
  const gauges = GAUGES.map(() => new F64List(2048));
  const lastRaw = new Float64Array(COUNTERS.length).fill(NaN);
  let rows = 0;
  let skipped = 0;
  let restarts = 0;
  let firstTime: number | null = null;
  let lastTime: number | null = null;
  /** The first row whose time is before the previous row's: counters were differenced out of order. */
  let outOfOrder: { line: number; time: number; before: number } | null = null;
  let minTime: number | null = null;
  let maxTime: number | null = null;
  let timeSlot = -1;
  const cellsSkipped = new Map<string, number>();

  const summary = await scanCsvBytes(chunks, {
    keep: (i) =>
      (header === null && i < MAX_HEADER_FIELDS) || (i < slotOf.length && slotOf[i] >= 0),
    field(i, bytes) {
      if (header === null) {
        // A hostile "header" of millions of fields must not become millions of strings.
        if (i < MAX_HEADER_FIELDS) headerCells.push(bytes === null ? "" : decodeField(bytes));
        return;
      }
      if (i >= slotOf.length) return;
      const slot = slotOf[i];
      if (slot < 0) return;
      const v = bytes === null ? "invalid" : parseNumberField(bytes);
      if (typeof v === "number") {
        values[slot] = v;
        valid[slot] = 1;
      } else {
        const shown = v === "empty"
          ? `${names[slot]} (empty)`
          : `${names[slot]} "${
            bytes === null ? "(overlong)" : decodeField(bytes.subarray(0, 40))
          }"`;
        bad.push(shown);
        cellsSkipped.set(names[slot], (cellsSkipped.get(names[slot]) ?? 0) + 1);
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
        header = headerCells.map((h) => h.trim());
        slotOf = new Int16Array(header.length).fill(-1);
        header.forEach((name, i) => {
          const slot = names.indexOf(name);
          if (slot < 0) return;
          if (present.has(name)) {
            issue(
              line,
              `Duplicate column "${name}" in the header; the first one is used`,
            );
            return;
          }
          present.add(name);
          slotOf[i] = slot;
        });
        timeSlot = present.has(TIMESTAMP) ? tsSlot : present.has(RELATIVE_TIME) ? relSlot : -1;
      } else if (problem !== null) {
        skipped++;
        issue(
          line,
          `${problem}; row skipped`,
        );
      } else if (fields !== header.length) {
        skipped++;
        issue(line, `Expected ${header.length} fields, found ${fields}; row skipped`);
      } else {
        rows++;
        if (bad.length > 0) {
          issue(line, `Skipped unreadable cells: ${bad.join(", ")}`);
        }
        let reset = false;
        for (let c = 0; c < COUNTERS.length; c++) {
          if (!valid[c]) continue;
          if (counters[c].add(values[c])) reset = true;
          lastRaw[c] = values[c];
        }
        if (reset) restarts++;
        for (let g = 0; g < GAUGES.length; g++) {
          if (valid[gaugeBase + g]) gauges[g].push(values[gaugeBase + g] / GAUGES[g][2]);
        }
        if (timeSlot >= 0 && valid[timeSlot]) {
          if (lastTime !== null && values[timeSlot] < lastTime && outOfOrder === null) {
            outOfOrder = { line, time: values[timeSlot], before: lastTime };
          }
          firstTime ??= values[timeSlot];
          lastTime = values[timeSlot];
          if (minTime === null || values[timeSlot] < minTime) minTime = values[timeSlot];
          if (maxTime === null || values[timeSlot] > maxTime) maxTime = values[timeSlot];
        }
      }
      valid.fill(0);
      bad.length = 0;
    },
  });

  if (summary.records === 0) {
    issues.push({ line: null, message: "The file is empty" });
    return { drafts: [], issues: list.close(), unreadable: true };
  }
  const known = ["prefix_cache_queries", "prompt_tokens_total", "kv_cache_usage_pct"];
  if (!known.some((k) => present.has(k))) {
    issue(1, `The header has none of the columns ${known.map((k) => `"${k}"`).join(", ")}`);
    return { drafts: [], issues: list.close(), unreadable: true };
  }

  const d = (name: Counter): number | null => counters[COUNTERS.indexOf(name)].delta();
  const deltas = Object.fromEntries(COUNTERS.map((c) => [c, d(c)])) as Record<
    Counter,
    number | null
  >;
  const ratio = (num: number | null, den: number | null) =>
    num !== null && den !== null && den > 0 ? num / den : null;

  const prompt = deltas.prompt_tokens_total;
  const local = deltas.prompt_tokens_local_cache_hit;
  const external = deltas.prompt_tokens_external_kv_transfer;
  const compute = deltas.prompt_tokens_local_compute;
  const bySourceAvailable = prompt !== null && prompt > 0 && local !== null &&
    external !== null && compute !== null && local + external + compute > 0;

  const gpuBySource = bySourceAvailable
    ? { value: local! / prompt!, local_cache_hit_delta: local!, prompt_tokens_delta: prompt! }
    : null;
  const gpuQueriesRate = ratio(deltas.prefix_cache_hits, deltas.prefix_cache_queries);
  const gpuByQueries = gpuQueriesRate !== null
    ? {
      value: gpuQueriesRate,
      hits_delta: deltas.prefix_cache_hits!,
      queries_delta: deltas.prefix_cache_queries!,
    }
    : null;
  const cpuBySource = bySourceAvailable
    ? {
      value: external! / prompt!,
      external_kv_transfer_delta: external!,
      prompt_tokens_delta: prompt!,
    }
    : null;
  const cpuQueriesRate = ratio(deltas.cpu_prefix_cache_hits, deltas.cpu_prefix_cache_queries);
  const cpuByQueries = cpuQueriesRate !== null
    ? {
      value: cpuQueriesRate,
      hits_delta: deltas.cpu_prefix_cache_hits!,
      queries_delta: deltas.cpu_prefix_cache_queries!,
    }
    : null;
  const moved = (v: number | null) => v !== null && v > 0;
  const offloadBytesMoved = moved(deltas.kv_offload_bytes_gpu_to_cpu) ||
    moved(deltas.kv_offload_bytes_cpu_to_gpu);
  const cpuTierActive = moved(deltas.cpu_prefix_cache_queries) || moved(external) ||
    offloadBytesMoved;

  const gpuRate = gpuBySource?.value ?? gpuByQueries?.value ?? null;
  const cpuRate = cpuTierActive ? (cpuBySource?.value ?? cpuByQueries?.value ?? null) : null;
  const gaugeNotes = Object.fromEntries(
    GAUGES.map((g, i) => [g[1], gaugeSummary(gauges[i])]),
  ) as Record<GaugeNote, GaugeSummary | null>;
  const last = (name: Counter): number | null => {
    const v = lastRaw[COUNTERS.indexOf(name)];
    return Number.isNaN(v) ? null : v;
  };

  // With the CPU tier in use, offload counters and CPU KV usage that never leave 0 are not
  // populated (vLLM's native offload does not export them): unknown, not "no offload".
  const bytesUnpopulated = cpuTierActive && !offloadBytesMoved &&
    (deltas.kv_offload_bytes_gpu_to_cpu !== null || deltas.kv_offload_bytes_cpu_to_gpu !== null);
  const cpuUsage = gaugeNotes.cpu_kv_usage;
  const cpuUsageUnpopulated = cpuTierActive && cpuUsage !== null && cpuUsage.max === 0;
  const offload = (v: number | null) => bytesUnpopulated ? null : v;
  const draft: RecordDraft = {
    source_format: "agentx-trace-replay",
    priority: 30,
    primary: false,
    identity: {},
    metrics: {
      server_gpu_cache_hit_rate: gpuRate,
      server_cpu_cache_hit_rate: cpuRate,
      kv_offload_bytes_gpu_to_cpu: offload(deltas.kv_offload_bytes_gpu_to_cpu),
      kv_offload_bytes_cpu_to_gpu: offload(deltas.kv_offload_bytes_cpu_to_gpu),
      kv_offload_time_gpu_to_cpu: offload(deltas.kv_offload_time_gpu_to_cpu),
      kv_offload_time_cpu_to_gpu: offload(deltas.kv_offload_time_cpu_to_gpu),
      gpu_kv_usage_p95: gaugeNotes.gpu_kv_usage?.p95 ?? null,
      cpu_kv_usage_p95: cpuUsageUnpopulated ? null : cpuUsage?.p95 ?? null,
      num_preemptions: deltas.num_preemptions_total,
    },
  };
  const notes: ServerMetricsNotes = {
    rows,
    rows_skipped: skipped,
    column_count: header === null ? 0 : (header as string[]).length,
    time_span_s: firstTime !== null && lastTime !== null ? lastTime - firstTime : null,
    counter_deltas: deltas,
    counter_resets: Object.fromEntries(
      COUNTERS.map((c, i) => [c, counters[i].resets] as const).filter(([, n]) => n > 0),
    ),
    restarts_detected: restarts,
    gpu_cache_hit_rate_basis: gpuBySource
      ? "prompt_tokens_by_source"
      : gpuByQueries
      ? "prefix_cache_queries"
      : null,
    gpu_hit_rate_by_source: gpuBySource,
    gpu_hit_rate_by_queries: gpuByQueries,
    cpu_hit_rate_by_source: cpuBySource,
    cpu_hit_rate_by_queries: cpuByQueries,
    cpu_tier_active: cpuTierActive,
    queries_per_prompt_token: ratio(deltas.prefix_cache_queries, prompt),
    offload_bytes_zero_while_cpu_tier_active: bytesUnpopulated,
    cpu_kv_usage_zero_while_cpu_tier_active: cpuUsageUnpopulated,
    gauges: gaugeNotes,
    last_row: {
      server_gpu_cache_hit_rate: ratio(last("prefix_cache_hits"), last("prefix_cache_queries")),
      server_cpu_cache_hit_rate: ratio(
        last("cpu_prefix_cache_hits"),
        last("cpu_prefix_cache_queries"),
      ),
      total_prompt_tokens: last("prompt_tokens_total"),
      total_generation_tokens: last("generation_tokens_total"),
      total_requests_completed: last("request_success_total"),
    },
    cells_skipped: Object.fromEntries([...cellsSkipped].sort()),
  };
  if (outOfOrder !== null) {
    // Differenced out of order, a counter looks reset wherever time goes back: its deltas, the
    // resets and every rate made of them are wrong, in the metrics and in the notes alike. The
    // gauges' percentiles do not depend on the order. Listed whatever the issue cap.
    const { line, time, before } = outOfOrder;
    issues.push({
      line,
      message: `Rows are not in time order (${
        timeSlot === tsSlot ? TIMESTAMP : RELATIVE_TIME
      } ${time} after ${before}); counter-based metrics left out`,
    });
    const m = draft.metrics as Record<string, number | null>;
    for (const f of COUNTER_METRICS) m[f] = null;
    notes.rows_out_of_order = outOfOrder;
    notes.counter_deltas = Object.fromEntries(COUNTERS.map((c) => [c, null])) as Record<
      Counter,
      null
    >;
    notes.counter_resets = {};
    notes.restarts_detected = 0;
    notes.gpu_cache_hit_rate_basis = null;
    notes.gpu_hit_rate_by_source = null;
    notes.gpu_hit_rate_by_queries = null;
    notes.cpu_hit_rate_by_source = null;
    notes.cpu_hit_rate_by_queries = null;
    notes.queries_per_prompt_token = null;
    notes.offload_bytes_zero_while_cpu_tier_active = false;
    notes.cpu_kv_usage_zero_while_cpu_tier_active = false;
    m.cpu_kv_usage_p95 = cpuUsage?.p95 ?? null; // gauges do not depend on the order
    notes.cpu_tier_active = false; // made of the deltas left out
    notes.time_span_s = minTime !== null && maxTime !== null ? maxTime - minTime : null;
  }
  draft.notes = notes as unknown as Record<string, unknown>;
  return { drafts: [draft], issues: list.close(), unreadable: false };
}
