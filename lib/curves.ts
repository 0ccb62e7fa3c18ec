/**
 * Concurrency curves (cells that differ only in concurrency) and Pareto frontiers.
 * @module
 */
import type { Cell, CellStatus } from "./types.ts";

/** A value of a curve key field. */
export type KeyValue = string | number | boolean | null;

/** One point of a curve: the cell and the metrics plotted along the curve. */
export interface CurvePoint {
  cell_id: string;
  concurrency: number;
  tput_per_gpu: number | null;
  total_tput_tps: number | null;
  p99_ttft: number | null;
  p99_tpot: number | null;
  p99_e2el: number | null;
  intvty: number | null;
  status: CellStatus;
}

/** Cells sharing every identity, shape and topology field except concurrency. */
export interface Curve {
  curve_id: string;
  /** The fields the points share, written out so users see why they were grouped. */
  key: Record<string, KeyValue>;
  /** Sorted by numeric concurrency, ties by `cell_id`. */
  points: CurvePoint[];
  /** Concurrency values that appear more than once (re-runs), ascending. */
  duplicates: number[];
  /** Curve rules that could not compare points (too few concurrency levels), with why. */
  not_checked?: { code: string; reason: string }[];
}

/** One non-dominated point of a frontier. */
export interface FrontierPoint {
  cell_id: string;
  /** The curve the cell belongs to, `null` when the cell has no concurrency. */
  curve_id: string | null;
  concurrency: number | null;
  tput_per_gpu: number;
  intvty: number;
}

/** Points not dominated in (`tput_per_gpu`, `intvty`) for one hardware/model/shape group. */
export interface Frontier {
  frontier_id: string;
  key: Record<string, KeyValue>;
  /** Sorted by `tput_per_gpu` ascending (so `intvty` descending), ties by `cell_id`. */
  points: FrontierPoint[];
}

/**
 * The curve key of a cell: identity, shape and topology without concurrency.
 * The prefill/decode block is part of the key unless the cell is known to be single-node
 * (single-node rows sometimes mirror `tp` into it, which must not split a curve).
 * A side's pp, dcp and pcp join the multi-node key only when one of the six is known and not 1
 * (an unknown one then written as 1): 1 and unknown are the same topology, and keys (and so
 * curve ids) of cells that state none of them, or only 1s, stay as they were before these fields.
 * A cell not known to be multi-node that does not state its pp, dcp or pcp runs with 1 (file names
 * before 2026-07 state none of them, later ones only dcp and pcp): its key says 1, so a run named
 * the old way and one named the new way are one topology, on one curve, and match as baselines.
 * Written as object literals (not filled field by field) so the key stays a compact object; the
 * multi-node key is the shared one spread, then its prefill/decode fields, in that order.
 */
export function curveKey(cell: Cell): Record<string, KeyValue> {
  const m = cell.metrics;
  const known = cell.is_multinode === true;
  const shared = {
    hardware: cell.hardware,
    model: cell.model,
    ...modelPathIfNoModel(cell),
    framework: cell.framework,
    precision: cell.precision,
    spec_decoding: cell.spec_decoding,
    offload_mode: cell.offload_mode,
    disagg: cell.disagg,
    isl: cell.isl,
    osl: cell.osl,
    scenario_type: cell.scenario_type,
    is_multinode: cell.is_multinode,
    tp: m.tp,
    pp: known ? m.pp : m.pp ?? 1,
    dcp: known ? m.dcp : m.dcp ?? 1,
    pcp: known ? m.pcp : m.pcp ?? 1,
    ep: m.ep,
    dp_attention: cell.dp_attention,
  };
  if (cell.is_multinode === false) return shared;
  const sides: Record<string, number | null> = hasSideParallelism(cell)
    ? {
      prefill_tp: m.prefill_tp,
      prefill_pp: m.prefill_pp ?? 1,
      prefill_dcp: m.prefill_dcp ?? 1,
      prefill_pcp: m.prefill_pcp ?? 1,
      prefill_ep: m.prefill_ep,
      prefill_num_workers: m.prefill_num_workers,
      decode_tp: m.decode_tp,
      decode_pp: m.decode_pp ?? 1,
      decode_dcp: m.decode_dcp ?? 1,
      decode_pcp: m.decode_pcp ?? 1,
      decode_ep: m.decode_ep,
      decode_num_workers: m.decode_num_workers,
    }
    : {
      prefill_tp: m.prefill_tp,
      prefill_ep: m.prefill_ep,
      prefill_num_workers: m.prefill_num_workers,
      decode_tp: m.decode_tp,
      decode_ep: m.decode_ep,
      decode_num_workers: m.decode_num_workers,
    };
  return {
    ...shared,
    ...sides,
    num_prefill_gpu: m.num_prefill_gpu,
    num_decode_gpu: m.num_decode_gpu,
    prefill_dp_attention: cell.prefill_dp_attention,
    decode_dp_attention: cell.decode_dp_attention,
  };
}

