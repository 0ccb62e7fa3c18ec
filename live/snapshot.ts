/**
 * Normalized reading of one scrape of one endpoint: gauges as aggregated numbers, counters and
 * histograms as per-series readings (so a window can take reset-aware deltas per series), and a
 * single `unavailable` map saying why a field the engine does not export is missing.
 *
 * Aggregation: series of one metric are summed over data-parallel labels (vLLM `engine`, SGLang
 * `dp_rank`, and any other label such as `finished_reason`) but not over tensor/pipeline replicas
 * (`tp_rank`, `pp_rank`, `moe_ep_rank`, `pid`): those report the same number and the maximum is
 * taken. A field read from several metrics either adds distinct quantities or reads the first of
 * alternative names for one quantity, never both at once (see `Spec`).
 * Usage fractions (`kv_usage`) are never summed: across data-parallel ranks the maximum is taken,
 * the pressure on the fullest rank.
 * @module
 */
import { type Engine, type Identification, trtllmUnprefixedFamilies } from "./identify.ts";
import {
  type HistogramSeries,
  histogramSeries,
  labelKey,
  labelsMatch,
  type PromPage,
} from "./prometheus_text.ts";

/**
 * Gauge fields of a snapshot. Counts (`running`, `waiting`, `waiting_on_transfer`,
 * `inflight_requests`) and `capacity_tokens` are summed over data-parallel ranks; `kv_usage`
 * (0–1) is the **maximum** over data-parallel ranks (the fullest rank's usage, never a sum).
 */
export const GAUGE_FIELDS = [
  "running",
  "waiting",
  "waiting_on_transfer",
  "kv_usage",
  "capacity_tokens",
  "inflight_requests",
] as const;
/** A gauge field name. */
export type GaugeField = typeof GAUGE_FIELDS[number];

/** Counter fields of a snapshot. */
export const COUNTER_FIELDS = [
  "prompt_tokens",
  "generation_tokens",
  "requests_completed",
  "request_errors",
  "preemptions",
  "prefix_cache_queries",
  "prefix_cache_hits",
  "external_kv_tokens",
  "kv_transfer_failures",
  "offload_bytes_gpu_to_cpu",
  "offload_bytes_cpu_to_gpu",
] as const;
/** A counter field name. */
export type CounterField = typeof COUNTER_FIELDS[number];

/** Histogram fields of a snapshot (seconds, except `kv_transfer_size` in bytes). */
export const HISTOGRAM_FIELDS = [
  "ttft",
  "itl",
  "e2e",
  "queue_time",
  "kv_transfer_time",
  "kv_transfer_size",
] as const;
/** A histogram field name. */
export type HistogramField = typeof HISTOGRAM_FIELDS[number];

/** Labels that mark tensor/pipeline replicas (never summed). */
export const REPLICA_LABELS: readonly string[] = ["tp_rank", "pp_rank", "moe_ep_rank", "pid"];

/** One counter series as read. */
export interface SeriesReading {
  metric: string;
  labels: Record<string, string>;
  value: number;
}

/** A counter field: the series it was read from and their aggregated total. */
export interface CounterReading {
  sources: string[];
  series: SeriesReading[];
  total: number;
}

/** A histogram field: source metric, unit scale applied, and its series. */
export interface HistogramReading {
  source: string;
  series: HistogramSeries[];
}

/** Normalized reading of one scrape. */
export interface EndpointSnapshot {
  identity: Identification;
  gauges: Partial<Record<GaugeField, number>>;
  gauge_sources: Partial<Record<GaugeField, string>>;
  counters: Partial<Record<CounterField, CounterReading>>;
  histograms: Partial<Record<HistogramField, HistogramReading>>;
  /** Field -> reason it is `null`. */
  unavailable: Record<string, string>;
  /** `process_start_time_seconds` (the latest when several), for restart detection. */
  process_start_s: number | null;
  /**
   * `dynamo_component_uptime_seconds` (the largest when several): when a page has no process
   * start time, uptime going backwards between two scrapes marks a restart (reference §5.9).
   */
  uptime_s: number | null;
  /**
   * Whether the page held any sample at all: a 200 answer that is no metrics page (an HTML
   * "starting" page, an empty body) has none, and cannot be the start of a window.
   */
  has_samples: boolean;
}

