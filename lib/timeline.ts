/**
 * Live-overlay timelines read back by `analyze`: attached to the nearest cell, summarised, and
 * their findings deduplicated (one per code per cell, with a count and first/last times).
 *
 * Counting: a timeline line is one sample, and `count` (and the cell's `finding_counts`) is the
 * number of samples that carried the code, however many findings of that code one sample held
 * (a sample with both sides unreachable counts once).
 *
 * Subjects: findings of one code can be about different things (the prefill and the decode
 * endpoint). A finding's subject is its evidence's `side` and `url`. When the samples of one
 * code name more than one subject, the deduplicated finding keeps every subject: its message
 * joins each subject's message, and `evidence.subjects` lists each subject with its own count,
 * times, message and evidence (at most {@linkcode MAX_SUBJECTS}, the rest counted in
 * `evidence.subjects_omitted`).
 *
 * Severity: the deduplicated finding (and each subject) takes the highest severity seen, and the
 * message and evidence of the latest sample at that severity, so they never contradict it.
 * @module
 */
import { addCount, groupBy, withSortedKeys } from "./group_by.ts";
import type { Cell, Finding, Severity, TimelineSummary } from "./types.ts";
import { SEVERITY_RANK } from "./types.ts";

/** One sample of a timeline, as the timeline parser yields it. */
export interface TimelineSampleInput {
  /** The line's identity (parsers/timeline.ts): a sample two files of one cell hold counts once. */
  key?: string;
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

/** Most subjects listed in the evidence of one deduplicated finding; the rest are counted. */
export const MAX_SUBJECTS = 4;

/**
 * Least slack, in seconds, allowed between a timeline's last sample and the start of the cliff
 * cell for the timeline to count as watching that run (see {@linkcode attachTimelines}).
 */
export const LEAD_TIME_MIN_SLACK_S = 3600;

type SampleFinding = TimelineSampleInput["findings"][number];

/** The latest most severe finding seen so far, and when. */
interface Representative {
  severity: Severity;
  message: string;
  evidence: Record<string, unknown>;
  at: string;
  /** The timeline file the sample came from (findings of one cell may come from several). */
  timeline: string;
}

interface SubjectAcc {
  side: string | null;
  url: string | null;
  rep: Representative;
  count: number;
  first_seen_at: string;
  last_seen_at: string;
}

interface CodeAcc {
  code: string;
  cell_id: string | null;
  rep: Representative;
  count: number;
  first_seen_at: string;
  last_seen_at: string;
  subjects: Map<string, SubjectAcc>;
}

const SIDE_RANK: Readonly<Record<string, number>> = { prefill: 0, decode: 1 };

/** Display rank of a finding's side: prefill, decode, then any other (read from a timeline). */
function sideRank(side: string | null | undefined): number {
  return typeof side === "string" && Object.hasOwn(SIDE_RANK, side) ? SIDE_RANK[side] : 2;
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

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function subjectOf(f: SampleFinding): { key: string; side: string | null; url: string | null } {
  const side = stringOrNull(f.evidence.side);
  const url = stringOrNull(f.evidence.url);
  return { key: `${side ?? ""}\u0000${url ?? ""}`, side, url };
}

/** The most severe of one sample's findings (the last one on a tie). */
function mostSevere(list: readonly SampleFinding[]): SampleFinding {
  return list.reduce((best, f) =>
    SEVERITY_RANK[f.severity] >= SEVERITY_RANK[best.severity] ? f : best
  );
}

/** Whether `f`, seen at `at`, replaces `rep`: more severe, or as severe and not earlier. */
function replaces(rep: Representative, f: SampleFinding, at: string): boolean {
  const d = SEVERITY_RANK[f.severity] - SEVERITY_RANK[rep.severity];
  return d > 0 || (d === 0 && Date.parse(at) >= Date.parse(rep.at));
}

function representative(f: SampleFinding, at: string, timeline: string): Representative {
  return { severity: f.severity, message: f.message, evidence: f.evidence, at, timeline };
}

/** Fold one sample's findings of one code into the accumulator of that (cell, code). */
function addSample(
  acc: CodeAcc,
  list: readonly SampleFinding[],
  at: string,
  timeline: string,
): void {
  acc.count++;
  acc.first_seen_at = minIso(acc.first_seen_at, at)!;
  acc.last_seen_at = maxIso(acc.last_seen_at, at)!;
  const top = mostSevere(list);
  if (replaces(acc.rep, top, at)) acc.rep = representative(top, at, timeline);
  for (const [key, ofSubject] of groupBy(list, (f) => subjectOf(f).key)) {
    const f = mostSevere(ofSubject);
    const s = acc.subjects.get(key);
    if (!s) {
      const { side, url } = subjectOf(f);
      acc.subjects.set(key, {
        side,
        url,
        rep: representative(f, at, timeline),
        count: 1,
        first_seen_at: at,
        last_seen_at: at,
      });
      continue;
    }
    s.count++;
    s.first_seen_at = minIso(s.first_seen_at, at)!;
    s.last_seen_at = maxIso(s.last_seen_at, at)!;
    if (replaces(s.rep, f, at)) s.rep = representative(f, at, timeline);
  }
}

type KeyedSubject = [string, SubjectAcc];

function byKey(ka: string, kb: string): number {
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Which subjects to keep when there are too many: most severe, then most often seen. */
function byImportance([ka, sa]: KeyedSubject, [kb, sb]: KeyedSubject): number {
  return SEVERITY_RANK[sb.rep.severity] - SEVERITY_RANK[sa.rep.severity] ||
    sb.count - sa.count ||
    byDisplay([ka, sa], [kb, sb]);
}

/** How kept subjects are listed: prefill before decode, then earliest, then by key. */
function byDisplay([ka, sa]: KeyedSubject, [kb, sb]: KeyedSubject): number {
  return sideRank(sa.side) - sideRank(sb.side) ||
    Date.parse(sa.first_seen_at) - Date.parse(sb.first_seen_at) ||
    byKey(ka, kb);
}

/** The deduplicated finding of one (cell, code), keys in the order of every other finding. */
function toFinding(acc: CodeAcc): Finding {
  const { message, evidence } = acc.subjects.size <= 1
    ? { message: acc.rep.message, evidence: { ...acc.rep.evidence, timeline: acc.rep.timeline } }
    : subjectsMessageAndEvidence(acc);
  return {
    code: acc.code,
    severity: acc.rep.severity,
    cell_id: acc.cell_id,
    message,
    evidence,
    source: "timeline",
    count: acc.count,
    first_seen_at: acc.first_seen_at,
    last_seen_at: acc.last_seen_at,
  };
}

/** Message and evidence of a finding whose samples named several subjects: one part each. */
function subjectsMessageAndEvidence(
  acc: CodeAcc,
): { message: string; evidence: Record<string, unknown> } {
  const all = [...acc.subjects].sort(byImportance);
  const shown = all.slice(0, MAX_SUBJECTS).sort(byDisplay).map(([, s]) => s);
  const omitted = all.length - shown.length;
  const sides = new Set(all.map(([, s]) => s.side));
  const head = sides.has("prefill") && sides.has("decode")
    ? (all.length === 2 ? "Both sides affected" : `Both sides affected (${all.length} endpoints)`)
    : `${all.length} endpoints affected`;
  const parts = shown.map((s) => s.rep.message || `${s.side ?? "?"} ${s.url ?? ""}`.trim());
  const evidence: Record<string, unknown> = {
    subjects: shown.map((s) => ({
      side: s.side,
      url: s.url,
      severity: s.rep.severity,
      count: s.count,
      first_seen_at: s.first_seen_at,
      last_seen_at: s.last_seen_at,
      message: s.rep.message,
      timeline: s.rep.timeline,
      evidence: { ...s.rep.evidence },
    })),
  };
  if (omitted > 0) evidence.subjects_omitted = omitted;
  evidence.timeline = acc.rep.timeline;
  return {
    message: `${head}: ${parts.join("; ")}${omitted > 0 ? `; and ${omitted} more` : ""}`,
    evidence,
  };
}

/**
 * Lead time from the first live finding of `s` to a cliff cell starting at `startS` (Unix
 * seconds), or `null` when it is not a lead time:
 * - the first live finding came after the cell started (the overlay did not precede the cliff);
 * - the timeline was not watching this run: the cell started more than max(the timeline's own
 *   span, {@linkcode LEAD_TIME_MIN_SLACK_S}) after the timeline's last sample. A sweep's cells run
 *   back to back, so an overlay that stopped long before the cliff cell began (or a clock or
 *   start time from another campaign) says nothing about what led to that cliff.
 */
function leadTimeS(startS: number, s: TimelineSummary): number | null {
  if (s.first_finding_at === null) return null;
  const firstS = Date.parse(s.first_finding_at) / 1000;
  const lead = startS - firstS;
  if (!Number.isFinite(lead) || lead < 0) return null;
  const fromS = Date.parse(s.first_observed_at ?? s.first_finding_at) / 1000;
  const lastS = Date.parse(s.last_observed_at ?? s.first_finding_at) / 1000;
  const slackS = Math.max(LEAD_TIME_MIN_SLACK_S, lastS - fromS);
  return startS - lastS > slackS ? null : lead;
}

/**
 * Attach each timeline to the cell `nearest(path)` names (or to the run when `null`), summarise
 * samples per cell, and deduplicate live findings per (cell, code): `count` is the number of
 * samples carrying the code; severity, message and evidence are the latest most severe sample's;
 * findings about several subjects (prefill and decode) keep each subject in the evidence.
 *
 * `applyLeadTimes` sets `lead_time_to_ttft_cliff_s` only when it is a lead time (see
 * `leadTimeS`): `null` when the first live finding came after the cliff cell started, or when the
 * timeline stopped long before that cell started.
 *
 * @example
 * ```ts
 * const tl = attachTimelines(cells, timelines, (path) => nearestCellId(path));
 * const withLeads = tl.applyLeadTimes(detectedFindings);
 * ```
 */
export function attachTimelines(
  cells: readonly Cell[],
  timelines: readonly TimelineInput[],
  nearest: (path: string) => string | null,
): AttachedTimelines {
  const summaries = new Map<string | null, TimelineSummary>();
  const deduped = new Map<string, CodeAcc>();
  const runTimelines: AttachedTimelines["runTimelines"] = [];
  // Sample keys per cell: a timeline copied beside itself (`logs/`) repeats samples already counted.
  const seenByCell = new Map<string | null, Set<string>>();
  const sorted = [...timelines].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const t of sorted) {
    const cellId = nearest(t.path);
    let seen = seenByCell.get(cellId);
    if (!seen) seenByCell.set(cellId, seen = new Set());
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
      const at = sample.observed_at;
      first = minIso(first, at);
      last = maxIso(last, at);
      if (sample.key !== undefined) {
        if (seen.has(sample.key)) continue;
        seen.add(sample.key);
      }
      s.sample_count++;
      if (sample.findings.length > 0) s.first_finding_at = minIso(s.first_finding_at, at);
      for (const [code, list] of groupBy(sample.findings, (f) => f.code)) {
        addCount(s.finding_counts, code);
        if (list.some((f) => f.severity === "critical")) {
          s.first_critical_at = minIso(s.first_critical_at, at);
        }
        const key = `${cellId ?? ""}\u0000${code}`;
        let acc = deduped.get(key);
        if (!acc) {
          acc = {
            code,
            cell_id: cellId,
            rep: representative(mostSevere(list), at, t.path),
            count: 0,
            first_seen_at: at,
            last_seen_at: at,
            subjects: new Map(),
          };
          deduped.set(key, acc);
        }
        addSample(acc, list, at, t.path);
      }
    }
    s.first_observed_at = minIso(s.first_observed_at, first);
    s.last_observed_at = maxIso(s.last_observed_at, last);
    s.finding_counts = withSortedKeys(s.finding_counts);
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
  // A cell lists its timeline files among its artifacts, as it lists every other file of it.
  const pathsOf = groupBy(runTimelines.filter((t) => t.cell_id !== null), (t) => t.cell_id!);
  const withTimeline = cells.map((c) => {
    const s = summaries.get(c.cell_id);
    if (!s) return c;
    const timelinePaths = (pathsOf.get(c.cell_id) ?? []).map((t) => t.path);
    const artifacts = withSortedKeys({ ...c.artifacts, timeline: timelinePaths });
    return { ...c, artifacts, timeline: { ...s, finding_counts: { ...s.finding_counts } } };
  });
  const runLevel = summaries.get(null) ?? null;
  return {
    cells: withTimeline,
    findings: [...deduped.values()].map(toFinding),
    runTimelines,
    applyLeadTimes(findings) {
      if (summaries.size === 0) return withTimeline;
      const cliffCells = new Set(
        findings.filter((f) => f.code === "ttft_cliff").map((f) => f.cell_id),
      );
      return withTimeline.map((c) => {
        if (!cliffCells.has(c.cell_id)) return c;
        const startS = typeof c.notes.benchmark_start_time_unix === "number"
          ? c.notes.benchmark_start_time_unix
          : null;
        // The cell's own timeline when it has one (one that saw nothing has no lead time: the
        // overlay watching this cell flagged nothing), else the run-level one.
        const source = c.timeline ?? runLevel;
        if (startS === null || source === null) return c;
        const lead = leadTimeS(startS, source);
        if (lead === null) return c;
        const timeline = c.timeline ?? { ...source, finding_counts: { ...source.finding_counts } };
        return { ...c, timeline: { ...timeline, lead_time_to_ttft_cliff_s: lead } };
      });
    },
  };
}
