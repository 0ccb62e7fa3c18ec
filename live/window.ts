/**
 * Window maths: two snapshots `--window` seconds apart -> one endpoint sample (gauges from the
 * second scrape, counters as reset-aware deltas and rates, histogram quantiles from bucket deltas),
 * and a prefill/decode pair sample with a transfer summary.
 * @module
 */
import type { Identification } from "./identify.ts";
import { histogramComplete, labelKey } from "./prometheus_text.ts";
import {
  aggregateSeries,
  COUNTER_FIELDS,
  type CounterField,
  type CounterReading,
  type EndpointSnapshot,
  GAUGE_FIELDS,
  type GaugeField,
  type HistogramField,
  type HistogramReading,
  NOT_FINITE_HISTOGRAM,
  REPLICA_LABELS,
} from "./snapshot.ts";

/** Windowed quantiles of one histogram. Values are numbers, `"> <bound>"` or `"<= <bound>"`. */
export interface Quantiles {
  /** Observations in the window. */
  count: number;
  /** Windowed mean (Δsum / Δcount), `null` when no observation. */
  mean: number | null;
  p50: number | string | null;
  p90: number | string | null;
  p99: number | string | null;
  /** `insufficient_samples` when `count` is below the minimum. */
  status?: "insufficient_samples";
  /** Share of observations beyond the last finite bucket, when any. */
  share_above_last_bucket?: number;
}

/** How a scrape went, as the IO layer reports it (pure data). */
export interface ScrapeStatus {
  ok: boolean;
  /** `ok`, `refused`, `timeout`, `network_error`, `http_status`, `empty_body`, `json_body`, … */
  outcome: string;
  url: string;
  http_status: number | null;
  message: string | null;
}

/** Latency histogram fields reported as quantiles. */
export const LATENCY_FIELDS = ["ttft", "itl", "e2e", "queue_time", "kv_transfer_time"] as const;
/** A latency field. */
export type LatencyField = typeof LATENCY_FIELDS[number];

/** One endpoint over one window. */
export interface EndpointSample {
  url: string;
  scraped_at: string | null;
  /**
   * Measured gap between this side's own two scrapes, in seconds: its deltas, rates and
   * quantiles cover it, and its transfer and failure rates are divided by it (reference §6.1).
   * `0` when the side has no window (a single scrape, or a failed first or second scrape). The
   * two sides' gaps differ when one answers slowly.
   */
  window_s: number;
  scrape: ScrapeStatus;
  engine: Identification["engine"];
  wrapper: Identification["wrapper"];
  kind: Identification["kind"] | null;
  role: Identification["role"];
  role_evidence: string | null;
  model: string | null;
  version: string | null;
  connectors: string[];
  /** How the engine was decided (`page`, `probe`, `override`, `none`). */
  engine_decided_by: Identification["decided_by"] | null;
  /** Probe answers that contradict the page. */
  conflicts: string[];
  /** Unrecognised prefixes seen (for `engine_unidentified`). */
  other_prefixes: string[];
  /**
   * Gauges of the second scrape. Counts and `capacity_tokens` are summed over data-parallel
   * ranks; `kv_usage` (0–1) is the maximum over them, the fullest rank's usage.
   */
  gauges: Record<GaugeField, number | null>;
  /** Change of queue gauges between the two scrapes (B − A). */
  growth: { waiting: number | null; waiting_on_transfer: number | null } | null;
  /** Counter deltas over the window (only available fields). */
  deltas: Partial<Record<CounterField, number>> | null;
  /** Counter rates per second over the window (only available fields). */
  rates: Partial<Record<CounterField, number>> | null;
  /**
   * KV transfers completed and bytes moved in the window (from the transfer-size histogram).
   * `count` is Δ`+Inf` (or Δ`_count`), `null` when the histogram has neither.
   */
  transfers: { count: number | null; bytes: number | null } | null;
  latency: Partial<Record<LatencyField, Quantiles>> | null;
  /** Lifetime totals of the second scrape, for context only. */
  lifetime: Partial<Record<CounterField, number>>;
  /** Fields with a counter reset in the window. */
  counter_resets: string[];
  /** Field -> why it is `null`/absent. */
  unavailable: Record<string, string>;
}

/** Minimum observations in a window before a quantile is reported (reference §6.2). */
export const MIN_QUANTILE_COUNT = 20;