type Filter = Record<string, string | readonly string[]>;
interface Source {
  metric: string;
  filter?: Filter;
  /** Multiply values (and `le` bounds for histograms) by this. */
  scale?: number;
}
/** Which KV connector families a field needs, for the reason when they are absent. */
interface ConnectorNeed {
  /** What is missing, e.g. "NIXL/Mooncake transfer metrics". */
  what: string;
  /** Connectors (as `Identification.connectors` names them) that export those families. */
  owners: readonly string[];
}
/**
 * How a field is read. Two cases, kept apart on purpose:
 *
 * - `sources`: alternative names of ONE quantity (an old and a new name across engine versions,
 *   or a legacy series still emitted next to its replacement). Only the first present is read;
 *   the others are never added to it, since they count the same events.
 * - `sum`: DISTINCT quantities the field adds up (e.g. NIXL failed transfers + failed
 *   notifications). Each entry is itself a list of alternative names of that one quantity, read
 *   as `sources` is; the quantities present are added, each series keeping its metric name so
 *   two metrics with the same labels are never mistaken for replicas of one series.
 */
interface Spec {
  /** Alternative names of one quantity: the first present is read. Absent when `sum` is set. */
  sources?: Source[];
  /** Distinct quantities added up, each given as its alternative names (see above). */
  sum?: Source[][];
  /**
   * How data-parallel series combine: `sum` (counts, default) or `max` (usage fractions, which
   * must never add up past 1). Replicas always take the maximum.
   */
  across?: "sum" | "max";
  /** Reason when none is present uses the connector wording. */
  connector?: ConnectorNeed;
}

type Table = {
  gauges: Partial<Record<GaugeField, Spec>>;
  counters: Partial<Record<CounterField, Spec>>;
  histograms: Partial<Record<HistogramField, Spec>>;
  /** Reason for the fields the table does not list (default: not exported by the engine). */
  unlisted?: string;
};

const m = (metric: string, filter?: Filter, scale?: number): Source => ({ metric, filter, scale });

/** The quantities of a field, each as its list of alternative names (see {@link Spec}). */
function quantities(spec: Spec): Source[][] {
  return spec.sum ?? [spec.sources ?? []];
}

const TRANSFER: ConnectorNeed = {
  what: "NIXL/Mooncake transfer metrics",
  owners: ["mooncake", "nixl"],
};
const OFFLOAD: ConnectorNeed = {
  what: "vLLM CPU-offload byte counters (vllm:kv_offload_*)",
  owners: ["cpu-offload"],
};

const VLLM: Table = {
  gauges: {
    running: { sources: [m("vllm:num_requests_running")] },
    waiting: { sources: [m("vllm:num_requests_waiting")] },
    waiting_on_transfer: {
      sources: [m("vllm:num_requests_waiting_by_reason", { reason: "deferred" })],
    },
    // V1 name, then the V0 name of the same gauge: alternatives, never added.
    kv_usage: {
      across: "max",
      sources: [m("vllm:kv_cache_usage_perc"), m("vllm:gpu_cache_usage_perc")],
    },
  },
  counters: {
    prompt_tokens: { sources: [m("vllm:prompt_tokens_total")] },
    generation_tokens: { sources: [m("vllm:generation_tokens_total")] },
    requests_completed: { sources: [m("vllm:request_success_total")] },
    request_errors: {
      sources: [m("vllm:request_success_total", { finished_reason: "error" })],
    },
    preemptions: { sources: [m("vllm:num_preemptions_total")] },
    prefix_cache_queries: { sources: [m("vllm:prefix_cache_queries_total")] },
    prefix_cache_hits: { sources: [m("vllm:prefix_cache_hits_total")] },
    external_kv_tokens: {
      sources: [m("vllm:prompt_tokens_by_source_total", { source: "external_kv_transfer" })],
    },
    // Distinct failure events, added up (reference §4.1): a failed transfer, a failed
    // notification and a lease that expired are different failures, never one under two names.
    kv_transfer_failures: {
      connector: TRANSFER,
      sum: [
        [m("vllm:nixl_num_failed_transfers_total")],
        [m("vllm:nixl_num_failed_notifications_total")],
        [m("vllm:nixl_num_kv_expired_reqs_total")],
        [m("vllm:mooncake_num_failed_transfers_total")],
        [m("vllm:mooncake_num_failed_recvs_total")],
        [m("vllm:mooncake_num_kv_expired_reqs_total")],
      ],
    },
    // Current and legacy names count the same bytes (reference §4.1): alternatives, never added.
    offload_bytes_gpu_to_cpu: {
      connector: OFFLOAD,
      sources: [
        m("vllm:kv_offload_store_bytes_total"),
        m("vllm:kv_offload_total_bytes_total", { transfer_type: "GPU_to_CPU" }),
      ],
    },
    // Current and legacy names count the same bytes: alternatives, never added.
    offload_bytes_cpu_to_gpu: {
      connector: OFFLOAD,
      sources: [
        m("vllm:kv_offload_load_bytes_total"),
        m("vllm:kv_offload_total_bytes_total", { transfer_type: "CPU_to_GPU" }),
      ],
    },
  },
  histograms: {
    ttft: { sources: [m("vllm:time_to_first_token_seconds")] },
    // Current name, then the deprecated one (≤ 0.11): alternatives.
    itl: {
      sources: [m("vllm:inter_token_latency_seconds"), m("vllm:time_per_output_token_seconds")],
    },
    e2e: { sources: [m("vllm:e2e_request_latency_seconds")] },
    queue_time: { sources: [m("vllm:request_queue_time_seconds")] },
    // One P/D connector per instance: the first present connector's histogram is read. Two
    // connectors' histograms have different buckets and are never merged.
    kv_transfer_time: {
      connector: TRANSFER,
      sources: [m("vllm:nixl_xfer_time_seconds"), m("vllm:mooncake_xfer_time_seconds")],
    },
    kv_transfer_size: {
      connector: TRANSFER,
      sources: [m("vllm:nixl_bytes_transferred"), m("vllm:mooncake_bytes_transferred")],
    },
  },
};

