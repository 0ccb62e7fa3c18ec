/**
 * Parser for AgentX aggregates of all four generations (reference §9.5 and §9.7):
 * gen 1 flat (`users`, `offload_mode`, `*_ttlt`), gen 2 flat (`conc`, `offloading`, `*_e2el`,
 * `p99.9_*`), gen 3 flat (`p75_/p90_/p95_`) and gen 4 nested (`request_metrics`,
 * `server_metrics`, `request_accounting`).
 * @module
 */
import { positive } from "../lib/coerce.ts";
import { normalizeHardware } from "../lib/names.ts";
import type { Identity, MetricField, ParseResult, RecordDraft } from "../lib/types.ts";
import {
  asObject,
  compact,
  compactExtras,
  dropNulls,
  FieldReader,
  type Issue,
  type JsonObject,
  preview,
  ratio,
  readTopology as readSharedTopology,
  unitRatio,
} from "./_coerce.ts";

/** Schema generation of an AgentX aggregate. */
export type AgentxAggGeneration = 1 | 2 | 3 | 4;

export { normalizeHardware };

/** Generation of an AgentX agg object by its keys (§13 rule 2), or `null` when it is not one. */
export function detectAgentxAggGeneration(value: JsonObject): AgentxAggGeneration | null {
  if (value.request_metrics !== undefined && value.request_metrics !== null) return 4;
  if ("p95_ttft" in value || "p75_ttft" in value) return 3;
  if ("users" in value || "mean_ttlt" in value || "median_ttlt" in value) return 1;
  if ("conc" in value || "p99.9_ttft" in value || "mean_e2el" in value) return 2;
  return null;
}

/**
 * Parses one AgentX aggregate (already decoded JSON) into one primary record draft.
 *
 * @example
 * ```ts
 * const { drafts } = parseAgentxAgg(JSON.parse(text));
 * drafts[0].metrics.tput_per_gpu; // tokens/s per GPU
 * ```
 */
export function parseAgentxAgg(value: unknown): ParseResult {
  const issues: Issue[] = [];
  const top = asObject(value);
  if (top === null) {
    issues.push({ line: null, message: `Expected an AgentX agg object, got ${preview(value)}` });
    return { drafts: [], issues, unreadable: true };
  }
  const gen = detectAgentxAggGeneration(top);
  if (gen === null) {
    issues.push({
      line: null,
      message: "Not an AgentX agg: none of request_metrics, users or conc is present",
    });
    return { drafts: [], issues, unreadable: true };
  }
  const r = new FieldReader(top, { issues });
  const acc: Accumulator = { metrics: {}, extra: {}, notes: { agg_generation: gen } };

  const identity = readIdentity(r, acc);
  readTopology(r, acc);
  readPower(r, acc);
  if (gen === 4) readNested(r, acc);
  else readFlat(r, gen, acc);
  finishDerived(r, identity, acc);

  const draft: RecordDraft = {
    source_format: gen <= 2 ? "agentx-trace-replay" : "agentx-aiperf",
    priority: 20,
    identity,
    metrics: compact(acc.metrics),
    primary: true,
  };
  const extra = compactExtras(acc.extra);
  if (Object.keys(extra).length > 0) draft.extra_percentiles = extra;
  draft.notes = dropNulls(acc.notes);
  return { drafts: [draft], issues, unreadable: false };
}

interface Accumulator {
  metrics: Partial<Record<MetricField, number | null>>;
  extra: Record<string, number | null>;
  notes: Record<string, unknown>;
}

/** Statistic of a latency ladder as the files name it. */
interface Stats {
  mean: number | null;
  p50: number | null;
  p75: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  p999: number | null;
}

type LatencyName = "ttft" | "e2el" | "itl" | "tpot";

