/**
 * Ranking the curves of a report for section 6, which summarises every curve in one table and
 * details only the worst ones when there are many.
 * @module
 */
import type { Finding } from "../lib/types.ts";
import { findingMagnitude } from "./_top_findings.ts";

/** One curve's place in the ranking and the finding counts it was ranked by. */
export interface CurveRank {
  curveId: string;
  critical: number;
  warning: number;
  info: number;
  /** Largest magnitude among its findings of its worst severity (0 when it has none). */
  worst: number;
  /** Finding counts by code: most first, then by code. */
  codes: [string, number][];
}

const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 2, warning: 1, info: 0 };

/**
 * The curves ranked most severe first: by number of critical findings, then of warnings, then
 * by the largest magnitude among the findings of the worst severity (how far the worst one
 * exceeds its rule, as the executive summary's choice measures it), then by number of info
 * findings; ties keep the given order. Linear in the findings, then one sort of the curves.
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
      if (s > worstSeverity) {
        worstSeverity = s;
        rank.worst = m;
      } else if (s === worstSeverity && m > rank.worst) rank.worst = m;
    }
    rank.codes = [...codes].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
    return rank;
  });
  ranks.sort((a, b) =>
    b.critical - a.critical || b.warning - a.warning || b.worst - a.worst ||
    b.info - a.info || a.order - b.order
  );
  return ranks.map(({ order: _order, ...rank }) => rank);
}
