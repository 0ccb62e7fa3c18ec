/**
 * Folding parsed records into normalized cells.
 *
 * Pure: the input is never mutated, and the result does not depend on the order of `records`
 * (records are sorted by group key, priority and path before anything is merged).
 * @module
 */
import { accountedRequests } from "./accounting.ts";
import { assembleCell, emptyIdentity, emptyMetrics } from "./cell.ts";
import { resultsFileTime } from "./eval_join.ts";
import { setOwn } from "./group_by.ts";
import { shortHash } from "./hash.ts";
import { parseResultName } from "./names.ts";
import { type NumberMap, numbersOf, PackedNumbers } from "./packed.ts";
import type { LentHardware } from "./sibling_hardware.ts";
import type { CollectedCopy, SameBytesCopy } from "./copies.ts";
import type { Cell, CellRecord, CellStatus, Identity, Metrics, SourceFormat } from "./types.ts";

/** Options of {@link foldCells}. */
export interface FoldOptions {
  /** Extra names (directory names, file names) per group key to parse identity from. */
  names?: ReadonlyMap<string, readonly string[]>;
  /**
   * Hardware per group key for cells whose records state none, lent by the other points of
   * their curve (see `siblingHardware`); noted in the cell's `hardware_from`.
   */
  hardware?: ReadonlyMap<string, LentHardware>;
  /**
   * Per group key, byte-for-byte copies of its measurement files found elsewhere in the tree
   * (see lib/copies.ts): listed in the cell's artifacts and in its `same_bytes_copies` note.
   */
  copies?: ReadonlyMap<string, readonly SameBytesCopy[]>;
  /**
   * Per group key, rows of collected files that repeat its agg's record (see lib/copies.ts):
   * the collection is listed in the cell's artifacts, the rows in its `collected_copies` note.
   */
  collectedRows?: ReadonlyMap<string, readonly CollectedCopy[]>;
}

/**
 * Records in the order the fold takes them (the first value of a field wins): by priority, then
 * lm-eval results whose names give a time latest first (a later run supersedes an earlier one,
 * scores and notes alike, in whichever directory each sits), then by path. A lexicographic key,
 * so a total order: the fold never depends on the order records come in.
 */
function compareRecords(a: CellRecord, b: CellRecord): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const at = a.kind === "eval_results" ? resultsFileTime(a.artifact) : null;
  const bt = b.kind === "eval_results" ? resultsFileTime(b.artifact) : null;
  if ((at === null) !== (bt === null)) return at === null ? 1 : -1;
  if (at !== bt) return at! > bt! ? -1 : 1;
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
  const state: FoldState = {
    usedIds: new Set(),
    extraShapes: { lists: [], shapes: [] },
    noteShapes: { lists: [], shapes: [] },
  };
  for (const key of keys) {
    const recs = groups.get(key)!; // our own array: sorting it in place mutates no input
    if (recs.length > 1) recs.sort(compareRecords);
    const names = opts.names?.get(key) ?? NO_NAMES;
    out.set(
      key,
      foldGroup(key, recs, names, opts.hardware?.get(key), {
        files: opts.copies?.get(key),
        rows: opts.collectedRows?.get(key),
      }, state),
    );
  }
  return out;
}

/** What one fold remembers from cell to cell. */
interface FoldState {
  /** Cell ids given out so far (a repeated id gets a `-2`, `-3`, … suffix). */
  usedIds: Set<string>;
  /** Recently seen key lists of extra percentiles and of notes (see {@link mergeSorted}). */
  extraShapes: ShapeCache;
  noteShapes: ShapeCache;
}

const NO_NAMES: readonly string[] = [];

/**
 * Keys a plain object already answers through its prototype (`constructor`, `toString`, …).
 * The fold used to merge free-form maps by filling a plain object, where such a key reads as
 * already set and was never copied; {@link mergeSorted} leaves them out the same way.
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Copy the non-null values of `source` into the fields of `target` that are still `null`.
 * `target` has every field (all `null` at first), so keys it lacks are ignored and no property
 * is ever added; the loop visits only the keys the source has. Used for the few fields a name
 * yields; records go through {@link fillIdentity} and {@link fillMetrics}.
 */