const SGLANG: Table = {
  gauges: {
    // Current names first, then very old ones of the same gauges: alternatives, never added.
    running: { sources: [m("sglang:num_running_reqs"), m("sglang:num_requests_running")] },
    waiting: {
      sources: [
        m("sglang:num_queue_reqs"),
        m("sglang:num_requests_waiting"),
        m("sglang:queue_req"),
      ],
    },
    // Distinct queues added up; the prefill prealloc queue was renamed bootstrap queue on recent
    // main (reference §4.2): one quantity under two names, read once (the newer name first).
    waiting_on_transfer: {
      sum: [
        [m("sglang:num_prefill_inflight_queue_reqs")],
        [
          m("sglang:num_prefill_bootstrap_queue_reqs"),
          m("sglang:num_prefill_prealloc_queue_reqs"),
        ],
        [m("sglang:num_decode_transfer_queue_reqs")],
        [m("sglang:num_decode_prealloc_queue_reqs")],
      ],
    },
    kv_usage: { across: "max", sources: [m("sglang:token_usage")] },
    capacity_tokens: { sources: [m("sglang:max_total_num_tokens")] },
  },
  counters: {
    prompt_tokens: { sources: [m("sglang:prompt_tokens_total")] },
    generation_tokens: { sources: [m("sglang:generation_tokens_total")] },
    requests_completed: { sources: [m("sglang:num_requests_total")] },
    request_errors: { sources: [m("sglang:num_aborted_requests_total")] },
    preemptions: { sources: [m("sglang:num_retracted_requests_total")] },
    prefix_cache_queries: { sources: [m("sglang:prompt_tokens_total")] },
    prefix_cache_hits: { sources: [m("sglang:cached_tokens_total")] },
    // Requests whose transfer failed plus requests whose bootstrap failed: distinct requests,
    // added up. `sglang:kv_transfer_timeouts_total` is left out on purpose: a timeout marks the
    // request failed, so the failed-request counters already count it, and the timeout counter
    // counts observations per sender/receiver, not requests (reference §4.2) — adding it would
    // count one timed-out request two or more times.
    kv_transfer_failures: {
      sum: [
        [m("sglang:num_transfer_failed_reqs_total")],
        [m("sglang:num_bootstrap_failed_reqs_total")],
      ],
    },
    offload_bytes_cpu_to_gpu: { sources: [m("sglang:load_back_bytes_total")] },
  },
  histograms: {
    ttft: { sources: [m("sglang:time_to_first_token_seconds")] },
    // Current name, then the old per-output-token histogram: alternatives.
    itl: {
      sources: [
        m("sglang:inter_token_latency_seconds"),
        m("sglang:time_per_output_token_seconds"),
      ],
    },
    e2e: { sources: [m("sglang:e2e_request_latency_seconds")] },
    queue_time: { sources: [m("sglang:queue_time_seconds")] },
    kv_transfer_time: { sources: [m("sglang:kv_transfer_latency_ms", undefined, 1e-3)] },
    kv_transfer_size: { sources: [m("sglang:kv_transfer_total_mb", undefined, 1024 * 1024)] },
  },
};