/**
 * Quantiles from cumulative bucket counts (ascending `le`, last `+Inf`), linear interpolation
 * inside a bucket; beyond the last finite bucket the value is the string `"> <bound>"`. The
 * buckets must be a complete histogram, ending with `+Inf` (the total): {@link histogramDelta}
 * gives none from a series cut short.
 *
 * @example
 * ```ts
 * histogramQuantiles([{ le: 1, count: 5 }, { le: Infinity, count: 10 }], { minCount: 1 }).p90; // "> 1"
 * ```
 */
export function histogramQuantiles(
  buckets: readonly { le: number; count: number }[],
  options: { minCount?: number; sum?: number | null } = {},
): Quantiles {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const inf = sorted.find((b) => b.le === Infinity);
  const n = inf ? inf.count : (sorted.length ? sorted[sorted.length - 1].count : 0);
  const mean = n > 0 && options.sum !== null && options.sum !== undefined ? options.sum / n : null;
  const q: Quantiles = { count: n, mean, p50: null, p90: null, p99: null };
  if (n < (options.minCount ?? MIN_QUANTILE_COUNT) || n <= 0) {
    q.status = "insufficient_samples";
    return q;
  }
  const finite = sorted.filter((b) => Number.isFinite(b.le));
  const lastFinite = finite[finite.length - 1];
  if (lastFinite && lastFinite.count < n) q.share_above_last_bucket = 1 - lastFinite.count / n;
  const allInFirst = finite.length > 0 && finite[0].count >= n && finite[0].le > 0;
  const at = (quantile: number): number | string | null => {
    if (allInFirst) return `<= ${finite[0].le}`;
    const rank = quantile * n;
    let prevLe = 0;
    let prevCount = 0;
    for (let i = 0; i < finite.length; i++) {
      const b = finite[i];
      if (b.count >= rank) {
        if (i === 0 && b.le <= 0) return b.le;
        const lower = i === 0 ? 0 : prevLe;
        const span = b.count - prevCount;
        return span <= 0 ? b.le : lower + (b.le - lower) * (rank - prevCount) / span;
      }
      prevLe = b.le;
      prevCount = b.count;
    }
    return lastFinite ? `> ${lastFinite.le}` : null;
  };
  q.p50 = at(0.5);
  q.p90 = at(0.9);
  q.p99 = at(0.99);
  return q;
}

/**
 * Quantiles of a window whose count and sum are known but whose buckets are not (data-parallel
 * bounds that cannot be merged): `count` and `mean`, every quantile `null`.
 */
function quantilesWithoutBuckets(count: number, sum: number | null): Quantiles {
  const q: Quantiles = {
    count,
    mean: count > 0 && sum !== null ? sum / count : null,
    p50: null,
    p90: null,
    p99: null,
  };
  if (count < MIN_QUANTILE_COUNT) q.status = "insufficient_samples";
  return q;
}

/**
 * Reset-aware delta of a counter field, summed over DP series (max over replicas). Each delta
 * keeps its metric name, so distinct metrics of one field (NIXL failed transfers and failed
 * notifications, both `{engine="0"}`) add up instead of being taken for replicas.
 */
export function counterDelta(
  a: CounterReading | undefined,
  b: CounterReading,
): { delta: number; reset: boolean } {
  const before = new Map<string, number>();
  for (const s of a?.series ?? []) before.set(`${s.metric}|${labelKey(s.labels)}`, s.value);
  let reset = false;
  const deltas = b.series.map((s) => {
    const prev = before.get(`${s.metric}|${labelKey(s.labels)}`) ?? 0;
    let d = s.value - prev;
    if (d < 0) {
      reset = true;
      d = s.value;
    }
    return { metric: s.metric, labels: s.labels, value: d };
  });
  return { delta: aggregateSeries(deltas), reset };
}

/** Window delta of one histogram series. */
interface SeriesDelta {
  buckets: { le: number; count: number }[];
  sum: number | null;
  count: number;
}