function readIdentity(r: FieldReader, acc: Accumulator): Partial<Identity> {
  const hwRaw = r.str("hw") ?? r.str("hardware");
  const image = r.str("image");
  const id: Partial<Identity> = {
    hardware: hwRaw === null ? null : normalizeHardware(hwRaw),
    model: r.str("infmax_model_prefix"),
    model_path: r.str("model"),
    framework: r.str("framework")?.toLowerCase() ?? null,
    precision: r.str("precision")?.toLowerCase() ?? null,
    spec_decoding: r.str("spec_decoding"),
    offload_mode: readOffloadMode(r, acc),
    disagg: r.bool("disagg"),
    image: image === null || image.toLowerCase() === "unknown" ? null : image,
    scenario_type: r.str("scenario_type"),
    is_multinode: r.bool("is_multinode"),
    concurrency: r.num("users") ?? r.num("conc"),
    dp_attention: r.bool("dp_attention"),
    prefill_dp_attention: r.bool("prefill_dp_attention"),
    decode_dp_attention: r.bool("decode_dp_attention"),
  };
  if (hwRaw !== null && hwRaw !== id.hardware) acc.notes.hw_raw = hwRaw;
  acc.notes.recipe_fingerprint = r.str("recipe_fingerprint");
  acc.notes.prefill_hw = r.str("prefill_hw");
  acc.notes.decode_hw = r.str("decode_hw");
  acc.notes.kv_p2p_transfer = r.str("kv_p2p_transfer");
  const router = r.raw("router");
  if (router !== undefined && router !== null) acc.notes.router = router;
  return dropNulls(id);
}

/** Offload mode: `none` for off/none, `on` (gen 1), `cpu`… (gens 2–3), `<mode>-<backend>` (gen 4). */
function readOffloadMode(r: FieldReader, acc: Accumulator): string | null {
  const raw = r.str("kv_offloading") ?? r.str("offloading") ?? r.str("offload_mode");
  let backend: string | null = null;
  const b = r.raw("kv_offload_backend");
  if (typeof b === "string") backend = b.trim() === "" ? null : b.trim();
  else if (asObject(b) !== null) {
    const br = r.obj("kv_offload_backend");
    backend = br?.str("name") ?? null;
    acc.notes.kv_offload_backend_version = br?.str("version") ?? null;
  } else if (b !== undefined && b !== null) {
    r.str("kv_offload_backend"); // records the issue
  }
  acc.notes.kv_offload_backend = backend;
  acc.notes.allocated_cpu_dram_gb = r.num("allocated_cpu_dram_gb");
  if (raw === null) return null;
  const mode = raw.toLowerCase();
  if (mode === "none" || mode === "off" || mode === "false") return "none";
  if (backend !== null && backend.toLowerCase() !== "none") {
    return `${mode}-${backend.toLowerCase()}`;
  }
  return mode;
}

function readTopology(r: FieldReader, acc: Accumulator): void {
  Object.assign(acc.metrics, {
    ...readSharedTopology(r),
    num_gpus: r.num("num_gpus"),
    num_requests_total: r.num("num_requests_total"),
    num_requests_successful: r.num("num_requests_successful"),
  });
}

function readPower(r: FieldReader, acc: Accumulator): void {
  acc.metrics.avg_power_w = r.num("avg_power_w");
  acc.metrics.joules_per_output_token = r.num("joules_per_output_token");
  acc.notes.power_valid = r.num("power_valid");
}

function flatStats(r: FieldReader, name: string): Stats {
  return {
    mean: r.num(`mean_${name}`),
    p50: r.num(`median_${name}`) ?? r.num(`p50_${name}`),
    p75: r.num(`p75_${name}`),
    p90: r.num(`p90_${name}`),
    p95: r.num(`p95_${name}`),
    p99: r.num(`p99_${name}`),
    p999: r.num(`p99.9_${name}`),
  };
}

function nestedStats(r: FieldReader | null): Stats | null {
  if (r === null) return null;
  return {
    mean: r.num("mean"),
    p50: r.num("p50") ?? r.num("median"),
    p75: r.num("p75"),
    p90: r.num("p90"),
    p95: r.num("p95"),
    p99: r.num("p99"),
    p999: r.num("p99.9") ?? r.num("p999"),
  };
}

