/**
 * The pure core of `inferguard analyze`: loaded artifacts in, a complete report out.
 * No file system, clock or environment access happens here.
 * @module
 */
import { crossCheckAggregates } from "./crosscheck.ts";
import { gpuCountMismatches } from "./gpu_count.ts";
import { finding } from "./finding.ts";
import { joinEvalCells, MULTI_NODE_TOPOLOGY } from "./eval_join.ts";
import { foldGroups } from "./fold.ts";
import { planCopies } from "./copies.ts";
import { dirOf, groupKeys, runDirOf } from "./grouping.ts";
import { dirSeqNameOf, parseResultName } from "./names.ts";
import { siblingHardware } from "./sibling_hardware.ts";
import { numberAt } from "./packed.ts";
import { type AttachedTimelines, attachTimelines, type TimelineInput } from "./timeline.ts";
import { compareFindings, runRules } from "./detect.ts";
import type { BaselineMatch } from "./baseline.ts";
import { addCount, groupBy, replaceContents, withSortedKeys } from "./group_by.ts";
import type { Curve, Frontier } from "./curves.ts";
import {
  type ArtifactIssue,
  type ArtifactKind,
  type CampaignManifest,
  type Cell,
  type CellRecord,
  type ExpectedCell,
  type Finding,
  type Identity,
  type LoadedArtifact,
  type MetricField,
  type Severity,
  TOPOLOGY_KEYS,
} from "./types.ts";

export { VERSION } from "./version.ts";
import { VERSION } from "./version.ts";

/** One entry of the discovered-artifact manifest. */
export interface DiscoveredEntry {
  path: string;
  kind: ArtifactKind;
  size: number;
  cell: string | null;
  parsed: boolean;
  issue: string | null;
}

/** One written report file. */
export interface WrittenEntry {
  path: string;
  size: number | null;
  sha256: string | null;
}

/** The `report.json` document (key order is the schema's). */
export interface Report {
  schema_version: "inferguard-analyze/v1";
  generated_at: string;
  input_root: string;
  analyzer: {
    name: "inferguard";
    version: string;
    capabilities: { diagnosis: "on"; actuation: "off"; replay: "off"; recall: "off"; llm: "off" };
    thresholds: Record<string, Record<string, number>>;
  };
  run_summary: {
    cells_total: number;
    cells_by_status: Record<"complete" | "partial" | "failed" | "unknown", number>;
    cells_by_source_format: Record<string, number>;
    findings_total: number;
    findings_by_severity: Record<Severity, number>;
    findings_by_code: Record<string, number>;
    artifacts_discovered: number;
    artifacts_parsed: number;
    artifacts_unreadable: number;
    missing_artifacts: { cell_id: string | null; what: string }[];
    expected_cells: number | null;
    timeline_expected: boolean;
  };
  cells: Cell[];
  cross_run: {
    curves: Curve[];
    pareto_frontier: Frontier[];
    baseline: BaselineSummary | null;
    timelines: RunTimeline[];
  };
  findings: Finding[];
  artifact_manifest: {
    discovered: DiscoveredEntry[];
    skipped: ArtifactIssue[];
    written: WrittenEntry[];
  };
}

/** `cross_run.baseline`: what `--baseline` was and how this run's cells matched its cells. */
export interface BaselineSummary {
  source: string;
  /** Cells of the baseline. */
  baseline_cells: number;
  matched: number;
  /** Cells of this run paired with no baseline cell (by identity, or an eval's identity). */
  unmatched: string[];
  /** Baseline cells paired with no cell of this run: points this run did not measure again. */
  baseline_unmatched: string[];
  matches: BaselineMatch[];
}

/** A timeline file and the cell it was attached to (or none). */
export type RunTimeline = AttachedTimelines["runTimelines"][number];

/** Inputs of {@link analyze}. */
export interface AnalyzeInput {
  inputRoot: string;
  generatedAt: string;
  loaded: readonly LoadedArtifact[];
  walkIssues: readonly ArtifactIssue[];
  timelines: readonly TimelineInput[];
  thresholds: Record<string, Record<string, number>>;
  baseline?: { source: string; cells: readonly Cell[] } | null;
  /**
   * Measurement files with a byte-identical twin, each mapped to one path shared by every file
   * with its bytes (lib/io/same_bytes.ts); a group whose files all repeat another's is counted
   * once (lib/copies.ts). Without it, no file is taken for a copy.
   */
  sameBytes?: ReadonlyMap<string, string>;
  /**
   * Hands the parsed records over to the analysis. Once they are folded into cells and
   * cross-checked, analyze lets go of them: it empties every `loaded[i].result.drafts` and drops
   * its own references, then calls this, which may have the memory they held collected (see
   * lib/io/analyze_main.ts). Without it, `loaded` is left as it was.
   */
  recordsFolded?: () => void;
}

/**
 * Record that `owner` has something at `place`: the first owner there is kept, and a second,
 * different one makes the place no one's (`null`), as a directory several cells share.
 */
function claim(owners: Map<string, string | null>, place: string, owner: string): void {
  const seen = owners.get(place);
  if (seen === undefined) owners.set(place, owner);
  else if (seen !== owner) owners.set(place, null);
}

