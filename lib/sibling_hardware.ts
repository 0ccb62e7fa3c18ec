/**
 * Hardware lent to a fixed-seq cell by the other points of its curve.
 *
 * Only an agg record says which hardware a fixed-seq point ran on (its `hw`); a file name gives
 * the runner only. A point with no agg — a failed or partial run, for which InferenceX writes
 * none (formats reference §11) — would otherwise have no hardware and split off its curve. The
 * points of one curve sit side by side under names that differ only in `_conc<N>_` and the runner
 * suffix (reference §7), so such a point takes the hardware they agree on. A multi-node job's
 * per-point files differ only in their concurrency (reference §2.2), and lend the same way.
 * @module
 */
import { curveStemOf } from "./names.ts";
import type { CellRecord } from "./types.ts";

/** A hardware value lent to a cell, and the first file (in path order) that stated it. */
export interface LentHardware {
  hardware: string;
  from: string;
}

/** The directory of a `file:<dir>/<stem>` group key (`""` at the root). */
function dirOfKey(key: string): string {
  const slash = key.lastIndexOf("/");
  return slash < 0 ? "" : key.slice(5, slash);
}

/** `<dir>\0<curve stem>` of a `file:<dir>/<stem>` group key; `null` for a stem that is no RF. */
function curveKeyOf(key: string): string | null {
  const slash = key.lastIndexOf("/");
  const curve = curveStemOf(key.slice(slash < 0 ? 5 : slash + 1));
  return curve === null ? null : `${dirOfKey(key)}\0${curve}`;
}

/** Record `hw` stated by `artifact` in `into`, keeping the first artifact in path order. */
function addSource(into: Map<string, string>, hw: string, artifact: string): void {
  const seen = into.get(hw);
  if (seen === undefined || artifact < seen) into.set(hw, artifact);
}

/**
 * The hardware each fixed-seq cell (group key `file:<dir>/<stem>`) whose records state none takes
 * from the other cells of the same key directory whose stem is the same apart from
 * `_conc<N>_<runner>`: only when those state exactly one hardware value between them. A cell
 * that states a hardware never gets one, and no hardware crosses directories. Linear in the
 * records: one map by directory and curve stem.
 *
 * @example
 * ```ts
 * const lent = siblingHardware(records); // Map { "file:t5/kimik2.5_…_conc64_MI355-…" => {hardware: "mi355x", from: "t5/agg_kimik2.5_…_conc32_MI355-….json"} }
 * ```
 */
export function siblingHardware(records: readonly CellRecord[]): Map<string, LentHardware> {
  // Per fixed-seq key: the hardware values its records state, each with its first artifact.
  const stated = new Map<string, Map<string, string>>();
  const open = new Set<string>();
  for (const r of records) {
    const key = r.group_key;
    if (!key.startsWith("file:")) continue;
    const hw = r.identity.hardware;
    if (hw == null) {
      if (!stated.has(key)) open.add(key);
      continue;
    }
    open.delete(key);
    let sources = stated.get(key);
    if (sources === undefined) stated.set(key, sources = new Map());
    addSource(sources, hw, r.artifact);
  }
  const out = new Map<string, LentHardware>();
  if (open.size === 0) return out;
  const wanting = new Map<string, string[]>(); // curve key -> open group keys
  const dirs = new Set<string>(); // their directories: only cells there can lend
  for (const key of open) {
    const curve = curveKeyOf(key);
    if (curve === null) continue;
    dirs.add(dirOfKey(key));
    const list = wanting.get(curve);
    if (list) list.push(key);
    else wanting.set(curve, [key]);
  }
  if (wanting.size === 0) return out;
  const lenders = new Map<string, Map<string, string>>(); // curve key -> hardware -> first file
  for (const [key, sources] of stated) {
    if (!dirs.has(dirOfKey(key))) continue;
    const curve = curveKeyOf(key);
    if (curve === null || !wanting.has(curve)) continue;
    let into = lenders.get(curve);
    if (into === undefined) lenders.set(curve, into = new Map());
    for (const [hw, artifact] of sources) addSource(into, hw, artifact);
  }
  for (const [curve, keys] of wanting) {
    const sources = lenders.get(curve);
    if (sources === undefined || sources.size !== 1) continue;
    const [[hardware, from]] = sources;
    for (const key of keys) out.set(key, { hardware, from });
  }
  return out;
}