function trtllmTable(prefix: string): Table {
  const t = (name: string, filter?: Filter): Source => m(`${prefix}${name}`, filter);
  return {
    gauges: {
      running: { sources: [t("num_requests_running")] },
      waiting: { sources: [t("num_requests_waiting")] },
      kv_usage: { across: "max", sources: [t("kv_cache_utilization")] },
    },
    counters: {
      prompt_tokens: { sources: [t("prompt_tokens_total")] },
      generation_tokens: { sources: [t("generation_tokens_total")] },
      requests_completed: { sources: [t("request_success_total")] },
      request_errors: { sources: [t("request_error_total")] },
      offload_bytes_gpu_to_cpu: { sources: [t("kv_cache_offload_bytes_total")] },
      offload_bytes_cpu_to_gpu: { sources: [t("kv_cache_onboard_bytes_total")] },
    },
    histograms: {
      ttft: { sources: [t("time_to_first_token_seconds")] },
      itl: { sources: [t("time_per_output_token_seconds")] },
      e2e: { sources: [t("e2e_request_latency_seconds")] },
      queue_time: { sources: [t("request_queue_time_seconds")] },
    },
  };
}

/**
 * 1.1.0rc5-era TensorRT-LLM pages: five families without a prefix (reference §4.4), read only
 * once `identifyPage` has taken the page for TensorRT-LLM's (the names are generic).
 */
const TRTLLM_UNPREFIXED: Table = (() => {
  const full = trtllmTable("");
  return {
    gauges: {},
    counters: { requests_completed: full.counters.requests_completed },
    histograms: {
      ttft: full.histograms.ttft,
      itl: full.histograms.itl,
      e2e: full.histograms.e2e,
      queue_time: full.histograms.queue_time,
    },
    unlisted: "not exported by TensorRT-LLM builds with unprefixed metric names (1.1.0rc5 " +
      "era: request_success_total and the e2e, TTFT, TPOT and queue-time histograms only)",
  };
})();

const TRITON_REQUESTS = "nv_trt_llm_request_metrics";
const TRITON_KV_BLOCKS = "nv_trt_llm_kv_cache_block_metrics";
/**
 * Triton's TensorRT-LLM backend: per-iteration gauges told apart by a label (reference §3, the
 * llm-d engine map names the two families). Running = `request_type="active"`, the executor's
 * active-request count, the very statistic (`numActiveRequests`) trtllm-serve exports as
 * `trtllm_num_requests_running` (`scheduled` is only the part run in the last iteration);
 * waiting = `request_type="waiting"`; KV usage = `kv_cache_block_type="fraction"` (older
 * backends without it: used ÷ max blocks, see `fillEngineSpecific`).
 */
const TRITON_TRTLLM: Table = {
  gauges: {
    running: { sources: [m(TRITON_REQUESTS, { request_type: "active" })] },
    waiting: { sources: [m(TRITON_REQUESTS, { request_type: "waiting" })] },
    kv_usage: {
      across: "max",
      sources: [m(TRITON_KV_BLOCKS, { kv_cache_block_type: "fraction" })],
    },
  },
  counters: {},
  histograms: {},
  unlisted: "not among the nv_trt_llm_* families of Triton's TensorRT-LLM backend",
};

const FRONTEND: Table = {
  gauges: {
    running: { sources: [m("dynamo_frontend_inflight_requests")] },
    waiting: { sources: [m("dynamo_frontend_queued_requests")] },
  },
  counters: {
    generation_tokens: { sources: [m("dynamo_frontend_output_tokens_total")] },
    requests_completed: { sources: [m("dynamo_frontend_requests_total")] },
    request_errors: { sources: [m("dynamo_frontend_requests_total", { status: "error" })] },
  },
  histograms: {
    ttft: { sources: [m("dynamo_frontend_time_to_first_token_seconds")] },
    itl: { sources: [m("dynamo_frontend_inter_token_latency_seconds")] },
    e2e: { sources: [m("dynamo_frontend_request_duration_seconds")] },
  },
};