/** The run directory of each cell with a primary record (`null`: several cells share it). */
function runDirIndex(
  records: readonly CellRecord[],
  primaryKeys: ReadonlySet<string>,
  copies: ReadonlyMap<string, readonly { path: string }[]>,
  rows: ReadonlyMap<string, readonly { path: string }[]>,
): Map<string, string | null> {
  const keyByDir = new Map<string, string | null>();
  const add = (path: string, key: string) => claim(keyByDir, runDirOf(path), key);
  for (const r of records) if (primaryKeys.has(r.group_key)) add(r.artifact, r.group_key);
  // A copy's directory is its original's cell's too: an eval or a timeline beside a copy
  // belongs where the copy went (lib/copies.ts).
  for (const [key, list] of copies) for (const c of list) add(c.path, key);
  // So is a collection's for the cells its merged rows went to (several: no one cell's).
  for (const [key, list] of rows) for (const c of list) add(c.path, key);
  return keyByDir;
}

/**
 * Rows of uploader summaries (`summary.csv`, formats reference §3.4) belong to the benchmark cell
 * of the summary's own directory whose concurrency is the row's: in place, each row's record
 * moves to that cell's group (as a non-primary record, so it fills only what the cell leaves
 * open, e.g. `num_gpus`). A row that matches no cell, or several, is dropped: a summary never
 * makes a cell by itself.
 */
function joinSummaryRows(records: CellRecord[]): void {
  if (!records.some((r) => r.kind === "summary_csv")) return;
  // `<dir>\n<concurrency>` → the group of the one primary record there (`null`: several).
  const target = new Map<string, string | null>();
  for (const r of records) {
    if (r.kind === "summary_csv" || !r.primary) continue;
    const conc = r.identity.concurrency ?? parseResultName(r.artifact).identity.concurrency;
    if (conc == null) continue;
    claim(target, `${dirOf(r.artifact)}\n${conc}`, r.group_key);
  }
  let kept = 0;
  for (const r of records) {
    if (r.kind === "summary_csv") {
      const key = target.get(`${dirOf(r.artifact)}\n${r.identity.concurrency}`);
      if (!key) continue;
      records[kept++] = { ...r, group_key: key };
    } else records[kept++] = r;
  }
  records.length = kept;
}

/** Sort findings: severity (critical first), code, cell, message, evidence. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

const SECTION_SOURCES: ReadonlySet<ArtifactKind> = new Set([
  "server_metrics_csv",
  "aiperf_server_metrics",
]);

/**
 * Identity fields on which an eval and the benchmark cell of its directory must not disagree:
 * the join fields of the formats reference §10.3 (model prefix, hardware, framework, precision,
 * speculative decoding, concurrency, topology below) plus the sequence lengths, as the identity
 * join compares them (lib/eval_join.ts).
 */
const EVAL_IDENTITY_FIELDS = [
  "model",
  "hardware",
  "framework",
  "precision",
  "spec_decoding",
  "concurrency",
  "isl",
  "osl",
  "is_multinode",
  "dp_attention",
  "prefill_dp_attention",
  "decode_dp_attention",
] as const satisfies readonly (keyof Identity)[];

/** Topology fields (metrics of the records) compared the same way. */
const EVAL_TOPOLOGY_FIELDS = [
  "tp",
  "ep",
  ...MULTI_NODE_TOPOLOGY,
] as const satisfies readonly MetricField[];

/**
 * Fields compared only between single-node deployments: a multi-node record keeps tp, ep and DP
 * attention as legacy copies (`tp = prefill_tp + decode_tp`, reference §9.7), as the identity
 * join does not compare them there.
 */
const EVAL_SINGLE_NODE_ONLY: ReadonlySet<string> = new Set(["tp", "ep", "dp_attention"]);

/** Fields compared only when a side is multi-node (a single-node `meta_env.json` copies tp there). */
const EVAL_MULTI_NODE_ONLY: ReadonlySet<string> = new Set([
  ...MULTI_NODE_TOPOLOGY,
  "prefill_dp_attention",
  "decode_dp_attention",
]);

/**
 * Whether the eval records of group `evalKey` state an identity value that none of the benchmark
 * records of group `cellKey` has (strings compared ignoring case). A field either side leaves
 * open (or states as `""`) is no conflict.
 */
function identityConflicts(
  benchmark: readonly CellRecord[],
  evals: readonly CellRecord[],
): (evalKey: string, cellKey: string) => boolean {
  type Seen = Map<string, Set<string>>;
  const add = (seen: Seen, f: string, v: unknown) => {
    if (v === null || v === undefined || v === "") return;
    const text = String(v).toLowerCase();
    const set = seen.get(f);
    if (set) set.add(text);
    else seen.set(f, new Set([text]));
  };
  const gather = (recs: readonly CellRecord[]) => {
    const out = new Map<string, Seen>();
    for (const r of recs) {
      let seen = out.get(r.group_key);
      if (!seen) out.set(r.group_key, seen = new Map());
      for (const f of EVAL_IDENTITY_FIELDS) add(seen, f, r.identity[f]);
      for (const f of EVAL_TOPOLOGY_FIELDS) add(seen, f, numberAt(r.metrics, f));
    }
    return out;
  };
  // Multi-node as far as the records say; older ones lack `is_multinode`, and then state the
  // prefill and decode blocks without a tp (as lib/eval_join.ts reads them).
  const multiNode = (seen: Seen) =>
    seen.get("is_multinode")?.has("true") === true ||
    (!seen.has("is_multinode") && !seen.has("tp") && seen.has("prefill_tp") &&
      seen.has("decode_tp"));
  if (evals.length === 0) return () => false;
  // Gathered now, as strings: the closure must not hold the records (they are let go of later).
  const cells = gather(benchmark);
  const ofEvals = gather(evals);
  return (evalKey, cellKey) => {
    const ours = ofEvals.get(evalKey);
    const theirs = cells.get(cellKey);
    if (!ours || !theirs) return false;
    const multi = multiNode(ours) || multiNode(theirs);
    for (const [f, values] of ours) {
      if (multi ? EVAL_SINGLE_NODE_ONLY.has(f) : EVAL_MULTI_NODE_ONLY.has(f)) continue;
      const known = theirs.get(f);
      if (known && ![...values].some((v) => known.has(v))) return true;
    }
    return false;
  };
}

