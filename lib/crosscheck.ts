/**
 * Cross-checking an aggregate against the measured raw data of the same cell. The raw data wins;
 * a disagreement beyond rounding becomes an `aggregate_mismatch` warning carrying both numbers.
 * @module
 */
import { numberAt } from "./packed.ts";
import type { Cell, CellRecord, Finding, MetricField } from "./types.ts";

/** Fields compared between a raw record and an aggregate of the same cell. */
export const CROSS_CHECKED: readonly MetricField[] = [
  "num_requests_total",
  "num_requests_successful",
  "mean_ttft",
  "p50_ttft",
  "p90_ttft",
  "p99_ttft",
  "mean_e2el",
  "p99_e2el",
  "mean_tpot",
  "p99_tpot",
  "theoretical_cache_hit_rate",
  "total_tput_tps",
  "output_tput_tps",
];

/**
 * Relative tolerance: aggregates are rounded (AgentX v1.0 to 5 decimal places) and derived from
 * slightly different windows, so anything within 1 % (or 1e-4 absolute) is rounding.
 */
export const RELATIVE_TOLERANCE = 0.01;
const ABSOLUTE_TOLERANCE = 1e-4;

const AGG_KINDS = new Set(["agg", "agentx_agg", "agg_collection"]);

/**
 * Compare, per cell, the highest-priority raw record with each aggregate record.
 *
 * @example
 * ```ts
 * const findings = crossCheckAggregates(records, cellByKey);
 * ```
 */
export function crossCheckAggregates(
  records: readonly CellRecord[],
  cellByKey: ReadonlyMap<string, Cell>,
): Finding[] {
  // Only groups with both an aggregate and a raw primary record have anything to compare.
  const aggsByKey = new Map<string, CellRecord[]>();
  const rawsByKey = new Map<string, CellRecord[]>();
  for (const r of records) {
    if (!r.primary) continue;
    const byKey = AGG_KINDS.has(r.kind) ? aggsByKey : rawsByKey;
    const list = byKey.get(r.group_key);
    if (list) list.push(r);
    else byKey.set(r.group_key, [r]);
  }
  const findings: Finding[] = [];
  const keys = [...aggsByKey.keys()].filter((k) => rawsByKey.has(k)).sort();
  for (const key of keys) {
    const aggs = aggsByKey.get(key)!;
    const raws = rawsByKey.get(key)!
      .sort((a, b) => b.priority - a.priority || (a.artifact < b.artifact ? -1 : 1));
    const cell = cellByKey.get(key);
    if (!cell) continue;
    for (const agg of aggs) {
      const diffs: Record<string, { raw: number; aggregate: number; raw_artifact: string }> = {};
      for (const f of CROSS_CHECKED) {
        const a = numberAt(agg.metrics, f);
        if (a == null) continue;
        let raw: CellRecord | undefined;
        let b: number | null | undefined;
        for (const r of raws) {
          b = numberAt(r.metrics, f);
          if (b != null) {
            raw = r;
            break;
          }
        }
        if (b == null || raw === undefined) continue;
        const diff = Math.abs(a - b);
        if (
          diff <= ABSOLUTE_TOLERANCE ||
          diff <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b))
        ) {
          continue;
        }
        diffs[f] = { raw: b, aggregate: a, raw_artifact: raw.artifact };
      }
      const fields = Object.keys(diffs);
      if (fields.length === 0) continue;
      const first = diffs[fields[0]];
      findings.push({
        code: "aggregate_mismatch",
        severity: "warning",
        cell_id: cell.cell_id,
        message: `"${agg.artifact}" disagrees with the measured data on ${fields.length} field${
          fields.length === 1 ? "" : "s"
        } (${
          fields[0]
        }: aggregate ${first.aggregate} vs measured ${first.raw}); the measured values are used`,
        evidence: {
          aggregate: agg.artifact,
          tolerance_relative: RELATIVE_TOLERANCE,
          fields: diffs,
        },
        source: "analyzer",
      });
    }
  }
  return findings;
}
