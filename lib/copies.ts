/**
 * Byte-for-byte copies of a run's measurement files (format reference §14.9 and §2.4): a
 * multi-node `power_audit_<RF>/` holds each point's raw result twice, once under the RF and once
 * as the launcher wrote it in `LOGS/<config>/results_*.json`; a mislabelled AgentX directory can
 * be another run's files under another name. Counted as they are found, each copy would be a
 * cell of its own: a point without identity beside the real one, or a run whose name lies.
 *
 * A group of files (a would-be cell) is a copy of another when every one of its measurement
 * files has the same bytes as a measurement file of that other group, and the other group has
 * more of them or, with as many, is preferred (not under a `LOGS/` or `logs/` directory, then
 * the first key in sort order), and none of the two groups' files share a directory (SPEC §2:
 * two aggs in one directory are two cells, never merged). The copy's files then belong to the other group's cell, which
 * names them in its notes (`same_bytes_copies`), and make no cell of their own. Files that only
 * describe a run (commands, status, logs) do not count: identical ones are common between
 * different runs. A copy under another campaign manifest's directory than the original is left
 * alone, so that each campaign still finds its cells.
 *
 * Which files hold the same bytes is decided by lib/io/same_bytes.ts, which compares the bytes
 * of the few files {@link copyCandidates} pairs up; this module only plans.
 * @module
 */
import { dirOf } from "./grouping.ts";
import { PackedNumbers } from "./packed.ts";
import type { ArtifactKind, LoadedArtifact } from "./types.ts";

/** Kinds whose records carry a run's measurements: the files a copy is recognised by. */
export const MEASUREMENT_KINDS: ReadonlySet<ArtifactKind> = new Set([
  "agg",
  "raw_result",
  "detailed_results",
  "server_metrics_csv",
  "agentx_agg",
  "aiperf_profile",
  "aiperf_profile_jsonl",
  "aiperf_server_metrics",
  "aiperf_profile_csv",
  "client_metrics_csv",
  "gpu_transfer_csv",
]);

/** A parsed measurement file with at least one record, which a copy can be recognised by. */
function measured(l: LoadedArtifact): boolean {
  return MEASUREMENT_KINDS.has(l.ref.kind) && l.result !== null && !l.result.unreadable &&
    l.result.drafts.length > 0 && l.ref.size > 0;
}

/** Numbers of a record that {@link fingerprint} adds up: enough to tell different runs apart. */
const PRINT_VALUES = 8;

/**
 * A cheap summary of what a file's records hold: two files with the same bytes have the same
 * records, so the same summary. Only files whose sizes are equal are summarised, and only the
 * first numbers of each record are read: two different runs differ in nearly all of them, and
 * a false match costs no more than a comparison of the two files.
 */
function fingerprint(l: LoadedArtifact): number | string {
  let sum = 0;
  let count = 0;
  for (const d of l.result!.drafts) {
    const m = d.metrics;
    let taken = 0;
    if (m instanceof PackedNumbers) {
      // Read in place: copying every map out would cost more than all the rest of this check.
      for (let i = 0, n = m.keys.length; i < n && taken < PRINT_VALUES; i++) {
        const v = m.at(i);
        if (v !== null) {
          sum += v;
          taken++;
        }
      }
    } else {
      const plain = m as Record<string, unknown>;
      for (const k in plain) {
        const v = plain[k];
        if (typeof v === "number") {
          sum += v;
          if (++taken === PRINT_VALUES) break;
        }
      }
    }
    count += taken;
  }
  // The sum itself is the key (a number: printing it would cost more than the sum). Records
  // without numbers (a failed run's) sum alike: their identity and notes tell them apart.
  return count > 0
    ? sum
    : JSON.stringify(l.result!.drafts.map((d) => [d.identity, d.notes ?? null]));
}

/**
 * Indices into `loaded` of measurement files that may hold the same bytes: sets of two or more
 * files of one size whose records sum to the same numbers. Every true copy is in one of them;
 * the bytes decide.
 *
 * @example
 * ```ts
 * const sets = copyCandidates([]); // []
 * ```
 */
export function copyCandidates(loaded: readonly LoadedArtifact[]): number[][] {
  const bySize = new Map<number, number[]>();
  for (let i = 0; i < loaded.length; i++) {
    const l = loaded[i];
    if (!measured(l)) continue;
    const list = bySize.get(l.ref.size);
    if (list) list.push(i);
    else bySize.set(l.ref.size, [i]);
  }
  const out: number[][] = [];
  for (const list of bySize.values()) {
    if (list.length < 2) continue;
    const byPrint = new Map<number | string, number[]>();
    for (const i of list) {
      const k = fingerprint(loaded[i]);
      const same = byPrint.get(k);
      if (same) same.push(i);
      else byPrint.set(k, [i]);
    }
    for (const same of byPrint.values()) if (same.length > 1) out.push(same);
  }
  return out;
}

/** One copy a cell names in its notes. */
export interface SameBytesCopy {
  path: string;
  kind: ArtifactKind;
  same_bytes_as: string;
}