/** `results_<ts>_conc<N>.json` (or `…_conc<N>_2.json` on a name clash): a batched eval's file. */
const BATCHED_RESULTS = /(?:^|\/)results_[^/]*_conc(\d+)(?:_\d+)?\.json$/;

/**
 * Batched multi-node evals write one `results_<ts>_conc<N>.json` per concurrency into one
 * directory, beside one `meta_env.json` (formats reference §10.2). In place, when a directory
 * holds two or more concurrencies, each such file's records move to a group of their own, and
 * the directory's other records (its metadata) are copied into every such group, without their
 * own concurrency. Returns the keys of the groups made; a directory's group left with metadata
 * only is dropped.
 */
function splitBatchedEvals(records: CellRecord[]): Set<string> {
  const made = new Set<string>();
  const split = new Set<string>(); // directory groups that were split
  // Only a directory with two or more concurrencies is a batch: one `…_conc<N>.json` alone stays
  // with its directory (and the benchmark cell there), as any results file does.
  const concsOf = new Map<string, Set<number>>();
  const concOf = (r: CellRecord): number | null => {
    const m = r.kind === "eval_results" ? BATCHED_RESULTS.exec(r.artifact) : null;
    const n = m === null ? 0 : Number(m[1]);
    return n > 0 && Number.isSafeInteger(n) ? n : null;
  };
  for (const r of records) {
    const n = concOf(r);
    if (n === null) continue;
    const set = concsOf.get(r.group_key);
    if (set) set.add(n);
    else concsOf.set(r.group_key, new Set([n]));
  }
  for (const r of records) {
    const n = concOf(r);
    if (n === null || (concsOf.get(r.group_key)?.size ?? 0) < 2) continue;
    split.add(r.group_key);
    r.group_key = `${r.group_key}#conc${n}`;
    r.identity = { ...r.identity, concurrency: n };
    made.add(r.group_key);
  }
  if (split.size === 0) return made;
  const shared = records.filter((r) => split.has(r.group_key) && r.kind !== "eval_results");
  // A directory that also holds an unbatched results file keeps its own group as well.
  const stillResults = new Set(
    records.filter((r) => split.has(r.group_key) && r.kind === "eval_results").map((r) =>
      r.group_key
    ),
  );
  const kept = records.filter((r) => !split.has(r.group_key) || stillResults.has(r.group_key));
  const sharedByDir = new Map<string, CellRecord[]>();
  for (const r of shared) {
    const list = sharedByDir.get(r.group_key);
    if (list) list.push(r);
    else sharedByDir.set(r.group_key, [r]);
  }
  for (const key of made) {
    for (const r of sharedByDir.get(key.slice(0, key.lastIndexOf("#conc"))) ?? []) {
      const { concurrency: _theirs, ...identity } = r.identity;
      kept.push({ ...r, group_key: key, identity });
    }
  }
  replaceContents(records, kept);
  return made;
}

/**
 * A multi-node AgentX run gives one cell per concurrency (`run:<dir>/<RF>_concurrency_<N>`, see
 * `groupKeys`); a record of the whole run (its `benchmark_command.txt`, `status.txt`, …) is keyed
 * by the run (`run:<dir>/<RF>`) and, left alone, would make a cell with no primary record. Such a
 * record describes every concurrency of the run: it is copied into each, without a concurrency of
 * its own. A run key with a primary record of its own is left as it is.
 */
function spreadRunRecords(records: CellRecord[], primaryKeys: ReadonlySet<string>): void {
  const points = new Map<string, string[]>(); // run key -> its per-concurrency keys
  for (const key of primaryKeys) {
    const m = /^(run:.+)_concurrency_\d+$/.exec(key);
    if (m === null || primaryKeys.has(m[1])) continue;
    const list = points.get(m[1]);
    if (list) list.push(key);
    else points.set(m[1], [key]);
  }
  if (points.size === 0) return;
  const kept: CellRecord[] = [];
  for (const r of records) {
    const targets = points.get(r.group_key);
    if (targets === undefined) {
      kept.push(r);
      continue;
    }
    const { concurrency: _run, ...identity } = r.identity;
    for (const key of targets.sort()) kept.push({ ...r, group_key: key, identity });
  }
  replaceContents(records, kept);
}

/** Kinds that describe a run (its status, command, configuration) and measure nothing. */
const RUN_META_KINDS: ReadonlySet<string> = new Set(["status", "command", "config"]);