function fillOpen(target: object, source: object): void {
  const t = target as Record<string, unknown>;
  const s = source as Record<string, unknown>;
  for (const k in s) {
    const v = s[k];
    if (v != null && t[k] === null) t[k] = v;
  }
}

/**
 * Fill the identity fields still `null` from a record's identity, field by field. Written out
 * rather than looped over IDENTITY_FIELDS: a property access by a fixed name is several times
 * faster than one by a computed key (and keeps a cold run out of V8's slow generic paths), which
 * counts with tens of thousands of records. `fold_test.ts` checks that no field is missing.
 */
function fillIdentity(t: Identity, s: Partial<Identity>): void {
  if (t.hardware === null) t.hardware = s.hardware ?? null;
  if (t.model === null) t.model = s.model ?? null;
  if (t.model_path === null) t.model_path = s.model_path ?? null;
  if (t.framework === null) t.framework = s.framework ?? null;
  if (t.precision === null) t.precision = s.precision ?? null;
  if (t.spec_decoding === null) t.spec_decoding = s.spec_decoding ?? null;
  if (t.offload_mode === null) t.offload_mode = s.offload_mode ?? null;
  if (t.disagg === null) t.disagg = s.disagg ?? null;
  if (t.recipe_name === null) t.recipe_name = s.recipe_name ?? null;
  if (t.runner === null) t.runner = s.runner ?? null;
  if (t.image === null) t.image = s.image ?? null;
  if (t.scenario_type === null) t.scenario_type = s.scenario_type ?? null;
  if (t.is_multinode === null) t.is_multinode = s.is_multinode ?? null;
  if (t.isl === null) t.isl = s.isl ?? null;
  if (t.osl === null) t.osl = s.osl ?? null;
  if (t.concurrency === null) t.concurrency = s.concurrency ?? null;
  if (t.dp_attention === null) t.dp_attention = s.dp_attention ?? null;
  if (t.prefill_dp_attention === null) t.prefill_dp_attention = s.prefill_dp_attention ?? null;
  if (t.decode_dp_attention === null) t.decode_dp_attention = s.decode_dp_attention ?? null;
}

/**
 * Like {@link fillIdentity}, for every field of METRIC_FIELDS. A packed source is read key by
 * key (only the keys it has, which is the same as reading every field of `t` from it).
 */