/** Window of a histogram field (see {@link histogramDelta}). */
export interface HistogramWindow {
  /**
   * Bucket deltas summed per `le` over the data-parallel groups, ending with `+Inf`; `null` when
   * the window is unknown (`unknown`) or the groups cannot be merged (`unmerged`).
   */
  buckets: { le: number; count: number }[] | null;
  /** Δ`_sum` over the groups, `null` when a series has no `_sum` or its Δ cannot be known. */
  sum: number | null;
  /**
   * Observations in the window (Σ Δ`+Inf` of the data-parallel groups; the parser makes `+Inf`
   * from `_count` when a page leaves it out), `null` when the window is unknown: never a guess.
   */
  count: number | null;
  /** A series went backwards in a new process (or one not known to be the same): a reset. */
  reset: boolean;
  /**
   * Why the window's counts are unknown (an incomplete series, a count that went backwards in
   * the same process, bounds that changed between the scrapes), else `null`.
   */
  unknown: string | null;
  /** Why the buckets were not merged although the count is known, else `null`. */
  unmerged: string | null;
}

/** `metric{labels}` of one series, for reasons. */
function seriesName(metric: string, labels: Record<string, string>): string {
  const text = Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${metric}${text.length ? `{${text.join(",")}}` : ""}`;
}

/** The finite `le` bounds of a series, as text for comparisons and reasons. */
function finiteBounds(buckets: readonly { le: number }[]): string {
  return buckets.filter((bk) => Number.isFinite(bk.le)).map((bk) => String(bk.le)).join(", ");
}

/**
 * Reset-aware window of a histogram field: bucket deltas summed per `le` across data-parallel
 * series (reference §6.2). Tensor/pipeline replicas (series differing only in
 * {@link REPLICA_LABELS}) observe the same requests: one of them counts, the one with the most
 * observations in the window, as the maximum is taken for counters.
 *
 * A window is never read from a series that cannot give one, and nothing is then taken for a
 * reset: a series cut short on either page (neither `+Inf` nor `_count`; its last finite bucket
 * is not its total), one whose bounds changed between the scrapes, or one whose count went
 * backwards while `options.sameProcess` says `process_start_time_seconds` is present and
 * unchanged (the same process cannot have restarted; reference §5.9, §6.1) make the whole field
 * `unknown`, with the reason. A count that went backwards otherwise is a reset (Δ = B).
 *
 * Data-parallel groups are merged only when their bounds are the same (reference §6.2: "if
 * boundaries differ between series, do not merge them"); groups without observations in the
 * window add nothing and are not compared. With different bounds the count and sum are still
 * known, the buckets are `null` and `unmerged` says why.
 *
 * @example
 * ```ts
 * const h = (n: number) => ({
 *   source: "h",
 *   series: [{ labels: {}, buckets: [{ le: 1, count: n }, { le: Infinity, count: n }], sum: n, count: n }],
 * });
 * histogramDelta(h(5), h(8)).count; // 3
 * histogramDelta(h(8), h(5), { sameProcess: true }).unknown; // "h went backwards …"
 * ```
 */
export function histogramDelta(
  a: HistogramReading | undefined,
  b: HistogramReading,
  options: { sameProcess?: boolean } = {},
): HistogramWindow {
  const before = new Map<string, HistogramReading["series"][number]>();
  for (const s of a?.series ?? []) before.set(labelKey(s.labels), s);
  let reset = false;
  let unknown: string | null = null;
  // Δsum of every series, for the sum when the window is unknown (replicas: max; DP: sum).
  const sums: { labels: Record<string, string>; value: number }[] = [];
  let sumKnown = true;
  // One delta per data-parallel group: the replica with the largest Δcount (ties: first in label
  // order, so the choice does not depend on page order).
  const groups = new Map<
    string,
    { key: string; labels: Record<string, string>; delta: SeriesDelta }
  >();
  for (const s of b.series) {
    const key = labelKey(s.labels);
    const prev = before.get(key);
    const name = seriesName(b.source, s.labels);
    if (!histogramComplete(s) || (prev !== undefined && !histogramComplete(prev))) {
      unknown ??= `${name} has neither a +Inf bucket nor _count on the ${
        histogramComplete(s) ? "first" : "second"
      } scrape (a page cut short?), so its total and the window's observations are unknown`;
      // Its `_sum` line is whole: Δsum is still known when it did not go backwards.
      const d = s.sum === null
        ? null
        : prev === undefined
        ? s.sum
        : prev.sum === null
        ? null
        : s.sum - prev.sum;
      if (d === null || d < 0) sumKnown = false;
      else sums.push({ labels: s.labels, value: d });
      continue;
    }
    if (prev !== undefined && finiteBounds(prev.buckets) !== finiteBounds(s.buckets)) {
      unknown ??=
        `${name} has other bucket bounds on the second scrape than on the first (${
          finiteBounds(prev.buckets)
        }, then ${finiteBounds(s.buckets)}: a page cut short, or another configuration), so its ` +
        "window cannot be differenced";
      sumKnown = false;
      continue;
    }
    const prevCount = prev ? (prev.count ?? prev.buckets.at(-1)!.count) : 0;
    const count = s.count ?? s.buckets.at(-1)!.count;
    const backwards = prev !== undefined && count < prevCount;
    if (backwards && options.sameProcess) {
      unknown ??= `${name} went backwards (count ${prevCount}, then ${count}) while ` +
        "process_start_time_seconds is unchanged: not a restart, so its window is unknown";
      sumKnown = false;
      continue;
    }
    if (backwards) reset = true;
    const prevBuckets = new Map<number, number>();
    if (prev && !backwards) { for (const pb of prev.buckets) prevBuckets.set(pb.le, pb.count); }
    const delta: SeriesDelta = {
      buckets: s.buckets.map((bk) => ({
        le: bk.le,
        count: Math.max(0, bk.count - (prevBuckets.get(bk.le) ?? 0)),
      })),
      sum: s.sum === null ? null : s.sum - (prev && !backwards ? (prev.sum ?? 0) : 0),
      count: count - (prev && !backwards ? prevCount : 0),
    };
    if (delta.sum === null) sumKnown = false;
    else sums.push({ labels: s.labels, value: delta.sum });
    const group = labelKey(s.labels, REPLICA_LABELS);
    const held = groups.get(group);
    if (
      !held || delta.count > held.delta.count ||
      (delta.count === held.delta.count && key < held.key)
    ) {
      groups.set(group, { key, labels: s.labels, delta });
    }
  }
  if (unknown !== null) {
    const sum = sumKnown ? aggregateSeries(sums) : null;
    return { buckets: null, sum, count: null, reset, unknown, unmerged: null };
  }
  const chosen = [...groups.entries()].sort(([x], [y]) => x < y ? -1 : x > y ? 1 : 0);
  let sum: number | null = 0;
  let observed = 0;
  for (const [, { delta }] of chosen) {
    sum = sum === null || delta.sum === null ? null : sum + delta.sum;
    observed += delta.buckets.at(-1)!.count; // Δ+Inf: every series here is complete
  }
  // Groups with observations must share their bounds to be merged; idle ones add only zeros.
  const observing = chosen.filter(([, g]) => g.delta.buckets.at(-1)!.count > 0);
  const bounds = new Map<string, string>();
  for (const [, g] of observing) {
    const bs = finiteBounds(g.delta.buckets);
    if (!bounds.has(bs)) bounds.set(bs, seriesName(b.source, g.labels));
  }
  if (bounds.size > 1) {
    const list = [...bounds.entries()].map(([bs, name]) => `${name}: ${bs}`).join("; ");
    return {
      buckets: null,
      sum,
      count: observed,
      reset,
      unknown: null,
      unmerged: `data-parallel series have different bucket bounds (${list}); they are not ` +
        "merged (reference §6.2), so the quantiles are unknown",
    };
  }
  const perLe = new Map<number, number>();
  for (const [, { delta }] of observing.length ? observing : chosen) {
    for (const bk of delta.buckets) perLe.set(bk.le, (perLe.get(bk.le) ?? 0) + bk.count);
  }
  const buckets = [...perLe.entries()].map(([le, count]) => ({ le, count })).sort((x, y) =>
    x.le - y.le
  );
  return { buckets, sum, count: observed, reset, unknown: null, unmerged: null };
}

