/**
 * Flat latency statistics (`mean_ttft_ms`, `p99.9_e2el`, …) to cell metrics in seconds.
 * @module
 */
import { num } from "../lib/coerce.ts";
import { METRIC_FIELDS, type MetricField, type Metrics } from "../lib/types.ts";
import { KeySequenceCache } from "../lib/key_sequence.ts";

const STAT_KEY = /^(mean|median|std|p\d+(?:\.\d+)?)_(ttft|tpot|itl|e2el|ttlt)(_ms)?$/;
const LIST_KEY = /^percentiles_(ttft|tpot|itl|e2el)_ms$/;

/**
 * Latency metrics and every statistic key kept verbatim (in seconds). Both objects are new for
 * each call and belong to the caller.
 */
export interface FlatLatency {
  metrics: Partial<Metrics>;
  extra: Record<string, number>;
}

/** Field names by name: the constants are interned strings, which property stores want. */
const FIELDS: ReadonlyMap<string, MetricField> = new Map(METRIC_FIELDS.map((f) => [f, f]));

function metricName(stat: string, what: string): MetricField | null {
  const prefix = stat === "median" ? "p50" : stat === "p99.9" ? "p999" : stat;
  return FIELDS.get(`${prefix}_${what}`) ?? null;
}

/** The interned copy of a computed name (property names are interned, so stores skip a lookup). */
function interned(name: string): string {
  return Object.keys({ [name]: 0 })[0];
}

/** One statistic key of a record: where its value goes, and whether it is in milliseconds. */
interface StatKey {
  key: string;
  extra: string;
  field: MetricField | null;
  ms: boolean;
  /** Whether this is the first key for its field (with every value usable, the first wins). */
  firstForField: boolean;
}

/** What a record's key sequence says about its latency statistics. */
interface LatencyPlan {
  stats: readonly StatKey[];
  /** The statistic of each key by position (`undefined`: not one), for `for…in` reads. */
  byPosition: readonly (StatKey | undefined)[];
  /** Whether the record has srt-slurm `percentiles_<metric>_ms` lists. */
  lists: boolean;
  /**
   * The output objects when every value is usable, all values `null`: every `extra` name (in
   * first-key order), and every latency field followed by the reader's own fields. Copied and
   * then filled, they keep V8's compact layout and never change shape; filled key by key from
   * `{}` they could fall into dictionary mode.
   */
  extraTemplate: Readonly<Record<string, null>>;
  metricsTemplate: Readonly<Record<string, null>>;
}

function buildPlan(keys: readonly string[], own: readonly MetricField[]): LatencyPlan {
  const stats: StatKey[] = [];
  const byPosition: (StatKey | undefined)[] = [];
  const fields = new Set<MetricField>();
  let lists = false;
  for (const key of keys) {
    if (LIST_KEY.test(key)) lists = true;
    const m = key.match(STAT_KEY);
    if (!m) {
      byPosition.push(undefined);
      continue;
    }
    const what = m[2] === "ttlt" ? "e2el" : m[2];
    const field = metricName(m[1], what);
    const stat: StatKey = {
      key,
      extra: interned(`${m[1]}_${what}`),
      field,
      ms: m[3] !== undefined,
      firstForField: field !== null && !fields.has(field),
    };
    stats.push(stat);
    byPosition.push(stat);
    if (field !== null) fields.add(field);
  }
  return {
    stats,
    byPosition,
    lists,
    extraTemplate: Object.fromEntries(stats.map((s) => [s.extra, null])),
    metricsTemplate: Object.fromEntries([...fields, ...own].map((f) => [f, null])),
  };
}

/**
 * Reads every `<stat>_<metric>[_ms]` key of a flat record. Millisecond keys are divided by 1000.
 * Values that are zero or negative stand for "unknown" (failed runs, mock rows) and are skipped.
 * When two keys name one statistic (`mean_e2el` and `mean_ttlt`, `p99_ttft` and `p99_ttft_ms`),
 * the metric takes the first usable value and `extra` the last.
 *
 * A reader is made once per record kind with the metric fields that kind sets itself (`own`,
 * none of them a latency field): `metrics` comes back with those after the latency fields, all
 * `null`, so the caller fills them in without ever changing the object's shape.
 *
 * @example
 * ```ts
 * const reader = new FlatLatencyReader(["tput_per_gpu"]);
 * const { metrics, extra } = reader.read({ p99_ttft_ms: 450, "p99.9_ttft_ms": 500 });
 * // metrics: {p99_ttft: 0.45, p999_ttft: 0.5, tput_per_gpu: null}
 * // extra: {p99_ttft: 0.45, "p99.9_ttft": 0.5}
 * ```
 */