function fillMetrics(t: Metrics, source: NumberMap<Partial<Metrics>>): void {
  if (source instanceof PackedNumbers) {
    const fields = t as Record<string, number | null>;
    const keys = source.keys;
    for (let i = 0; i < keys.length; i++) {
      // Keys that are not metric fields read as undefined (or as a prototype member): skipped.
      if (fields[keys[i]] === null) fields[keys[i]] = source.at(i);
    }
    return;
  }
  const s = source;
  if (t.tp === null) t.tp = s.tp ?? null;
  if (t.pp === null) t.pp = s.pp ?? null;
  if (t.ep === null) t.ep = s.ep ?? null;
  if (t.dcp === null) t.dcp = s.dcp ?? null;
  if (t.pcp === null) t.pcp = s.pcp ?? null;
  if (t.prefill_tp === null) t.prefill_tp = s.prefill_tp ?? null;
  if (t.prefill_pp === null) t.prefill_pp = s.prefill_pp ?? null;
  if (t.prefill_ep === null) t.prefill_ep = s.prefill_ep ?? null;
  if (t.prefill_dcp === null) t.prefill_dcp = s.prefill_dcp ?? null;
  if (t.prefill_pcp === null) t.prefill_pcp = s.prefill_pcp ?? null;
  if (t.prefill_num_workers === null) t.prefill_num_workers = s.prefill_num_workers ?? null;
  if (t.decode_tp === null) t.decode_tp = s.decode_tp ?? null;
  if (t.decode_pp === null) t.decode_pp = s.decode_pp ?? null;
  if (t.decode_ep === null) t.decode_ep = s.decode_ep ?? null;
  if (t.decode_dcp === null) t.decode_dcp = s.decode_dcp ?? null;
  if (t.decode_pcp === null) t.decode_pcp = s.decode_pcp ?? null;
  if (t.decode_num_workers === null) t.decode_num_workers = s.decode_num_workers ?? null;
  if (t.num_prefill_gpu === null) t.num_prefill_gpu = s.num_prefill_gpu ?? null;
  if (t.num_decode_gpu === null) t.num_decode_gpu = s.num_decode_gpu ?? null;
  if (t.num_gpus === null) t.num_gpus = s.num_gpus ?? null;
  if (t.num_requests_total === null) t.num_requests_total = s.num_requests_total ?? null;
  if (t.num_requests_successful === null) {
    t.num_requests_successful = s.num_requests_successful ?? null;
  }
  if (t.success_rate === null) t.success_rate = s.success_rate ?? null;
  if (t.total_tput_tps === null) t.total_tput_tps = s.total_tput_tps ?? null;
  if (t.input_tput_tps === null) t.input_tput_tps = s.input_tput_tps ?? null;
  if (t.output_tput_tps === null) t.output_tput_tps = s.output_tput_tps ?? null;
  if (t.tput_per_gpu === null) t.tput_per_gpu = s.tput_per_gpu ?? null;
  if (t.input_tput_per_gpu === null) t.input_tput_per_gpu = s.input_tput_per_gpu ?? null;
  if (t.output_tput_per_gpu === null) t.output_tput_per_gpu = s.output_tput_per_gpu ?? null;
  if (t.request_throughput === null) t.request_throughput = s.request_throughput ?? null;
  if (t.duration_s === null) t.duration_s = s.duration_s ?? null;
  if (t.mean_ttft === null) t.mean_ttft = s.mean_ttft ?? null;
  if (t.p50_ttft === null) t.p50_ttft = s.p50_ttft ?? null;
  if (t.p90_ttft === null) t.p90_ttft = s.p90_ttft ?? null;
  if (t.p99_ttft === null) t.p99_ttft = s.p99_ttft ?? null;
  if (t.p999_ttft === null) t.p999_ttft = s.p999_ttft ?? null;
  if (t.mean_tpot === null) t.mean_tpot = s.mean_tpot ?? null;
  if (t.p50_tpot === null) t.p50_tpot = s.p50_tpot ?? null;
  if (t.p90_tpot === null) t.p90_tpot = s.p90_tpot ?? null;
  if (t.p99_tpot === null) t.p99_tpot = s.p99_tpot ?? null;
  if (t.mean_itl === null) t.mean_itl = s.mean_itl ?? null;
  if (t.p50_itl === null) t.p50_itl = s.p50_itl ?? null;
  if (t.p90_itl === null) t.p90_itl = s.p90_itl ?? null;
  if (t.p99_itl === null) t.p99_itl = s.p99_itl ?? null;
  if (t.mean_e2el === null) t.mean_e2el = s.mean_e2el ?? null;
  if (t.p50_e2el === null) t.p50_e2el = s.p50_e2el ?? null;
  if (t.p90_e2el === null) t.p90_e2el = s.p90_e2el ?? null;
  if (t.p99_e2el === null) t.p99_e2el = s.p99_e2el ?? null;
  if (t.intvty === null) t.intvty = s.intvty ?? null;
  if (t.theoretical_cache_hit_rate === null) {
    t.theoretical_cache_hit_rate = s.theoretical_cache_hit_rate ?? null;
  }
  if (t.server_gpu_cache_hit_rate === null) {
    t.server_gpu_cache_hit_rate = s.server_gpu_cache_hit_rate ?? null;
  }
  if (t.server_cpu_cache_hit_rate === null) {
    t.server_cpu_cache_hit_rate = s.server_cpu_cache_hit_rate ?? null;
  }
  if (t.kv_offload_bytes_gpu_to_cpu === null) {
    t.kv_offload_bytes_gpu_to_cpu = s.kv_offload_bytes_gpu_to_cpu ?? null;
  }
  if (t.kv_offload_bytes_cpu_to_gpu === null) {
    t.kv_offload_bytes_cpu_to_gpu = s.kv_offload_bytes_cpu_to_gpu ?? null;
  }
  if (t.kv_offload_time_gpu_to_cpu === null) {
    t.kv_offload_time_gpu_to_cpu = s.kv_offload_time_gpu_to_cpu ?? null;
  }
  if (t.kv_offload_time_cpu_to_gpu === null) {
    t.kv_offload_time_cpu_to_gpu = s.kv_offload_time_cpu_to_gpu ?? null;
  }
  if (t.gpu_kv_usage_p95 === null) t.gpu_kv_usage_p95 = s.gpu_kv_usage_p95 ?? null;
  if (t.cpu_kv_usage_p95 === null) t.cpu_kv_usage_p95 = s.cpu_kv_usage_p95 ?? null;
  if (t.num_preemptions === null) t.num_preemptions = s.num_preemptions ?? null;
  if (t.avg_power_w === null) t.avg_power_w = s.avg_power_w ?? null;
  if (t.joules_per_output_token === null) {
    t.joules_per_output_token = s.joules_per_output_token ?? null;
  }
}

