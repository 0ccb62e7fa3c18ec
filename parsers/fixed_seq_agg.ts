/**
 * Fixed-sequence and multi-node aggregate records (`agg_*.json`, rows of `agg_bmk.json`),
 * every schema generation from 2025-08 on, and the published shapes that carry the same fields
 * under other names with the metrics nested in a `metrics` object (formats reference §12 and
 * §3.4): InferenceX-app API rows (`hardware`, `spec_method`, `model` = prefix) and
 * `together_runner/baselines/**\/conc<N>.json` (`gpu.n_gpus`, raw-style `*_ms` metrics).
 * @module
 */
import { boolish, isRecord, num, positive, str } from "../lib/coerce.ts";
import { normalizeHardware } from "../lib/names.ts";
import type { MetricField, Metrics, ParseResult, RecordDraft } from "../lib/types.ts";
import { checkRecordValues, withoutRejected } from "./_check.ts";
import { shared, withoutKey } from "./_coerce.ts";
import { FlatLatencyReader } from "./_latency.ts";

/**
 * Draft a cell record from one fixed-sequence agg object.
 *
 * @example
 * ```ts
 * const r = parseFixedSeqAgg({ hw: "h200", conc: 4, tp: 8, tput_per_gpu: 82.7, p99_ttft: 0.46 });
 * r.drafts[0].metrics.p99_ttft; // 0.46
 * ```
 */
export function parseFixedSeqAgg(value: unknown): ParseResult {
  if (!isRecord(value)) {
    return {
      drafts: [],
      issues: [{ line: null, message: "Expected a JSON object" }],
      unreadable: true,
    };
  }
  const { record, issues } = checkedAgg(value);
  return { drafts: [draftFromAgg(record)], issues, unreadable: false };
}

/**
 * An agg row with its bad values left out, and an issue for each: top-level fields and those of a
 * nested `metrics{}` (an InferenceX-app API row, a together baseline), named by their path.
 *
 * @example
 * ```ts
 * checkedAgg({ conc: 4, metrics: { p99_ttft: -5 } }).issues[0].message;
 * // 'Field "metrics.p99_ttft" …'
 * ```
 */
export function checkedAgg(
  value: Record<string, unknown>,
): { record: Record<string, unknown>; issues: ParseResult["issues"] } {
  const { issues, rejected } = checkRecordValues(value);
  let record = withoutRejected(value, rejected);
  if (isRecord(record.metrics)) {
    const nested = checkRecordValues(record.metrics);
    for (const issue of nested.issues) {
      issues.push({
        line: issue.line,
        message: issue.message.replace('Field "', 'Field "metrics.'),
      });
    }
    if (nested.rejected.size > 0) {
      record = { ...record, metrics: withoutRejected(record.metrics, nested.rejected) };
    }
  }
  return { record, issues };
}

/** Metric fields every agg sets besides its latency statistics, in the order they are set. */
const AGG_FIELDS = [
  "tput_per_gpu",
  "output_tput_per_gpu",
  "input_tput_per_gpu",
  "intvty",
  "avg_power_w",
  "joules_per_output_token",
] as const satisfies readonly MetricField[];

const SINGLE_NODE = new FlatLatencyReader([...AGG_FIELDS, "tp", "pp", "ep", "dcp", "pcp"]);
const MULTI_NODE = new FlatLatencyReader([
  ...AGG_FIELDS,
  "prefill_tp",
  "prefill_pp",
  "prefill_ep",
  "prefill_dcp",
  "prefill_pcp",
  "prefill_num_workers",
  "decode_tp",
  "decode_pp",
  "decode_ep",
  "decode_dcp",
  "decode_pcp",
  "decode_num_workers",
  "num_prefill_gpu",
  "num_decode_gpu",
  "num_gpus",
]);

/**
 * The fields of a record whose metrics are nested (`{…, metrics: {…}}`) as one flat object, as
 * an agg would hold them: the nested metrics first, then the top-level fields, which win on a
 * clash. `null` for a flat record.
 */