function identityFields(id: Identification | null) {
  return {
    engine: id?.engine ?? null,
    wrapper: id?.wrapper ?? null,
    kind: id?.kind ?? null,
    role: id?.role ?? "unknown" as const,
    role_evidence: id?.role_evidence ?? null,
    model: id?.model ?? null,
    version: id?.version ?? null,
    connectors: id?.connectors ?? [],
    engine_decided_by: id?.decided_by ?? null,
    conflicts: id?.conflicts ?? [],
    other_prefixes: id?.other_prefixes ?? [],
  };
}

function nullGauges(): Record<GaugeField, number | null> {
  return Object.fromEntries(GAUGE_FIELDS.map((f) => [f, null])) as Record<
    GaugeField,
    number | null
  >;
}

/** Sample of an endpoint whose second scrape failed: everything unavailable, one reason. */
export function failedEndpointSample(
  scrape: ScrapeStatus,
  options: { scrapedAt: string | null; identity?: Identification | null },
): EndpointSample {
  return {
    url: scrape.url,
    scraped_at: options.scrapedAt,
    window_s: 0,
    scrape,
    ...identityFields(options.identity ?? null),
    gauges: nullGauges(),
    growth: null,
    deltas: null,
    rates: null,
    transfers: null,
    latency: null,
    lifetime: {},
    counter_resets: [],
    unavailable: {
      all: `scrape failed (${scrape.outcome}${scrape.message ? `: ${scrape.message}` : ""})`,
    },
  };
}