/**
 * A group of nothing but run metadata (`status.txt`, `benchmark_command.txt`, a config) beside
 * the files of benchmark cells of the same directory (a fixed-seq directory keys its files one by
 * one) describes those cells, not a cell of its own: with one such cell it moves there, as a
 * non-primary record; with several it is no cell's (the files stay listed in the manifest). A
 * directory with no benchmark cell keeps the group, whose missing primary record is a finding.
 * Returns where each moved group went (its key → the cell's key), for the artifact manifest.
 */
function attachRunMeta(
  records: CellRecord[],
  primaryKeys: ReadonlySet<string>,
): Map<string, string> {
  const moved = new Map<string, string>();
  const metaOnly = new Map<string, boolean>(); // non-primary key -> all its records are metadata
  for (const r of records) {
    if (primaryKeys.has(r.group_key)) continue;
    metaOnly.set(r.group_key, (metaOnly.get(r.group_key) ?? true) && RUN_META_KINDS.has(r.kind));
  }
  if (![...metaOnly.values()].some((v) => v)) return moved;
  // `<dir>` → the primary keys of records in it (`null`: several).
  const cellOfDir = new Map<string, string | null>();
  for (const r of records) {
    if (primaryKeys.has(r.group_key) && r.primary) claim(cellOfDir, dirOf(r.artifact), r.group_key);
  }
  let kept = 0;
  for (const r of records) {
    if (metaOnly.get(r.group_key) === true) {
      const target = cellOfDir.get(dirOf(r.artifact));
      if (target === null) continue; // several cells there: no one's
      if (target !== undefined) {
        moved.set(r.group_key, target);
        records[kept++] = { ...r, group_key: target, primary: false };
        continue;
      }
    }
    records[kept++] = r;
  }
  records.length = kept;
  return moved;
}

/**
 * Build the report from loaded artifacts.
 *
 * @example
 * ```ts
 * const report = analyze({ inputRoot: "results", generatedAt: "2026-01-01T00:00:00Z", loaded,
 *   walkIssues: [], timelines: [], thresholds: defaultThresholds() });
 * ```
 */