function foldGroup(
  key: string,
  recs: readonly CellRecord[],
  names: readonly string[],
  lent: LentHardware | undefined,
  copies: { files?: readonly SameBytesCopy[]; rows?: readonly CollectedCopy[] },
  state: FoldState,
): Cell {
  const identity = emptyIdentity();
  const metrics = emptyMetrics();
  const extras: Record<string, number>[] = [];
  const notes: Record<string, unknown>[] = [];
  // A Map, not an object, while collecting: kinds are few, but an object given keys one by one
  // is slower to build and read than one made in one go.
  const artifacts = new Map<string, string[]>();
  let evalResults: Cell["eval"] = null;
  const superseded: string[] = []; // lm-eval results files whose every task an earlier one gave
  const formats: SourceFormat[] = []; // distinct formats of the primary records, in order
  // Per-GPU throughput a record gives beside a total a higher-priority record measured (an AgentX
  // aggregate's, next to the per-request data's total): set aside, and used only when the measured
  // total cannot be divided (no GPU count).
  let setAside: Partial<Record<PerGpuField, number>> | null = null;
  for (const r of recs) {
    fillIdentity(identity, r.identity);
    // Bit i: PER_GPU_OF[i]'s total is known (as deriveThroughputPerGpu takes it) and its per-GPU
    // figure not.
    let measuredBefore = 0;
    for (let i = 0; i < PER_GPU_OF.length; i++) {
      const { total, field } = PER_GPU_OF[i];
      const known = throughputTotal((f) => metrics[f], total) !== null;
      if (known && metrics[field] === null) measuredBefore |= 1 << i;
    }
    fillMetrics(metrics, r.metrics);
    for (let i = 0; measuredBefore !== 0 && i < PER_GPU_OF.length; i++) {
      const perGpu = PER_GPU_OF[i].field;
      const v = metrics[perGpu];
      if ((measuredBefore & (1 << i)) !== 0 && v !== null) {
        (setAside ??= {})[perGpu] = v;
        metrics[perGpu] = null;
      }
    }
    if (r.extra_percentiles) extras.push(numbersOf(r.extra_percentiles));
    if (r.notes) notes.push(r.notes);
    if (r.eval) {
      evalResults ??= {};
      let used = false;
      for (const [task, m] of Object.entries(r.eval)) {
        // Task names are read from files: own properties only (a task may be named `constructor`).
        if (!Object.hasOwn(evalResults, task)) {
          setOwn(evalResults, task, { ...m });
          used = true;
        }
      }
      if (!used && r.kind === "eval_results") superseded.push(r.artifact);
    }
    const f = r.source_format;
    if (f !== "unknown" && (r.primary || f === "eval")) {
      if (!formats.includes(f)) formats.push(f);
    }
    const list = artifacts.get(r.kind);
    if (list) list.push(r.artifact);
    else artifacts.set(r.kind, [r.artifact]);
  }
  // Names fill what the records leave open: the primary records' names, or, in a group without
  // one (a power sidecar whose agg is missing), every record's, so the cell still says what point
  // it was.
  const named = recs.some((r) => r.primary);
  for (const r of recs) if (r.primary || !named) fillFromName(identity, metrics, r.artifact);
  for (const name of names) fillFromName(identity, metrics, name);
  // Hardware lent by the other points of the curve, only where the cell's own say nothing.
  if (lent !== undefined && identity.hardware === null) {
    identity.hardware = lent.hardware;
    notes.push({ hardware_from: lent.from });
  }
  const listCopy = (kind: string, path: string) => {
    const list = artifacts.get(kind);
    if (list) list.push(path);
    else artifacts.set(kind, [path]);
  };
  if (copies.files !== undefined && copies.files.length > 0) {
    for (const c of copies.files) listCopy(c.kind, c.path);
    notes.push({
      same_bytes_copies: copies.files.map((c) => {
        const says = nameDisagreement(identity, metrics, c.name);
        return says === null
          ? { path: c.path, same_bytes_as: c.same_bytes_as }
          : { path: c.path, same_bytes_as: c.same_bytes_as, name_says: says };
      }),
    });
  }
  if (copies.rows !== undefined && copies.rows.length > 0) {
    for (const c of copies.rows) listCopy("agg_collection", c.path);
    notes.push({ collected_copies: copies.rows.map((c) => ({ ...c })) });
  }
  for (const list of artifacts.values()) if (list.length > 1) sortUnique(list);
  // Extra percentiles: the first non-null value wins; notes: the first defined value wins.
  if (superseded.length > 0) notes.push({ eval_results_superseded: superseded.sort() });
  const stated = statedGpuConflict(identity, metrics);
  if (stated !== null) notes.push({ num_gpus_stated: stated });
  const mergedNotes = mergeSorted(notes, false, state.noteShapes);

  // A raw benchmark_serving file looks the same from one node or many: a multi-node name (an
  // AMD `…_gpus_16_ctx_8_gen_8.json`) makes it srt-slurm / AMD multi-node, as its agg is.
  const distinct = new Set(
    formats.map((f) =>
      f === "inferencex-static" && identity.is_multinode === true ? "inferencex-srt-slurm" : f
    ),
  );
  const format: SourceFormat = distinct.size === 0
    ? "unknown"
    : distinct.size > 1
    ? "mixed"
    : distinct.values().next().value!;
  deriveTopology(identity, metrics);
  deriveThroughputPerGpu(identity, metrics);
  if (setAside !== null) {
    for (const [f, v] of Object.entries(setAside) as [PerGpuField, number][]) metrics[f] ??= v;
  }
  deriveCompletion(metrics, mergedNotes.request_accounting);
  if (metrics.intvty == null) {
    const tpot = metrics.p50_tpot ?? metrics.mean_tpot;
    if (tpot != null && tpot > 0) metrics.intvty = 1 / tpot;
  }

  const baseId = cellIdFor(key, identity);
  let id = baseId;
  for (let n = 2; state.usedIds.has(id); n++) id = `${baseId}-${n}`;
  state.usedIds.add(id);
  return assembleCell(id, identity, {
    source_format: format,
    status: statusOf(metrics, mergedNotes.status_txt),
    extra_percentiles: mergeSorted(extras, true, state.extraShapes),
    eval: evalResults,
    timeline: null,
    notes: mergedNotes,
    artifacts: sortedRecord(artifacts) as Cell["artifacts"],
    findings: [],
    metrics,
  });
}