/**
 * Max over replica labels, then sum (default) or max over data-parallel and other labels.
 * Series are grouped by metric name and their labels without {@link REPLICA_LABELS}: only
 * series of ONE metric that differ in replica labels alone are replicas. Two metrics with the
 * same labels (NIXL failed transfers and failed notifications, both `{engine="0"}`) are distinct
 * quantities and add up.
 *
 * @example
 * ```ts
 * const dp = [{ labels: { engine: "0" }, value: 0.5 }, { labels: { engine: "1" }, value: 0.6 }];
 * aggregateSeries(dp); // 1.1 (counts add up)
 * aggregateSeries(dp, { across: "max" }); // 0.6 (a usage fraction: the fullest rank)
 * aggregateSeries([
 *   { metric: "vllm:nixl_num_failed_transfers_total", labels: { engine: "0" }, value: 3 },
 *   { metric: "vllm:nixl_num_failed_notifications_total", labels: { engine: "0" }, value: 2 },
 * ]); // 5
 * ```
 */
export function aggregateSeries(
  series: readonly { metric?: string; labels: Record<string, string>; value: number }[],
  options: { across?: "sum" | "max" } = {},
): number {
  const groups = new Map<string, number>();
  for (const s of series) {
    const key = `${s.metric ?? ""}\u0000${labelKey(s.labels, REPLICA_LABELS)}`;
    const prev = groups.get(key);
    groups.set(key, prev === undefined ? s.value : Math.max(prev, s.value));
  }
  // Loops, never `Math.max(...values)`: spreading passes one argument per series, and a page
  // with ~130 000 series of one metric overflows the call stack.
  let total = options.across === "max" ? -Infinity : 0;
  for (const v of groups.values()) {
    total = options.across === "max" ? Math.max(total, v) : total + v;
  }
  return total;
}

function readSeries(page: PromPage, src: Source): SeriesReading[] {
  const out: SeriesReading[] = [];
  for (const s of page.samples.get(src.metric) ?? []) {
    if (!labelsMatch(s.labels, src.filter)) continue;
    out.push({ metric: src.metric, labels: s.labels, value: s.value * (src.scale ?? 1) });
  }
  return out;
}

/** The series of the first alternative name present on the page (see {@link Spec}). */
function firstPresent(
  page: PromPage,
  alternatives: readonly Source[],
): { metric: string; series: SeriesReading[] } | null {
  for (const src of alternatives) {
    const series = readSeries(page, src);
    if (series.length > 0) return { metric: src.metric, series };
  }
  return null;
}

const ENGINE_NAMES: Record<Engine, string> = {
  vllm: "vLLM",
  sglang: "SGLang",
  trtllm: "TensorRT-LLM",
};

/** What serves the page, for reasons: the engine's name, or the page type when no engine. */
function pageLabel(identity: Identification): string {
  if (identity.engine) return ENGINE_NAMES[identity.engine];
  return identity.kind === "frontend" ? "Dynamo frontend" : `${identity.kind} page`;
}

/** Reason for a field the page type or engine does not have at all. */
function notExported(identity: Identification): string {
  return identity.engine === null && identity.kind === "frontend"
    ? "not exported by a Dynamo frontend page"
    : `not exported by ${pageLabel(identity)}`;
}

function missingReason(spec: Spec, identity: Identification, page: PromPage): string {
  if (spec.connector) {
    const seen = identity.connectors;
    if (seen.length === 0) return "no KV connector metrics on this page";
    const own = seen.filter((c) => spec.connector!.owners.includes(c));
    if (own.length) {
      return `${spec.connector.what} absent although the page shows ${
        own.join(", ")
      } (not exported by this build)`;
    }
    return `no ${spec.connector.what} on this page: its KV connector evidence is ${
      seen.join(", ")
    }, which exports none`;
  }
  const first = quantities(spec)[0]?.[0];
  if (!first) return notExported(identity);
  const filter = first.filter
    ? `{${Object.entries(first.filter).map(([k, v]) => `${k}="${v}"`).join(",")}}`
    : "";
  // Declared (`# TYPE`) without a series: exported, but nothing observed yet (an idle server's
  // labelled families), which "not exported" would misstate.
  if (page.families.get(first.metric)?.samples.length === 0) {
    return `${first.metric} is declared on this page but has no series yet`;
  }
  return `not exported by this ${pageLabel(identity)} build (${first.metric}${filter} absent)`;
}