export function analyze(input: AnalyzeInput): Report {
  const loaded = input.loaded;
  const keys = groupKeys(loaded.map((l) => l.ref));
  const copies = planCopies(loaded, keys, input.sameBytes ?? new Map());
  // Every campaign manifest of the tree, in walk order: a root may hold several campaigns.
  const manifests: { path: string; manifest: CampaignManifest }[] = [];
  // Records of cells, and records of evals that attach to the nearest benchmark cell (or become
  // cells of their own when there is none).
  const cellRecords: CellRecord[] = [];
  const evalRecords: CellRecord[] = [];
  const primaryKeys = new Set<string>();
  const names = new Map<string, string[]>();
  for (let i = 0; i < loaded.length; i++) {
    const l = loaded[i];
    if (l.manifest) manifests.push({ path: l.ref.path, manifest: l.manifest });
    const r = l.result;
    if (!r || r.drafts.length === 0) continue;
    const key = keys[i];
    const path = l.ref.path;
    let evalKey: string | null = null;
    for (const d of r.drafts) {
      let groupKey = key;
      if (groupKey === null || d.sub_key !== undefined) {
        groupKey = d.sub_key !== undefined
          ? `row:${path}#${d.sub_key}`
          : (evalKey ??= `eval:${runDirOf(path)}`);
      }
      // A copy's records (a file's, or a collected row's that repeats an agg file of the tree)
      // are its original's: its files are listed in the original's cell.
      if (copies.into.has(groupKey)) continue;
      const record: CellRecord = {
        group_key: groupKey,
        artifact: path,
        kind: l.ref.kind,
        source_format: d.source_format,
        priority: d.priority,
        identity: d.identity,
        metrics: d.metrics,
        extra_percentiles: d.extra_percentiles,
        eval: d.eval,
        notes: d.notes,
        primary: d.primary,
      };
      if (groupKey === evalKey) evalRecords.push(record);
      else cellRecords.push(record);
      if (d.primary) primaryKeys.add(groupKey);
      if (groupKey === key && !names.has(key)) {
        // A run's or directory's name can say what its records leave open.
        if (key.startsWith("run:")) names.set(key, [key.slice(4)]);
        else if (key.startsWith("dir:")) {
          const dir = key.slice(4);
          names.set(key, [dir.slice(dir.lastIndexOf("/") + 1)]);
        } else if (key.startsWith("file:")) {
          // A file's directory (`sa-bench_isl_8192_osl_1024/`) lends it ISL/OSL, and nothing else.
          const seq = dirSeqNameOf(key.slice(5));
          names.set(key, seq === null ? [] : [seq]);
        }
      }
    }
  }

  spreadRunRecords(cellRecords, primaryKeys);
  const metaMoved = attachRunMeta(cellRecords, primaryKeys);

  joinSummaryRows(cellRecords);

  // An eval or timeline belongs to the cell of its nearest run directory, unless several cells
  // share that directory. Only runs with evals or timelines need the directory index.
  let keyByDir: Map<string, string | null> | null = null; // null value: several cells
  const benchmarkRecords = cellRecords.length; // evals are appended below
  const dirIndex = () =>
    keyByDir ??= runDirIndex(
      cellRecords.slice(0, benchmarkRecords),
      primaryKeys,
      copies.copiesOf,
      copies.rowsOf,
    );
  // Directories of eval cells (evals that attached to no benchmark cell): a timeline there is
  // that cell's, where no benchmark cell is nearer (null value: several eval cells).
  const evalCellDirs = new Map<string, string | null>();
  const nearestKey = (path: string, evalCells = false): string | null => {
    const index = dirIndex();
    let dir = runDirOf(path);
    for (;;) {
      let k = index.get(dir);
      if (k === undefined && evalCells) k = evalCellDirs.get(dir);
      if (k !== undefined) return k;
      if (dir === "") return null;
      const i = dir.lastIndexOf("/");
      dir = i < 0 ? "" : dir.slice(0, i);
    }
  };
  // The group each eval file's records went to (null: several), for the manifest's `cell`.
  const evalFileOwners = new Map<string, string | null>();
  const batched = splitBatchedEvals(evalRecords);
  const contradicts = identityConflicts(cellRecords.slice(0, benchmarkRecords), evalRecords);
  for (const r of evalRecords) {
    // A batched eval (one results file per concurrency) is joined on identity, concurrency
    // included, never by directory: its directory holds several concurrencies. So is an eval
    // whose own identity (its meta_env) contradicts the cell of its directory.
    let target = batched.has(r.group_key) ? null : nearestKey(r.artifact);
    if (target !== null && contradicts(r.group_key, target)) target = null;
    cellRecords.push(target ? { ...r, group_key: target, primary: false } : r);
    if (target === null) claim(evalCellDirs, runDirOf(r.artifact), r.group_key);
    claim(evalFileOwners, r.artifact, target ?? r.group_key);
  }

  // A point with no agg (a failed or partial run) takes its curve's hardware, before the fold
  // gives it a cell id.
  const hardware = siblingHardware(cellRecords);
  const cellByKey = foldGroups(cellRecords, {
    names,
    hardware,
    copies: copies.copiesOf,
    collectedRows: copies.rowsOf,
  });
  const findings: Finding[] = crossCheckAggregates(cellRecords, cellByKey);
  if (input.recordsFolded) {
    // Nothing below reads a record, except the timelines' directory index: built now if needed.
    if (input.timelines.length > 0) dirIndex();
    cellRecords.length = 0;
    evalRecords.length = 0;
    for (const l of loaded) if (l.result) l.result.drafts = [];
    input.recordsFolded();
  }
  // Eval rows describe a benchmark cell when one matches their identity exactly; the joined
  // eval group's artifacts then belong to that cell.
  const evalJoin = joinEvalCells([...cellByKey.values()]);
  const cells = evalJoin.cells;
  const cellIdOfKey = new Map<string, string>();
  for (const [key, cell] of cellByKey) {
    cellIdOfKey.set(key, evalJoin.joined.get(cell.cell_id) ?? cell.cell_id);
  }
  for (const [key, target] of [...copies.into, ...metaMoved]) {
    const id = cellIdOfKey.get(target);
    if (id !== undefined) cellIdOfKey.set(key, id);
  }
  if (evalJoin.joined.size > 0) {
    const byId = new Map(cells.map((c) => [c.cell_id, c]));
    for (const [key, cell] of [...cellByKey]) {
      const current = byId.get(cell.cell_id);
      if (current) cellByKey.set(key, current);
      else cellByKey.delete(key);
    }
  }

  for (const f of gpuCountMismatches(cells)) findings.push(f);

  // Files named like a cell's record that could not be used (cut short, over --max-file-mb): the
  // cell is theirs, and they are why it has no record (lib/io/load.ts).
  const unusable = new Map<string, string>();
  for (const l of loaded) {
    const r = l.result;
    if (r && r.unreadable && (l.ref.kind === "agg" || l.ref.kind === "raw_result")) {
      unusable.set(l.ref.path, r.issues[0]?.message ?? "unreadable");
    }
  }
  // Missing primary records and unavailable sections.
  for (const [key, cell] of cellByKey) {
    const hasPrimary = primaryKeys.has(key) || cell.source_format === "eval";
    if (!hasPrimary) {
      const lost = Object.values(cell.artifacts).flat().find((p) => unusable.has(p!));
      findings.push(finding(
        "missing_required_artifact",
        "critical",
        cell.cell_id,
        lost === undefined
          ? `Cell ${cell.cell_id} has no usable primary record (no agg, raw result or per-request data)`
          : `Cell ${cell.cell_id} has no usable primary record: "${lost}" could not be used (${
            unusable.get(lost!)
          })`,
        {
          group: key,
          artifacts: cell.artifacts,
          required:
            "agg_*.json, raw result, detailed_results.csv, profile_export*.json[l] or an AgentX aggregate",
        },
      ));
    }
    if (cell.scenario_type === "agentic-coding" && hasPrimary) {
      const hasServer = Object.keys(cell.artifacts).some((k) =>
        SECTION_SOURCES.has(k as ArtifactKind)
      ) ||
        cell.metrics.server_gpu_cache_hit_rate !== null;
      if (!hasServer) {
        findings.push(finding(
          "metrics_unavailable",
          "warning",
          cell.cell_id,
          `Cell ${cell.cell_id} has no server metrics, so server cache hit rates and KV usage are unknown`,
          {
            section: "cache and KV",
            looked_for: [
              "metrics_server_metrics.csv",
              "server_metrics_export.csv",
              "server_metrics in the aggregate",
            ],
            artifacts: cell.artifacts,
          },
        ));
      }
    }
  }

  // Artifacts that could not be read, or had bad lines.
  let parsedCount = 0;
  let unreadableCount = 0;
  const discovered: DiscoveredEntry[] = loaded.map((l, i) => {
    const r = l.result;
    // A timeline belongs to the cell it is attached to (see attachTimelines below).
    const key = keys[i] ?? evalFileOwners.get(l.ref.path) ??
      (l.ref.kind === "timeline" ? nearestKey(l.ref.path, true) : null);
    const cell = key !== null ? cellIdOfKey.get(key) ?? null : null;
    const parsed = r !== null && !r.unreadable;
    let issue: string | null = null;
    if (r && (r.unreadable || r.issues.length > 0)) {
      const first = r.issues[0];
      issue = first
        ? (first.line !== null ? `line ${first.line}: ${first.message}` : first.message)
        : "unreadable";
      const lines = r.issues.filter((x) => x.line !== null).slice(0, 20).map((x) => ({
        line: x.line,
        reason: x.message,
      }));
      findings.push(finding(
        "artifact_unreadable",
        "warning",
        cell,
        r.unreadable
          ? `Cannot parse "${l.ref.path}": ${issue}`
          : `${r.issues.length} problem${
            r.issues.length === 1 ? "" : "s"
          } in "${l.ref.path}"; first: ${issue}`,
        {
          path: l.ref.path,
          kind: l.ref.kind,
          unreadable: r.unreadable,
          issue_count: r.issues.length,
          issues: lines.length
            ? lines
            : r.issues.slice(0, 20).map((x) => ({ line: x.line, reason: x.message })),
        },
      ));
    }
    if (parsed) parsedCount++;
    else if (issue !== null) unreadableCount++;
    return { path: l.ref.path, kind: l.ref.kind, size: l.ref.size, cell, parsed, issue };
  });
  let walkProblems = 0;
  for (const w of input.walkIssues) {
    // The walk (lib/io/walk.ts) marks what it could not read, as against what it skipped by
    // policy, and the kind a file's name gives it: a strict run fails on the first. A benign
    // skip (a link to a directory read at its own path) is listed in the manifest only.
    const { unreadable, kind, benign } = w as {
      unreadable?: boolean;
      kind?: ArtifactKind;
      benign?: boolean;
    };
    if (benign === true) continue;
    walkProblems++;
    findings.push(finding(
      "artifact_unreadable",
      "warning",
      null,
      `Cannot read "${w.path}": ${w.message}`,
      {
        path: w.path,
        ...(kind === undefined ? {} : { kind }),
        reason: w.message,
        unreadable: unreadable === true,
      },
    ));
  }

  // A tree whose artifacts form no cell, some of them because they could not be read or held no
  // usable record, is no clean run. Each file has its finding above; this one says that the run
  // as a whole has no usable record (SPEC §4: critical when there is no usable primary record),
  // so that a cron job does not pass a tree of truncated files.
  if (cells.length === 0) {
    const bad = discovered.filter((d) => d.issue !== null);
    if (bad.length > 0) {
      findings.push(finding(
        "missing_required_artifact",
        "critical",
        null,
        bad.length === 1
          ? `No cell could be formed from the artifacts found; "${
            bad[0].path
          }" could not be used: ${bad[0].issue}`
          : `No cell could be formed from the artifacts found; ${bad.length} could not be used (first: "${
            bad[0].path
          }": ${bad[0].issue})`,
        {
          unusable: bad.slice(0, 20).map((d) => d.path),
          unusable_count: bad.length,
          required:
            "agg_*.json, raw result, detailed_results.csv, profile_export*.json[l], an AgentX aggregate or eval results",
        },
      ));
    }
  }

  // Campaign manifest expectations. Each manifest speaks for its own directory: its paths are
  // relative to it, its identity-only entries are met by cells under it, and the timeline it
  // expects must be under it (for a manifest at the root, anywhere).
  const missing: { cell_id: string | null; what: string }[] = [];
  const found = manifests.length > 0 ? expectedCellFinder(cells) : null;
  for (const { path: manifestPath, manifest: m } of manifests) {
    const scope = dirOf(manifestPath);
    for (const exp of m.expected_cells) {
      if (!found!(exp, scope)) {
        const what = describeExpected(exp);
        missing.push({ cell_id: null, what });
        findings.push(finding(
          "missing_required_artifact",
          "critical",
          null,
          `Cell expected by "${manifestPath}" is missing: ${what}`,
          {
            manifest: manifestPath,
            expected_index: exp.index,
            expected: { path: exp.path, ...exp.match },
          },
        ));
      }
    }
    if (m.timeline_expected && !input.timelines.some((t) => underDir(t.path, scope))) {
      findings.push(finding(
        "metrics_unavailable",
        "warning",
        null,
        `"${manifestPath}" expects a live timeline but no timeline file was found${
          scope === "" ? "" : ` under "${scope}"`
        }`,
        { manifest: manifestPath, section: "live timeline" },
      ));
    }
  }
  for (const f of findings) {
    if (f.code === "missing_required_artifact" && f.cell_id !== null) {
      missing.push({ cell_id: f.cell_id, what: "primary record" });
    }
  }

  // Live timelines, then the detectors.
  const tl = attachTimelines(cells, input.timelines, (path) => {
    const k = nearestKey(path, true);
    return k ? cellIdOfKey.get(k) ?? null : null;
  });
  const detected = runRules(tl.cells, {
    thresholds: input.thresholds,
    baselineCells: input.baseline?.cells ?? null,
  });
  const finalCells = tl.applyLeadTimes(detected.findings);
  const matching = detected.baseline;
  if (input.baseline && matching && matching.matches.length === 0) {
    // Without this, "no regression" could not be told from "nothing was compared".
    const n = input.baseline.cells.length;
    const source = `the baseline "${input.baseline.source}"`;
    findings.push(finding(
      "metrics_unavailable",
      "warning",
      null,
      n === 0
        ? `The baseline "${input.baseline.source}" has no cell: nothing was compared against it`
        : finalCells.length === 0
        ? `This run has no cell to compare with ${source} (${
          plural(n, "cell")
        }): nothing was compared`
        : `No cell of ${source} (${
          plural(n, "cell")
        }) has the identity (curve fields and concurrency) of a cell of this run: nothing was compared against it`,
      {
        section: "baseline comparison",
        baseline: input.baseline.source,
        baseline_cells: n,
        cells: finalCells.length,
        matched: 0,
      },
    ));
  }
  // The detected findings are sorted already, which the sort's run detection makes cheap.
  const allFindings = findings.concat(tl.findings, detected.findings).sort(compareFindings);
  const byCell = groupBy(allFindings.filter((f) => f.cell_id !== null), (f) => f.cell_id!);
  // Every cell here was made by this call (fold, eval join, timelines), so its findings are set
  // in place rather than by copying tens of thousands of cells.
  for (const c of finalCells) {
    const list = byCell.get(c.cell_id);
    if (list) c.findings = list;
  }

  const byStatus = { complete: 0, partial: 0, failed: 0, unknown: 0 };
  const byFormat: Record<string, number> = {};
  for (const c of finalCells) {
    byStatus[c.status]++;
    byFormat[c.source_format] = (byFormat[c.source_format] ?? 0) + 1;
  }
  const bySeverity: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  const byCode: Record<string, number> = {};
  for (const f of allFindings) {
    bySeverity[f.severity]++;
    addCount(byCode, f.code); // timeline codes are read from files
  }
  return {
    schema_version: "inferguard-analyze/v1",
    generated_at: input.generatedAt,
    input_root: input.inputRoot,
    analyzer: {
      name: "inferguard",
      version: VERSION,
      capabilities: { diagnosis: "on", actuation: "off", replay: "off", recall: "off", llm: "off" },
      thresholds: input.thresholds,
    },
    run_summary: {
      cells_total: finalCells.length,
      cells_by_status: byStatus,
      cells_by_source_format: withSortedKeys(byFormat),
      findings_total: allFindings.length,
      findings_by_severity: bySeverity,
      findings_by_code: withSortedKeys(byCode),
      artifacts_discovered: discovered.length,
      artifacts_parsed: parsedCount,
      artifacts_unreadable: unreadableCount + walkProblems,
      missing_artifacts: missing,
      expected_cells: manifests.length === 0
        ? null
        : manifests.reduce((n, { manifest }) => n + manifest.expected_cells.length, 0),
      timeline_expected: manifests.some(({ manifest }) => manifest.timeline_expected),
    },
    cells: finalCells,
    cross_run: {
      curves: detected.curves,
      pareto_frontier: detected.frontier,
      baseline: input.baseline && matching
        ? {
          source: input.baseline.source,
          baseline_cells: input.baseline.cells.length,
          matched: matching.matches.length,
          unmatched:
            ((matched) => finalCells.map((c) => c.cell_id).filter((id) => !matched.has(id)))(
              new Set(matching.matches.map((x) => x.cell_id)),
            ),
          baseline_unmatched: matching.baseline_unmatched,
          matches: matching.matches,
        }
        : null,
      timelines: tl.runTimelines,
    },
    findings: allFindings,
    artifact_manifest: { discovered, skipped: [...input.walkIssues], written: [] },
  };
}

