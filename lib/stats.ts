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

/**
 * Smallest and largest of `values` (a loop, not `Math.min(...values)`, which overflows the stack
 * on long arrays), `null` when there are none.
 *
 * @example
 * ```ts
 * minMax([3, 1, 2]); // [1, 3]
 * ```
 */
export function minMax(values: ArrayLike<number>): [number, number] | null {
  if (values.length === 0) return null;
  let min = values[0];
  let max = values[0];
  for (let i = 1; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return [min, max];
}
