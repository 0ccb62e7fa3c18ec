/**
 * Constructors for cells with every field present (unknown values are `null`, never omitted).
 * @module
 */
import { type Cell, IDENTITY_FIELDS, METRIC_FIELDS, type Metrics } from "./types.ts";

/**
 * Built once with `Object.fromEntries` and copied with a spread: objects filled key by key with
 * this many properties fall back to V8's dictionary mode and cost about three times the memory,
 * which matters with tens of thousands of cells.
 */
const EMPTY_METRICS: Readonly<Metrics> = Object.fromEntries(
  METRIC_FIELDS.map((f) => [f, null]),
) as unknown as Metrics;
const EMPTY_IDENTITY: Readonly<Record<string, null>> = Object.fromEntries(
  IDENTITY_FIELDS.map((f) => [f, null]),
);

/** Metrics with every field `null`. */
export function emptyMetrics(): Metrics {
  return { ...EMPTY_METRICS };
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
  const { metrics, cell_id: _ignored, ...rest } = overrides as Partial<Cell>;
  return {
    cell_id: cellId,
    ...(EMPTY_IDENTITY as unknown as Omit<Cell, "cell_id">),
    source_format: "unknown",
    status: "unknown",
    extra_percentiles: {},
    eval: null,
    timeline: null,
    notes: {},
    artifacts: {},
    findings: [],
    ...rest,
    metrics: { ...emptyMetrics(), ...(metrics ?? {}) },
  };
}