/** `1 cell` / `3 cells`. */
function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * Whether some cell satisfies an expected cell. Manifests can list as many cells as the run has,
 * so instead of testing every cell against every expectation, the candidates come from an index
 * (by artifact path prefix, or by the value of the first matched field, built on first use) and
 * only they are tested.
 */
function expectedCellFinder(
  cells: readonly Cell[],
): (exp: ExpectedCell, scope: string) => boolean {
  let byPrefix: Map<string, Cell[]> | null = null;
  const byFields = new Map<string, Map<string, Cell[]>>();
  const add = (index: Map<string, Cell[]>, key: string, cell: Cell) => {
    const list = index.get(key);
    if (!list) index.set(key, [cell]);
    else if (list[list.length - 1] !== cell) list.push(cell);
  };
  const prefixIndex = (): Map<string, Cell[]> => {
    const index = new Map<string, Cell[]>();
    for (const cell of cells) {
      for (const p of ownPaths(cell)) {
        // `p` satisfies a prefix equal to it or to `p` up to (not including) any "/".
        add(index, p, cell);
        for (let i = p.indexOf("/"); i >= 0; i = p.indexOf("/", i + 1)) {
          add(index, p.slice(0, i), cell);
        }
      }
    }
    return index;
  };
  // Cells by the values of a set of fields (an entry's match keys), one index per set: every
  // entry is then one lookup, however many cells share each single value (all of a campaign's
  // cells share its model).
  const matchIndex = (fields: readonly string[]): Map<string, Cell[]> => {
    const signature = fields.join("\0");
    let index = byFields.get(signature);
    if (!index) {
      index = new Map();
      cells: for (const cell of cells) {
        const keys: string[] = [];
        for (const field of fields) {
          const actual = fieldValue(cell, field);
          const t = typeof actual;
          // Expected values are strings, numbers or booleans: nothing else can be equal to one.
          if (t !== "string" && t !== "number" && t !== "boolean") continue cells;
          keys.push(matchKey(actual));
        }
        add(index, keys.join("\0"), cell);
      }
      byFields.set(signature, index);
    }
    return index;
  };
  return (exp, scope) => {
    const index = () => byPrefix ??= prefixIndex();
    // A path is relative to the manifest's directory (one already under it, as if written from
    // the root, is taken as it is); identity alone is met only by cells under that directory.
    let path = exp.path;
    if (path !== null && scope !== "") {
      const joined = joinRel(scope, path);
      path = index().has(joined) || !underDir(path, scope) ? joined : path;
    }
    const scoped = path === exp.path ? exp : { ...exp, path };
    let candidates: readonly Cell[];
    const fields = Object.keys(exp.match);
    if (path === "") candidates = cells; // the root's manifest naming its own directory
    else if (path !== null) candidates = index().get(path) ?? [];
    else if (fields.length > 0) {
      const key = fields.map((f) => matchKey(exp.match[f])).join("\0");
      candidates = matchIndex(fields).get(key) ?? [];
    } else candidates = scope !== "" ? index().get(scope) ?? [] : cells;
    const inScope = (c: Cell) => path !== null || scope === "" || cellUnder(c, scope);
    return candidates.some((c) => inScope(c) && satisfies(c, scoped));
  };
}