/**
 * Whether a cell states a prefill or decode pp, dcp or pcp other than 1 (see {@link curveKey}).
 * A field missing altogether (a cell of a `--baseline` report.json written before these fields
 * existed) is unknown, like `null`.
 */
function hasSideParallelism(cell: Cell): boolean {
  const m = cell.metrics;
  const other = (x: number | null | undefined) => typeof x === "number" && x !== 1;
  return other(m.prefill_pp) || other(m.prefill_dcp) || other(m.prefill_pcp) ||
    other(m.decode_pp) || other(m.decode_dcp) || other(m.decode_pcp);
}

/** Canonical, injective string of a key (field names and values in key order). */
export function canonicalKey(key: Record<string, KeyValue>): string {
  return JSON.stringify(Object.entries(key));
}

/** 53-bit string hash (cyrb53) as 14 hex digits; stable across runs and machines. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const n = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return n.toString(16).padStart(14, "0");
}

function slug(parts: KeyValue[]): string {
  return parts
    .map((p) =>
      (p === null ? "na" : String(p)).toLowerCase().replace(/[^a-z0-9.]+/g, "_")
        .replace(/^_+|_+$/g, "") || "na"
    )
    .join("-")
    .slice(0, 80);
}

/** Stable id of a curve key: a readable prefix and a hash of the canonical key. */
export function curveIdOf(key: Record<string, KeyValue>): string {
  return baseIdOf(key, canonicalKey(key), null);
}

/** The values of a curve key its id's readable prefix is made of. */
function prefixParts(key: Record<string, KeyValue>): KeyValue[] {
  return [key.model, key.hardware, key.framework, key.precision, key.isl, key.osl];
}

/** {@link curveIdOf} with the canonical key at hand, remembering ids in `work` (when given). */
function baseIdOf(key: Record<string, KeyValue>, canon: string, work: CurveWork | null): string {
  const parts = prefixParts(key);
  const seen = work?.ids.get(canon);
  // Keys with one canonical form can still differ in how a value is missing (null, NaN, …),
  // which the prefix spells out.
  if (seen && seen.parts.every((p, i) => Object.is(p, parts[i]))) return seen.id;
  const id = `${slug(parts)}-${hash53(canon)}`;
  work?.ids.set(canon, { parts, id });
  return id;
}

/** Byte-order string comparison (locale independent). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a === b ? 0 : 1;
}

function isFiniteNumber(x: number | null | undefined): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

/** Ids for canonical keys; distinct keys always get distinct ids, independent of input order. */
function assignIds(
  canonicals: readonly string[],
  keys: ReadonlyMap<string, Record<string, KeyValue>>,
  work: CurveWork,
): Map<string, string> {
  const ids = new Map<string, string>();
  const bases = canonicals.map((canon) => baseIdOf(keys.get(canon)!, canon, work));
  if (new Set(bases).size === bases.length) {
    // No two share an id (the usual case): no suffixes, so the order they are given in is moot.
    canonicals.forEach((canon, i) => ids.set(canon, bases[i]));
    return ids;
  }
  const used = new Set<string>();
  for (const canon of [...canonicals].sort(compareText)) {
    const base = baseIdOf(keys.get(canon)!, canon, work);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    ids.set(canon, id);
  }
  return ids;
}

/** Whether a cell is a point of a curve: numeric concurrency, and not an eval-only cell. */
function onCurve(cell: Cell): boolean {
  // Eval-only cells are accuracy records, not points of a throughput/latency curve.
  return isFiniteNumber(cell.concurrency) && cell.source_format !== "eval";
}

/**
 * A short string equal for two cells exactly when their curve keys have equal canonical forms:
 * the key's values as a JSON array (single-node keys, multi-node keys with and without the sides'
 * pp/dcp/pcp, and each of them with `model_path`, all have different lengths, and each has fixed
 * field names, which the canonical form spells out and this leaves out).
 */
function curveGroupKey(cell: Cell): string {
  return JSON.stringify(Object.values(curveKey(cell)));
}

