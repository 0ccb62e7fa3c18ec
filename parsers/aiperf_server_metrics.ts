/**
 * Parser for aiperf's `server_metrics_export.csv` (reference §9.6): `#` comment lines, then
 * gauge, counter, histogram and info sections, each with its own header. Counter names have no
 * `_total` suffix and a counter's `total` is its change over the profiling window.
 * @module
 */
import type { MetricField, ParseResult, RecordDraft } from "../lib/types.ts";
import { minMax } from "../lib/stats.ts";
import { compact, type Issue, num, ratio, unitRatio } from "./_coerce.ts";

/** One CSV record and the 1-based line it starts on. */
interface CsvRecord {
  line: number;
  fields: string[];
  comment: boolean;
  unterminated: boolean;
}

/** Splits CSV text into records; fields may be quoted (`""` escapes, commas and newlines inside). */
function* splitCsvRecords(text: string): Generator<CsvRecord> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    if (text[i] === "#") {
      let j = text.indexOf("\n", i);
      if (j === -1) j = n;
      const body = text.slice(i, j).replace(/\r$/, "");
      yield { line: start, fields: [body], comment: true, unterminated: false };
      i = j + 1;
      line++;
      continue;
    }
    const fields: string[] = [];
    let unterminated = false;
    for (;;) {
      let field = "";
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) {
            unterminated = true;
            break;
          }
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n") line++;
          field += c;
          i++;
        }
        // Anything between the closing quote and the delimiter is kept as-is.
        while (i < n && text[i] !== "," && text[i] !== "\n") field += text[i++];
      } else {
        while (i < n && text[i] !== "," && text[i] !== "\n") field += text[i++];
      }
      if (field.endsWith("\r") && (i >= n || text[i] === "\n")) field = field.slice(0, -1);
      fields.push(field);
      if (i < n && text[i] === ",") {
        i++;
        continue;
      }
      break;
    }
    if (i < n && text[i] === "\n") {
      i++;
      line++;
    }
    yield { line: start, fields, comment: false, unterminated };
  }
}

type SectionKind = "gauge" | "counter" | "histogram" | "info";

/** One series row: metric name (without `_total`), labels and its numeric columns. */
interface Series {
  metric: string;
  labels: Record<string, string>;
  values: Record<string, number | null>;
}

const FIXED_COLUMNS = new Set([
  "Endpoint",
  "Type",
  "Metric",
  "Unit",
  "Description",
  "buckets",
  "Key",
  "Value",
]);

const STAT_COLUMN =
  /^(avg|min|max|std|total|rate|rate_(avg|min|max|std)|count|count_rate|sum|sum_rate|p\d+(\.\d+)?(_estimate)?)$/;

/**
 * Parses one aiperf `server_metrics_export.csv` text into one supplementary record draft:
 * cache hit rates, KV offload bytes/time by direction, KV usage p95 and preemptions.
 *
 * @example
 * ```ts
 * const { drafts } = parseAiperfServerMetrics(text);
 * drafts[0].metrics.server_gpu_cache_hit_rate; // 0–1
 * ```
 */
