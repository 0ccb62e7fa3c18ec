/**
 * Cross-checking an aggregate against the measured raw data of the same cell. A disagreement
 * beyond rounding becomes an `aggregate_mismatch` warning carrying both numbers and which one the
 * cell keeps: the record of higher priority (SPEC §2: the agg of an InferenceX cell is its primary
 * record, the raw result adds percentiles; the per-request data of an agentic cell outranks its
 * aggregate).
 * @module
 */
import { PER_GPU_OF, perGpuDivisors, throughputTotal } from "./fold.ts";
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
  "input_tput_tps",
];

/**
 * Relative tolerance: aggregates are rounded (AgentX v1.0 to 5 decimal places) and derived from
 * slightly different windows, so anything within 1 % (or 1e-4 absolute) is rounding.
 */
export const RELATIVE_TOLERANCE = 0.01;
const ABSOLUTE_TOLERANCE = 1e-4;

const AGG_KINDS = new Set(["agg", "agentx_agg", "agg_collection"]);

/** One field on which an aggregate and the measured data disagree. */
interface FieldMismatch {
  /** The measured value (for a per-GPU field, the raw total ÷ `divisor`). */
  raw: number;
  aggregate: number;
  raw_artifact: string;
  /** The raw total a per-GPU value was derived from, and what it was divided by. */
  raw_total?: number;
  divisor?: number;
  /** Which of the two the cell holds; `other` when it holds neither (a third record's). */
  used: "measured" | "aggregate" | "other";
}

function beyondRounding(a: number, b: number): boolean {
  const diff = Math.abs(a - b);
  return diff > ABSOLUTE_TOLERANCE &&
    diff > RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * The first value of `f` among the raw records (highest priority first), with its record. A
 * throughput total is taken as the cell takes it ({@link throughputTotal}: the input as total minus
 * output when not stated).
 */
function firstRaw(
  raws: readonly CellRecord[],
  f: MetricField,
): { value: number; record: CellRecord } | null {
  for (const r of raws) {
    const v = f === "input_tput_tps"
      ? throughputTotal((t) => numberAt(r.metrics, t), f)
      : numberAt(r.metrics, f);
    if (v != null) return { value: v, record: r };
  }
  return null;
}

/** What the message says the cell keeps. */
function keptText(mismatches: readonly FieldMismatch[]): string {
  const measured = mismatches.filter((m) => m.used === "measured").length;
  if (measured === mismatches.length) return "the cell keeps the measured values";
  if (mismatches.every((m) => m.used === "aggregate")) {
    return "the cell keeps the aggregate's values (its primary record)";
  }
  return `the cell keeps the measured value for ${measured} of them (\`used\` in the evidence)`;
}

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
    const divisors = perGpuDivisors(cell.is_multinode, cell.metrics);
    const held = (f: MetricField, aggregate: number, measured: number): FieldMismatch["used"] => {
      const v = cell.metrics[f];
      return v === measured ? "measured" : v === aggregate ? "aggregate" : "other";
    };
    for (const agg of aggs) {
      const diffs: Record<string, FieldMismatch> = {};
      for (const f of CROSS_CHECKED) {
        const a = numberAt(agg.metrics, f);
        const raw = a == null ? null : firstRaw(raws, f);
        if (a == null || raw === null || !beyondRounding(a, raw.value)) continue;
        diffs[f] = {
          raw: raw.value,
          aggregate: a,
          raw_artifact: raw.record.artifact,
          used: held(f, a, raw.value),
        };
      }
      // Per-GPU fields an aggregate states and the raw data gives as totals: compared with the raw
      // total divided as InferenceX divides it.
      for (const { field, total, divisor } of PER_GPU_OF) {
        const a = numberAt(agg.metrics, field);
        const div = divisors[divisor];
        if (a == null || div === null || div <= 0) continue;
        const raw = firstRaw(raws, total);
        if (raw === null) continue;
        const measured = raw.value / div;
        if (!beyondRounding(a, measured)) continue;
        // An aggregate whose total disagrees already says so; its per-GPU figure is named too only
        // when it does not follow from that total (a wrong divisor, a figure of another run).
        const aggTotal = numberAt(agg.metrics, total);
        if (diffs[total] !== undefined && aggTotal != null && !beyondRounding(a, aggTotal / div)) {
          continue;
        }
        diffs[field] = {
          raw: measured,
          aggregate: a,
          raw_artifact: raw.record.artifact,
          raw_total: raw.value,
          divisor: div,
          used: held(field, a, measured),
        };
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
        } (${fields[0]}: aggregate ${first.aggregate} vs measured ${
          first.divisor === undefined
            ? first.raw
            : `${Number(first.raw.toPrecision(6))} = ${first.raw_total} ÷ ${first.divisor} GPUs`
        }); ${keptText(Object.values(diffs))}`,
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