/** Fields a copy's name states that the cell it joined has otherwise (format reference §14.9). */
const NAME_CHECKED_IDENTITY = [
  "model",
  "hardware",
  "framework",
  "precision",
  "isl",
  "osl",
  "concurrency",
  "offload_mode",
  "spec_decoding",
] as const;
const NAME_CHECKED_METRICS = ["tp", "ep", "num_prefill_gpu", "num_decode_gpu"] as const;

/**
 * What the name of a byte-for-byte copy says that contradicts the cell it joined ("names can
 * lie": a directory named for 256 users with offload on that holds the 128-user run without it),
 * or `null` when it contradicts nothing.
 */
function nameDisagreement(
  identity: Identity,
  metrics: Metrics,
  name: string,
): Record<string, string | number> | null {
  const info = parseResultName(name);
  let out: Record<string, string | number> | null = null;
  for (const f of NAME_CHECKED_IDENTITY) {
    const said = info.identity[f];
    const have = identity[f];
    if (said == null || have == null || typeof said === "boolean") continue;
    if (String(said).toLowerCase() !== String(have).toLowerCase()) (out ??= {})[f] = said;
  }
  for (const f of NAME_CHECKED_METRICS) {
    const said = info.metrics[f];
    const have = metrics[f];
    if (said != null && have != null && said !== have) (out ??= {})[f] = said;
  }
  return out;
}