export function parseAiperfServerMetrics(text: string): ParseResult {
  const issues: Issue[] = [];
  const series: Record<Exclude<SectionKind, "info">, Series[]> = {
    gauge: [],
    counter: [],
    histogram: [],
  };
  const info = new Map<string, Map<string, string>>();
  const comments: Record<string, string> = {};
  const endpoints = new Set<string>();
  let header: string[] | null = null;
  let rows = 0;

  for (const rec of splitCsvRecords(text)) {
    if (rec.comment) {
      const m = /^#\s*([A-Za-z_]+)\s*:\s*(.*)$/.exec(rec.fields[0]);
      if (m) comments[m[1]] = m[2].trim();
      continue;
    }
    if (rec.unterminated) {
      issues.push({ line: rec.line, message: "Unterminated quoted field" });
      continue;
    }
    if (rec.fields.length === 1 && rec.fields[0].trim() === "") {
      header = null; // blank line: the next record is a section header
      continue;
    }
    if (rec.fields[0] === "Endpoint") {
      header = rec.fields;
      continue;
    }
    if (header === null) {
      issues.push({ line: rec.line, message: "Row outside a section (no header above it)" });
      continue;
    }
    if (rec.fields.length !== header.length) {
      issues.push({
        line: rec.line,
        message: `Row has ${rec.fields.length} fields, header has ${header.length}`,
      });
      continue;
    }
    const row: Record<string, string> = {};
    header.forEach((h, k) => (row[h] = rec.fields[k]));
    if (row.Endpoint) endpoints.add(row.Endpoint);
    rows++;
    if (!("Type" in row)) {
      if ("Key" in row && "Value" in row) {
        const keys = info.get(row.Metric) ?? new Map<string, string>();
        if (!keys.has(row.Key)) keys.set(row.Key, row.Value);
        info.set(row.Metric, keys);
      } else {
        issues.push({ line: rec.line, message: "Row in a section without a Type column" });
      }
      continue;
    }
    const type = row.Type.trim().toLowerCase();
    if (type !== "gauge" && type !== "counter" && type !== "histogram") {
      issues.push({ line: rec.line, message: `Unknown metric type "${row.Type}"` });
      continue;
    }
    const labels: Record<string, string> = {};
    const values: Record<string, number | null> = {};
    for (const h of header) {
      if (FIXED_COLUMNS.has(h)) continue;
      if (STAT_COLUMN.test(h)) {
        const cell = row[h].trim();
        const x = cell === "" ? null : num(cell);
        if (x === null && cell !== "") {
          issues.push({ line: rec.line, message: `Column "${h}" is not a number: "${cell}"` });
        }
        values[h] = x;
      } else if (row[h] !== "") labels[h] = row[h];
    }
    const metric = row.Metric.replace(/_total$/, "");
    series[type].push({ metric, labels, values });
  }

  if (rows === 0) {
    issues.push({ line: null, message: "No server metric rows found" });
    return { drafts: [], issues, unreadable: true };
  }

  const metrics: Partial<Record<MetricField, number | null>> = {};
  const notes: Record<string, unknown> = {};

  // Counters: the window delta in `total`, summed over engines/endpoints.
  const counters = series.counter;
  const has = (name: string): boolean => counters.some((s) => s.metric === name);
  const sum = (name: string, where?: (labels: Record<string, string>) => boolean) => {
    let total: number | null = null;
    for (const s of counters) {
      if (s.metric !== name || (where && !where(s.labels))) continue;
      const x = s.values.total ?? null;
      if (x !== null) total = (total ?? 0) + x;
    }
    return total;
  };
  const first = (...names: string[]): number | null => {
    for (const name of names) if (has(name)) return sum(name);
    return null;
  };
  const source = (value: string) => (labels: Record<string, string>) => labels.source === value;

  const hasBySource = has("vllm:prompt_tokens_by_source");
  const localHit = hasBySource
    ? sum("vllm:prompt_tokens_by_source", source("local_cache_hit"))
    : null;
  const external = hasBySource
    ? sum("vllm:prompt_tokens_by_source", source("external_kv_transfer"))
    : null;
  const computed = hasBySource
    ? sum("vllm:prompt_tokens_by_source", source("local_compute"))
    : null;
  const bySourceTotal = hasBySource ? sum("vllm:prompt_tokens_by_source") : null;
  const prompt = first("vllm:prompt_tokens", "sglang:prompt_tokens") ?? bySourceTotal;
  const hits = first("vllm:prefix_cache_hits");
  const queries = first("vllm:prefix_cache_queries");
  const extHits = first("vllm:external_prefix_cache_hits");
  const extQueries = first("vllm:external_prefix_cache_queries");

  if (hasBySource && prompt !== null && prompt > 0) {
    // §9.3/§14.7: by-source token counters, not hits/queries (queries inflate under KV pressure).
    metrics.server_gpu_cache_hit_rate = ratio(localHit ?? 0, prompt);
    metrics.server_cpu_cache_hit_rate = ratio(external ?? 0, prompt);
    notes.cache_hit_rate_basis = "prompt_tokens_by_source";
  } else {
    metrics.server_gpu_cache_hit_rate = ratio(hits, queries) ??
      ratio(first("sglang:cached_tokens"), prompt);
    metrics.server_cpu_cache_hit_rate = ratio(extHits, extQueries);
    if (metrics.server_gpu_cache_hit_rate !== null) notes.cache_hit_rate_basis = "hits/queries";
  }
  notes.server_prompt_tokens = prompt;
  notes.server_generation_tokens = first("vllm:generation_tokens", "sglang:generation_tokens");
  notes.server_requests_completed = first("vllm:request_success");
  notes.server_prefix_cache_hits = hits;
  notes.server_prefix_cache_queries = queries;
  notes.server_external_prefix_cache_hits = extHits;
  notes.server_external_prefix_cache_queries = extQueries;
  if (hasBySource) {
    notes.server_prompt_tokens_by_source = {
      local_cache_hit: localHit,
      external_kv_transfer: external,
      local_compute: computed,
    };
  }

  // Offload: current store/load counters, else the legacy transfer_type series — never both.
  const direction = (dir: string) => (labels: Record<string, string>) =>
    (labels.transfer_type ?? "").toLowerCase() === dir;
  const offload = (current: string, legacy: string, dir: string): number | null =>
    has(current) ? sum(current) : has(legacy) ? sum(legacy, direction(dir)) : null;
  metrics.kv_offload_bytes_gpu_to_cpu = offload(
    "vllm:kv_offload_store_bytes",
    "vllm:kv_offload_total_bytes",
    "gpu_to_cpu",
  );
  metrics.kv_offload_bytes_cpu_to_gpu = offload(
    "vllm:kv_offload_load_bytes",
    "vllm:kv_offload_total_bytes",
    "cpu_to_gpu",
  );
  metrics.kv_offload_time_gpu_to_cpu = offload(
    "vllm:kv_offload_store_time",
    "vllm:kv_offload_total_time",
    "gpu_to_cpu",
  );
  metrics.kv_offload_time_cpu_to_gpu = offload(
    "vllm:kv_offload_load_time",
    "vllm:kv_offload_total_time",
    "cpu_to_gpu",
  );
  metrics.num_preemptions = first("vllm:num_preemptions", "sglang:num_retracted_requests");

  // Gauges: the p95 column over the window, worst series (engine) wins; percent → ratio.
  const gauge = (names: string[], column: string): number | null => {
    for (const name of names) {
      const xs = series.gauge
        .filter((s) => s.metric === name)
        .map((s) => s.values[column] ?? null)
        .filter((x): x is number => x !== null);
      const range = minMax(xs); // a loop: a page may hold any number of series
      if (range !== null) return unitRatio(range[1]);
    }
    return null;
  };
  const gpuUsage = [
    "vllm:kv_cache_usage_perc",
    "vllm:gpu_cache_usage_perc",
    "sglang:token_usage",
    "dynamo_component_kvstats_gpu_cache_usage_percent",
    "trtllm_kv_cache_utilization",
  ];
  const cpuUsage = ["vllm:cpu_cache_usage_perc", "vllm:simple_cpu_offload_usage_perc"];
  metrics.gpu_kv_usage_p95 = gauge(gpuUsage, "p95");
  metrics.cpu_kv_usage_p95 = gauge(cpuUsage, "p95");
  notes.gpu_kv_usage_max = gauge(gpuUsage, "max");
  notes.cpu_kv_usage_max = gauge(cpuUsage, "max");
  // Counts blocks pinned by in-flight transfers, not fill (engine-metrics.md): a note only.
  notes.kv_offload_cpu_cache_usage_p95 = gauge(["vllm:kv_offload_cpu_cache_usage_perc"], "p95");

  const cacheConfig = info.get("vllm:cache_config_info");
  if (cacheConfig !== undefined) {
    const picked: Record<string, string> = {};
    for (
      const k of [
        "kv_cache_size_tokens",
        "num_gpu_blocks",
        "block_size",
        "enable_prefix_caching",
        "kv_offloading_backend",
        "kv_offloading_size",
      ]
    ) {
      const x = cacheConfig.get(k);
      if (x !== undefined) picked[k] = x;
    }
    notes.cache_config = picked;
  }
  notes.aiperf_version = comments.aiperf_version ?? null;
  notes.server_metrics_schema_version = comments.schema_version ?? null;
  notes.benchmark_id = comments.benchmark_id ?? null;
  notes.endpoints = [...endpoints].sort();
  notes.metric_count = new Set(
    [...series.gauge, ...series.counter, ...series.histogram].map((s) => s.metric),
  ).size + info.size;
  for (const k of Object.keys(notes)) if (notes[k] === null) delete notes[k];

  const draft: RecordDraft = {
    source_format: "agentx-aiperf",
    priority: 30,
    identity: {},
    metrics: compact(metrics),
    notes,
    primary: false,
  };
  return { drafts: [draft], issues, unreadable: false };
}
