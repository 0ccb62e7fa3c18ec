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

const SHARED_IDENTITY = [
  "hardware",
  "model",
  "framework",
  "precision",
  "spec_decoding",
  "offload_mode",
  "disagg",
  "isl",
  "osl",
  "scenario_type",
  "is_multinode",
] as const;

const SINGLE_NODE_TOPOLOGY = ["tp", "pp", "dcp", "pcp", "ep"] as const;

const MULTI_NODE_TOPOLOGY = [
  "prefill_tp",
  "prefill_ep",
  "prefill_num_workers",
  "decode_tp",
  "decode_ep",
  "decode_num_workers",
  "num_prefill_gpu",
  "num_decode_gpu",
] as const;

/**
 * The curve key of a cell: identity, shape and topology without concurrency.
 * The prefill/decode block is part of the key unless the cell is known to be single-node
 * (single-node rows sometimes mirror `tp` into it, which must not split a curve).
 */
export function curveKey(cell: Cell): Record<string, KeyValue> {
  const key: Record<string, KeyValue> = {};
  for (const f of SHARED_IDENTITY) key[f] = cell[f];
  for (const f of SINGLE_NODE_TOPOLOGY) key[f] = cell.metrics[f];
  key.dp_attention = cell.dp_attention;
  if (cell.is_multinode !== false) {
    for (const f of MULTI_NODE_TOPOLOGY) key[f] = cell.metrics[f];
    key.prefill_dp_attention = cell.prefill_dp_attention;
    key.decode_dp_attention = cell.decode_dp_attention;
  }
  return key;
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
  const prefix = slug([key.model, key.hardware, key.framework, key.precision, key.isl, key.osl]);
  return `${prefix}-${hash53(canonicalKey(key))}`;
}

/** Byte-order string comparison (locale independent). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isFiniteNumber(x: number | null | undefined): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

/** Ids for canonical keys; distinct keys always get distinct ids, independent of input order. */
function assignIds(canonicals: string[], keys: Map<string, Record<string, KeyValue>>) {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const canon of [...canonicals].sort(compareText)) {
    const base = curveIdOf(keys.get(canon)!);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    ids.set(canon, id);
  }
  return ids;
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
  const groups = new Map<string, Cell[]>();
  const keys = new Map<string, Record<string, KeyValue>>();
  for (const cell of cells) {
    // Eval-only cells are accuracy records, not points of a throughput/latency curve.
    if (!isFiniteNumber(cell.concurrency) || cell.source_format === "eval") continue;
    const key = curveKey(cell);
    const canon = canonicalKey(key);
    const group = groups.get(canon);
    if (group) group.push(cell);
    else {
      groups.set(canon, [cell]);
      keys.set(canon, key);
    }
  }
  const ids = assignIds([...groups.keys()], keys);
  const curves: Curve[] = [];
  for (const [canon, group] of groups) {
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
function nonDominated(points: FrontierPoint[]): FrontierPoint[] {
  const sorted = [...points].sort((a, b) =>
    b.tput_per_gpu - a.tput_per_gpu || b.intvty - a.intvty || compareText(a.cell_id, b.cell_id)
  );
  const kept: FrontierPoint[] = [];
  let best = -Infinity; // best intvty among strictly higher throughputs
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j < sorted.length && sorted[j].tput_per_gpu === sorted[i].tput_per_gpu) j++;
    const top = sorted[i].intvty; // highest intvty at this throughput
    if (top > best) {
      for (let k = i; k < j && sorted[k].intvty === top; k++) kept.push(sorted[k]);
      best = top;
    }
    i = j;
  }
  return kept.sort((a, b) =>
    a.tput_per_gpu - b.tput_per_gpu || b.intvty - a.intvty || compareText(a.cell_id, b.cell_id)
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
  const groups = new Map<string, FrontierPoint[]>();
  const keys = new Map<string, Record<string, KeyValue>>();
  const curveCanon = new Map<string, string>(); // cell_id -> canonical curve key
  const curveKeys = new Map<string, Record<string, KeyValue>>();
  for (const cell of cells) {
    const tput = cell.metrics.tput_per_gpu;
    const intvty = cell.metrics.intvty;
    if (
      !isFiniteNumber(tput) || !isFiniteNumber(intvty) || cell.status === "failed" ||
      cell.source_format === "eval"
    ) continue;
    const key: Record<string, KeyValue> = {
      hardware: cell.hardware,
      model: cell.model,
      isl: cell.isl,
      osl: cell.osl,
      scenario_type: cell.scenario_type,
    };
    const canon = canonicalKey(key);
    const point: FrontierPoint = {
      cell_id: cell.cell_id,
      curve_id: null,
      concurrency: isFiniteNumber(cell.concurrency) ? cell.concurrency : null,
      tput_per_gpu: tput,
      intvty,
    };
    if (point.concurrency !== null) {
      const ck = curveKey(cell);
      const cc = canonicalKey(ck);
      curveCanon.set(cell.cell_id, cc);
      curveKeys.set(cc, ck);
    }
    const group = groups.get(canon);
    if (group) group.push(point);
    else {
      groups.set(canon, [point]);
      keys.set(canon, key);
    }
  }
  // Same id assignment as buildCurves when every cell with a concurrency is in `cells`.
  const curveIds = assignIds([...curveKeys.keys()], curveKeys);
  const frontiers: Frontier[] = [];
  for (const [canon, group] of groups) {
    const key = keys.get(canon)!;
    const points = nonDominated(group).map((p) => {
      const cc = curveCanon.get(p.cell_id);
      return { ...p, curve_id: cc === undefined ? null : curveIds.get(cc)! };
    });
    const prefix = slug([key.model, key.hardware, key.isl, key.osl, key.scenario_type]);
    frontiers.push({ frontier_id: `${prefix}-${hash53(canon)}`, key, points });
  }
  return frontiers.sort((a, b) => compareText(a.frontier_id, b.frontier_id));
}
