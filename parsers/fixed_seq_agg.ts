/**
 * Fixed-sequence and multi-node aggregate records (`agg_*.json`, rows of `agg_bmk.json`),
 * every schema generation from 2025-08 on.
 * @module
 */
import { boolish, isRecord, num, positive, str } from "../lib/coerce.ts";
import { normalizeHardware } from "../lib/names.ts";
import type { Metrics, ParseResult, RecordDraft } from "../lib/types.ts";
import { checkRecordValues, withoutRejected } from "./_check.ts";
import { flatLatency } from "./_latency.ts";

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

/** One agg object (also a row of a collected array) to a record draft. */
export function draftFromAgg(a: Record<string, unknown>): RecordDraft {
  const isMultinode = boolish(a.is_multinode);
  const hw = str(a.hw);
  const lat = flatLatency(a);
  const metrics: Partial<Metrics> = {
    ...lat.metrics,
    tput_per_gpu: positive(a.tput_per_gpu) ?? positive(a.total_tps_per_gpu),
    output_tput_per_gpu: positive(a.output_tput_per_gpu),
    input_tput_per_gpu: positive(a.input_tput_per_gpu),
    intvty: positive(a.median_intvty) ??
      (lat.metrics.p50_tpot ? 1 / lat.metrics.p50_tpot : null),
    avg_power_w: positive(a.avg_power_w),
    joules_per_output_token: positive(a.joules_per_output_token),
  };
  if (isMultinode) {
    for (const side of ["prefill", "decode"] as const) {
      metrics[`${side}_tp`] = num(a[`${side}_tp`]);
      metrics[`${side}_ep`] = num(a[`${side}_ep`]);
      metrics[`${side}_num_workers`] = num(a[`${side}_num_workers`]);
    }
    metrics.num_prefill_gpu = num(a.num_prefill_gpu);
    metrics.num_decode_gpu = num(a.num_decode_gpu);
    if (metrics.num_prefill_gpu !== null && metrics.num_decode_gpu !== null) {
      metrics.num_gpus = metrics.num_prefill_gpu + metrics.num_decode_gpu;
    }
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
      model_path: str(a.model),
      framework: str(a.framework),
      precision: str(a.precision),
      spec_decoding: str(a.spec_decoding) ?? str(a.mtp),
      disagg: boolish(a.disagg),
      image: str(a.image),
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
  for (const k of ["kv_p2p_transfer", "prefill_hw", "decode_hw"]) {
    const s = str(a[k]);
    if (s) notes[k] = s;
  }
  if (isRecord(a.router)) notes.router = a.router;
  return notes;
}