/**
 * Puts a latency ladder (seconds) into metrics; p75/p95/p99.9 that have no metric go to extras.
 * A statistic of zero or less is unknown, as in fixed-seq records: an aggregate whose every request
 * failed is still written (format reference §11), with `0.0` where nothing was measured.
 */
function putLadder(acc: Accumulator, name: LatencyName, ladder: Stats): void {
  const s = measured(ladder);
  const m = acc.metrics as Record<string, number | null>;
  m[`mean_${name}`] = s.mean;
  m[`p50_${name}`] = s.p50;
  m[`p90_${name}`] = s.p90;
  m[`p99_${name}`] = s.p99; // only ever the file's own p99, never a p95 standing in for it
  if (name === "ttft") m.p999_ttft = s.p999;
  else acc.extra[`p99.9_${name}`] = s.p999;
  acc.extra[`p75_${name}`] = s.p75;
  acc.extra[`p95_${name}`] = s.p95;
}

/** The ladder with statistics of zero or less (nothing measured) made `null`. */
function measured(s: Stats): Stats {
  return {
    mean: positive(s.mean),
    p50: positive(s.p50),
    p75: positive(s.p75),
    p90: positive(s.p90),
    p95: positive(s.p95),
    p99: positive(s.p99),
    p999: positive(s.p999),
  };
}

function readFlat(r: FieldReader, gen: AgentxAggGeneration, acc: Accumulator): void {
  putLadder(acc, "ttft", flatStats(r, "ttft"));
  const e2el = gen === 1 || r.has("mean_ttlt") ? flatStats(r, "ttlt") : flatStats(r, "e2el");
  putLadder(acc, "e2el", e2el);
  const itl = flatStats(r, "itl");
  putLadder(acc, "itl", itl);
  // AgentX `itl` is a per-request TPOT; gen 1 has no separate tpot keys.
  const hasTpot = r.has("mean_tpot") || r.has("median_tpot") || r.has("p90_tpot");
  putLadder(acc, "tpot", hasTpot ? flatStats(r, "tpot") : itl);
  acc.metrics.intvty = positive(r.num("median_intvty") ?? r.num("p50_intvty"));

  Object.assign(acc.metrics, {
    input_tput_tps: r.num("input_tput_tps"),
    output_tput_tps: r.num("output_tput_tps"),
    total_tput_tps: r.num("total_tput_tps"),
    tput_per_gpu: r.num("tput_per_gpu"),
    output_tput_per_gpu: r.num("output_tput_per_gpu"),
    input_tput_per_gpu: r.num("input_tput_per_gpu"),
    duration_s: r.num("duration_seconds") ?? r.num("duration_s"),
    request_throughput: r.num("mean_qps"),
    theoretical_cache_hit_rate: r.num("theoretical_cache_hit_rate"),
    server_gpu_cache_hit_rate: r.num("server_gpu_cache_hit_rate"),
    server_cpu_cache_hit_rate: r.num("server_cpu_cache_hit_rate"),
    kv_offload_bytes_gpu_to_cpu: r.num("kv_offload_bytes_gpu_to_cpu"),
    kv_offload_bytes_cpu_to_gpu: r.num("kv_offload_bytes_cpu_to_gpu"),
    kv_offload_time_gpu_to_cpu: r.num("kv_offload_time_gpu_to_cpu"),
    kv_offload_time_cpu_to_gpu: r.num("kv_offload_time_cpu_to_gpu"),
    gpu_kv_usage_p95: unitRatio(r.num("gpu_kv_cache_usage_p95")),
    cpu_kv_usage_p95: unitRatio(r.num("cpu_kv_cache_usage_p95")),
    num_preemptions: r.num("num_preemptions"),
  });

  const n = acc.notes;
  n.theoretical_infinite_cache_hit_rate = r.num("theoretical_infinite_cache_hit_rate");
  n.cpu_kv_cache_usage = unitRatio(r.num("cpu_kv_cache_usage_pct"));
  n.gpu_kv_usage_max = unitRatio(r.num("gpu_kv_cache_usage_pct") ?? r.num("kv_cache_usage_pct"));
  n.server_total_prompt_tokens = r.num("total_prompt_tokens");
  n.server_total_generation_tokens = r.num("total_generation_tokens");
  n.server_total_requests_completed = r.num("total_requests_completed");
  if (gen === 1) {
    // §9.5: gen-1 server fields are last-row values of the server CSV (include pre-test traffic).
    n.server_metrics_basis = "last row of metrics_server_metrics.csv (includes pre-test traffic)";
  }
  const tokens: Record<string, unknown> = {};
  for (const name of ["input_tokens", "output_tokens_expected", "output_tokens_actual"]) {
    const s = dropNulls(flatStats(r, name));
    if (Object.keys(s).length > 0) tokens[name] = s;
  }
  if (Object.keys(tokens).length > 0) n.tokens = tokens;
  const qps = dropNulls(flatStats(r, "qps"));
  if (Object.keys(qps).length > 0) n.qps = qps;
}

