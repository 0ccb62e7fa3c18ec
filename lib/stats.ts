/**
 * Descriptive statistics computed one way everywhere.
 * @module
 */

/**
 * Percentile with linear interpolation between closest ranks (numpy's default).
 * `values` must be sorted ascending; `q` is in [0, 100]. Returns `null` for an empty array.
 *
 * @example
 * ```ts
 * percentileSorted([0.1, 0.2], 99); // 0.199
 * ```
 */
export function percentileSorted(values: ArrayLike<number>, q: number): number | null {
  const n = values.length;
  if (n === 0) return null;
  if (n === 1) return values[0];
  const rank = (q / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, n - 1);
  const frac = rank - lo;
  return values[lo] + (values[hi] - values[lo]) * frac;
}

/** Arithmetic mean, `null` for an empty array. */
export function mean(values: ArrayLike<number>): number | null {
  const n = values.length;
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  return sum / n;
}

/** Latency ladder of a sample: mean and the usual percentiles. */
export interface Ladder {
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  count: number;
}

/** Ladder of an unsorted sample (the input is copied, not mutated). */
export function ladder(values: ArrayLike<number>): Ladder {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  return {
    mean: mean(sorted),
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
    p999: percentileSorted(sorted, 99.9),
    max: sorted.length ? sorted[sorted.length - 1] : null,
    count: sorted.length,
  };
}