/**
 * One endpoint over a window. `a` is the first snapshot (`null` for a single scrape or when the
 * first scrape failed); `b` the second. `windowS` is the measured gap between the scrapes.
 */
export function computeEndpointSample(
  a: EndpointSnapshot | null,
  b: EndpointSnapshot,
  options: {
    windowS: number;
    scrape: ScrapeStatus;
    scrapedAt: string | null;
    /**
     * When the first scrape was answered, in Unix seconds on this machine's clock (`null` or
     * absent when unknown): a process that started before it was already running then.
     */
    firstScrapeS?: number | null;
    singleReason?: string;
  },
): EndpointSample {
  const unavailable: Record<string, string> = { ...b.unavailable };
  const gauges = nullGauges();
  for (const f of GAUGE_FIELDS) gauges[f] = b.gauges[f] ?? null;
  const lifetime: Partial<Record<CounterField, number>> = {};
  for (const f of COUNTER_FIELDS) {
    const c = b.counters[f];
    if (c) lifetime[f] = c.total;
  }
  const sample: EndpointSample = {
    url: options.scrape.url,
    scraped_at: options.scrapedAt,
    window_s: 0,
    scrape: options.scrape,
    ...identityFields(b.identity),
    gauges,
    growth: null,
    deltas: null,
    rates: null,
    transfers: null,
    latency: null,
    lifetime,
    counter_resets: [],
    unavailable,
  };
  if (a === null || options.windowS <= 0) {
    unavailable.rates = options.singleReason ?? "single scrape";
    return sample;
  }
  // Only two identified pages can disagree: metrics that appear with the first request turn an
  // unknown page into an engine's, which is growth, not another server.
  const was = `${a.identity.engine ?? "unknown"} ${a.identity.kind}`;
  const now = `${b.identity.engine ?? "unknown"} ${b.identity.kind}`;
  const identified = (id: EndpointSnapshot["identity"]) => id.kind !== "unknown";
  if (was !== now && identified(a.identity) && identified(b.identity)) {
    // Another server answered the second scrape (a redeploy behind the URL): its lifetime
    // totals are not growth over the window.
    unavailable.rates = `the endpoint changed between the scrapes (${was} page, then ${now} page)`;
    return sample;
  }
  if (!a.has_samples) {
    // Nothing to start from: every total on the second page would count as the window's growth.
    unavailable.rates = "the first scrape returned no metrics (no sample on the page)";
    return sample;
  }
  const dt = options.windowS;
  const proc = processChange(a, b, dt, options.firstScrapeS ?? null);
  if (proc.kind === "changed") {
    // Another process answered the second scrape (a load balancer switching replicas, a redeploy
    // started before the first scrape): its lifetime totals are not growth over the window.
    unavailable.rates = `another process answered the second scrape (${proc.why})`;
    return sample;
  }
  sample.window_s = dt;
  const grow = (f: GaugeField): number | null => {
    const x = a.gauges[f];
    const y = b.gauges[f];
    return x === undefined || y === undefined ? null : y - x;
  };
  sample.growth = { waiting: grow("waiting"), waiting_on_transfer: grow("waiting_on_transfer") };
  const restartedProcess = proc.kind === "restarted";
  const deltas: Partial<Record<CounterField, number>> = {};
  const rates: Partial<Record<CounterField, number>> = {};
  for (const f of COUNTER_FIELDS) {
    const cb = b.counters[f];
    if (!cb) continue;
    const { delta, reset } = counterDelta(restartedProcess ? undefined : a.counters[f], cb);
    if (reset || restartedProcess) sample.counter_resets.push(f);
    deltas[f] = delta;
    rates[f] = delta / dt;
  }
  sample.deltas = deltas;
  sample.rates = rates;
  if (sample.role === "unknown" && b.identity.engine === "vllm") inferVllmRole(sample, deltas);
  // The same process on both scrapes (reference §5.9): a histogram count that went backwards
  // then is no restart, and its window is unknown rather than taken from zero.
  const sameProcess = !restartedProcess && a.process_start_s !== null &&
    a.process_start_s === b.process_start_s;
  const latency: Partial<Record<LatencyField, Quantiles>> = {};
  // A histogram the first page printed with a NaN or ±Inf (left out of that snapshot) is no new
  // series starting from zero: the second page's totals are not the window's.
  const notFiniteBefore = (f: HistogramField): string | null =>
    !restartedProcess && a.histograms[f] === undefined &&
      a.unavailable[f] === NOT_FINITE_HISTOGRAM
      ? `${f} was ${NOT_FINITE_HISTOGRAM} on the first scrape, so the window's observations are ` +
        "unknown"
      : null;
  for (const f of LATENCY_FIELDS) {
    const hb = b.histograms[f as HistogramField];
    if (!hb) continue;
    const before = notFiniteBefore(f as HistogramField);
    if (before !== null) {
      unavailable[f] = before;
      continue;
    }
    const d = histogramDelta(
      restartedProcess ? undefined : a.histograms[f as HistogramField],
      hb,
      { sameProcess },
    );
    if (d.reset || restartedProcess) sample.counter_resets.push(f);
    if (d.unknown !== null) unavailable[f] = d.unknown;
    else if (d.buckets === null) {
      // Count and mean are known; quantiles of unmerged bounds are not (reference §6.2).
      latency[f] = quantilesWithoutBuckets(d.count!, d.sum);
      unavailable[`latency.${f}`] = d.unmerged!;
    } else latency[f] = histogramQuantiles(d.buckets, { sum: d.sum });
  }
  sample.latency = latency;
  const size = b.histograms.kv_transfer_size;
  const sizeBefore = notFiniteBefore("kv_transfer_size");
  if (size && sizeBefore !== null) {
    sample.transfers = { count: null, bytes: null };
    unavailable["transfers.count"] =
      `the KV transfer-size histogram's window is unknown: ${sizeBefore}`;
  } else if (size) {
    const d = histogramDelta(
      restartedProcess ? undefined : a.histograms.kv_transfer_size,
      size,
      { sameProcess },
    );
    sample.transfers = { count: d.count, bytes: d.sum };
    if (d.count === null) {
      unavailable["transfers.count"] = `the KV transfer-size histogram's window is unknown: ${
        d.unknown ?? "no observation count"
      }`;
    }
  }
  return sample;
}