/**
 * Kinds a cell holds because they attach to it from where they lie (an eval run, a timeline, beside
 * it or above it): they do not say that the cell itself lives there.
 */
const ATTACHED_KINDS: ReadonlySet<string> = new Set([
  "eval_results",
  "eval_samples",
  "eval_meta",
  "eval_collection",
  "timeline",
]);

/**
 * The paths that place a cell in the tree, for a manifest's expectations: its artifacts except the
 * evals and timelines attached to it, unless it has nothing else (an eval-only cell).
 */
function ownPaths(cell: Cell): string[] {
  const own: string[] = [];
  const all: string[] = [];
  for (const [kind, paths] of Object.entries(cell.artifacts)) {
    for (const p of paths ?? []) {
      all.push(p);
      if (!ATTACHED_KINDS.has(kind)) own.push(p);
    }
  }
  return own.length > 0 ? own : all;
}

/** Whether the cell lives under directory `dir` ({@link ownPaths}). */
function cellUnder(cell: Cell, dir: string): boolean {
  return ownPaths(cell).some((p) => underDir(p, dir));
}

/** `rel` (a manifest entry's path) under directory `dir` of the tree (`""`: the root). */
function joinRel(dir: string, rel: string): string {
  if (dir === "") return rel;
  return rel === "" || rel === "." ? dir : `${dir}/${rel}`;
}