/** Work that curves and frontiers of the same cells share. */
interface CurveWork {
  /** {@link curveGroupKey} of each cell on a curve, one string per curve; `null` off curves. */
  groupKeys: (string | null)[];
  /** Ids made so far by canonical key, with the values of their readable prefix. */
  ids: Map<string, { parts: KeyValue[]; id: string }>;
}

function curveWork(cells: readonly Cell[]): CurveWork {
  const shared = new Map<string, string>(); // so that each cell's own copy can be dropped
  const groupKeys = cells.map((c) => {
    if (!onCurve(c)) return null;
    const k = curveGroupKey(c);
    const first = shared.get(k);
    if (first !== undefined) return first;
    shared.set(k, k);
    return k;
  });
  return { groupKeys, ids: new Map() };
}

/**
 * Curves and Pareto frontiers of the same cells: `buildCurves(cells)` and
 * `paretoFrontier(cells)`, with the work both need done once.
 *
 * @example
 * ```ts
 * const { curves, frontiers } = curvesAndFrontiers(cells);
 * ```
 */
export function curvesAndFrontiers(
  cells: readonly Cell[],
): { curves: Curve[]; frontiers: Frontier[] } {
  const work = curveWork(cells);
  return { curves: curvesOf(cells, work), frontiers: frontiersOf(cells, work) };
}

/**
 * Group cells into concurrency curves. Cells without a numeric concurrency are left out.
 *
 * @example
 * ```ts
 * const curves = buildCurves(cells);
 * for (const c of curves) console.log(c.curve_id, c.points.map((p) => p.concurrency));
 * ```
 */
export function buildCurves(cells: readonly Cell[]): Curve[] {
  return curvesOf(cells, curveWork(cells));
}

function curvesOf(cells: readonly Cell[], work: CurveWork): Curve[] {
  const groups = new Map<string, Cell[]>();
  for (let i = 0; i < cells.length; i++) {
    const g = work.groupKeys[i];
    if (g === null) continue;
    const group = groups.get(g);
    if (group) group.push(cells[i]);
    else groups.set(g, [cells[i]]);
  }
  // A curve's key is its first cell's (keys with one canonical form can still differ in how a
  // value is missing: null, NaN, undefined).
  const keys = new Map<string, Record<string, KeyValue>>(); // canonical key -> key
  const canons: string[] = [];
  for (const group of groups.values()) {
    const key = curveKey(group[0]);
    const canon = canonicalKey(key);
    keys.set(canon, key);
    canons.push(canon);
  }
  const ids = assignIds(canons, keys, work);
  const curves: Curve[] = [];
  let n = 0;
  for (const group of groups.values()) {
    const canon = canons[n++];
    const points = group
      .map((c): CurvePoint => ({
        cell_id: c.cell_id,
        concurrency: c.concurrency as number,
        tput_per_gpu: c.metrics.tput_per_gpu,
        total_tput_tps: c.metrics.total_tput_tps,
        p99_ttft: c.metrics.p99_ttft,
        p99_tpot: c.metrics.p99_tpot,
        p99_e2el: c.metrics.p99_e2el,
        intvty: c.metrics.intvty,
        status: c.status,
      }))
      .sort((a, b) => a.concurrency - b.concurrency || compareText(a.cell_id, b.cell_id));
    const duplicates: number[] = [];
    for (let i = 1; i < points.length; i++) {
      const c = points[i].concurrency;
      if (c === points[i - 1].concurrency && duplicates[duplicates.length - 1] !== c) {
        duplicates.push(c);
      }
    }
    curves.push({ curve_id: ids.get(canon)!, key: keys.get(canon)!, points, duplicates });
  }
  return curves.sort((a, b) => compareText(a.curve_id, b.curve_id));
}

/** Frontier of one group: sort by throughput descending, sweep keeping the best interactivity. */
function nonDominated(cells: Cell[]): Cell[] {
  const tput = (c: Cell) => c.metrics.tput_per_gpu as number;
  const intvty = (c: Cell) => c.metrics.intvty as number;
  const sorted = cells.sort((a, b) =>
    tput(b) - tput(a) || intvty(b) - intvty(a) || compareText(a.cell_id, b.cell_id)
  );
  const kept: Cell[] = [];
  let best = -Infinity; // best intvty among strictly higher throughputs
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j < sorted.length && tput(sorted[j]) === tput(sorted[i])) j++;
    const top = intvty(sorted[i]); // highest intvty at this throughput
    if (top > best) {
      for (let k = i; k < j && intvty(sorted[k]) === top; k++) kept.push(sorted[k]);
      best = top;
    }
    i = j;
  }
  return kept.sort((a, b) =>
    tput(a) - tput(b) || intvty(b) - intvty(a) || compareText(a.cell_id, b.cell_id)
  );
}

