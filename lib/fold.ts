/**
 * Folding parsed records into normalized cells.
 *
 * Pure: the input is never mutated, and the result does not depend on the order of `records`
 * (records are sorted by group key, priority and path before anything is merged).
 * @module
 */
import { makeCell } from "./cell.ts";
import { parseResultName } from "./names.ts";
import {
  type ArtifactKind,
  type Cell,
  type CellRecord,
  type CellStatus,
  type Identity,
  IDENTITY_FIELDS,
  METRIC_FIELDS,
  type Metrics,
  type SourceFormat,
} from "./types.ts";

/** Options of {@link foldCells}. */
export interface FoldOptions {
  /** Extra names (directory names, file names) per group key to parse identity from. */
  names?: ReadonlyMap<string, readonly string[]>;
}

function compareRecords(a: CellRecord, b: CellRecord): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.artifact < b.artifact ? -1 : a.artifact > b.artifact ? 1 : 0;
}

/**
 * Fold records into cells, one per group key.
 *
 * @example
 * ```ts
 * const cells = foldCells(records, {});
 * ```
 */
export function foldCells(records: readonly CellRecord[], opts: FoldOptions = {}): Cell[] {
  return [...foldGroups(records, opts).values()];
}

/** Like {@link foldCells}, keyed by group key (in sorted key order). */
export function foldGroups(
  records: readonly CellRecord[],
  opts: FoldOptions = {},
): Map<string, Cell> {
  const groups = new Map<string, CellRecord[]>();
  for (const r of records) {
    const list = groups.get(r.group_key);
    if (list) list.push(r);
    else groups.set(r.group_key, [r]);
  }
  const keys = [...groups.keys()].sort();
  const out = new Map<string, Cell>();
  const usedIds = new Set<string>();
  for (const key of keys) {
    const recs = [...groups.get(key)!].sort(compareRecords);
    const cell = foldGroup(key, recs, opts.names?.get(key) ?? []);
    let id = cell.cell_id;
    for (let n = 2; usedIds.has(id); n++) id = `${cell.cell_id}-${n}`;
    usedIds.add(id);
    cell.cell_id = id;
    out.set(key, cell);
  }
  return out;
}

function foldGroup(key: string, recs: readonly CellRecord[], names: readonly string[]): Cell {
  const identity: Partial<Identity> = {};
  const metrics: Partial<Metrics> = {};
  const extra: Record<string, number> = {};
  const notes: Record<string, unknown> = {};
  const artifacts: Partial<Record<ArtifactKind, string[]>> = {};
  let evalResults: Cell["eval"] = null;
  const formats = new Set<SourceFormat>();
  for (const r of recs) {
    for (const f of IDENTITY_FIELDS) {
      const v = r.identity[f];
      if (identity[f] == null && v != null) (identity as Record<string, unknown>)[f] = v;
    }
    for (const f of METRIC_FIELDS) {
      const v = r.metrics[f];
      if (metrics[f] == null && v != null) metrics[f] = v;
    }
    for (const [k, v] of Object.entries(r.extra_percentiles ?? {})) extra[k] ??= v;
    for (const [k, v] of Object.entries(r.notes ?? {})) if (notes[k] === undefined) notes[k] = v;
    if (r.eval) {
      evalResults ??= {};
      for (const [task, m] of Object.entries(r.eval)) evalResults[task] ??= { ...m };
    }
    if (r.source_format !== "unknown" && (r.primary || r.source_format === "eval")) {
      formats.add(r.source_format);
    }
    const list = artifacts[r.kind] ??= [];
    if (!list.includes(r.artifact)) list.push(r.artifact);
  }
  // Names fill what the records leave open.
  const primaryPaths = recs.filter((r) => r.primary).map((r) => r.artifact);
  for (const name of [...primaryPaths, ...names]) {
    const info = parseResultName(name);
    for (const [f, v] of Object.entries(info.identity)) {
      if ((identity as Record<string, unknown>)[f] == null && v != null) {
        (identity as Record<string, unknown>)[f] = v;
      }
    }
    for (const [f, v] of Object.entries(info.metrics)) {
      const field = f as keyof Metrics;
      if (metrics[field] == null && v != null) metrics[field] = v;
    }
  }
  for (const list of Object.values(artifacts)) list?.sort();

  deriveTopology(identity, metrics);
  deriveThroughputPerGpu(identity, metrics);
  deriveCompletion(metrics, notes);
  if (metrics.intvty == null) {
    const tpot = metrics.p50_tpot ?? metrics.mean_tpot;
    if (tpot != null && tpot > 0) metrics.intvty = 1 / tpot;
  }

  const sourceFormat: SourceFormat = formats.size === 0
    ? "unknown"
    : formats.size === 1
    ? [...formats][0]
    : "mixed";
  const cell = makeCell(cellIdFor(key, identity), {
    ...identity,
    source_format: sourceFormat,
    status: statusOf(metrics),
    metrics,
    extra_percentiles: sortKeys(extra),
    eval: evalResults,
    notes: sortKeys(notes),
    artifacts: sortKeys(artifacts),
  });
  return cell;
}