function tableFor(identity: Identification, page: PromPage): Table | null {
  if (identity.kind === "frontend") return FRONTEND;
  if (identity.kind !== "engine") return null;
  if (identity.engine === "vllm") return VLLM;
  if (identity.engine === "sglang") return SGLANG;
  if (identity.engine === "trtllm") {
    for (const prefix of ["trtllm_", "trtllm:"]) {
      for (const name of page.samples.keys()) {
        if (name.startsWith(prefix)) return trtllmTable(prefix);
      }
    }
    for (const name of page.samples.keys()) {
      if (name.startsWith("nv_trt_llm_")) return TRITON_TRTLLM;
    }
    if (trtllmUnprefixedFamilies(page).length > 0) return TRTLLM_UNPREFIXED;
    return trtllmTable("trtllm_");
  }
  return null;
}

/**
 * Why a gauge or counter whose page value is NaN or ±Inf is left out (no rate or rule may use
 * it): the value itself, `"NaN"` (reference §5.11), else `"+Inf"` or `"-Inf"`.
 */
export function notFiniteReason(values: readonly number[]): string {
  if (values.some((x) => Number.isNaN(x))) return "NaN";
  return values.some((x) => x === -Infinity) ? "-Inf" : "+Inf";
}

/** Why a histogram with a NaN or ±Inf count, sum or bound is left out. */
export const NOT_FINITE_HISTOGRAM = "not a finite number on the page (NaN or ±Inf)";

/** Every count, sum and bound of a histogram series is finite (the `+Inf` bound aside). */
function finiteHistogram(s: HistogramReading["series"][number]): boolean {
  return s.buckets.every((b) =>
    Number.isFinite(b.count) && (b.le === Infinity || Number.isFinite(b.le))
  ) &&
    (s.sum === null || Number.isFinite(s.sum)) && (s.count === null || Number.isFinite(s.count));
}

/**
 * The process start time, for restart detection: the latest finite one when a page carries
 * several (one per process, in no fixed order), `null` when there is none.
 */
function processStart(page: PromPage): number | null {
  return largestFinite(page, "process_start_time_seconds");
}

function largestFinite(page: PromPage, metric: string): number | null {
  let latest: number | null = null;
  for (const s of page.samples.get(metric) ?? []) {
    if (Number.isFinite(s.value) && (latest === null || s.value > latest)) latest = s.value;
  }
  return latest;
}

/** Build the normalized snapshot of one parsed page. */
export function buildSnapshot(page: PromPage, identity: Identification): EndpointSnapshot {
  const snap: EndpointSnapshot = {
    identity,
    gauges: {},
    gauge_sources: {},
    counters: {},
    histograms: {},
    unavailable: {},
    process_start_s: processStart(page),
    uptime_s: largestFinite(page, "dynamo_component_uptime_seconds"),
    has_samples: page.samples.size > 0,
  };
  const table = tableFor(identity, page);
  if (!table) {
    const why = identity.kind === "unknown"
      ? "no engine metrics recognised on this page"
      : `page is a ${identity.kind} page, not an engine`;
    for (const f of [...GAUGE_FIELDS, ...COUNTER_FIELDS, ...HISTOGRAM_FIELDS]) {
      snap.unavailable[f] = why;
    }
    return snap;
  }
  for (const field of GAUGE_FIELDS) {
    const spec = table.gauges[field];
    if (!spec) continue;
    const used: string[] = [];
    let total: number | null = null;
    const values: number[] = [];
    for (const alternatives of quantities(spec)) {
      const got = firstPresent(page, alternatives);
      if (!got) continue;
      used.push(got.metric);
      for (const x of got.series) values.push(x.value); // a loop: no spread of unbounded arrays
      const value = aggregateSeries(got.series, { across: spec.across });
      total = total === null
        ? value
        : spec.across === "max"
        ? Math.max(total, value)
        : total + value;
    }
    if (total === null) snap.unavailable[field] = missingReason(spec, identity, page);
    else if (!Number.isFinite(total)) snap.unavailable[field] = notFiniteReason([...values, total]);
    else {
      snap.gauges[field] = total;
      snap.gauge_sources[field] = used.join(" + ");
    }
  }
  for (const field of COUNTER_FIELDS) {
    const spec = table.counters[field];
    if (!spec) continue;
    const series: SeriesReading[] = [];
    const used: string[] = [];
    for (const alternatives of quantities(spec)) {
      const got = firstPresent(page, alternatives);
      if (!got) continue;
      used.push(got.metric);
      for (const x of got.series) series.push(x); // a loop: no spread of unbounded arrays
    }
    if (series.length === 0) snap.unavailable[field] = missingReason(spec, identity, page);
    else if (!series.every((x) => Number.isFinite(x.value))) {
      snap.unavailable[field] = notFiniteReason(series.map((x) => x.value));
    } else snap.counters[field] = { sources: used, series, total: aggregateSeries(series) };
  }
  for (const field of HISTOGRAM_FIELDS) {
    const spec = table.histograms[field];
    if (!spec) continue;
    let reading: HistogramReading | null = null;
    for (const src of spec.sources ?? []) {
      const series = histogramSeries(page, src.metric, { filter: src.filter }).filter((s) =>
        s.buckets.length > 0
      );
      if (series.length === 0) continue;
      const k = src.scale ?? 1;
      reading = {
        source: src.metric,
        series: series.map((s) => ({
          labels: s.labels,
          buckets: s.buckets.map((b) => ({ le: b.le * k, count: b.count })),
          sum: s.sum === null ? null : s.sum * k,
          count: s.count,
        })),
      };
      break;
    }
    if (reading && !reading.series.every(finiteHistogram)) {
      snap.unavailable[field] = NOT_FINITE_HISTOGRAM;
    } else if (reading) snap.histograms[field] = reading;
    else snap.unavailable[field] = missingReason(spec, identity, page);
  }
  fillEngineSpecific(snap, page, identity, table);
  // Fields the table does not list at all.
  const unlisted = table.unlisted ?? notExported(identity);
  for (const f of GAUGE_FIELDS) {
    if (snap.gauges[f] === undefined && !(f in snap.unavailable)) {
      snap.unavailable[f] = f === "inflight_requests" ? "not a Dynamo worker page" : unlisted;
    }
  }
  for (const f of [...COUNTER_FIELDS, ...HISTOGRAM_FIELDS] as const) {
    const have = f in snap.counters || f in snap.histograms;
    if (!have && !(f in snap.unavailable)) snap.unavailable[f] = unlisted;
  }
  return snap;
}

