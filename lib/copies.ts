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
import { AGENTIC_MEASUREMENT_KINDS, dirOf } from "./grouping.ts";
import { parseResultName } from "./names.ts";
import { numbersOf, PackedNumbers } from "./packed.ts";
import type { ArtifactKind, LoadedArtifact, LoadedDraft } from "./types.ts";

/** Kinds whose records carry a run's measurements: the files a copy is recognised by. */
export const MEASUREMENT_KINDS: ReadonlySet<ArtifactKind> = new Set([
  "agg",
  "raw_result",
  ...AGENTIC_MEASUREMENT_KINDS,
]);

/** A parsed measurement file with at least one record, which a copy can be recognised by. */
function measured(l: LoadedArtifact): boolean {
  return MEASUREMENT_KINDS.has(l.ref.kind) && l.result !== null && !l.result.unreadable &&
    l.result.drafts.length > 0 && l.ref.size > 0;
}

/** Numbers of a record that {@link fingerprint} adds up: enough to tell different runs apart. */
const PRINT_VALUES = 8;

/**
 * The first {@link PRINT_VALUES} numbers of a record, added up, how many there were, and whether
 * one of them is not 0.
 */
function draftSum(d: LoadedDraft): [number, number, boolean] {
  const m = d.metrics;
  let sum = 0;
  let taken = 0;
  let nonzero = false;
  if (m instanceof PackedNumbers) {
    // Read in place: copying every map out would cost more than all the rest of this check.
    for (let i = 0, n = m.keys.length; i < n && taken < PRINT_VALUES; i++) {
      const v = m.at(i);
      if (v !== null) {
        sum += v;
        taken++;
        if (v !== 0) nonzero = true;
      }
    }
  } else {
    const plain = m as Record<string, unknown>;
    for (const k in plain) {
      const v = plain[k];
      if (typeof v === "number") {
        sum += v;
        if (v !== 0) nonzero = true;
        if (++taken === PRINT_VALUES) break;
      }
    }
  }
  return [sum, taken, nonzero];
}

/**
 * A cheap summary of what a file's records hold: two files with the same bytes have the same
 * records, so the same summary. Only files whose sizes are equal are summarised, and only the
 * first numbers of each record are read: two different runs differ in nearly all of them, and
 * a false match costs no more than a comparison of the two files. The sum itself is the key (a
 * number: printing it would cost more than the sum).
 *
 * `null` for a file whose records hold no number but 0: a header-only CSV, a run that measured
 * nothing. Such files are alike whichever run wrote them, so their bytes prove no copy.
 */
function fingerprint(l: LoadedArtifact): number | null {
  let sum = 0;
  let nonzero = false;
  for (const d of l.result!.drafts) {
    const [s, , z] = draftSum(d);
    sum += s;
    nonzero ||= z;
  }
  return nonzero ? sum : null;
}

/** Everything a record says, as text: equal texts, equal records. */
function recordText(d: LoadedDraft): string {
  return JSON.stringify([
    d.source_format,
    d.identity,
    numbersOf(d.metrics),
    d.extra_percentiles === undefined ? null : numbersOf(d.extra_percentiles),
    d.notes ?? null,
    d.eval ?? null,
  ]);
}

/**
 * Indices into `loaded` of measurement files that may hold the same bytes: sets of two or more
 * files of one size whose records sum to the same numbers, not all 0. Every copy that can prove
 * anything is in one of them; the bytes decide.
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
    const byPrint = new Map<number, number[]>();
    for (const i of list) {
      const k = fingerprint(loaded[i]);
      if (k === null) continue;
      const same = byPrint.get(k);
      if (same) same.push(i);
      else byPrint.set(k, [i]);
    }
    for (const same of byPrint.values()) {
      if (same.length < 2) continue;
      if (same.length === 2) {
        out.push(same);
        continue;
      }
      // Many files alike so far (a generator's fixed numbers): equal bytes mean equal records,
      // so only files whose whole records are equal are compared, never each with each.
      const byRecord = new Map<string, number[]>();
      for (const i of same) {
        const k = loaded[i].result!.drafts.map(recordText).join("\n");
        const list = byRecord.get(k);
        if (list) list.push(i);
        else byRecord.set(k, [i]);
      }
      for (const list of byRecord.values()) if (list.length > 1) out.push(list);
    }
  }
  return out;
}

/** One copy a cell names in its notes. */
export interface SameBytesCopy {
  path: string;
  kind: ArtifactKind;
  same_bytes_as: string;
  /** The name the copy's group would have taken identity from (file stem or run directory). */
  name: string;
}

/** A row of a collected file (`agg_bmk.json`) that repeats an agg file's record. */
export interface CollectedCopy {
  path: string;
  row: number;
  same_record_as: string;
}

