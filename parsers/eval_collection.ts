/**
 * Parser for collected eval rows (`agg_eval_all.json`, `supplemental-evals.json`; reference
 * §10.3): one eval record per row, identity normalized for joining with benchmark cells.
 * @module
 */
import { setOwn } from "../lib/group_by.ts";
import type { EvalResults, Identity, MetricField, ParseResult, RecordDraft } from "../lib/types.ts";
import { normalizeHardware } from "../lib/names.ts";
import {
  asObject,
  boolish,
  compact,
  dropNulls,
  FieldReader,
  type Issue,
  preview,
} from "./_coerce.ts";

/** What the `source` path of a row tells: model prefix, ISL/OSL and the results timestamp. */
export interface EvalSourceInfo {
  model: string | null;
  isl: number | null;
  osl: number | null;
  /** `YYYY-MM-DD` of the results file. */
  date: string | null;
  /** `YYYY-MM-DDTHH:MM:SS` of the results file (naive local time). */
  datetime: string | null;
}

/**
 * Recovers model prefix, ISL/OSL (`1k8k` → 1024/8192) and date from an eval `source` path.
 *
 * @example
 * ```ts
 * parseEvalSource("eval_results/eval_dsr1_1k8k_…/results_2026-01-21T00-34-31.779836.json");
 * // { model: "dsr1", isl: 1024, osl: 8192, date: "2026-01-21", datetime: "2026-01-21T00:34:31" }
 * ```
 */
export function parseEvalSource(source: string): EvalSourceInfo {
  const out: EvalSourceInfo = { model: null, isl: null, osl: null, date: null, datetime: null };
  const parts = source.split("/");
  const dir = parts.find((p) => p.startsWith("eval_") && p !== "eval_results");
  const name = /^eval_([^_]+)_(\d+)k(\d+)k(?:_|$)/.exec(dir ?? "");
  if (name) {
    out.model = name[1];
    out.isl = Number(name[2]) * 1024;
    out.osl = Number(name[3]) * 1024;
  }
  const file = parts[parts.length - 1];
  const ts = /results_(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})/.exec(file);
  if (ts) {
    out.date = ts[1];
    out.datetime = `${ts[1]}T${ts[2]}:${ts[3]}:${ts[4]}`;
  }
  return out;
}

/**
 * Parses an array of agg_eval rows (already decoded JSON) into one eval record draft per row,
 * `sub_key` = row index.
 *
 * @example
 * ```ts
 * const { drafts } = parseEvalCollection(JSON.parse(text));
 * drafts[0].eval?.gsm8k.em_strict.value;
 * ```
 */
export function parseEvalCollection(value: unknown): ParseResult {
  const issues: Issue[] = [];
  if (!Array.isArray(value)) {
    issues.push({ line: null, message: `Expected an array of eval rows, got ${preview(value)}` });
    return { drafts: [], issues, unreadable: true };
  }
  const drafts: RecordDraft[] = [];
  value.forEach((row, index) => {
    const draft = parseRow(row, index, issues);
    if (draft !== null) drafts.push(draft);
  });
  const unreadable = value.length > 0 && drafts.length === 0;
  return { drafts, issues, unreadable };
}