function readNested(r: FieldReader, acc: Accumulator): void {
  const rm = r.obj("request_metrics");
  const lat = rm?.obj("latency") ?? null;
  if (lat !== null) {
    const itl = nestedStats(lat.obj("itl"));
    for (const name of ["ttft", "e2el", "itl"] as const) {
      const s = name === "itl" ? itl : nestedStats(lat.obj(name));
      if (s !== null) putLadder(acc, name, s);
    }
    const tpot = nestedStats(lat.obj("tpot")) ?? itl;
    if (tpot !== null) putLadder(acc, "tpot", tpot);
    const intvty = lat.obj("intvty");
    acc.metrics.intvty = positive(intvty?.num("p50") ?? intvty?.num("median") ?? null);
  }
  const qps = rm?.obj("qps") ?? null;
  if (qps !== null) {
    acc.metrics.request_throughput = qps.num("mean");
    acc.notes.qps_window_seconds = qps.num("window_seconds");
  }
  const tokens = rm?.obj("tokens") ?? null;
  if (tokens !== null) acc.notes.tokens = tokens.value;

  const tput = rm?.obj("throughput") ?? null;
  if (tput !== null) {
    const perGpu = tput.obj("per_gpu");
    Object.assign(acc.metrics, {
      input_tput_tps: tput.obj("input")?.num("tokens_per_second") ?? null,
      output_tput_tps: tput.obj("output")?.num("tokens_per_second") ?? null,
      total_tput_tps: tput.obj("total")?.num("tokens_per_second") ?? null,
      duration_s: tput.num("duration_seconds"),
      tput_per_gpu: perGpu?.num("total_tput_tps") ?? null,
      output_tput_per_gpu: perGpu?.num("output_tput_tps") ?? null,
      input_tput_per_gpu: perGpu?.num("input_tput_tps") ?? null,
    });
  }
  acc.metrics.theoretical_cache_hit_rate = rm?.obj("cache")?.num("theoretical_cache_hit_rate") ??
    null;

  readServerMetrics(r, acc);

  const ra = r.obj("request_accounting");
  if (ra !== null) {
    acc.notes.request_accounting = ra.value;
    acc.metrics.num_requests_total ??= ra.num("records_total");
    acc.metrics.num_requests_successful ??= ra.num("records_profiled");
  }
  const warnings = r.raw("warnings");
  if (Array.isArray(warnings)) acc.notes.warnings = warnings.map((w) => String(w));
  else if (warnings !== undefined && warnings !== null) {
    acc.notes.warnings = [String(warnings)];
  }
  const dataset = r.obj("dataset");
  if (dataset !== null) acc.notes.dataset = dataset.value;
  acc.notes.kv_cache_pool_tokens = r.num("kv_cache_pool_tokens") ??
    r.obj("server_metrics")?.obj("kv_cache")?.num("gpu_total_tokens") ?? null;
}