/** What {@link planCopies} decided. */
export interface CopyPlan {
  /**
   * Group key of each copy → the group key whose cell its files belong to. A collected row's
   * key is `row:<path>#<row>`, as the analysis names it.
   */
  into: Map<string, string>;
  /** Group key of each kept group → the copies of its files, by path. */
  copiesOf: Map<string, SameBytesCopy[]>;
  /** Group key of each kept group → the collected rows that repeat its agg, by path and row. */
  rowsOf: Map<string, CollectedCopy[]>;
}

/** Whether a path runs through a `LOGS/` or `logs/` directory, where launchers keep copies. */
function underLogs(path: string): boolean {
  return /(^|\/)(LOGS|logs)\//.test(path);
}

/** The directories of the tree's campaign manifests. */
function manifestDirsOf(loaded: readonly LoadedArtifact[]): Set<string> {
  const dirs = new Set<string>();
  for (const l of loaded) if (l.manifest) dirs.add(dirOf(l.ref.path));
  return dirs;
}

/**
 * Whether two files may be one campaign's: under the same campaign manifest, or one of them under
 * none (a collection made at the top of a download, beside the campaigns it gathers).
 */
function sameCampaign(a: string | null, b: string | null): boolean {
  return a === b || a === null || b === null;
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
  const plan: CopyPlan = { into: new Map(), copiesOf: new Map(), rowsOf: new Map() };
  if (sameBytes.size > 0) planSameBytes(loaded, keys, sameBytes, plan);
  planCollectedRows(loaded, keys, plan);
  return plan;
}