/** What {@link planCopies} decided. */
export interface CopyPlan {
  /** Group key of each copy → the group key whose cell its files belong to. */
  into: Map<string, string>;
  /** Group key of each kept group → the copies of its files, by path. */
  copiesOf: Map<string, SameBytesCopy[]>;
}

/** Whether a path runs through a `LOGS/` or `logs/` directory, where launchers keep copies. */
function underLogs(path: string): boolean {
  return /(^|\/)(LOGS|logs)\//.test(path);
}

/** The directory of the nearest campaign manifest at or above `path`'s directory, or `null`. */
function scopeOf(path: string, manifestDirs: ReadonlySet<string>): string | null {
  let dir = dirOf(path);
  for (;;) {
    if (manifestDirs.has(dir)) return dir;
    if (dir === "") return null;
    dir = dirOf(dir);
  }
}

/**
 * Which groups are copies of others. `keys[i]` is the group key of `loaded[i]` (`null`: not a
 * cell's file); `sameBytes` maps each file that has a byte-identical twin to one path shared by
 * all files with its bytes, and leaves other files out.
 *
 * @example
 * ```ts
 * const plan = planCopies([], [], new Map());
 * plan.into.size; // 0
 * ```
 */
export function planCopies(
  loaded: readonly LoadedArtifact[],
  keys: readonly (string | null)[],
  sameBytes: ReadonlyMap<string, string>,
): CopyPlan {
  const plan: CopyPlan = { into: new Map(), copiesOf: new Map() };
  if (sameBytes.size === 0) return plan;
  const manifestDirs = new Set<string>();
  for (const l of loaded) if (l.manifest) manifestDirs.add(dirOf(l.ref.path));
  // Each group's measurement files, and the groups holding each set of equal bytes.
  const files = new Map<string, number[]>();
  const holders = new Map<string, Set<string>>();
  for (let i = 0; i < loaded.length; i++) {
    const key = keys[i];
    if (key === null || !measured(loaded[i])) continue;
    const list = files.get(key);
    if (list) list.push(i);
    else files.set(key, [i]);
    const bytes = sameBytes.get(loaded[i].ref.path);
    if (bytes !== undefined) {
      const set = holders.get(bytes);
      if (set) set.add(key);
      else holders.set(bytes, new Set([key]));
    }
  }
  const preferred = (a: string, b: string): boolean => {
    const na = files.get(a)!.length, nb = files.get(b)!.length;
    if (na !== nb) return na > nb;
    const la = files.get(a)!.every((i) => underLogs(loaded[i].ref.path));
    const lb = files.get(b)!.every((i) => underLogs(loaded[i].ref.path));
    if (la !== lb) return lb;
    return a < b;
  };
  for (const [key, list] of files) {
    const first = sameBytes.get(loaded[list[0]].ref.path);
    if (first === undefined) continue;
    const scope = scopeOf(loaded[list[0]].ref.path, manifestDirs);
    let best: string | null = null;
    for (const other of holders.get(first)!) {
      if (other === key || !preferred(other, key)) continue;
      const theirs = new Set<string>();
      for (const i of files.get(other)!) {
        const b = sameBytes.get(loaded[i].ref.path);
        if (b !== undefined) theirs.add(b);
      }
      if (!list.every((i) => theirs.has(sameBytes.get(loaded[i].ref.path) ?? ""))) continue;
      // Files of one directory are never merged (SPEC §2: two aggs in one directory are two
      // cells): a repeated point there shows as a duplicate concurrency of its curve instead.
      const dirs = new Set(files.get(other)!.map((i) => dirOf(loaded[i].ref.path)));
      if (list.some((i) => dirs.has(dirOf(loaded[i].ref.path)))) continue;
      if (scopeOf(loaded[files.get(other)![0]].ref.path, manifestDirs) !== scope) continue;
      if (best === null || preferred(other, best)) best = other;
    }
    if (best !== null) plan.into.set(key, best);
  }
  // A group kept by one copy may itself be a copy of a better one: follow to the end. Each step
  // goes to a preferred group, so the chain cannot loop.
  for (const [key, target] of plan.into) {
    let end = target;
    while (plan.into.has(end)) end = plan.into.get(end)!;
    plan.into.set(key, end);
  }
  for (const [key, target] of plan.into) {
    // Each copy names the file it repeats: the kept cell's file with the same bytes.
    const theirs = new Map<string, string>();
    for (const i of files.get(target)!) {
      const b = sameBytes.get(loaded[i].ref.path);
      if (b !== undefined && !theirs.has(b)) theirs.set(b, loaded[i].ref.path);
    }
    let list = plan.copiesOf.get(target);
    if (!list) plan.copiesOf.set(target, list = []);
    for (const i of files.get(key)!) {
      const path = loaded[i].ref.path;
      list.push({
        path,
        kind: loaded[i].ref.kind,
        same_bytes_as: theirs.get(sameBytes.get(path)!)!,
      });
    }
  }
  for (const list of plan.copiesOf.values()) {
    list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  return plan;
}
