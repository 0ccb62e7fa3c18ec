/**
 * Recognising artifacts: by name first, then by a cheap look at the content.
 * @module
 */
import { isRecord } from "./coerce.ts";
import type { ArtifactKind } from "./types.ts";

/**
 * Compile a glob (relative to the results root) into a matcher. `**` spans directories
 * (also none), `*` and `?` stay within one path segment.
 *
 * @example
 * ```ts
 * globMatcher("**\/inferguard_timeline.jsonl")("a/b/inferguard_timeline.jsonl"); // true
 * ```
 */
export function globMatcher(glob: string): (relPath: string) => boolean {
  let re = "^";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      if (glob[i + 2] === "/") {
        re += "(?:.*/)?";
        i += 2;
      } else {
        re += ".*";
        i += 1;
      }
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const rx = new RegExp(re + "$");
  return (p) => rx.test(p);
}

/** The default `--timeline-glob`: every file named `inferguard_timeline.jsonl`. */
export const DEFAULT_TIMELINE_GLOB = "**/inferguard_timeline.jsonl";

/**
 * Which files are live-overlay timelines: those `glob` names. The default glob takes the name in
 * any case (`Inferguard_Timeline.jsonl`), as file names are recognised everywhere else; a glob of
 * the user's is taken as written.
 *
 * @example
 * ```ts
 * timelineMatcher(DEFAULT_TIMELINE_GLOB)("run/INFERGUARD_TIMELINE.JSONL"); // true
 * ```
 */
export function timelineMatcher(glob: string): (relPath: string) => boolean {
  const matches = globMatcher(glob);
  if (glob !== DEFAULT_TIMELINE_GLOB) return matches;
  return (p) =>
    matches(p) || p.slice(p.lastIndexOf("/") + 1).toLowerCase() === "inferguard_timeline.jsonl";
}

/**
 * Kind of a file from its relative path alone. JSON files that need a look at their content
 * come back as `json_other` and are settled by {@link kindFromJson}.
 */
export function kindFromName(relPath: string, isTimeline: (p: string) => boolean): ArtifactKind {
  const base = relPath.slice(relPath.lastIndexOf("/") + 1);
  const lower = base.toLowerCase();
  // Timelines are what `--timeline-glob` names, and only that: a glob can leave some out.
  if (isTimeline(relPath)) return "timeline";
  if (lower === "detailed_results.csv") return "detailed_results";
  if (lower === "metrics_server_metrics.csv") return "server_metrics_csv";
  if (lower === "server_metrics_export.csv") return "aiperf_server_metrics";
  if (lower === "profile_export.jsonl") return "aiperf_profile_jsonl";
  if (lower === "profile_export_aiperf.json") return "aiperf_profile";
  if (lower === "profile_export_aiperf.csv") return "aiperf_profile_csv";
  if (lower === "metrics_client_metrics.csv") return "client_metrics_csv";
  if (lower === "metrics_gpu_transfer.csv") return "gpu_transfer_csv";
  if (lower === "meta_env.json") return "eval_meta";
  if (/^samples?_.*\.jsonl$/.test(lower)) return "eval_samples";
  if (lower.endsWith(".json")) return "json_other";
  if (lower === "summary.csv" || lower.endsWith("_summary.csv")) return "summary_csv";
  if (lower.endsWith("_command.txt")) return "command";
  if (lower === "status.txt") return "status";
  if (/config.*\.ya?ml$/.test(lower)) return "config";
  if (/\.(log|out|err)$/.test(lower)) return "log";
  if (/\.(tar\.gz|tgz|tar|zip|gz)$/.test(lower)) return "archive";
  if (/\.(png|jpe?g|svg|html|pdf)$/.test(lower)) return "plot";
  return "other";
}

const META_ENV = "meta_env.json";

/**
 * Kind of a parsed JSON file from its top-level shape (the formats reference's sniffing rules),
 * with the file name as a tie-breaker.
 */
export function kindFromJson(relPath: string, value: unknown): ArtifactKind {
  // The lower-case file name is needed only for arrays and `meta_env.json`: most files (one per
  // agg and per raw result) never build it.
  const slash = relPath.lastIndexOf("/");
  if (Array.isArray(value)) {
    const first = value.find(isRecord);
    if (first === undefined) {
      return relPath.slice(slash + 1).toLowerCase().includes("eval")
        ? "eval_collection"
        : "agg_collection";
    }
    if ("task" in first && hasScore(first)) return "eval_collection";
    return "agg_collection";
  }
  if (!isRecord(value)) return "json_other";
  // Lower-casing never turns other characters into these ASCII ones, so only a name of exactly
  // this length can match.
  if (
    relPath.length - slash - 1 === META_ENV.length &&
    relPath.slice(slash + 1).toLowerCase() === META_ENV
  ) return "eval_meta";
  if (value.scenario_type === "agentic-coding") return "agentx_agg";
  if ("integration_method" in value && "power_valid" in value) return "power_validation";
  if ("tput_per_gpu" in value && ("infmax_model_prefix" in value || "hw" in value)) return "agg";
  if (isNestedAggRow(value)) return "agg";
  if ("max_concurrency" in value && ("total_token_throughput" in value || "completed" in value)) {
    return "raw_result";
  }
  if ("schema_version" in value && "aiperf_version" in value) return "aiperf_profile";
  if ("results" in value && ("lm_eval_version" in value || "configs" in value)) {
    return "eval_results";
  }
  // inferguard's own report (from a run written elsewhere, or copied in) has `cells` too: it is
  // no manifest, and its cells are not expected measurements.
  if (typeof value.schema_version === "string" && value.schema_version.startsWith("inferguard-")) {
    return "json_other";
  }
  if (
    Array.isArray(value.expected_cells) || Array.isArray(value.cells) ||
    "timeline_expected" in value
  ) return "manifest";
  if ("tput_per_gpu" in value || "median_tpot" in value) return "agg";
  return "json_other";
}

/**
 * A benchmark point whose metrics are nested in a `metrics` object, with its identity beside it:
 * an InferenceX-app API row (`hardware`, `conc`, `metrics{…}`) or a together baseline
 * (`hw`, `conc`, `metrics{…}`, `gpu{…}`), formats reference §12 and §3.4. App API evaluation rows
 * (`task`) are not benchmark points.
 */
function isNestedAggRow(value: Record<string, unknown>): boolean {
  return isRecord(value.metrics) && "conc" in value && ("hw" in value || "hardware" in value) &&
    !("task" in value);
}

/** Whether an artifact kind carries records the pipeline parses (as opposed to listing only). */
export function isParsedKind(kind: ArtifactKind): boolean {
  return ![
    "gpu_transfer_csv",
    "command",
    "status",
    "config",
    "log",
    "archive",
    "plot",
    "other",
  ].includes(kind);
}

/**
 * Whether a collected row carries an eval score: agg_eval rows at the top level (`score`,
 * `em_strict`), InferenceX-app API evaluation rows in their `metrics` object (reference §12).
 */
function hasScore(row: Record<string, unknown>): boolean {
  if ("score" in row || "em_strict" in row) return true;
  const m = row.metrics;
  return isRecord(m) && ("score" in m || "em_strict" in m || "em_flexible" in m);
}