function fillFromName(identity: Identity, metrics: Metrics, name: string): void {
  const info = parseResultName(name);
  fillOpen(identity, info.identity);
  fillOpen(metrics, info.metrics);
}

/** A key list seen in the input. */
interface KeyList {
  keys: readonly string[];
}

/** The merged shape of some key lists: their sorted union, and an empty object with those keys. */
interface Shape {
  parts: readonly KeyList[];
  sorted: readonly string[];
  template: Readonly<Record<string, undefined>>;
}

/** Key lists and merged shapes seen recently (one parser's records share one key list). */
interface ShapeCache {
  lists: KeyList[];
  shapes: Shape[];
}

/** How many key lists and shapes a {@link ShapeCache} keeps. */
const MAX_SHAPES = 16;

/**
 * Merge free-form maps (extra percentiles, notes) of a cell's records, in priority order, into an
 * object with sorted keys. Per key, the first value that is set wins (`nullIsUnset`: `null` counts
 * as unset, as for percentiles; otherwise only `undefined` does); when none is, the last one.
 *
 * The records of a parser carry the same keys in the same order, so the sorted union of the key
 * lists and an empty object with those keys are remembered per combination of key lists: a cell
 * then costs a copy of that object and one assignment per key, with no sorting and no temporary
 * entries, and the result is compact (see lib/cell.ts).
 */
