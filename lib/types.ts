/**
 * Core types shared by parsers, the fold, rules and renderers.
 *
 * Field names of cells and findings follow the report schema (snake_case) exactly.
 * @module
 */
import type { NumberMap } from "./packed.ts";

/** Severity of a finding, ordered info < warning < critical. */
export type Severity = "info" | "warning" | "critical";

/** Numeric rank of each severity, for sorting and `--fail-on` comparisons. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  info: 0,
  warning: 1,
  critical: 2,
};

/** One finding: a code, its severity, the cell it is about and the evidence behind it. */
export interface Finding {
  code: string;
  severity: Severity;
  cell_id: string | null;
  message: string;
  evidence: Record<string, unknown>;
  source: "analyzer" | "timeline";
  /** Timeline findings only: how many samples carried it. */
  count?: number;
  first_seen_at?: string;
  last_seen_at?: string;
}

/** What discovery decided a file is. */
export type ArtifactKind =
  | "agg"
  | "raw_result"
  | "agg_collection"
  | "power_validation"
  | "manifest"
  | "detailed_results"
  | "server_metrics_csv"
  | "agentx_agg"
  | "aiperf_profile"
  | "aiperf_profile_jsonl"
  | "aiperf_server_metrics"
  | "aiperf_profile_csv"
  | "client_metrics_csv"
  | "gpu_transfer_csv"
  | "eval_results"
  | "eval_samples"
  | "eval_meta"
  | "eval_collection"
  | "timeline"
  | "summary_csv"
  | "command"
  | "status"
  | "config"
  | "log"
  | "archive"
  | "plot"
  | "json_other"
  | "other";

/** A discovered file, path relative to the results root with `/` separators. */
export interface ArtifactRef {
  path: string;
  kind: ArtifactKind;
  size: number;
}

/** Where the cell came from; the upstream analyzer's names are kept for compatibility. */
export type SourceFormat =
  | "inferencex-static"
  | "inferencex-srt-slurm"
  | "agentx-trace-replay"
  | "agentx-aiperf"
  | "eval"
  | "mixed"
  | "unknown";

/** Completion status of a cell. */
export type CellStatus = "complete" | "partial" | "failed" | "unknown";

/** The topology among a cell's metric fields (SPEC §3), in report order. */
const TOPOLOGY_FIELDS = [
  "tp",
  "pp",
  "ep",
  "dcp",
  "pcp",
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
] as const;

/** Every numeric metric field of a cell (SPEC §3), in report order. */
export const METRIC_FIELDS = [
  ...TOPOLOGY_FIELDS,
  // completion
  "num_requests_total",
  "num_requests_successful",
  "success_rate",
  // throughput
  "total_tput_tps",
  "input_tput_tps",
  "output_tput_tps",
  "tput_per_gpu",
  "input_tput_per_gpu",
  "output_tput_per_gpu",
  "request_throughput",
  "duration_s",
  // latency (seconds)
  "mean_ttft",
  "p50_ttft",
  "p90_ttft",
  "p99_ttft",
  "p999_ttft",
  "mean_tpot",
  "p50_tpot",
  "p90_tpot",
  "p99_tpot",
  "mean_itl",
  "p50_itl",
  "p90_itl",
  "p99_itl",
  "mean_e2el",
  "p50_e2el",
  "p90_e2el",
  "p99_e2el",
  "intvty",
  // cache / offload
  "theoretical_cache_hit_rate",
  "server_gpu_cache_hit_rate",
  "server_cpu_cache_hit_rate",
  "kv_offload_bytes_gpu_to_cpu",
  "kv_offload_bytes_cpu_to_gpu",
  "kv_offload_time_gpu_to_cpu",
  "kv_offload_time_cpu_to_gpu",
  "gpu_kv_usage_p95",
  "cpu_kv_usage_p95",
  "num_preemptions",
  // power
  "avg_power_w",
  "joules_per_output_token",
] as const;

/** Name of a numeric metric field. */
export type MetricField = typeof METRIC_FIELDS[number];

/** Every string/boolean identity field of a cell, in report order. */
export const IDENTITY_FIELDS = [
  "hardware",
  "model",
  "model_path",
  "framework",
  "precision",
  "spec_decoding",
  "offload_mode",
  "disagg",
  "recipe_name",
  "runner",
  "image",
  "scenario_type",
  "is_multinode",
  "isl",
  "osl",
  "concurrency",
  "dp_attention",
  "prefill_dp_attention",
  "decode_dp_attention",
] as const;

/** Name of an identity/shape field. */
export type IdentityField = typeof IDENTITY_FIELDS[number];

/** Identity and shape values; every one may be unknown (`null`). */
export interface Identity {
  hardware: string | null;
  /** Stable model key (`infmax_model_prefix` where known). */
  model: string | null;
  /** Model as the record names it (HF id or local path), for display. */
  model_path: string | null;
  framework: string | null;
  precision: string | null;
  spec_decoding: string | null;
  offload_mode: string | null;
  disagg: boolean | null;
  recipe_name: string | null;
  runner: string | null;
  image: string | null;
  scenario_type: string | null;
  is_multinode: boolean | null;
  isl: number | null;
  osl: number | null;
  concurrency: number | null;
  dp_attention: boolean | null;
  prefill_dp_attention: boolean | null;
  decode_dp_attention: boolean | null;
}

