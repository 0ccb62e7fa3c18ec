/**
 * Registry of the detectors, and the finding codes the pipeline emits itself.
 * @module
 */
import type { Rule } from "../lib/rule.ts";
import type { Severity } from "../lib/types.ts";
import { evalRegression } from "./eval_regression.ts";
import { invalidRunNoSuccessfulRequests } from "./invalid_run_no_successful_requests.ts";
import { kvOffloadThrash } from "./kv_offload_thrash.ts";
import { kvPressure } from "./kv_pressure.ts";
import { partialRun } from "./partial_run.ts";
import { prefixCacheRegression } from "./prefix_cache_regression.ts";
import { throughputPlateau } from "./throughput_plateau.ts";
import { tpotDegradation } from "./tpot_degradation.ts";
import { ttftCliff } from "./ttft_cliff.ts";

/** Every cell-level detector, sorted by code. */
export const RULES: readonly Rule[] = [
  evalRegression,
  invalidRunNoSuccessfulRequests,
  kvOffloadThrash,
  kvPressure,
  partialRun,
  prefixCacheRegression,
  throughputPlateau,
  tpotDegradation,
  ttftCliff,
];

/** A finding code emitted by the pipeline (discovery, parsing, fold), not by a rule. */
export interface PipelineCode {
  code: string;
  severities: readonly Severity[];
  summary: string;
}

/** Codes the pipeline emits rather than a rule, sorted by code. */
export const PIPELINE_CODES: readonly PipelineCode[] = [
  {
    code: "aggregate_mismatch",
    severities: ["warning"],
    summary: "An aggregate disagrees with the measured data of the same cell beyond rounding " +
      "(1 %), per-GPU throughput included (total, output and input: the raw total ÷ InferenceX's GPU divisor); the " +
      "evidence holds both numbers and which one the cell keeps (`used`: the agg of an " +
      "InferenceX cell, the per-request data of an agentic one)",
  },
  {
    code: "artifact_unreadable",
    severities: ["warning"],
    summary: "A recognised file could not be parsed; the evidence names the path, line and reason",
  },
  {
    code: "gpu_count_mismatch",
    severities: ["warning"],
    summary: "A cell's stated GPU total (from a name, record or uploader summary) is not the " +
      "count per-GPU throughput divides by, as InferenceX does: prefill + decode GPUs for a " +
      "disaggregated cell, tp×pp×pcp for a single-node one",
  },
  {
    code: "metrics_unavailable",
    severities: ["warning"],
    summary: "Metrics a report section needs are missing (e.g. an AgentX cell without server " +
      "metrics, or a timeline the manifest expects)",
  },
  {
    code: "missing_required_artifact",
    severities: ["critical"],
    summary: "A required input is absent: a cell has no usable primary record, a cell declared " +
      "in the manifest is missing, or the tree forms no cell while some of its files could not be used",
  },
];

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function severitiesOf(rule: Rule): readonly Severity[] {
  return rule.severities ?? [rule.severity];
}

/**
 * The README table of every finding code: code, severity, default thresholds, meaning.
 *
 * @example
 * ```ts
 * console.log(ruleTableMarkdown());
 * ```
 */
export function ruleTableMarkdown(): string {
  const rows = [
    ...RULES.map((r) => ({
      code: r.code,
      severity: severitiesOf(r).join(", "),
      thresholds: Object.entries(r.defaults).map(([k, v]) => `\`${k}=${v}\``).join(", ") || "—",
      meaning: r.summary,
    })),
    ...PIPELINE_CODES.map((p) => ({
      code: p.code,
      severity: p.severities.join(", "),
      thresholds: "— (pipeline)",
      meaning: p.summary,
    })),
  ].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const lines = [
    "| Code | Severity | Default thresholds | Meaning |",
    "|---|---|---|---|",
    ...rows.map((r) =>
      `| \`${r.code}\` | ${r.severity} | ${escapeCell(r.thresholds)} | ${escapeCell(r.meaning)} |`
    ),
  ];
  return lines.join("\n") + "\n";
}