function flattened(row: Record<string, unknown>): Record<string, unknown> | null {
  const nested = row.metrics;
  if (!isRecord(nested)) return null;
  const { metrics: _nested, ...top } = row;
  return { ...nested, ...top };
}

/** A container image, `null` when the record says it was not supplied (reference §4.2). */
function imageOf(x: unknown): string | null {
  const image = str(x);
  return image === null || image.toLowerCase() === "unknown" ? null : image;
}

/** One agg object (also a row of a collected array) to a record draft. */
export function draftFromAgg(row: Record<string, unknown>): RecordDraft {
  const flat = flattened(row);
  const a = flat ?? row;
  // Nested-metrics shapes (app API rows, together baselines) name some fields differently.
  const api = flat !== null;
  const isMultinode = boolish(a.is_multinode);
  const hw = str(a.hw) ?? str(a.hardware);
  const lat = (isMultinode ? MULTI_NODE : SINGLE_NODE).read(a);
  // The reader left room for these fields: filling them never changes the object's shape.
  let metrics = lat.metrics;
  metrics.tput_per_gpu = positive(a.tput_per_gpu) ?? positive(a.total_tps_per_gpu);
  metrics.output_tput_per_gpu = positive(a.output_tput_per_gpu);
  metrics.input_tput_per_gpu = positive(a.input_tput_per_gpu);
  metrics.intvty = positive(a.median_intvty) ?? (metrics.p50_tpot ? 1 / metrics.p50_tpot : null);
  metrics.avg_power_w = positive(a.avg_power_w);
  metrics.joules_per_output_token = positive(a.joules_per_output_token);
  if (isMultinode) {
    metrics.prefill_tp = num(a.prefill_tp);
    metrics.prefill_pp = num(a.prefill_pp);
    metrics.prefill_ep = num(a.prefill_ep);
    metrics.prefill_dcp = num(a.prefill_dcp_size);
    metrics.prefill_pcp = num(a.prefill_pcp_size);
    metrics.prefill_num_workers = num(a.prefill_num_workers);
    metrics.decode_tp = num(a.decode_tp);
    metrics.decode_pp = num(a.decode_pp);
    metrics.decode_ep = num(a.decode_ep);
    metrics.decode_dcp = num(a.decode_dcp_size);
    metrics.decode_pcp = num(a.decode_pcp_size);
    metrics.decode_num_workers = num(a.decode_num_workers);
    metrics.num_prefill_gpu = num(a.num_prefill_gpu);
    metrics.num_decode_gpu = num(a.num_decode_gpu);
    if (metrics.num_prefill_gpu !== null && metrics.num_decode_gpu !== null) {
      metrics.num_gpus = metrics.num_prefill_gpu + metrics.num_decode_gpu;
    } else metrics = withoutKey(metrics, "num_gpus"); // unknown split: no total, as always
  } else {
    // The app API gives a single-node row its topology as `prefill_* = decode_* = (tp, ep)`
    // (reference §2.5); its GPU counts there are the TP, not a prefill + decode split.
    metrics.tp = num(a.tp) ?? (api ? num(a.prefill_tp) : null);
    metrics.pp = num(a.pp);
    metrics.ep = num(a.ep) ?? (api ? num(a.prefill_ep) : null);
    metrics.dcp = num(a.dcp_size);
    metrics.pcp = num(a.pcp_size);
  }
  if (api) metrics = withNestedFields(metrics, a, isMultinode === true);
  const multinodeSource = isMultinode === true;
  const model = str(a.model);
  return {
    source_format: multinodeSource ? "inferencex-srt-slurm" : "inferencex-static",
    priority: 25,
    primary: true,
    identity: {
      hardware: hw === null ? null : normalizeHardware(hw),
      // The app API's `model` is the model prefix (reference §12); an agg's is the HF id or path.
      model: str(a.infmax_model_prefix) ?? str(a.model_prefix) ??
        (api && model !== null && !model.includes("/") ? model : null),
      model_path: api && model !== null && !model.includes("/") ? null : shared(model),
      framework: str(a.framework),
      precision: str(a.precision),
      spec_decoding: str(a.spec_decoding) ?? str(a.mtp) ?? str(a.spec_method),
      disagg: boolish(a.disagg),
      image: shared(imageOf(a.image)),
      isl: num(a.isl),
      osl: num(a.osl),
      is_multinode: isMultinode,
      concurrency: num(a.conc) ?? num(a.max_concurrency) ?? num(a.concurrency),
      scenario_type: str(a.scenario_type) ?? "fixed-seq",
      dp_attention: isMultinode
        ? null
        : boolish(a.dp_attention) ?? (api ? boolish(a.prefill_dp_attention) : null),
      prefill_dp_attention: isMultinode ? boolish(a.prefill_dp_attention) : null,
      decode_dp_attention: isMultinode ? boolish(a.decode_dp_attention) : null,
    },
    metrics,
    extra_percentiles: lat.extra,
    notes: aggNotes(a, hw),
  };
}

