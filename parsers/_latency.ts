/**
 * Flat latency statistics (`mean_ttft_ms`, `p99.9_e2el`, …) to cell metrics in seconds.
 * @module
 */
import { num } from "../lib/coerce.ts";
import { METRIC_FIELDS, type MetricField, type Metrics } from "../lib/types.ts";

const STAT_KEY = /^(mean|median|std|p\d+(?:\.\d+)?)_(ttft|tpot|itl|e2el|ttlt)(_ms)?$/;

/** Latency metrics and every statistic key kept verbatim (in seconds). */
export interface FlatLatency {
  metrics: Partial<Metrics>;
  extra: Record<string, number>;
}

const FIELDS: ReadonlySet<string> = new Set(METRIC_FIELDS);

function metricName(stat: string, what: string): MetricField | null {
  const prefix = stat === "median" ? "p50" : stat === "p99.9" ? "p999" : stat;
  const name = `${prefix}_${what}`;
  return FIELDS.has(name) ? name as MetricField : null;
}

/** What a statistic key means: its verbatim name in seconds, its cell field, and its unit. */
interface StatKey {
  extra: string;
  field: MetricField | null;
  ms: boolean;
}

/** Keys repeat across thousands of files: parse each distinct key once (`null`: not a statistic). */
const keyCache = new Map<string, StatKey | null>();

function statKey(key: string): StatKey | null {
  let k = keyCache.get(key);
  if (k !== undefined) return k;
  const m = key.match(STAT_KEY);
  if (m) {
    const what = m[2] === "ttlt" ? "e2el" : m[2];
    k = { extra: `${m[1]}_${what}`, field: metricName(m[1], what), ms: m[3] !== undefined };
  } else k = null;
  if (keyCache.size < 10_000) keyCache.set(key, k);
  return k;
}

/**
 * Read every `<stat>_<metric>[_ms]` key of a flat record. Millisecond keys are divided by 1000.
 * Values that are zero or negative stand for "unknown" (failed runs, mock rows) and are skipped.
 */
export function flatLatency(obj: Record<string, unknown>): FlatLatency {
  const out: FlatLatency = { metrics: {}, extra: {} };
  for (const key in obj) {
    const k = statKey(key);
    if (k === null) continue;
    const value = num(obj[key]);
    if (value === null || value <= 0) continue;
    const seconds = k.ms ? value / 1000 : value;
    out.extra[k.extra] = seconds;
    if (k.field) out.metrics[k.field] ??= seconds;
  }
  // srt-slurm lists: percentiles_<metric>_ms: [[p, v], ...]
  for (const what of ["ttft", "tpot", "itl", "e2el"]) {
    const list = obj[`percentiles_${what}_ms`];
    if (!Array.isArray(list)) continue;
    for (const pair of list) {
      if (!Array.isArray(pair) || pair.length < 2) continue;
      const p = num(pair[0]);
      const v = num(pair[1]);
      if (p === null || v === null || v <= 0) continue;
      const stat = p === 50 ? "median" : `p${p}`;
      out.extra[`${stat}_${what}`] ??= v / 1000;
      const field = metricName(stat, what);
      if (field) out.metrics[field] ??= v / 1000;
    }
  }
  // Re-created with fromEntries: filled key by key, these objects would stay in V8's memory-hungry
  // dictionary mode for the life of the record.
  return {
    metrics: Object.fromEntries(Object.entries(out.metrics)),
    extra: Object.fromEntries(Object.entries(out.extra)),
  };
}
