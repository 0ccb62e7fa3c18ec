/**
 * The valibot schema of `report.json`, used to validate reports read back (`--baseline`) and to
 * publish the JSON Schema (`inferguard schema`, `schema/report.schema.json`).
 * @module
 */
import * as v from "valibot";
import { toJsonSchema } from "@valibot/to-json-schema";
import { IDENTITY_FIELDS, METRIC_FIELDS } from "./types.ts";

const NullableNumber = v.nullable(v.number());
const NullableString = v.nullable(v.string());
const Severity = v.picklist(["info", "warning", "critical"]);

/** A finding. */
export const FindingSchema = v.object({
  code: v.string(),
  severity: Severity,
  cell_id: NullableString,
  message: v.string(),
  evidence: v.record(v.string(), v.unknown()),
  source: v.picklist(["analyzer", "timeline"]),
  count: v.optional(v.number()),
  first_seen_at: v.optional(v.string()),
  last_seen_at: v.optional(v.string()),
});

const identityEntries = Object.fromEntries(
  IDENTITY_FIELDS.map((f) => [f, v.nullable(v.union([v.string(), v.number(), v.boolean()]))]),
);
const metricEntries = Object.fromEntries(METRIC_FIELDS.map((f) => [f, NullableNumber]));

/** A normalized cell. */
export const CellSchema = v.object({
  cell_id: v.string(),
  ...identityEntries,
  source_format: v.picklist([
    "inferencex-static",
    "inferencex-srt-slurm",
    "agentx-trace-replay",
    "agentx-aiperf",
    "eval",
    "mixed",
    "unknown",
  ]),
  status: v.picklist(["complete", "partial", "failed", "unknown"]),
  metrics: v.object(metricEntries),
  extra_percentiles: v.record(v.string(), v.number()),
  eval: v.nullable(
    v.record(
      v.string(),
      v.record(v.string(), v.object({ value: v.number(), stderr: NullableNumber })),
    ),
  ),
  timeline: v.nullable(v.object({
    sample_count: v.number(),
    first_observed_at: NullableString,
    last_observed_at: NullableString,
    first_finding_at: NullableString,
    first_critical_at: NullableString,
    finding_counts: v.record(v.string(), v.number()),
    lead_time_to_ttft_cliff_s: NullableNumber,
  })),
  notes: v.record(v.string(), v.unknown()),
  artifacts: v.record(v.string(), v.array(v.string())),
  findings: v.array(FindingSchema),
});

/** The whole report. */
export const ReportSchema = v.object({
  schema_version: v.literal("inferguard-analyze/v1"),
  generated_at: v.string(),
  input_root: v.string(),
  analyzer: v.object({
    name: v.literal("inferguard"),
    version: v.string(),
    capabilities: v.object({
      diagnosis: v.literal("on"),
      actuation: v.literal("off"),
      replay: v.literal("off"),
      recall: v.literal("off"),
      llm: v.literal("off"),
    }),
    thresholds: v.record(v.string(), v.record(v.string(), v.number())),
  }),
  run_summary: v.object({
    cells_total: v.number(),
    cells_by_status: v.object({
      complete: v.number(),
      partial: v.number(),
      failed: v.number(),
      unknown: v.number(),
    }),
    cells_by_source_format: v.record(v.string(), v.number()),
    findings_total: v.number(),
    findings_by_severity: v.object({ critical: v.number(), warning: v.number(), info: v.number() }),
    findings_by_code: v.record(v.string(), v.number()),
    artifacts_discovered: v.number(),
    artifacts_parsed: v.number(),
    artifacts_unreadable: v.number(),
    missing_artifacts: v.array(v.object({ cell_id: NullableString, what: v.string() })),
    expected_cells: NullableNumber,
    timeline_expected: v.boolean(),
  }),
  cells: v.array(CellSchema),
  cross_run: v.object({
    curves: v.array(v.record(v.string(), v.unknown())),
    pareto_frontier: v.array(v.record(v.string(), v.unknown())),
    baseline: v.nullable(v.record(v.string(), v.unknown())),
    timelines: v.array(v.record(v.string(), v.unknown())),
  }),
  findings: v.array(FindingSchema),
  artifact_manifest: v.object({
    discovered: v.array(v.object({
      path: v.string(),
      kind: v.string(),
      size: v.number(),
      cell: NullableString,
      parsed: v.boolean(),
      issue: NullableString,
    })),
    skipped: v.array(v.object({ path: v.string(), line: NullableNumber, message: v.string() })),
    written: v.array(v.object({ path: v.string(), size: NullableNumber, sha256: NullableString })),
  }),
});

/**
 * The JSON Schema (draft-07) of `report.json`.
 *
 * @example
 * ```ts
 * JSON.stringify(reportJsonSchema()).includes("inferguard-analyze/v1"); // true
 * ```
 */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...toJsonSchema(ReportSchema),
    title: "inferguard analyze report (inferguard-analyze/v1)",
  } as Record<string, unknown>;
}
