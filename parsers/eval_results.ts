/**
 * Parser for lm-eval `results*.json` (reference §10.2): `results{task: {"<metric>,<filter>": v,
 * "<metric>_stderr,<filter>": se}}` → `eval{task: {"<metric>,<filter>": {value, stderr}}}`.
 * @module
 */
import type { EvalResults, ParseResult, RecordDraft } from "../lib/types.ts";
import { asObject, dropNulls, FieldReader, type Issue, num, preview } from "./_coerce.ts";

/** Keys of a task's result block that are not metrics. */
const NON_METRIC_KEYS = new Set(["alias", "name", "sample_len", "sample_count"]);

/** lm-eval's placeholder for an unavailable stderr. */
const NO_STDERR = new Set(["N/A", "NA", "nan", "NaN", ""]);

/**
 * Parses one lm-eval results document (already decoded JSON) into one eval record draft.
 *
 * @example
 * ```ts
 * const { drafts } = parseEvalResults(JSON.parse(text));
 * drafts[0].eval?.gsm8k["exact_match,strict-match"].value;
 * ```
 */
export function parseEvalResults(value: unknown): ParseResult {
  const issues: Issue[] = [];
  const top = asObject(value);
  if (top === null) {
    issues.push({
      line: null,
      message: `Expected an lm-eval results object, got ${preview(value)}`,
    });
    return { drafts: [], issues, unreadable: true };
  }
  const r = new FieldReader(top, { issues });
  const results = r.obj("results");
  if (results === null) {
    if (!r.has("results")) issues.push({ line: null, message: 'Field "results" is missing' });
    return { drafts: [], issues, unreadable: true };
  }

  const evalResults: EvalResults = {};
  for (const task of Object.keys(results.value).sort()) {
    const block = results.obj(task);
    if (block === null) continue;
    const metrics = readTaskMetrics(block.value, `results.${task}`, issues);
    if (Object.keys(metrics).length > 0) evalResults[task] = metrics;
  }
  if (Object.keys(evalResults).length === 0) {
    issues.push({ line: null, message: "No numeric eval metrics found in results" });
  }

  const notes: Record<string, unknown> = dropNulls({
    lm_eval_version: r.str("lm_eval_version"),
    model_name: r.str("model_name"),
    git_hash: r.str("git_hash"),
    date: r.num("date"),
  });
  const nSamples = r.obj("n-samples");
  if (nSamples !== null) notes.n_samples = nSamples.value;

  const draft: RecordDraft = {
    source_format: "eval",
    priority: 10,
    identity: dropNulls({ model_path: r.str("model_name") }),
    metrics: {},
    eval: evalResults,
    notes,
    primary: false,
  };
  return { drafts: [draft], issues, unreadable: false };
}

/** Metric values and their stderr from one task block; keys keep lm-eval's `metric,filter` form. */
function readTaskMetrics(
  block: Record<string, unknown>,
  where: string,
  issues: Issue[],
): EvalResults[string] {
  const out: EvalResults[string] = {};
  for (const key of Object.keys(block).sort()) {
    const comma = key.indexOf(",");
    const metric = comma === -1 ? key : key.slice(0, comma);
    const filter = comma === -1 ? null : key.slice(comma + 1);
    if (NON_METRIC_KEYS.has(metric) || metric.endsWith("_stderr")) continue;
    const raw = block[key];
    if (raw === null || typeof raw === "object") continue;
    const x = num(raw);
    if (x === null) {
      if (typeof raw === "string" && NO_STDERR.has(raw.trim())) continue;
      issues.push({
        line: null,
        message: `Field "${where}.${key}" is not a number: ${preview(raw)}`,
      });
      continue;
    }
    const seKey = filter === null ? `${metric}_stderr` : `${metric}_stderr,${filter}`;
    const seRaw = block[seKey];
    let stderr: number | null = null;
    if (seRaw !== undefined && seRaw !== null) {
      stderr = num(seRaw);
      if (stderr === null && !(typeof seRaw === "string" && NO_STDERR.has(seRaw.trim()))) {
        issues.push({
          line: null,
          message: `Field "${where}.${seKey}" is not a number: ${preview(seRaw)}`,
        });
      } else if (stderr !== null && stderr < 0) {
        issues.push({
          line: null,
          message: `Field "${where}.${seKey}" is ${stderr}, below 0; treated as missing`,
        });
        stderr = null;
      }
    }
    out[key] = { value: x, stderr };
  }
  return out;
}
