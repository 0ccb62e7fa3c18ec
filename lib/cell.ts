/**
 * Constructors for cells with every field present (unknown values are `null`, never omitted).
 * @module
 */
import { type Cell, IDENTITY_FIELDS, METRIC_FIELDS, type Metrics } from "./types.ts";

/** Metrics with every field `null`. */
export function emptyMetrics(): Metrics {
  const m = {} as Metrics;
  for (const f of METRIC_FIELDS) m[f] = null;
  return m;
}

/**
 * A cell with every identity and metric field `null`, then `overrides` applied.
 * `metrics` in overrides is merged into the empty metrics.
 *
 * @example
 * ```ts
 * const c = makeCell("c1", { concurrency: 4, metrics: { p99_ttft: 0.5 } });
 * ```
 */
export function makeCell(
  cellId: string,
  overrides: Partial<Omit<Cell, "metrics">> & { metrics?: Partial<Metrics> } = {},
): Cell {
  const base: Record<string, unknown> = { cell_id: cellId };
  for (const f of IDENTITY_FIELDS) base[f] = null;
  const { metrics, ...rest } = overrides;
  return {
    ...(base as unknown as Cell),
    source_format: "unknown",
    status: "unknown",
    extra_percentiles: {},
    eval: null,
    timeline: null,
    notes: {},
    artifacts: {},
    findings: [],
    ...rest,
    cell_id: cellId,
    metrics: { ...emptyMetrics(), ...(metrics ?? {}) },
  };
}
