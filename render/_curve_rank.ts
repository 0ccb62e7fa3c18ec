/**
 * Ranking the curves of a report for section 6, which summarises every curve in one table and
 * details only the worst ones when there are many.
 * @module
 */
import { compareText } from "../lib/curves.ts";
import type { Finding } from "../lib/types.ts";
import { findingMagnitude } from "./_top_findings.ts";

/** One curve's place in the ranking and the finding counts it was ranked by. */
export interface CurveRank {
  curveId: string;
  critical: number;
  warning: number;
  info: number;
  /**
   * The weightiest code among its findings of its worst severity (see `CODE_WEIGHT`), and the
   * largest magnitude among that code's findings (0 when it has none).
   */
  worstCode: string | null;
  worst: number;
  /** Finding counts by code: most first, then by code. */
  codes: [string, number][];
}

const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 2, warning: 1, info: 0 };

/**
 * Which code's worst finding weighs more when two curves have as many critical findings and
 * warnings: results that cannot be trusted first, then latency, then the rest (magnitudes are
 * only comparable within one code). Codes not listed come last, by name.
 */
const CODE_WEIGHT: readonly string[] = [
  "invalid_run_no_successful_requests",
  "missing_required_artifact",
  "kv_transfer_errors_present",
  "ttft_cliff",
  "partial_run",
  "tpot_degradation",
  "kv_offload_thrash",
  "kv_pressure",
  "prefix_cache_regression",
  "throughput_plateau",
  "eval_regression",
];

function codeWeight(code: string): number {
  const i = CODE_WEIGHT.indexOf(code);
  return i < 0 ? CODE_WEIGHT.length : i;
}

/**
 * The curves ranked most severe first: by number of critical findings, then of warnings, then
 * by the weightiest code among the findings of the worst severity (`CODE_WEIGHT`), then, for
 * the same code, by the largest magnitude among them (how far the worst one exceeds its rule, as
 * the executive summary's choice measures it), then by number of info findings; ties keep the
 * given order. Linear in the findings, then one sort of the curves.
 *
 * @example
 * ```ts
 * const ranked = rankCurves(curveIds, (id) => findingsByCurve.get(id) ?? []);
 * ```
 */
export function rankCurves(
  curveIds: readonly string[],
  findingsOf: (curveId: string) => readonly Finding[],
): CurveRank[] {
  const ranks = curveIds.map((curveId, order) => {
    const rank: CurveRank & { order: number } = {
      curveId,
      critical: 0,
      warning: 0,
      info: 0,
      worstCode: null,
      worst: 0,
      codes: [],
      order,
    };
    const codes = new Map<string, number>();
    let worstSeverity = -1;
    for (const f of findingsOf(curveId)) {
      if (f.severity === "critical") rank.critical++;
      else if (f.severity === "warning") rank.warning++;
      else rank.info++;
      codes.set(f.code, (codes.get(f.code) ?? 0) + 1);
      const s = SEVERITY_RANK[f.severity] ?? 0;
      const m = findingMagnitude(f);
      const w = codeWeight(f.code);
      const heavier = rank.worstCode === null || w < codeWeight(rank.worstCode) ||
        (w === codeWeight(rank.worstCode) && f.code < rank.worstCode);
      if (s > worstSeverity || (s === worstSeverity && heavier)) {
        worstSeverity = s;
        rank.worstCode = f.code;
        rank.worst = m;
      } else if (s === worstSeverity && f.code === rank.worstCode && m > rank.worst) rank.worst = m;
    }
    rank.codes = [...codes].sort(([a, x], [b, y]) => y - x || compareText(a, b));
    return rank;
  });
  const weight = (r: CurveRank) =>
    r.worstCode === null ? CODE_WEIGHT.length + 1 : codeWeight(r.worstCode);
  ranks.sort((a, b) =>
    b.critical - a.critical || b.warning - a.warning || weight(a) - weight(b) ||
    (a.worstCode === b.worstCode ? b.worst - a.worst : 0) || b.info - a.info ||
    a.order - b.order
  );
  return ranks.map(({ order: _order, ...rank }) => rank);
}
