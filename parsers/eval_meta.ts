/**
 * Parser for the eval runner's `meta_env.json` (reference §10.1): identity and topology of the
 * served configuration an eval ran against (`isl`/`osl` are strings, `dp_attention` a bool).
 * @module
 */
import type { Identity, MetricField, ParseResult, RecordDraft } from "../lib/types.ts";
import { normalizeHardware } from "../lib/names.ts";
import {
  asObject,
  compact,
  dropNulls,
  FieldReader,
  type Issue,
  num,
  preview,
  readTopology,
} from "./_coerce.ts";

/**
 * Parses one `meta_env.json` (already decoded JSON) into one eval record draft.
 *
 * @example
 * ```ts
 * const { drafts } = parseEvalMeta(JSON.parse(text));
 * drafts[0].identity.isl; // 8192
 * ```
 */
export function parseEvalMeta(value: unknown): ParseResult {
  const issues: Issue[] = [];
  const top = asObject(value);
  if (top === null) {
    issues.push({ line: null, message: `Expected a meta_env object, got ${preview(value)}` });
    return { drafts: [], issues, unreadable: true };
  }
  const r = new FieldReader(top, { issues });
  const hw = r.str("hw") ?? r.str("hardware");
  const identity: Partial<Identity> = dropNulls({
    hardware: hw === null ? null : normalizeHardware(hw),
    model: r.str("infmax_model_prefix") ?? r.str("model_prefix"),
    model_path: r.str("model"),
    framework: r.str("framework")?.toLowerCase() ?? null,
    precision: r.str("precision")?.toLowerCase() ?? null,
    spec_decoding: r.str("spec_decoding"),
    disagg: r.bool("disagg"),
    runner: r.str("runner"),
    image: r.str("image"),
    is_multinode: r.bool("is_multinode"),
    isl: r.num("isl"),
    osl: r.num("osl"),
    concurrency: r.num("conc"),
    dp_attention: r.bool("dp_attention"),
    prefill_dp_attention: r.bool("prefill_dp_attention"),
    decode_dp_attention: r.bool("decode_dp_attention"),
  });
  const metrics: Partial<Record<MetricField, number | null>> = readTopology(r);
  const notes: Record<string, unknown> = dropNulls({
    recipe_fingerprint: r.str("recipe_fingerprint"),
    eval_concs: concList(r, "eval_concs", issues),
    completed_eval_concs: concList(r, "completed_eval_concs", issues),
    failed_eval_concs: concList(r, "failed_eval_concs", issues),
  });
  if (hw !== null && hw !== identity.hardware) notes.hw_raw = hw;

  const draft: RecordDraft = {
    source_format: "eval",
    priority: 10,
    identity,
    metrics: compact(metrics),
    notes,
    primary: false,
  };
  return { drafts: [draft], issues, unreadable: false };
}

/** A list of concurrencies (numbers or numeric strings); `null` when absent or not a list. */
function concList(r: FieldReader, key: string, issues: Issue[]): number[] | null {
  const raw = r.raw(key);
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) {
    issues.push({ line: null, message: `Field "${key}" is not a list: ${preview(raw)}` });
    return null;
  }
  const out: number[] = [];
  for (const x of raw) {
    const n = num(x);
    if (n === null) {
      issues.push({ line: null, message: `Field "${key}" has a non-numeric entry: ${preview(x)}` });
    } else out.push(n);
  }
  return out;
}