/**
 * The fields only nested-metrics shapes carry: request counts and absolute throughput (together
 * baselines' `successful_requests`, `total_token_throughput`, `output_token_throughput`,
 * `request_throughput`) and the GPU count (`gpu.n_gpus`, or `num_gpus` of newer app rows). A
 * multi-node total is the prefill + decode split, never a stated count.
 */
function withNestedFields(
  metrics: Partial<Metrics>,
  a: Record<string, unknown>,
  isMultinode: boolean,
): Partial<Metrics> {
  const out: Partial<Metrics> = { ...metrics };
  const successful = num(a.successful_requests);
  if (successful !== null) out.num_requests_successful = successful;
  const total = positive(a.total_token_throughput);
  if (total !== null) out.total_tput_tps = total;
  const output = positive(a.output_token_throughput);
  if (output !== null) out.output_tput_tps = output;
  const requests = positive(a.request_throughput);
  if (requests !== null) out.request_throughput = requests;
  if (!isMultinode) {
    const gpus = positive(isRecord(a.gpu) ? a.gpu.n_gpus : undefined) ?? positive(a.num_gpus);
    if (gpus !== null) out.num_gpus = gpus;
  }
  return out;
}

/** Power fields of a together baseline's `gpu` object (reference §3.4). */
const GPU_POWER_FIELDS = [
  "mean_power_per_gpu_w",
  "total_avg_power_w",
  "peak_power_per_gpu_w",
  "tokens_per_kw",
] as const;

function aggNotes(a: Record<string, unknown>, hw: string | null): Record<string, unknown> {
  const notes: Record<string, unknown> = {};
  if (hw !== null) notes.hw_label = hw;
  const fp = str(a.recipe_fingerprint);
  if (fp) notes.recipe_fingerprint = fp;
  if (a.power_valid !== undefined) notes.power_valid = boolish(a.power_valid);
  // Named reads, not a loop over a list of names: this runs once per agg file.
  const kvP2p = str(a.kv_p2p_transfer);
  if (kvP2p) notes.kv_p2p_transfer = kvP2p;
  const prefillHw = str(a.prefill_hw);
  if (prefillHw) notes.prefill_hw = prefillHw;
  const decodeHw = str(a.decode_hw);
  if (decodeHw) notes.decode_hw = decodeHw;
  if (isRecord(a.router)) notes.router = a.router;
  if (isRecord(a.gpu)) {
    // together baselines: power of the run, kept as stated (no validity is given for it).
    const power: Record<string, number> = {};
    for (const k of GPU_POWER_FIELDS) {
      const v = num(a.gpu[k]);
      if (v !== null) power[k] = v;
    }
    if (Object.keys(power).length > 0) notes.gpu_power = power;
  }
  return notes;
}