function mergeSorted<T>(
  sources: readonly Record<string, T>[],
  nullIsUnset: boolean,
  cache: ShapeCache,
): Record<string, T> {
  if (sources.length === 0) return {};
  const shape = shapeOf(sources, cache);
  const out = { ...shape.template } as Record<string, T>;
  for (const k of shape.sorted) {
    let v: T | undefined = undefined;
    for (const source of sources) {
      const x = source[k];
      if (x === undefined && !Object.hasOwn(source, k)) continue; // keys absent here do not count
      v = x;
      if (v !== undefined && !(nullIsUnset && v === null)) break;
    }
    out[k] = v as T;
  }
  return out;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function remember<T>(list: T[], item: T): T {
  if (list.length >= MAX_SHAPES) list.shift();
  list.push(item);
  return item;
}

function keyListOf(source: object, cache: ShapeCache): KeyList {
  const keys = Object.keys(source);
  for (const l of cache.lists) if (sameKeys(l.keys, keys)) return l;
  return remember(cache.lists, { keys });
}

function shapeOf(sources: readonly object[], cache: ShapeCache): Shape {
  const parts = sources.map((s) => keyListOf(s, cache));
  for (const shape of cache.shapes) {
    if (shape.parts.length === parts.length && shape.parts.every((p, i) => p === parts[i])) {
      return shape;
    }
  }
  const sorted = [...new Set(parts.flatMap((p) => p.keys))]
    .filter((k) => !PROTOTYPE_KEYS.has(k))
    .sort();
  const template = Object.fromEntries(sorted.map((k) => [k, undefined]));
  return remember(cache.shapes, { parts, sorted, template });
}

/** Sort a list of strings in place and drop repeats. */
function sortUnique(list: string[]): void {
  list.sort();
  let n = 1;
  for (let i = 1; i < list.length; i++) if (list[i] !== list[n - 1]) list[n++] = list[i];
  list.length = n;
}

/** The entries of `map` as an object with sorted keys (`fromEntries` keeps it compact). */
function sortedRecord<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  if (map.size === 0) return {};
  const keys = [...map.keys()].sort();
  return Object.fromEntries(keys.map((k) => [k, map.get(k) as T]));
}

/** GPUs of a single-node cell by InferenceX's formula, tp×pp×pcp; `null` without tp. */
function singleNodeGpus(identity: Identity, m: Metrics): number | null {
  return identity.is_multinode || m.tp == null ? null : m.tp * (m.pp ?? 1) * (m.pcp ?? 1);
}

/**
 * A GPU count a single-node cell states (an uploader summary, a baseline's `gpu.n_gpus`) that is
 * not tp×pp×pcp, or `null`. The formula wins, as for per-GPU throughput (data-parallel replicas
 * would explain a larger count, but no record says so); the stated count is kept in the notes
 * and named in a `gpu_count_mismatch` finding.
 */
function statedGpuConflict(identity: Identity, m: Metrics): number | null {
  const derived = singleNodeGpus(identity, m);
  return derived !== null && m.num_gpus != null && m.num_gpus !== derived ? m.num_gpus : null;
}

function deriveTopology(identity: Identity, m: Metrics): void {
  if (identity.is_multinode) {
    if (m.num_gpus == null && m.num_prefill_gpu != null && m.num_decode_gpu != null) {
      m.num_gpus = m.num_prefill_gpu + m.num_decode_gpu;
    }
    return;
  }
  m.num_gpus = singleNodeGpus(identity, m) ?? m.num_gpus;
}

/** What InferenceX divides a cell's throughput by to state it per GPU (`null`: unknown). */
export interface PerGpuDivisors {
  /** Of total throughput: all GPUs (prefill + decode for a disaggregated cell). */
  total: number | null;
  /** Of output throughput: the decode GPUs of a disaggregated cell (prefill when none). */
  output: number | null;
  /** Of input throughput: the prefill GPUs of a disaggregated cell. */
  input: number | null;
}

/**
 * InferenceX's per-GPU divisors: single-node tp×pp×pcp (`num_gpus`, which the fold derives);
 * disaggregated total ÷ (P+D), output ÷ D, input ÷ P.
 */
export function perGpuDivisors(
  isMultinode: boolean | null,
  m: Pick<Metrics, "num_gpus" | "num_prefill_gpu" | "num_decode_gpu">,
): PerGpuDivisors {
  if (isMultinode && m.num_prefill_gpu != null && m.num_decode_gpu != null) {
    const p = m.num_prefill_gpu;
    const d = m.num_decode_gpu;
    return { total: p + d, output: d > 0 ? d : p, input: p };
  }
  if (!isMultinode && m.num_gpus != null) {
    return { total: m.num_gpus, output: m.num_gpus, input: m.num_gpus };
  }
  return { total: null, output: null, input: null };
}

type PerGpuField = "tput_per_gpu" | "output_tput_per_gpu" | "input_tput_per_gpu";
type ThroughputTotal = "total_tput_tps" | "output_tput_tps" | "input_tput_tps";