/**
 * Clock difference allowed between this machine and the engine's, in seconds, when a process start
 * time (the engine's clock) is compared with the scrape times (this machine's clock).
 */
export const CLOCK_SKEW_S = 2;

/**
 * What happened to the process behind the endpoint between the scrapes (reference §5.9):
 *
 * - `restarted` inside the window: `process_start_time_seconds` moved to a time after the first
 *   scrape; or, on pages without one (Dynamo workers), the uptime gauge says the process has been
 *   up for no longer than the time between the scrapes (it went backwards, or the second process
 *   has been up for less than that time: 3 s, then 4 s across a 5 s window);
 * - `changed`: another process answered, one that was already running at the first scrape (its
 *   start time is older, or before the first scrape; its uptime went backwards but is longer than
 *   the window). That is what a load balancer switching replicas between scrapes looks like, and
 *   the new process's lifetime totals are not the window's;
 * - `same` otherwise. An uptime that merely grew by less than the window (a gauge refreshed now and
 *   then) is no restart, and an unchanged one is the same page served twice.
 *
 * `elapsedS` is the measured time between the two scrapes and `firstS` the time the first one was
 * answered (Unix seconds, `null` when unknown: a later start time is then taken for a restart). The
 * slack (`restartSlackS`) absorbs request latency, and {@link CLOCK_SKEW_S} the two machines' clocks.
 */