/**
 * Pareto frontier per (hardware, model, isl, osl, scenario_type) across all topologies:
 * the points not dominated in (`tput_per_gpu`, `intvty`), both higher-is-better.
 * Cells lacking either value, and failed cells, are skipped.
 *
 * @example
 * ```ts
 * const frontiers = paretoFrontier(cells);
 * ```
 */
export function paretoFrontier(cells: readonly Cell[]): Frontier[] {
  return frontiersOf(cells, curveWork(cells));
}

/**
 * `{model_path}` when the short model prefix is unknown but the path is not: the path then keeps
 * two models' points (files named only `concurrency_64_…`) off one curve and one frontier. Known
 * prefixes keep their curves whatever path each run loaded the model from.
 */
function modelPathIfNoModel(cell: Cell): { model_path?: string } {
  return cell.model === null && cell.model_path !== null ? { model_path: cell.model_path } : {};
}

/** The frontier group of a cell: its frontier key's values as JSON (the field names are fixed). */
function frontierGroupKey(cell: Cell): string {
  const group = [cell.hardware, cell.model, cell.isl, cell.osl, cell.scenario_type];
  if (cell.model === null && cell.model_path !== null) group.push(cell.model_path);
  return JSON.stringify(group);
}

function frontiersOf(cells: readonly Cell[], work: CurveWork): Frontier[] {
  const groups = new Map<string, Cell[]>();
  const keys = new Map<string, Record<string, KeyValue>>();
  const curveOf = new Map<string, string>(); // cell_id -> curve group key
  const lastOfCurve = new Map<string, Cell>(); // curve group key -> its last cell here
  // The frontier key is part of the curve key: the cells of a curve share their group.
  const groupOfCurve = new Map<string, string>();
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (
      !isFiniteNumber(cell.metrics.tput_per_gpu) || !isFiniteNumber(cell.metrics.intvty) ||
      cell.status === "failed" || cell.source_format === "eval"
    ) continue;
    let g: string;
    if (isFiniteNumber(cell.concurrency)) {
      const cg = work.groupKeys[i]!; // a frontier cell with a concurrency is on a curve
      curveOf.set(cell.cell_id, cg);
      lastOfCurve.set(cg, cell);
      let known = groupOfCurve.get(cg);
      if (known === undefined) {
        known = frontierGroupKey(cell);
        groupOfCurve.set(cg, known);
      }
      g = known;
    } else g = frontierGroupKey(cell);
    const group = groups.get(g);
    if (group) group.push(cell);
    else {
      groups.set(g, [cell]);
      keys.set(g, {
        hardware: cell.hardware,
        model: cell.model,
        ...modelPathIfNoModel(cell),
        isl: cell.isl,
        osl: cell.osl,
        scenario_type: cell.scenario_type,
      });
    }
  }
  // Same id assignment as buildCurves when every cell with a concurrency is in `cells`; a curve's
  // key is its last cell's here, as it always was.
  const curveKeys = new Map<string, Record<string, KeyValue>>(); // canonical key -> key
  const canonOf = new Map<string, string>(); // curve group key -> canonical key
  for (const [cg, cell] of lastOfCurve) {
    const key = curveKey(cell);
    const canon = canonicalKey(key);
    curveKeys.set(canon, key);
    canonOf.set(cg, canon);
  }
  const curveIds = assignIds([...curveKeys.keys()], curveKeys, work);
  const frontiers: Frontier[] = [];
  for (const [g, group] of groups) {
    const key = keys.get(g)!;
    const points = nonDominated(group).map((c): FrontierPoint => {
      const cg = curveOf.get(c.cell_id);
      return {
        cell_id: c.cell_id,
        curve_id: cg === undefined ? null : curveIds.get(canonOf.get(cg)!)!,
        concurrency: isFiniteNumber(c.concurrency) ? c.concurrency : null,
        tput_per_gpu: c.metrics.tput_per_gpu as number,
        intvty: c.metrics.intvty as number,
      };
    });
    const prefix = slug([key.model, key.hardware, key.isl, key.osl, key.scenario_type]);
    frontiers.push({ frontier_id: `${prefix}-${hash53(canonicalKey(key))}`, key, points });
  }
  return frontiers.sort((a, b) => compareText(a.frontier_id, b.frontier_id));
}