/** Whether `path` is `dir` or below it (every path is below the root, `""`). */
function underDir(path: string, dir: string): boolean {
  return dir === "" || path === dir || path.startsWith(`${dir}/`);
}

/** A key under which values that {@link satisfies} may find equal meet (strings ignore case). */
function matchKey(value: unknown): string {
  return typeof value === "string" ? `s:${value.toLowerCase()}` : `${typeof value}:${value}`;
}

/**
 * The value of an expected entry's match key in a cell: an identity field, or topology from its
 * metrics (a single-node cell that states no pp, dcp or pcp runs with 1, as in its curve key).
 */
function fieldValue(cell: Cell, field: string): unknown {
  if (!TOPOLOGY_KEYS.has(field)) return (cell as unknown as Record<string, unknown>)[field];
  const v = (cell.metrics as unknown as Record<string, unknown>)[field];
  const unstated = v === null && cell.is_multinode !== true;
  return unstated && (field === "pp" || field === "dcp" || field === "pcp") ? 1 : v;
}

function satisfies(cell: Cell, exp: ExpectedCell): boolean {
  if (exp.path !== null && exp.path !== "") {
    const prefix = exp.path;
    if (!ownPaths(cell).some((p) => p === prefix || p.startsWith(prefix + "/"))) return false;
  }
  for (const [k, v] of Object.entries(exp.match)) {
    const actual = fieldValue(cell, k);
    if (actual === null || actual === undefined) return false;
    if (typeof v === "string" && typeof actual === "string") {
      if (v.toLowerCase() !== actual.toLowerCase()) return false;
    } else if (actual !== v) return false;
  }
  return true;
}

function describeExpected(exp: ExpectedCell): string {
  const parts = Object.entries(exp.match).map(([k, v]) => `${k}=${v}`);
  if (exp.path !== null) parts.unshift(`path=${exp.path}`);
  return parts.join(", ");
}