function processChange(
  a: EndpointSnapshot,
  b: EndpointSnapshot,
  elapsedS: number,
  firstS: number | null,
): { kind: "same" | "restarted" } | { kind: "changed"; why: string } {
  const slack = restartSlackS(elapsedS);
  if (a.process_start_s !== null && b.process_start_s !== null) {
    const was = a.process_start_s;
    const now = b.process_start_s;
    if (now === was) return { kind: "same" };
    const started = `process_start_time_seconds ${was}, then ${now}`;
    if (now < was) return { kind: "changed", why: `${started}: an older process` };
    if (firstS !== null && now < firstS - slack - CLOCK_SKEW_S) {
      const before = Math.round(firstS - now);
      return {
        kind: "changed",
        why: `${started}: it started ${before} s before the first scrape`,
      };
    }
    return { kind: "restarted" };
  }
  if (a.uptime_s === null || b.uptime_s === null || b.uptime_s === a.uptime_s) {
    return { kind: "same" };
  }
  if (b.uptime_s < a.uptime_s) {
    return b.uptime_s <= elapsedS + slack ? { kind: "restarted" } : {
      kind: "changed",
      why:
        `dynamo_component_uptime_seconds ${a.uptime_s}, then ${b.uptime_s}: up for longer than the ${elapsedS} s between the scrapes`,
    };
  }
  return b.uptime_s < elapsedS - slack ? { kind: "restarted" } : { kind: "same" };
}

/**
 * Tolerance of the uptime check, max(0.25 s, 5 % of the elapsed time): the uptime is read on the
 * server and the elapsed time on this side, a request's latency apart.
 */
export function restartSlackS(elapsedS: number): number {
  return Math.max(0.25, 0.05 * elapsedS);
}

/**
 * KV connectors that move KV between a prefill and a decode instance. LMCache and CPU offloading
 * also feed `prompt_tokens_by_source{source="external_kv_transfer"}` (cache hits from CPU or
 * disk, reference §4.1), so their growth alone says nothing about the role.
 */
export const PD_CONNECTORS: readonly string[] = ["mooncake", "nixl"];

/**
 * vLLM has no role metric, but a window betrays it (reference §2.3): a decode with a P/D transfer
 * connector receives KV through it (external-transfer prompt tokens grow); a P/D prefill emits
 * about one token per request.
 */
function inferVllmRole(sample: EndpointSample, d: Partial<Record<CounterField, number>>): void {
  const external = d.external_kv_tokens;
  const gen = d.generation_tokens;
  const req = d.requests_completed;
  const pd = sample.connectors.filter((c) => PD_CONNECTORS.includes(c));
  if (external !== undefined && external > 0 && pd.length > 0) {
    sample.role = "decode";
    sample.role_evidence =
      `Δprompt_tokens_by_source{source="external_kv_transfer"} = ${external} in the window ` +
      `with the ${pd.join(", ")} connector`;
  } else if (gen !== undefined && req !== undefined && req >= 5 && gen <= req * 1.1) {
    sample.role = "prefill";
    sample.role_evidence =
      `Δgeneration_tokens (${gen}) ≈ Δrequests (${req}): about one token per request`;
  }
}

/** Prefill↔decode transfer summary of a pair sample. */
export interface TransferSummary {
  connectors: { prefill: string[]; decode: string[] };
  /**
   * Failures in the window per side: `null` when the side's failures are unknown (no failure
   * counter, a failed scrape or a single scrape; the side's `unavailable` says which). `total`
   * adds the known sides, `null` when neither is known; `unknown_sides` names the sides it
   * leaves out, so a total over one side is never read as the pair's. The sum is an upper bound
   * on the pair's failed requests: both servers usually count the same failed request (SGLang's
   * prefill and decode each count a failed transfer or bootstrap), so `kv_transfer_errors_present`
   * and the status line count the larger side.
   */
  failures: {
    prefill: number | null;
    decode: number | null;
    total: number | null;
    unknown_sides: ("prefill" | "decode")[];
  };
  /**
   * Side the transfer count, bytes and time come from (see {@link transferSide}), `null` when
   * neither side exports transfer histograms. Its `window_s` is the window of `transfers`,
   * `bytes` and the per-second rates.
   */
  transfers_side: "prefill" | "decode" | null;
  /**
   * Transfers completed in the window (from `transfers_side`), `null` when not exported or
   * when that side's histogram has no `+Inf` bucket and no `_count`.
   */
  transfers: number | null;
  bytes: number | null;
  bytes_per_s: number | null;
  transfers_per_s: number | null;
  /** Tokens the decode side received through the KV connector in the window. */
  external_kv_tokens: number | null;
  transfer_time: Quantiles | null;
}