function gaugeValue(
  page: PromPage,
  metric: string,
  options: { filter?: Filter; across?: "sum" | "max" } = {},
): number | null {
  const series = readSeries(page, { metric, filter: options.filter });
  return series.length ? aggregateSeries(series, { across: options.across }) : null;
}

function fillEngineSpecific(
  snap: EndpointSnapshot,
  page: PromPage,
  identity: Identification,
  table: Table,
): void {
  // Gauges read here get the same check as the table's: a NaN or ±Inf is `null` with a reason
  // (reference §5.11), never a number in a rate, a rule, the table or the JSON.
  const set = (field: GaugeField, value: number, source: string, inputs = [value]) => {
    if (!Number.isFinite(value)) {
      snap.unavailable[field] = notFiniteReason([...inputs, value]);
      return;
    }
    snap.gauges[field] = value;
    snap.gauge_sources[field] = source;
    delete snap.unavailable[field];
  };
  // Capacity in tokens from the engine's own cache config (summed over DP engines).
  if (identity.engine === "vllm" && snap.gauges.capacity_tokens === undefined) {
    let tokens = 0;
    let found = false;
    for (const s of page.samples.get("vllm:cache_config_info") ?? []) {
      const blocks = Number(s.labels.num_gpu_blocks);
      const size = Number(s.labels.block_size);
      if (Number.isFinite(blocks) && Number.isFinite(size) && s.labels.num_gpu_blocks !== "None") {
        tokens += blocks * size;
        found = true;
      }
    }
    if (found) set("capacity_tokens", tokens, "vllm:cache_config_info num_gpu_blocks × block_size");
    else snap.unavailable.capacity_tokens = "vllm:cache_config_info has no num_gpu_blocks";
  }
  if (identity.engine === "sglang" && snap.gauges.capacity_tokens === undefined) {
    const info = page.samples.get("sglang:cache_config_info")?.[0];
    const pages = Number(info?.labels.num_pages);
    const size = Number(info?.labels.page_size);
    if (info && Number.isFinite(pages) && Number.isFinite(size)) {
      set("capacity_tokens", pages * size, "sglang:cache_config_info num_pages × page_size");
    }
  }
  if (table === TRITON_TRTLLM) {
    const blocks = (type: string, across?: "max") =>
      gaugeValue(page, TRITON_KV_BLOCKS, { filter: { kv_cache_block_type: type }, across });
    const max = blocks("max");
    const used = blocks("used");
    // Backends without the `fraction` series: the same ratio from its two block counts.
    if (snap.gauges.kv_usage === undefined && used !== null && max !== null && max > 0) {
      set(
        "kv_usage",
        used / max,
        `${TRITON_KV_BLOCKS}{kv_cache_block_type="used"} ÷ {kv_cache_block_type="max"}`,
        [used, max],
      );
    }
    const per = blocks("tokens_per", "max");
    if (max !== null && per !== null) {
      set("capacity_tokens", max * per, `${TRITON_KV_BLOCKS} max blocks × tokens_per block`, [
        max,
        per,
      ]);
    } else {
      snap.unavailable.capacity_tokens =
        `not exported by this TensorRT-LLM build (${TRITON_KV_BLOCKS}` +
        '{kv_cache_block_type="max"|"tokens_per"} absent)';
    }
  } else if (
    identity.engine === "trtllm" && table !== TRTLLM_UNPREFIXED &&
    snap.gauges.capacity_tokens === undefined
  ) {
    const blocks = gaugeValue(page, "trtllm_kv_cache_max_blocks");
    const per = gaugeValue(page, "trtllm_kv_cache_tokens_per_block");
    if (blocks !== null && per !== null) {
      set("capacity_tokens", blocks * per, "trtllm_kv_cache_max_blocks × tokens_per_block", [
        blocks,
        per,
      ]);
    } else snap.unavailable.capacity_tokens = "not exported by this TensorRT-LLM build";
  }
  if (identity.wrapper === "dynamo") {
    const inflight = gaugeValue(page, "dynamo_component_inflight_requests", {
      filter: { dynamo_endpoint: "generate" },
    });
    if (inflight !== null) {
      set(
        "inflight_requests",
        inflight,
        'dynamo_component_inflight_requests{dynamo_endpoint="generate"}',
      );
    }
    const totalBlocks = gaugeValue(page, "dynamo_component_kvstats_total_blocks");
    if (snap.gauges.kv_usage === undefined) {
      const usage = gaugeValue(page, "dynamo_component_kvstats_gpu_cache_usage_percent", {
        across: "max",
      });
      if (usage !== null && totalBlocks !== null && !Number.isFinite(totalBlocks)) {
        snap.unavailable.kv_usage = `dynamo_component_kvstats_total_blocks is ${
          notFiniteReason([totalBlocks])
        }: whether kvstats are wired is unknown`;
      } else if (usage !== null && totalBlocks !== null && totalBlocks > 0) {
        set("kv_usage", usage, "dynamo_component_kvstats_gpu_cache_usage_percent");
      } else if (usage !== null) {
        snap.unavailable.kv_usage = `${
          table.gauges.kv_usage?.sources?.[0]?.metric ?? "engine KV usage"
        } absent and dynamo_component_kvstats_total_blocks is 0 (kvstats not wired)`;
      }
    }
    if (snap.gauges.running === undefined && inflight !== null && Number.isFinite(inflight)) {
      snap.unavailable.running +=
        `; dynamo_component_inflight_requests{dynamo_endpoint="generate"} = ${inflight}`;
    }
  }
  if (identity.engine === "sglang") {
    // Older SGLang builds export these as gauges holding the last transfer's value (reference
    // §4.2): present, but with no count or sum a window can difference.
    for (
      const [field, metric] of [
        ["kv_transfer_time", "sglang:kv_transfer_latency_ms"],
        ["kv_transfer_size", "sglang:kv_transfer_total_mb"],
      ] as const
    ) {
      if (snap.histograms[field] || !page.samples.get(metric)?.length) continue;
      snap.unavailable[field] = `${metric} is a gauge in this SGLang build (the last transfer's ` +
        "value, no count or sum): it has no window semantics, so windowed transfer " +
        `${field === "kv_transfer_time" ? "latency quantiles" : "counts and bytes"} are unknown`;
    }
  }
  if (table === TRITON_TRTLLM) {
    snap.unavailable.kv_transfer_time ??=
      "Triton's TensorRT-LLM backend exports no KV transfer latency histogram";
    snap.unavailable.kv_transfer_size ??=
      "Triton's TensorRT-LLM backend exports no KV transfer sizes";
  }
  if (identity.engine === "trtllm") {
    snap.unavailable.kv_transfer_failures ??= "TensorRT-LLM exports no KV transfer failure counter";
    snap.unavailable.kv_transfer_time ??=
      "TensorRT-LLM reports KV transfer timing only in /perf_metrics";
    snap.unavailable.kv_transfer_size ??=
      "TensorRT-LLM reports KV transfer sizes only in /perf_metrics";
  }
}