/** The byte-for-byte copies of {@link planCopies}. */
function planSameBytes(
  loaded: readonly LoadedArtifact[],
  keys: readonly (string | null)[],
  sameBytes: ReadonlyMap<string, string>,
  plan: CopyPlan,
): void {
  const manifestDirs = manifestDirsOf(loaded);
  // Each group's measurement files, and the groups holding each set of equal bytes.
  const files = new Map<string, number[]>();
  const holders = new Map<string, Set<string>>();
  const primary = new Set<string>(); // groups with a record that can stand alone as a cell
  for (let i = 0; i < loaded.length; i++) {
    const key = keys[i];
    if (key === null || !measured(loaded[i])) continue;
    const list = files.get(key);
    if (list) list.push(i);
    else files.set(key, [i]);
    if (loaded[i].result!.drafts.some((d) => d.primary)) primary.add(key);
    const bytes = sameBytes.get(loaded[i].ref.path);
    if (bytes !== undefined) {
      const set = holders.get(bytes);
      if (set) set.add(key);
      else holders.set(bytes, new Set([key]));
    }
  }
  const named = new Map<string, number>();
  const namedOf = (key: string) => {
    let n = named.get(key);
    if (n === undefined) named.set(key, n = nameIdentity(key));
    return n;
  };
  const preferred = (a: string, b: string): boolean => {
    const na = files.get(a)!.length, nb = files.get(b)!.length;
    if (na !== nb) return na > nb;
    // The group whose name says more (an RF, a run's directory) over an anonymous copy.
    const ia = namedOf(a), ib = namedOf(b);
    if (ia !== ib) return ia > ib;
    const la = files.get(a)!.every((i) => underLogs(loaded[i].ref.path));
    const lb = files.get(b)!.every((i) => underLogs(loaded[i].ref.path));
    if (la !== lb) return lb;
    return a < b;
  };
  /** Whether `key`'s files may join `target`'s cell (the rules of the module comment). */
  const mayJoin = (key: string, target: string): boolean => {
    // Only a group that makes a cell of its own can take a copy: a run's files that are spread
    // over its per-concurrency cells (a multi-node AgentX run's server metrics) make none.
    if (!primary.has(target)) return false;
    const list = files.get(key)!;
    const theirs = new Set<string>();
    for (const i of files.get(target)!) {
      const b = sameBytes.get(loaded[i].ref.path);
      if (b !== undefined) theirs.add(b);
    }
    if (!list.every((i) => theirs.has(sameBytes.get(loaded[i].ref.path) ?? ""))) return false;
    // Files of one directory are never merged (SPEC §2: two aggs in one directory are two
    // cells): a repeated point there shows as a duplicate concurrency of its curve instead.
    const dirs = new Set(files.get(target)!.map((i) => dirOf(loaded[i].ref.path)));
    if (list.some((i) => dirs.has(dirOf(loaded[i].ref.path)))) return false;
    return sameCampaign(
      scopeOf(loaded[list[0]].ref.path, manifestDirs),
      scopeOf(loaded[files.get(target)![0]].ref.path, manifestDirs),
    );
  };
  for (const [key, list] of files) {
    const first = sameBytes.get(loaded[list[0]].ref.path);
    if (first === undefined) continue;
    let best: string | null = null;
    for (const other of holders.get(first)!) {
      if (other === key || !preferred(other, key) || !mayJoin(key, other)) continue;
      if (best === null || preferred(other, best)) best = other;
    }
    if (best !== null) plan.into.set(key, best);
  }
  // A group kept by one copy may itself be a copy of a better one: follow to the end (each step
  // goes to a preferred group, so the chain cannot loop), as far as the rules allow the copy to
  // go: a copy never reaches a group it could not join directly (one of its own directory).
  for (const [key, target] of [...plan.into]) {
    let end = target;
    for (let next = plan.into.get(end); next !== undefined; next = plan.into.get(end)) {
      if (!mayJoin(key, next)) break;
      end = next;
    }
    plan.into.set(key, end);
  }
  // A kept group that could not follow its own target stays a cell, and takes its copies.
  for (const [key, target] of plan.into) {
    if (plan.into.has(target)) plan.into.delete(key);
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
        name: groupName(key),
      });
    }
  }
  for (const list of plan.copiesOf.values()) {
    list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

/** The last part of a group key: a file's stem, a run's or a directory's name. */
function groupName(key: string): string {
  return key.slice(Math.max(key.indexOf(":"), key.lastIndexOf("/")) + 1);
}

/**
 * How much a group's name says: the identity and topology fields the name parser reads from it
 * (an RF names model, hardware, topology and concurrency; `backup` or `concurrency_64_…` little).
 */
function nameIdentity(key: string): number {
  const info = parseResultName(groupName(key));
  let n = 0;
  for (const v of Object.values(info.identity)) if (v !== null && v !== undefined) n++;
  for (const v of Object.values(info.metrics)) if (v !== null && v !== undefined) n++;
  return n;
}

/**
 * Rows of collected files (`agg_bmk.json`: `collect_results.py` concatenates a sweep's aggs,
 * reference §8) that repeat, record for record, an agg file of the tree: the same measurement,
 * which would otherwise be counted twice and shown as a re-run. Such a row joins the agg's cell
 * (`plan.into` from its `row:` key, `plan.rowsOf`). A row with no agg file beside it stays a cell
 * of its own; rows of one collection are never merged with each other (each agg file takes at
 * most one row of a collection); a record whose numbers are all 0 proves nothing; and a row never
 * joins an agg under another campaign manifest's directory.
 */
function planCollectedRows(
  loaded: readonly LoadedArtifact[],
  keys: readonly (string | null)[],
  plan: CopyPlan,
): void {
  if (!loaded.some((l) => l.ref.kind === "agg_collection" && (l.result?.drafts.length ?? 0) > 0)) {
    return;
  }
  // Agg files of one record, by the sum of their first numbers (a number: see fingerprint).
  const aggs = new Map<number, number[]>();
  // A record whose numbers are all 0 (a run that measured nothing) proves no copy: `null`.
  const printOf = (d: LoadedDraft): number | null => {
    const [sum, , nonzero] = draftSum(d);
    return nonzero ? sum : null;
  };
  for (let i = 0; i < loaded.length; i++) {
    const l = loaded[i];
    const kind = l.ref.kind;
    if ((kind !== "agg" && kind !== "agentx_agg") || keys[i] === null) continue;
    if (!l.result || l.result.unreadable || l.result.drafts.length !== 1) continue;
    const p = printOf(l.result.drafts[0]);
    if (p === null) continue;
    const list = aggs.get(p);
    if (list) list.push(i);
    else aggs.set(p, [i]);
  }
  if (aggs.size === 0) return;
  const manifestDirs = manifestDirsOf(loaded);
  const texts = new Map<number, string>();
  const textOf = (i: number) => {
    let t = texts.get(i);
    if (t === undefined) texts.set(i, t = recordText(loaded[i].result!.drafts[0]));
    return t;
  };
  for (const l of loaded) {
    if (l.ref.kind !== "agg_collection" || !l.result) continue;
    // A row of several records (an AgentX row can make more than one) is left whole.
    const perRow = new Map<string, number>();
    for (const d of l.result.drafts) {
      if (d.sub_key !== undefined) perRow.set(d.sub_key, (perRow.get(d.sub_key) ?? 0) + 1);
    }
    // Each agg file repeats at most one row of a collection: two equal rows are two files' worth.
    const claimed = new Set<number>();
    for (const d of l.result.drafts) {
      if (d.sub_key === undefined || perRow.get(d.sub_key) !== 1) continue;
      const print = printOf(d);
      const candidates = print === null ? undefined : aggs.get(print);
      if (candidates === undefined) continue;
      const text = recordText(d);
      // The first agg file in path order with the same record, of the same campaign.
      const scope = scopeOf(l.ref.path, manifestDirs);
      const match = candidates.find((i) =>
        !claimed.has(i) && textOf(i) === text &&
        sameCampaign(scopeOf(loaded[i].ref.path, manifestDirs), scope)
      );
      if (match === undefined) continue;
      claimed.add(match);
      // An agg file that is itself a copy sends its rows where it went.
      let target = keys[match]!;
      while (plan.into.has(target)) target = plan.into.get(target)!;
      plan.into.set(`row:${l.ref.path}#${d.sub_key}`, target);
      let list = plan.rowsOf.get(target);
      if (!list) plan.rowsOf.set(target, list = []);
      list.push({
        path: l.ref.path,
        row: Number(d.sub_key),
        same_record_as: loaded[match].ref.path,
      });
    }
  }
}