function deriveTopology(identity: Partial<Identity>, m: Partial<Metrics>): void {
  if (identity.is_multinode) {
    if (m.num_gpus == null && m.num_prefill_gpu != null && m.num_decode_gpu != null) {
      m.num_gpus = m.num_prefill_gpu + m.num_decode_gpu;
    }
    return;
  }
  if (m.num_gpus == null && m.tp != null) m.num_gpus = m.tp * (m.pp ?? 1) * (m.pcp ?? 1);
}

/** InferenceX's per-GPU formulas: single-node ÷ tp×pp×pcp; disagg total ÷ (P+D), output ÷ D, input ÷ P. */
function deriveThroughputPerGpu(identity: Partial<Identity>, m: Partial<Metrics>): void {
  if (m.input_tput_tps == null && m.total_tput_tps != null && m.output_tput_tps != null) {
    m.input_tput_tps = m.total_tput_tps - m.output_tput_tps;
  }
  let total: number | null = null;
  let outputDiv: number | null = null;
  let inputDiv: number | null = null;
  if (identity.is_multinode && m.num_prefill_gpu != null && m.num_decode_gpu != null) {
    const p = m.num_prefill_gpu;
    const d = m.num_decode_gpu;
    total = p + d;
    outputDiv = d > 0 ? d : p;
    inputDiv = p;
  } else if (!identity.is_multinode && m.num_gpus != null) {
    total = outputDiv = inputDiv = m.num_gpus;
  }
  const per = (v: number | null | undefined, div: number | null) =>
    v != null && div != null && div > 0 ? v / div : null;
  m.tput_per_gpu ??= per(m.total_tput_tps, total);
  m.output_tput_per_gpu ??= per(m.output_tput_tps, outputDiv);
  m.input_tput_per_gpu ??= per(m.input_tput_tps, inputDiv);
}

/**
 * Success rate from request counts. AgentX v1.0 aggregates count warm-up records in the total;
 * there the rate is profiled ÷ (profiled + error-dropped), so warm-up drops are not failures.
 */
function deriveCompletion(m: Partial<Metrics>, notes: Record<string, unknown>): void {
  const acc = notes.request_accounting as Record<string, unknown> | undefined;
  if (
    acc && typeof acc.records_profiled === "number" && typeof acc.records_error_dropped === "number"
  ) {
    const denom = acc.records_profiled + acc.records_error_dropped;
    if (denom > 0) m.success_rate = acc.records_profiled / denom;
    return;
  }
  if (m.success_rate == null && m.num_requests_successful != null && m.num_requests_total) {
    m.success_rate = m.num_requests_successful / m.num_requests_total;
  }
}

function statusOf(m: Partial<Metrics>): CellStatus {
  if (m.num_requests_successful === 0) return "failed";
  if (m.success_rate != null) return m.success_rate >= 1 ? "complete" : "partial";
  return "unknown";
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  // fromEntries keeps the object compact (see lib/cell.ts).
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/** FNV-1a 32-bit hash as 8 hex characters. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** A readable, stable cell id: model, shape, hardware, concurrency, and a hash of the group key. */
export function cellIdFor(key: string, identity: Partial<Identity>): string {
  const seq = identity.isl != null && identity.osl != null
    ? `${identity.isl}-${identity.osl}`
    : identity.scenario_type === "agentic-coding"
    ? "agentic"
    : null;
  const parts = [
    identity.model,
    seq,
    identity.hardware,
    identity.framework,
    identity.offload_mode && identity.offload_mode !== "none"
      ? `kv-${identity.offload_mode}`
      : null,
    identity.concurrency != null ? `c${identity.concurrency}` : null,
  ].filter((p): p is string => typeof p === "string" && p.length > 0);
  const slug = parts.join("_").replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 80);
  return `${slug || "cell"}-${shortHash(key)}`;
}