/** Numeric metrics; `null` when not derivable (never 0 by default). */
export type Metrics = Record<MetricField, number | null>;

/** Eval results: task -> metric -> value and optional stderr. */
export type EvalResults = Record<string, Record<string, { value: number; stderr: number | null }>>;

/** Live-timeline summary attached to a cell. */
export interface TimelineSummary {
  sample_count: number;
  first_observed_at: string | null;
  last_observed_at: string | null;
  first_finding_at: string | null;
  first_critical_at: string | null;
  finding_counts: Record<string, number>;
  lead_time_to_ttft_cliff_s: number | null;
}

/** A normalized cell: one (configuration, concurrency) measurement. */
export interface Cell extends Identity {
  cell_id: string;
  source_format: SourceFormat;
  status: CellStatus;
  metrics: Metrics;
  /** Extra latency percentiles kept from raw files (key -> seconds), e.g. `p99.9_e2el`. */
  extra_percentiles: Record<string, number>;
  eval: EvalResults | null;
  timeline: TimelineSummary | null;
  /** Free-form facts that explain the numbers (power validity reasons, request accounting, …). */
  notes: Record<string, unknown>;
  /** Relative artifact paths by kind. */
  artifacts: Partial<Record<ArtifactKind, string[]>>;
  findings: Finding[];
}

/** A parser's record placed in its cell: the draft plus its group key and artifact. */
export interface CellRecord extends Omit<LoadedDraft, "sub_key"> {
  /** Cells are merged by this key (derived from paths and names, never from discovery order). */
  group_key: string;
  /** Relative path of the artifact this record came from. */
  artifact: string;
  kind: ArtifactKind;
}

/** A problem found while reading one artifact. */
export interface ArtifactIssue {
  path: string;
  line: number | null;
  message: string;
}

/** One record a parser drafts; the pipeline adds the group key and artifact path. */
export interface RecordDraft {
  /** Distinguishes several records of one artifact (rows of an array); omitted for one record. */
  sub_key?: string;
  source_format: SourceFormat;
  /**
   * Higher wins when two records set the same field: AgentX per-request data (30) beats AgentX
   * aggregates (20); a fixed-sequence agg (25) beats its raw result (20), whose numbers it is
   * derived from exactly, and the raw file fills what the agg lacks (counts, percentiles).
   */
  priority: number;
  identity: Partial<Identity>;
  metrics: Partial<Metrics>;
  extra_percentiles?: Record<string, number>;
  eval?: EvalResults;
  notes?: Record<string, unknown>;
  /** Whether this record can stand alone as a cell's primary record. */
  primary: boolean;
}

/**
 * A draft as loading keeps it until the fold: its numbers may be packed (lib/packed.ts), and
 * readers take both forms.
 */
export interface LoadedDraft extends Omit<RecordDraft, "metrics" | "extra_percentiles"> {
  metrics: NumberMap<Partial<Metrics>>;
  extra_percentiles?: NumberMap<Record<string, number>>;
}

/** What a parser returns for one artifact: drafted records and per-line issues. */
export interface ParseResult {
  drafts: RecordDraft[];
  /** Problems with a line number (1-based) when known; one bad line never aborts the file. */
  issues: { line: number | null; message: string }[];
  /** True when nothing usable could be read (the artifact is unreadable). */
  unreadable: boolean;
}

/** A parse result as loading keeps it (see {@link LoadedDraft}). */
export interface LoadedResult extends Omit<ParseResult, "drafts"> {
  drafts: LoadedDraft[];
}

/** One expected cell: a path prefix and/or identity values. */
export interface ExpectedCell {
  /** Index in the manifest's list, for evidence. */
  index: number;
  path: string | null;
  match: Record<string, string | number | boolean>;
}

/**
 * Topology a cell holds among its metrics, which an expected cell of a campaign manifest may name
 * (lib/analyze.ts reads them there; a single-node cell that does not state pp, dcp or pcp runs
 * with 1, as its curve key says).
 */
export const TOPOLOGY_KEYS: ReadonlySet<string> = new Set(TOPOLOGY_FIELDS);

/** A campaign manifest. */
export interface CampaignManifest {
  expected_cells: ExpectedCell[];
  timeline_expected: boolean;
}

/** One artifact after reading: its (refined) reference and what its parser made of it. */
export interface LoadedArtifact {
  ref: ArtifactRef;
  /** `null` for kinds that are listed but not parsed. */
  result: LoadedResult | null;
  manifest?: CampaignManifest | null;
}

/**
 * Line readers hand an over-long line to line parsers as this mark followed by a message, so the
 * parser can report the line ("Line longer than N bytes; skipped") without ever holding it. The
 * mark is a lone surrogate: `TextDecoder` never outputs one, so no line read from a file can
 * start with it (a NUL could, and a line of a file was then taken for the mark).
 */
export const OVERLONG_LINE_MARK = "\uDFFF";

/** The marker line for a line over `maxBytes`. */
export function overlongLine(maxBytes: number): string {
  return `${OVERLONG_LINE_MARK}Line longer than ${maxBytes} bytes; skipped`;
}

/** The message of a marker line, or `null` for an ordinary line. */
export function overlongMessage(line: string): string | null {
  return line.startsWith(OVERLONG_LINE_MARK) ? line.slice(OVERLONG_LINE_MARK.length) : null;
}