function readServerMetrics(r: FieldReader, acc: Accumulator): void {
  const sm = r.obj("server_metrics");
  if (sm === null) {
    acc.notes.server_metrics_present = false;
    return;
  }
  const n = acc.notes;
  n.server_metrics_present = sm.bool("present");
  n.server_metrics_adapter = sm.str("adapter");
  n.server_metrics_count = sm.num("metric_count");
  const cache = sm.obj("cache");
  if (cache !== null) {
    acc.metrics.server_gpu_cache_hit_rate = cache.num("gpu_cache_hit_rate");
    acc.metrics.server_cpu_cache_hit_rate = cache.num("external_cache_hit_rate") ??
      cache.num("cpu_cache_hit_rate");
    n.server_overall_cache_hit_rate = cache.num("overall_cache_hit_rate");
    n.server_prefix_cache_hits = cache.num("prefix_cache_hits");
    n.server_prefix_cache_queries = cache.num("prefix_cache_queries");
    n.server_external_prefix_cache_hits = cache.num("external_prefix_cache_hits");
    n.server_external_prefix_cache_queries = cache.num("external_prefix_cache_queries");
  }
  const kv = sm.obj("kv_cache");
  if (kv !== null) {
    // Gen 4 keeps only the max over the run: it is not a p95, so it stays a note.
    n.gpu_kv_usage_max = unitRatio(kv.num("gpu_usage_pct"));
    n.cpu_kv_usage_max = unitRatio(kv.num("cpu_usage_pct"));
    n.cpu_kv_used_tokens = kv.num("cpu_used_tokens");
    n.cpu_kv_total_tokens = kv.num("cpu_total_tokens");
  }
  const off = sm.obj("kv_offload");
  if (off !== null) {
    Object.assign(acc.metrics, {
      kv_offload_bytes_gpu_to_cpu: off.num("bytes_gpu_to_cpu"),
      kv_offload_bytes_cpu_to_gpu: off.num("bytes_cpu_to_gpu"),
      kv_offload_time_gpu_to_cpu: off.num("time_gpu_to_cpu"),
      kv_offload_time_cpu_to_gpu: off.num("time_cpu_to_gpu"),
    });
  }
  const tokens = sm.obj("tokens");
  if (tokens !== null) {
    n.server_total_prompt_tokens = tokens.num("prompt_total");
    n.server_total_generation_tokens = tokens.num("generation_total");
    n.server_total_requests_completed = tokens.num("requests_completed");
    const bySource = tokens.obj("prompt_by_source");
    if (bySource !== null) n.server_prompt_tokens_by_source = bySource.value;
  }
}

/** Success rate and GPU count (tp × pp × pcp single-node, P + D multi-node) when not given. */
function finishDerived(r: FieldReader, identity: Partial<Identity>, acc: Accumulator): void {
  const m = acc.metrics;
  m.success_rate = ratio(m.num_requests_successful ?? null, m.num_requests_total ?? null);
  if ((m.num_gpus ?? null) === null) {
    let gpus: number | null = null;
    if (identity.is_multinode === true) {
      const p = m.num_prefill_gpu ?? null;
      const d = m.num_decode_gpu ?? null;
      if (p !== null && d !== null) gpus = p + d;
    } else if (identity.is_multinode === false || r.has("tp")) {
      const tp = m.tp ?? null;
      if (tp !== null && tp > 0) gpus = tp * (m.pp ?? 1) * (m.pcp ?? 1);
    }
    if (gpus !== null && gpus > 0) {
      m.num_gpus = gpus;
      acc.notes.num_gpus_derived = true;
    }
  }
  if ((m.intvty ?? null) === null) {
    const p50 = m.p50_tpot ?? null;
    if (p50 !== null && p50 > 0) {
      // §14.3: pXX intvty is 1 / pXX TPOT.
      m.intvty = 1 / p50;
      acc.notes.intvty_derived = "1 / p50_tpot";
    }
  }
}