/** Everything the live rules see for one sample. */
export interface PairSample {
  observed_at: string;
  /**
   * The pair's stated window: the gap between the prefill side's two scrapes (`0` for a single
   * scrape). Each side's numbers cover that side's own gap (`prefill.window_s`,
   * `decode.window_s`), which differs from this one when a side answers slowly; see
   * {@link windowsDiffer}.
   */
  window_s: number;
  prefill: EndpointSample;
  decode: EndpointSample;
  transfer: TransferSummary;
}

/**
 * Whether two measured windows differ by more than request latency explains (the
 * {@link restartSlackS} tolerance of the longer one): then a number must say whose window it
 * covers. A side without a window (`0`) differs from one with.
 *
 * @example
 * ```ts
 * windowsDiffer(5.003, 5.001); // false
 * windowsDiffer(2.03, 4.98); // true
 * ```
 */
export function windowsDiffer(aS: number, bS: number): boolean {
  if (aS <= 0 || bS <= 0) return (aS > 0) !== (bS > 0);
  return Math.abs(aS - bS) > restartSlackS(Math.max(aS, bS));
}

/**
 * The side whose transfer histograms count the pair's KV transfers. Both sides may register
 * them while only one fills them: SGLang's prefill scheduler fills `sglang:kv_transfer_*` and
 * the decode's stay at 0; vLLM's NIXL histograms accrue on the side that issues the read, the
 * decode in the default pull mode (reference §4.1, §4.2). So a side whose count moved in the
 * window wins over one whose did not; otherwise the engine's filling side, then whichever side
 * has them.
 */
export function transferSide(
  prefill: EndpointSample,
  decode: EndpointSample,
): "prefill" | "decode" | null {
  const p = prefill.transfers;
  const d = decode.transfers;
  if (!p || !d) return d ? "decode" : p ? "prefill" : null;
  const moved = (x: { count: number | null }) => x.count !== null && x.count > 0;
  if (moved(p) !== moved(d)) return moved(p) ? "prefill" : "decode";
  const engine = prefill.engine ?? decode.engine;
  return engine === "sglang" ? "prefill" : "decode";
}

/**
 * Build the transfer summary from the two endpoint samples. Rates are the transfer side's
 * counts over that side's own scrape gap (`window_s` of `transfers_side`), never the other
 * side's: one slow answer makes the two gaps differ (reference §6.1, rate = Δ / Δt of the
 * series' own scrapes).
 */
export function computeTransfer(prefill: EndpointSample, decode: EndpointSample): TransferSummary {
  const pf = prefill.deltas?.kv_transfer_failures ?? null;
  const df = decode.deltas?.kv_transfer_failures ?? null;
  const sideName = transferSide(prefill, decode);
  const side = sideName === "prefill" ? prefill : sideName === "decode" ? decode : null;
  const t = side?.transfers ?? null;
  const windowS = side?.window_s ?? 0;
  return {
    connectors: { prefill: prefill.connectors, decode: decode.connectors },
    failures: {
      prefill: pf,
      decode: df,
      total: pf === null && df === null ? null : (pf ?? 0) + (df ?? 0),
      unknown_sides: [
        ...(pf === null ? ["prefill" as const] : []),
        ...(df === null ? ["decode" as const] : []),
      ],
    },
    transfers_side: sideName,
    transfers: t ? t.count : null,
    bytes: t ? t.bytes : null,
    bytes_per_s: t && t.bytes !== null && windowS > 0 ? t.bytes / windowS : null,
    transfers_per_s: t && t.count !== null && windowS > 0 ? t.count / windowS : null,
    external_kv_tokens: decode.deltas?.external_kv_tokens ?? null,
    transfer_time: side?.latency?.kv_transfer_time ?? null,
  };
}
