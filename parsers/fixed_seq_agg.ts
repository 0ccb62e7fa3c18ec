/**
 * Fixed-sequence and multi-node aggregate records (`agg_*.json`, rows of `agg_bmk.json`),
 * every schema generation from 2025-08 on.
 * @module
 */
import { boolish, isRecord, num, positive, str } from "../lib/coerce.ts";
import { normalizeHardware } from "../lib/names.ts";
import type { MetricField, ParseResult, RecordDraft } from "../lib/types.ts";
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
  const { issues, rejected } = checkRecordValues(value);
  return { drafts: [draftFromAgg(withoutRejected(value, rejected))], issues, unreadable: false };
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
  "prefill_ep",
  "prefill_num_workers",
  "decode_tp",
  "decode_ep",
  "decode_num_workers",
  "num_prefill_gpu",
  "num_decode_gpu",
  "num_gpus",
]);

/** One agg object (also a row of a collected array) to a record draft. */
export function draftFromAgg(a: Record<string, unknown>): RecordDraft {
  const isMultinode = boolish(a.is_multinode);
  const hw = str(a.hw);
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
    metrics.prefill_ep = num(a.prefill_ep);
    metrics.prefill_num_workers = num(a.prefill_num_workers);
    metrics.decode_tp = num(a.decode_tp);
    metrics.decode_ep = num(a.decode_ep);
    metrics.decode_num_workers = num(a.decode_num_workers);
    metrics.num_prefill_gpu = num(a.num_prefill_gpu);
    metrics.num_decode_gpu = num(a.num_decode_gpu);
    if (metrics.num_prefill_gpu !== null && metrics.num_decode_gpu !== null) {
      metrics.num_gpus = metrics.num_prefill_gpu + metrics.num_decode_gpu;
    } else metrics = withoutKey(metrics, "num_gpus"); // unknown split: no total, as always
  } else {
    metrics.tp = num(a.tp);
    metrics.pp = num(a.pp);
    metrics.ep = num(a.ep);
    metrics.dcp = num(a.dcp_size);
    metrics.pcp = num(a.pcp_size);
  }
  const multinodeSource = isMultinode === true;
  return {
    source_format: multinodeSource ? "inferencex-srt-slurm" : "inferencex-static",
    priority: 25,
    primary: true,
    identity: {
      hardware: hw === null ? null : normalizeHardware(hw),
      model: str(a.infmax_model_prefix) ?? str(a.model_prefix),
      model_path: shared(str(a.model)),
      framework: str(a.framework),
      precision: str(a.precision),
      spec_decoding: str(a.spec_decoding) ?? str(a.mtp),
      disagg: boolish(a.disagg),
      image: shared(str(a.image)),
      isl: num(a.isl),
      osl: num(a.osl),
      is_multinode: isMultinode,
      concurrency: num(a.conc) ?? num(a.max_concurrency) ?? num(a.concurrency),
      scenario_type: str(a.scenario_type) ?? "fixed-seq",
      dp_attention: isMultinode ? null : boolish(a.dp_attention),
      prefill_dp_attention: isMultinode ? boolish(a.prefill_dp_attention) : null,
      decode_dp_attention: isMultinode ? boolish(a.decode_dp_attention) : null,
    },
    metrics,
    extra_percentiles: lat.extra,
    notes: aggNotes(a, hw),
  };
}

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
  return notes;
}
