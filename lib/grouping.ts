/**
 * Which cell each artifact belongs to, decided from relative paths and names only (never from
 * discovery order or absolute paths), so cell identity is stable across machines and runs.
 * @module
 */
import { stemOf } from "./names.ts";
import type { ArtifactKind, ArtifactRef } from "./types.ts";

const RUN_DIR_PREFIX = /^(bmk_agentic_|agentic_|server_logs_|eval_server_logs_)(.+)$/;
const FIXED_DIR_PREFIX = /^(bmk_|power_audit_|gpu_metrics_)(.+)$/;
const RUN_SUBDIRS = new Set(["trace_replay", "aiperf_artifacts", "results", "logs"]);
const AGENTIC_KINDS: ReadonlySet<ArtifactKind> = new Set([
  "detailed_results",
  "server_metrics_csv",
  "aiperf_profile",
  "aiperf_profile_jsonl",
  "aiperf_server_metrics",
  "agentx_agg",
  "command",
  "status",
  "config",
  "log",
  "plot",
  "other",
  "summary_csv",
  "archive",
]);

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The run directory of a raw file: its directory, minus a trailing `trace_replay`-like level. */
export function runDirOf(path: string): string {
  let dir = dirOf(path);
  while (dir && RUN_SUBDIRS.has(baseOf(dir))) dir = dirOf(dir);
  return dir;
}

/** Nearest ancestor directory named like an AgentX artifact directory, with its RF suffix. */
function agenticAncestor(dir: string): { dir: string; rf: string } | null {
  while (dir) {
    const m = baseOf(dir).match(RUN_DIR_PREFIX);
    if (m) return { dir, rf: m[2] };
    dir = dirOf(dir);
  }
  return null;
}

/** The group key of an AgentX run: `run:<suffix>` at the root, `run:<dir>/<suffix>` below it. */
function runKey(dir: string, suffix: string): string {
  return dir ? `run:${dir}/${suffix}` : `run:${suffix}`;
}

/** Strip an agg/power prefix from a file stem so a raw result and its agg share one stem. */
function pairStem(path: string): string {
  return stemOf(path).replace(/^(agg_|power_validation_)/, "");
}

/**
 * Group keys for every artifact (parallel to `artifacts`). Artifacts with one key form one cell;
 * `null` means the artifact does not belong to a cell by itself (evals and timelines are attached
 * later to the nearest cell).
 */
export function groupKeys(artifacts: readonly ArtifactRef[]): (string | null)[] {
  // AgentX aggregates per artifact directory: one agg = the run's record; several = per stem.
  const aggsPerDir = new Map<string, number>();
  for (const a of artifacts) {
    if (a.kind === "agentx_agg") {
      aggsPerDir.set(dirOf(a.path), (aggsPerDir.get(dirOf(a.path)) ?? 0) + 1);
    }
  }
  // Files of one directory share its ancestor (walked up once per directory, not per file).
  const ancestors = new Map<string, { dir: string; rf: string } | null>();
  return artifacts.map((a) => {
    if (a.kind === "timeline" || a.kind.startsWith("eval_") || a.kind === "manifest") return null;
    if (a.kind === "agg_collection") return null;
    const parent = dirOf(a.path);
    let anc = ancestors.get(parent);
    if (anc === undefined) {
      anc = agenticAncestor(parent);
      ancestors.set(parent, anc);
    }
    // A run's directories (`bmk_agentic_<rf>`, `agentic_<rf>`, `server_logs_<rf>`) are siblings:
    // their run key is the directory holding them plus the suffix, so the same suffix in two
    // campaigns (two parents) makes two cells.
    if (a.kind === "agentx_agg") {
      if (anc && parent === anc.dir && (aggsPerDir.get(anc.dir) ?? 0) === 1) {
        return runKey(dirOf(anc.dir), anc.rf);
      }
      return runKey(dirOf(anc ? anc.dir : parent), stemOf(a.path));
    }
    if (anc && AGENTIC_KINDS.has(a.kind)) return runKey(dirOf(anc.dir), anc.rf);
    if (
      a.kind === "detailed_results" || a.kind === "server_metrics_csv" ||
      a.kind === "aiperf_profile" || a.kind === "aiperf_profile_jsonl" ||
      a.kind === "aiperf_server_metrics"
    ) {
      return `dir:${runDirOf(a.path)}`;
    }
    if (a.kind === "agg" || a.kind === "raw_result" || a.kind === "power_validation") {
      let dir = dirOf(a.path);
      const stem = pairStem(a.path);
      const m = baseOf(dir).match(FIXED_DIR_PREFIX);
      if (m && m[2] === stem) dir = dirOf(dir);
      return `file:${dir ? dir + "/" : ""}${stem}`;
    }
    // Listing-only files belong to the run directory they sit in, when it is a cell.
    return `dir:${runDirOf(a.path)}`;
  });
}