function parseRow(row: unknown, index: number, issues: Issue[]): RecordDraft | null {
  const given = asObject(row);
  if (given === null) {
    issues.push({ line: null, message: `Row ${index} is not an object: ${preview(row)}` });
    return null;
  }
  // An InferenceX-app API evaluation row (reference §12) holds its scores in `metrics{}`, names
  // the model prefix `model`, the hardware `hardware` and speculative decoding `spec_method`, and
  // gives a single-node row its topology as prefill_* = decode_*.
  const nested = asObject(given.metrics);
  const api = nested !== null;
  const o = api ? withMetrics(given, nested) : given;
  const r = new FieldReader(o, { issues, path: `[${index}]` });
  const task = r.str("task");
  if (task === null) {
    issues.push({ line: null, message: `Row ${index} has no task` });
    return null;
  }
  const source = r.str("source");
  const fromSource = source === null ? null : parseEvalSource(source);
  const notes: Record<string, unknown> = {};

  const hw = r.str("hw") ?? r.str("hardware");
  // One node, not disaggregated: its prefill_* = decode_* are the plain tp/ep/DP attention.
  const singleNodeApi = api && r.bool("is_multinode") !== true && r.bool("disagg") !== true;
  let dp = readDpAttention(r);
  if (singleNodeApi) dp = { dp: dp.dp ?? dp.prefill, prefill: null, decode: null };
  const modelField = r.str("model");
  // The app API's `model` is the prefix; an agg_eval row's is the model path.
  const modelIsPrefix = api && modelField !== null && !modelField.includes("/");
  let model = r.str("model_prefix") ?? r.str("infmax_model_prefix") ??
    (modelIsPrefix ? modelField : null);
  if (model === null && fromSource?.model) {
    model = fromSource.model;
    notes.model_from_source = true;
  }
  let isl = r.num("isl");
  let osl = r.num("osl");
  if (isl === null && osl === null && fromSource?.isl != null) {
    isl = fromSource.isl;
    osl = fromSource.osl;
    notes.isl_osl_from_source = true;
  }
  const identity: Partial<Identity> = dropNulls({
    hardware: hw === null ? null : normalizeHardware(hw),
    model,
    model_path: modelIsPrefix ? null : modelField,
    framework: r.str("framework")?.toLowerCase() ?? null,
    precision: r.str("precision")?.toLowerCase() ?? null,
    spec_decoding: (r.str("spec_decoding") ?? r.str("spec_method"))?.toLowerCase() ?? null,
    disagg: r.bool("disagg"),
    is_multinode: r.bool("is_multinode"),
    isl,
    osl,
    concurrency: r.num("conc"),
    dp_attention: dp.dp,
    prefill_dp_attention: dp.prefill,
    decode_dp_attention: dp.decode,
  });
  const metrics: Partial<Record<MetricField, number | null>> = singleNodeApi
    ? { tp: r.num("tp") ?? r.num("prefill_tp"), ep: r.num("ep") ?? r.num("prefill_ep") }
    : {
      tp: r.num("tp"),
      ep: r.num("ep"),
      prefill_tp: r.num("prefill_tp"),
      prefill_ep: r.num("prefill_ep"),
      prefill_num_workers: r.num("prefill_num_workers"),
      decode_tp: r.num("decode_tp"),
      decode_ep: r.num("decode_ep"),
      decode_num_workers: r.num("decode_num_workers"),
    };

  const scores: EvalResults[string] = {};
  const put = (key: string, valueKey: string, stderrKey: string): void => {
    // `score_name` is read from the row: own properties only (it may be `toString`).
    if (Object.hasOwn(scores, key)) return;
    const x = r.num(valueKey);
    if (x !== null) setOwn(scores, key, { value: x, stderr: r.num(stderrKey) });
  };
  put(r.str("score_name") ?? "em_strict", "score", "score_se");
  put("em_strict", "em_strict", "em_strict_se");
  put("em_flexible", "em_flexible", "em_flexible_se");
  if (Object.keys(scores).length === 0) {
    issues.push({ line: null, message: `Row ${index} (${task}) has no numeric score` });
  }

  Object.assign(
    notes,
    dropNulls({
      n_eff: r.num("n_eff"),
      source,
      timestamp: r.str("timestamp"),
      eval_date: r.str("date") ?? fromSource?.date ?? null,
      results_datetime: fromSource?.datetime ?? null,
    }),
  );
  if (hw !== null && hw !== identity.hardware) notes.hw_raw = hw;

  return {
    sub_key: String(index),
    source_format: "eval",
    priority: 10,
    identity,
    metrics: compact(metrics),
    eval: { [task]: scores },
    notes,
    primary: false,
  };
}

/** `"true"`/`"false"`, or `"prefill=…,decode=…"` for disaggregated rows. */
function readDpAttention(
  r: FieldReader,
): { dp: boolean | null; prefill: boolean | null; decode: boolean | null } {
  const raw = r.raw("dp_attention");
  let dp: boolean | null = null;
  let prefill = r.bool("prefill_dp_attention");
  let decode = r.bool("decode_dp_attention");
  const split = typeof raw === "string"
    ? /prefill\s*=\s*(\w+)\s*,\s*decode\s*=\s*(\w+)/i.exec(raw)
    : null;
  if (split) {
    prefill ??= boolish(split[1]);
    decode ??= boolish(split[2]);
  } else {
    dp = r.bool("dp_attention");
  }
  return { dp, prefill, decode };
}

/**
 * The row's fields with those of its `metrics` object beside them: a field of the row wins, unless
 * it is `null` or absent (a top-level `em_strict: null` does not hide the score in `metrics`).
 */
function withMetrics(
  row: Record<string, unknown>,
  metrics: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...metrics };
  for (const [key, value] of Object.entries(row)) {
    if (key !== "metrics" && value !== null && value !== undefined) out[key] = value;
  }
  return out;
}