export class FlatLatencyReader {
  readonly #own: readonly MetricField[];
  /** Plans by key sequence: the same keys repeat across thousands of files. */
  readonly #plans: KeySequenceCache<LatencyPlan>;

  /** A reader whose `metrics` also hold the `own` fields (set to `null`). */
  constructor(own: readonly MetricField[] = []) {
    // A latency field among them would be reset to null by its owner: a mistake in the caller.
    const clash = own.find((f) => /_(ttft|tpot|itl|e2el)$/.test(f));
    if (clash !== undefined) throw new Error(`"${clash}" is a latency field, not a record's own`);
    this.#own = [...own];
    this.#plans = new KeySequenceCache((keys) => buildPlan(keys, this.#own));
  }

  /** The latency statistics of one flat record. */
  read(obj: Record<string, unknown>): FlatLatency {
    const plan = this.#plans.get(obj);
    if (plan.lists) return this.#readAny(obj, plan);
    // Fast path, for records whose every statistic is usable (nearly all): fill copies of the
    // templates in place, reading values by position as `for…in` hands them out. The first
    // unusable value sends the record down the general path. `Object.assign` rather than a
    // spread: one spread site fed templates of many shapes (one per schema era) falls back to a
    // slow generic copy, while `Object.assign` into `{}` copies any template's layout directly.
    const metrics: Record<string, number | null> = Object.assign({}, plan.metricsTemplate);
    const extra: Record<string, number | null> = Object.assign({}, plan.extraTemplate);
    const byPosition = plan.byPosition;
    let i = 0;
    for (const key in obj) {
      const s = byPosition[i++];
      if (s === undefined) continue;
      const value = num(obj[key]);
      if (value === null || value <= 0) return this.#readAny(obj, plan);
      const seconds = s.ms ? value / 1000 : value;
      extra[s.extra] = seconds;
      if (s.firstForField) metrics[s.field as MetricField] = seconds;
    }
    return { metrics, extra: extra as Record<string, number> };
  }

  /** Any record: skips unusable values and reads srt-slurm percentile lists. */
  #readAny(obj: Record<string, unknown>, plan: LatencyPlan): FlatLatency {
    const metrics: Partial<Metrics> = {};
    const extra: Record<string, number> = {};
    for (const s of plan.stats) {
      const value = num(obj[s.key]);
      if (value === null || value <= 0) continue;
      const seconds = s.ms ? value / 1000 : value;
      extra[s.extra] = seconds;
      if (s.field) metrics[s.field] ??= seconds;
    }
    // srt-slurm lists: percentiles_<metric>_ms: [[p, v], ...]
    if (plan.lists) {
      for (const what of ["ttft", "tpot", "itl", "e2el"]) {
        const list = obj[`percentiles_${what}_ms`];
        if (!Array.isArray(list)) continue;
        for (const pair of list) {
          if (!Array.isArray(pair) || pair.length < 2) continue;
          const p = num(pair[0]);
          const v = num(pair[1]);
          if (p === null || v === null || v <= 0) continue;
          const stat = p === 50 ? "median" : `p${p}`;
          extra[`${stat}_${what}`] ??= v / 1000;
          const field = metricName(stat, what);
          if (field) metrics[field] ??= v / 1000;
        }
      }
    }
    // Re-created with fromEntries: filled key by key, these objects could stay in V8's
    // memory-hungry dictionary mode for the life of the record.
    const entries: [string, number | null][] = Object.entries(metrics);
    for (const f of this.#own) if (!(f in metrics)) entries.push([f, null]);
    return {
      metrics: Object.fromEntries(entries),
      extra: Object.fromEntries(Object.entries(extra)),
    };
  }
}
