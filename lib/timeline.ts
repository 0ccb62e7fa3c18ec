/**
 * Live-overlay timelines read back by `analyze`: attached to the nearest cell, summarised, and
 * their findings deduplicated (one per code per cell, with a count and first/last times).
 * @module
 */
import type { Cell, Finding, Severity, TimelineSummary } from "./types.ts";
import { SEVERITY_RANK } from "./types.ts";

/** One sample of a timeline, as the timeline parser yields it. */
export interface TimelineSampleInput {
  observed_at: string;
  findings: {
    code: string;
    severity: Severity;
    message: string;
    evidence: Record<string, unknown>;
  }[];
}

/** A parsed timeline file. */
export interface TimelineInput {
  path: string;
  samples: readonly TimelineSampleInput[];
  bad_lines: number;
}

/** What attaching timelines gives back. */
export interface AttachedTimelines {
  cells: Cell[];
  findings: Finding[];
  runTimelines: {
    path: string;
    cell_id: string | null;
    sample_count: number;
    bad_lines: number;
    first_observed_at: string | null;
    last_observed_at: string | null;
  }[];
  /** Cells with `lead_time_to_ttft_cliff_s` filled from detected `ttft_cliff` findings. */
  applyLeadTimes(findings: readonly Finding[]): Cell[];
}

function minIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) < Date.parse(a) ? b : a;
}

function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/**
 * Attach each timeline to the cell `nearest(path)` names (or to the run when `null`), summarise
 * samples per cell, and deduplicate live findings per (cell, code).
 */
export function attachTimelines(
  cells: readonly Cell[],
  timelines: readonly TimelineInput[],
  nearest: (path: string) => string | null,
): AttachedTimelines {
  const summaries = new Map<string | null, TimelineSummary>();
  const deduped = new Map<string, Finding>();
  const runTimelines: AttachedTimelines["runTimelines"] = [];
  const sorted = [...timelines].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const t of sorted) {
    const cellId = nearest(t.path);
    const s = summaries.get(cellId) ?? {
      sample_count: 0,
      first_observed_at: null,
      last_observed_at: null,
      first_finding_at: null,
      first_critical_at: null,
      finding_counts: {},
      lead_time_to_ttft_cliff_s: null,
    };
    let first: string | null = null;
    let last: string | null = null;
    for (const sample of t.samples) {
      s.sample_count++;
      first = minIso(first, sample.observed_at);
      last = maxIso(last, sample.observed_at);
      for (const f of sample.findings) {
        s.finding_counts[f.code] = (s.finding_counts[f.code] ?? 0) + 1;
        s.first_finding_at = minIso(s.first_finding_at, sample.observed_at);
        if (f.severity === "critical") {
          s.first_critical_at = minIso(s.first_critical_at, sample.observed_at);
        }
        const key = `${cellId ?? ""}\u0000${f.code}`;
        const prev = deduped.get(key);
        if (!prev) {
          deduped.set(key, {
            code: f.code,
            severity: f.severity,
            cell_id: cellId,
            message: f.message,
            evidence: { ...f.evidence, timeline: t.path },
            source: "timeline",
            count: 1,
            first_seen_at: sample.observed_at,
            last_seen_at: sample.observed_at,
          });
        } else {
          prev.count = (prev.count ?? 0) + 1;
          if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[prev.severity]) prev.severity = f.severity;
          if (Date.parse(sample.observed_at) < Date.parse(prev.first_seen_at ?? "")) {
            prev.first_seen_at = sample.observed_at;
            prev.message = f.message;
          }
          prev.last_seen_at = maxIso(prev.last_seen_at ?? null, sample.observed_at) ?? undefined;
        }
      }
    }
    s.first_observed_at = minIso(s.first_observed_at, first);
    s.last_observed_at = maxIso(s.last_observed_at, last);
    s.finding_counts = Object.fromEntries(Object.entries(s.finding_counts).sort());
    summaries.set(cellId, s);
    runTimelines.push({
      path: t.path,
      cell_id: cellId,
      sample_count: t.samples.length,
      bad_lines: t.bad_lines,
      first_observed_at: first,
      last_observed_at: last,
    });
  }
  const withTimeline = cells.map((c) => {
    const s = summaries.get(c.cell_id);
    return s ? { ...c, timeline: { ...s } } : c;
  });
  const runLevel = summaries.get(null) ?? null;
  return {
    cells: withTimeline,
    findings: [...deduped.values()],
    runTimelines,
    applyLeadTimes(findings) {
      if (summaries.size === 0) return withTimeline;
      const cliffCells = new Set(
        findings.filter((f) => f.code === "ttft_cliff").map((f) => f.cell_id),
      );
      return withTimeline.map((c) => {
        const cliff = cliffCells.has(c.cell_id);
        const startS = typeof c.notes.benchmark_start_time_unix === "number"
          ? c.notes.benchmark_start_time_unix
          : null;
        const firstAt = c.timeline?.first_finding_at ?? runLevel?.first_finding_at ?? null;
        if (!cliff || startS === null || firstAt === null) return c;
        const lead = startS - Date.parse(firstAt) / 1000;
        const timeline = c.timeline ?? { ...runLevel! };
        return { ...c, timeline: { ...timeline, lead_time_to_ttft_cliff_s: lead } };
      });
    },
  };
}
