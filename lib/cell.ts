/**
 * Constructors for cells with every field present (unknown values are `null`, never omitted).
 * @module
 */
import { type Cell, type Identity, IDENTITY_FIELDS, METRIC_FIELDS, type Metrics } from "./types.ts";

/**
 * Built once with `Object.fromEntries` and copied with a spread: objects filled key by key with
 * this many properties fall back to V8's dictionary mode and cost about three times the memory,
 * which matters with tens of thousands of cells. Filling a copy is fine: assigning to a property
 * the object already has keeps it compact.
 */
const EMPTY_METRICS: Readonly<Metrics> = Object.fromEntries(
  METRIC_FIELDS.map((f) => [f, null]),
) as unknown as Metrics;
const EMPTY_IDENTITY: Readonly<Identity> = Object.fromEntries(
  IDENTITY_FIELDS.map((f) => [f, null]),
) as unknown as Identity;

/** Metrics with every field `null`. */
export function emptyMetrics(): Metrics {
  return { ...EMPTY_METRICS };
}

/** Identity with every field `null`. */
export function emptyIdentity(): Identity {
  return { ...EMPTY_IDENTITY };
}

/** Everything of a cell but its id and identity, for {@link assembleCell}. */
export type CellParts = Omit<Cell, "cell_id" | keyof Identity>;

/**
 * A cell from complete parts, in the report's key order (id, identity, the rest, metrics last).
 * One object literal gives the cell a single compact shape, which a spread of a partial
 * identity into a template does not; `cell_test.ts` checks the order matches {@link makeCell}.
 *
 * @example
 * ```ts
 * const c = assembleCell("c1", emptyIdentity(), { source_format: "unknown", status: "unknown",
 *   extra_percentiles: {}, eval: null, timeline: null, notes: {}, artifacts: {}, findings: [],
 *   metrics: emptyMetrics() });
 * ```
 */
export function assembleCell(cellId: string, identity: Identity, parts: CellParts): Cell {
  return {
    cell_id: cellId,
    hardware: identity.hardware,
    model: identity.model,
    model_path: identity.model_path,
    framework: identity.framework,
    precision: identity.precision,
    spec_decoding: identity.spec_decoding,
    offload_mode: identity.offload_mode,
    disagg: identity.disagg,
    recipe_name: identity.recipe_name,
    runner: identity.runner,
    image: identity.image,
    scenario_type: identity.scenario_type,
    is_multinode: identity.is_multinode,
    isl: identity.isl,
    osl: identity.osl,
    concurrency: identity.concurrency,
    dp_attention: identity.dp_attention,
    prefill_dp_attention: identity.prefill_dp_attention,
    decode_dp_attention: identity.decode_dp_attention,
    source_format: parts.source_format,
    status: parts.status,
    extra_percentiles: parts.extra_percentiles,
    eval: parts.eval,
    timeline: parts.timeline,
    notes: parts.notes,
    artifacts: parts.artifacts,
    findings: parts.findings,
    metrics: parts.metrics,
  };
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
