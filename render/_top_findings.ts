/**
 * Choosing the few findings the executive summary shows: critical ones first, and variety
 * across codes and curves rather than the first lines of the sorted list.
 * @module
 */
import type { Finding } from "../lib/types.ts";

/**
 * How strongly a finding fires, from its evidence (larger is worse); 0 when not known. Only
 * comparable between findings of one code.
 *
 * @example
 * ```ts
 * findingMagnitude(cliff); // its evidence.ttft_ratio, e.g. 17.35
 * ```
 */
export function findingMagnitude(f: Finding): number {
  const e = f.evidence;
  const num = (k: string): number | null => {
    const v = e[k];
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  };
  switch (f.code) {
    case "partial_run":
    case "invalid_run_no_successful_requests": {
      const sr = num("success_rate");
      return sr === null ? 0 : 1 - sr;
    }
    case "ttft_cliff":
      return num("ttft_ratio") ?? 0;
    case "tpot_degradation":
      return num("tpot_ratio") ?? 0;
    case "throughput_plateau": {
      const gain = num("throughput_gain");
      return gain === null ? 0 : -gain;
    }
    case "prefix_cache_regression":
      return num("gap_to_theoretical") ?? 0;
    case "kv_pressure":
      return num("num_preemptions") ?? 0;
    case "eval_regression": {
      const delta = num("delta");
      return delta === null ? 0 : Math.abs(delta);
    }
    default:
      return f.count ?? 0;
  }
}

/** Options of {@link topFindings}. */
export interface TopFindingsOptions {
  /** How many to choose. */
  limit: number;
  /** How many of one code the first pass takes before other codes get a turn. */
  perCode: number;
  /** The curve (or other group) a finding's cell belongs to, to prefer different curves. */
  groupOf: (f: Finding) => string;
}

/**
 * Up to `limit` findings of severity warning or above from `findings` (sorted by severity, code,
 * cell as in report.json): critical before warning; within a severity, codes take turns (the
 * worst finding of each code, then the second worst, up to `perCode` each), and a code's
 * findings from different curves come before a second one from the same curve. Remaining slots
 * go to the rest in the same order. Returns the chosen findings grouped by severity and code.
 *
 * @example
 * ```ts
 * const top = topFindings(report.findings, { limit: 10, perCode: 2, groupOf: () => "" });
 * ```
 */
export function topFindings(findings: readonly Finding[], options: TopFindingsOptions): Finding[] {
  const bySeverity: Finding[][] = [[], []]; // critical, warning
  for (const f of findings) {
    if (f.severity === "critical") bySeverity[0].push(f);
    else if (f.severity === "warning") bySeverity[1].push(f);
  }
  const chosen = new Set<Finding>();
  const rankedPerSeverity = bySeverity.map(rankWithinCodes(options));
  // First pass: codes take turns, at most `perCode` each.
  for (const codes of rankedPerSeverity) {
    for (let turn = 0; turn < options.perCode; turn++) {
      for (const list of codes) {
        if (chosen.size >= options.limit) break;
        if (turn < list.length) chosen.add(list[turn]);
      }
    }
  }
  // Then whatever room is left, in ranked order.
  for (const codes of rankedPerSeverity) {
    for (const list of codes) {
      for (const f of list) {
        if (chosen.size >= options.limit) break;
        chosen.add(f);
      }
    }
  }
  const out: Finding[] = [];
  for (const codes of rankedPerSeverity) {
    for (const list of codes) for (const f of list) if (chosen.has(f)) out.push(f);
  }
  return out;
}

/**
 * The findings of one severity as one ranked list per code (codes in input order): worst
 * first, each curve's worst before any curve's second.
 */
function rankWithinCodes(options: TopFindingsOptions): (list: Finding[]) => Finding[][] {
  return (list) => {
    const byCode = new Map<string, { f: Finding; i: number; m: number }[]>();
    list.forEach((f, i) => {
      const entry = { f, i, m: findingMagnitude(f) };
      const group = byCode.get(f.code);
      if (group) group.push(entry);
      else byCode.set(f.code, [entry]);
    });
    const out: Finding[][] = [];
    for (const entries of byCode.values()) {
      entries.sort((a, b) => b.m - a.m || a.i - b.i);
      const seen = new Set<string>();
      const firsts: Finding[] = [];
      const rest: Finding[] = [];
      for (const { f } of entries) {
        const g = options.groupOf(f);
        if (seen.has(g)) rest.push(f);
        else {
          seen.add(g);
          firsts.push(f);
        }
      }
      out.push(firsts.concat(rest));
    }
    return out;
  };
}