/**
 * Each absolute throughput, the per-GPU field InferenceX derives from it, and which of
 * {@link perGpuDivisors} it is divided by.
 */
export const PER_GPU_OF: readonly {
  total: ThroughputTotal;
  field: PerGpuField;
  divisor: keyof PerGpuDivisors;
}[] = [
  { total: "total_tput_tps", field: "tput_per_gpu", divisor: "total" },
  { total: "output_tput_tps", field: "output_tput_per_gpu", divisor: "output" },
  { total: "input_tput_tps", field: "input_tput_per_gpu", divisor: "input" },
];

/**
 * A throughput total as measured: the stated value, or, for the input, the total minus the output
 * (a raw result states no input throughput; per-request data may lack input counts).
 *
 * @example
 * ```ts
 * throughputTotal((f) => ({ total_tput_tps: 2000, output_tput_tps: 100 })[f], "input_tput_tps"); // 1900
 * ```
 */
export function throughputTotal(
  get: (f: ThroughputTotal) => number | null | undefined,
  total: ThroughputTotal,
): number | null {
  const v = get(total);
  if (v != null) return v;
  if (total !== "input_tput_tps") return null;
  const all = get("total_tput_tps");
  const output = get("output_tput_tps");
  return all != null && output != null ? all - output : null;
}

/** InferenceX's per-GPU formulas ({@link perGpuDivisors}), and the same inverted. */
function deriveThroughputPerGpu(identity: Identity, m: Metrics): void {
  m.input_tput_tps = throughputTotal((f) => m[f], "input_tput_tps");
  const { total, output: outputDiv, input: inputDiv } = perGpuDivisors(identity.is_multinode, m);
  const per = (v: number | null | undefined, div: number | null) =>
    v != null && div != null && div > 0 ? v / div : null;
  m.tput_per_gpu ??= per(m.total_tput_tps, total);
  m.output_tput_per_gpu ??= per(m.output_tput_tps, outputDiv);
  m.input_tput_per_gpu ??= per(m.input_tput_tps, inputDiv);
  // An agg without its raw file states only per-GPU throughput; the same formulas, inverted,
  // give the absolute figures exactly.
  const times = (v: number | null | undefined, div: number | null) =>
    v != null && div != null && div > 0 ? v * div : null;
  m.total_tput_tps ??= times(m.tput_per_gpu, total);
  m.output_tput_tps ??= times(m.output_tput_per_gpu, outputDiv);
  m.input_tput_tps ??= times(m.input_tput_per_gpu, inputDiv);
}

/**
 * Success rate from request counts. AgentX v1.0 aggregates and aiperf exports count warm-up
 * records in the total; there the rate is profiled ÷ (profiled + failed while profiling), so
 * warm-up records are not failures. Warm-up and error counts overlap (an errored warm-up record
 * counts in both), so the profiling failures are the dropped records that are not warm-up ones;
 * without that split, every errored record counts as a failure.
 */
function deriveCompletion(m: Metrics, requestAccounting: unknown): void {
  const acc = accountedRequests(requestAccounting);
  if (acc !== null) {
    if (acc.profiled + acc.failed > 0) m.success_rate = acc.profiled / (acc.profiled + acc.failed);
    return;
  }
  if (m.success_rate == null && m.num_requests_successful != null && m.num_requests_total) {
    m.success_rate = m.num_requests_successful / m.num_requests_total;
  }
}

/**
 * The cell's status from its request counts; without counts, a `status.txt` of `FAILED` (which
 * the harness writes when no request succeeded) marks it failed.
 */
function statusOf(m: Metrics, statusTxt: unknown): CellStatus {
  if (m.num_requests_successful === 0) return "failed";
  if (m.success_rate != null) return m.success_rate >= 1 ? "complete" : "partial";
  return statusTxt === "FAILED" ? "failed" : "unknown";
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
