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
/** A multi-node AgentX run's per-concurrency level: `LOGS/agentic/conc_<N>/` (reference §9.1). */
const CONC_DIR = /^conc_(\d+)$/;
/** Kinds of an AgentX run's files that carry its measurements (aggregate, per-request, server). */
export const AGENTIC_MEASUREMENT_KINDS: readonly ArtifactKind[] = [
  "detailed_results",
  "server_metrics_csv",
  "aiperf_profile",
  "aiperf_profile_jsonl",
  "aiperf_server_metrics",
  "aiperf_profile_csv",
  "client_metrics_csv",
  "gpu_transfer_csv",
  "agentx_agg",
];
const AGENTIC_KINDS: ReadonlySet<ArtifactKind> = new Set([
  ...AGENTIC_MEASUREMENT_KINDS,
  "command",
  "status",
  "config",
  "log",
  "plot",
  "other",
  "summary_csv",
  "archive",
]);

/** The directory of a relative path (`""` at the root). */
export function dirOf(path: string): string {
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

/** An AgentX artifact directory above a file: its path, its RF suffix, and the run's point. */
interface Ancestor {
  dir: string;
  rf: string;
  /** `N` of the nearest `conc_<N>` level between the directory and the file, if any. */
  conc: number | null;
}

/**
 * Nearest ancestor directory named like an AgentX artifact directory, with its RF suffix and the
 * concurrency of the nearest `conc_<N>` level below it (multi-node AgentX writes one raw tree per
 * concurrency, `LOGS/agentic/conc_<N>/aiperf_artifacts/`, reference §2.2 and §9.1).
 */
function agenticAncestor(dir: string): Ancestor | null {
  let conc: number | null = null;
  while (dir) {
    const base = baseOf(dir);
    const m = base.match(RUN_DIR_PREFIX);
    if (m) return { dir, rf: m[2], conc };
    if (conc === null) {
      const n = Number(CONC_DIR.exec(base)?.[1] ?? 0);
      if (n > 0 && Number.isSafeInteger(n)) conc = n;
    }
    dir = dirOf(dir);
  }
  return null;
}

/** The group key of an AgentX run: `run:<suffix>` at the root, `run:<dir>/<suffix>` below it. */
function runKey(dir: string, suffix: string): string {
  return dir ? `run:${dir}/${suffix}` : `run:${suffix}`;
}

/**
 * The group key of one concurrency of a multi-node AgentX run. Its aggregate is `<RF>_conc<N>.json`
 * and its raw tree `conc_<N>/`; the key names the point as InferenceX names a per-point copy
 * (`<RF>_concurrency_<N>`), which the name parser reads as the point's concurrency, so a cell with
 * raw data only still gets concurrency `N` rather than the `conc<M>` of the RF's experiment name.
 */
function concRunKey(dir: string, rf: string, conc: number): string {
  return runKey(dir, `${rf}_concurrency_${conc}`);
}

/** `N` when `stem` is `<rf>_conc<N>`, the name of one concurrency's aggregate; else `null`. */
function aggConcOf(stem: string, rf: string): number | null {
  if (stem.length <= rf.length + 5 || !stem.startsWith(`${rf}_conc`)) return null;
  const digits = stem.slice(rf.length + 5);
  if (!/^\d+$/.test(digits)) return null;
  const n = Number(digits);
  return n > 0 && Number.isSafeInteger(n) ? n : null;
}

/**
 * Whether a file stem belongs to the run named by the `bmk_`/`power_audit_`/`gpu_metrics_`
 * directory `rf` it sits in: the stem is the RF itself (single-node, `bmk_<RF>/agg_<RF>.json`) or
 * the RF plus a per-point suffix (multi-node, `bmk_<RF>/agg_<RF>_concurrency_64_….json` beside
 * `power_audit_<RF>/<RF>_concurrency_64_….json`, reference §2.2 and §2.4).
 */
function stemOfRun(stem: string, rf: string): boolean {
  return stem === rf || (stem.length > rf.length + 1 && stem.startsWith(`${rf}_`));
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
  const ancestors = new Map<string, Ancestor | null>();
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
    // A multi-node run's `<RF>_conc<N>.json` (one per concurrency) and its `conc_<N>/` raw tree
    // make one cell per concurrency; the run's other files stay with the run's own key.
    if (a.kind === "agentx_agg") {
      const stem = stemOf(a.path);
      if (anc && parent === anc.dir) {
        const conc = aggConcOf(stem, anc.rf);
        if (conc !== null) return concRunKey(dirOf(anc.dir), anc.rf, conc);
        if ((aggsPerDir.get(anc.dir) ?? 0) === 1) return runKey(dirOf(anc.dir), anc.rf);
      }
      return runKey(dirOf(anc ? anc.dir : parent), stem);
    }
    if (anc && AGENTIC_KINDS.has(a.kind)) {
      return anc.conc === null
        ? runKey(dirOf(anc.dir), anc.rf)
        : concRunKey(dirOf(anc.dir), anc.rf, anc.conc);
    }
    if (
      a.kind === "detailed_results" || a.kind === "server_metrics_csv" ||
      a.kind === "aiperf_profile" || a.kind === "aiperf_profile_jsonl" ||
      a.kind === "aiperf_server_metrics" || a.kind === "aiperf_profile_csv" ||
      a.kind === "client_metrics_csv"
    ) {
      return `dir:${runDirOf(a.path)}`;
    }
    if (a.kind === "agg" || a.kind === "raw_result" || a.kind === "power_validation") {
      let dir = dirOf(a.path);
      const stem = pairStem(a.path);
      const m = baseOf(dir).match(FIXED_DIR_PREFIX);
      if (m && stemOfRun(stem, m[2])) dir = dirOf(dir);
      return `file:${dir ? dir + "/" : ""}${stem}`;
    }
    // Listing-only files belong to the run directory they sit in, when it is a cell.
    return `dir:${runDirOf(a.path)}`;
  });
}
