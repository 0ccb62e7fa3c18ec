/**
 * `inferguard_timeline.jsonl`: live findings written by `inferguard disagg status --timeline`.
 *
 * Each line is either a wrapper record (`schema_version: "inferguard-timeline/v1"` with the status
 * under `disagg_status`) or a raw `disagg-status/v1` record. When `observed_at` is absent the
 * record's scrape time (`prefill.scraped_at`, then `decode.scraped_at`) is used. Bad lines are
 * counted as issues with their 1-based line number; parsing never throws. A line that repeats an
 * earlier one exactly (timelines joined, a log replayed) was read fine: it is skipped and listed
 * in `duplicates`, never as an issue, so it is not reported as unreadable.
 * @module
 */
import { isIsoTime } from "../lib/coerce.ts";
import { shortHash } from "../lib/hash.ts";
import * as v from "valibot";
import { overlongMessage } from "../lib/types.ts";

/** One finding as read back from a timeline line. */
export interface TimelineFinding {
  code: string;
  severity: "info" | "warning" | "critical";
  message: string;
  evidence: Record<string, unknown>;
}

/** One sample of the live timeline. */
export interface TimelineSample {
  observed_at: string;
  sequence: number | null;
  findings: TimelineFinding[];
  /**
   * What tells this sample's line from others: time, sequence, length and a hash of its text. Two
   * lines with one key are one sample, within a file and across the files of one cell.
   */
  key?: string;
}

const IsoTime = v.pipe(
  v.string(),
  // A date alone is no sample time: it would sort before every time of its day.
  v.check(
    (s) => isIsoTime(s) && s.includes("T"),
    "observed_at is not an ISO 8601 time with a zone",
  ),
  v.transform(utcTime),
);

/**
 * A zoned time as UTC (`2026-05-27T12:00:00+02:00` → `2026-05-27T10:00:00Z`), so that the times a
 * report shows side by side are in one zone; a time already in UTC is kept as written.
 */
export function utcTime(s: string): string {
  if (s.endsWith("Z")) return s;
  const iso = new Date(s).toISOString();
  // Milliseconds only where the input had a fraction of a second.
  const utc = /:\d{2}\.\d+/.test(s) ? iso : iso.replace(".000Z", "Z");
  // Near the ends of the calendar the zone can move a time out of four-digit years: as written.
  return isIsoTime(utc) ? utc : s;
}

const FindingSchema = v.object({
  code: v.pipe(v.string(), v.minLength(1)),
  severity: v.picklist(["info", "warning", "critical"]),
  message: v.optional(v.string(), ""),
  evidence: v.optional(v.record(v.string(), v.unknown()), {}),
});

const SideSchema = v.object({ scraped_at: v.optional(v.nullable(IsoTime)) });

const StatusSchema = v.object({
  schema_version: v.literal("disagg-status/v1"),
  observed_at: v.optional(IsoTime),
  prefill: v.optional(v.nullable(SideSchema)),
  decode: v.optional(v.nullable(SideSchema)),
  findings: v.optional(v.array(FindingSchema), []),
});

const SequenceSchema = v.optional(
  v.nullable(
    v.pipe(
      v.union([v.number(), v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number))]),
      v.number(),
      v.integer(),
    ),
  ),
  null,
);

const WrapperSchema = v.object({
  schema_version: v.literal("inferguard-timeline/v1"),
  observed_at: v.optional(IsoTime),
  sequence: SequenceSchema,
  disagg_status: StatusSchema,
});

function issueText(issues: v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  const path = first.path?.map((p) => String(p.key)).join(".") ?? "";
  return path ? `${path}: ${first.message}` : first.message;
}

function toSample(
  observedAt: string | undefined,
  sequence: number | null,
  status: v.InferOutput<typeof StatusSchema>,
): TimelineSample | string {
  const at = observedAt ?? status.observed_at ?? status.prefill?.scraped_at ??
    status.decode?.scraped_at ?? null;
  if (!at) return "Missing observed_at (and no scrape time in the record)";
  return {
    observed_at: at,
    sequence,
    findings: status.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      evidence: f.evidence,
    })),
  };
}

/** Parse one timeline line into a sample, or an error message. */
export function parseTimelineLine(line: string): TimelineSample | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `Invalid JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return "Expected a JSON object";
  }
  const schema = (value as Record<string, unknown>).schema_version;
  if (schema === "inferguard-timeline/v1") {
    const r = v.safeParse(WrapperSchema, value);
    if (!r.success) return `Invalid inferguard-timeline/v1 record: ${issueText(r.issues)}`;
    return toSample(r.output.observed_at, r.output.sequence, r.output.disagg_status);
  }
  if (schema === "disagg-status/v1") {
    const r = v.safeParse(StatusSchema, value);
    if (!r.success) return `Invalid disagg-status/v1 record: ${issueText(r.issues)}`;
    return toSample(undefined, null, r.output);
  }
  return `Unknown schema_version ${JSON.stringify(schema ?? null)}`;
}

/** A parsed timeline: its samples, its bad lines, and the exact repeats it skipped. */
export interface ParsedTimeline {
  samples: TimelineSample[];
  /** Lines that could not be read, with the reason. */
  issues: { line: number; message: string }[];
  /** Lines skipped because they repeat line `of` exactly (not problems: the line was read). */
  duplicates: { line: number; of: number }[];
}

/**
 * Read a timeline from its lines (one JSON record per line; blank lines skipped; exact repeats
 * skipped and listed in `duplicates`).
 *
 * @example
 * ```ts
 * const { samples, issues, duplicates } = await parseTimeline(lines);
 * ```
 */
export async function parseTimeline(lines: AsyncIterable<string>): Promise<ParsedTimeline> {
  const samples: TimelineSample[] = [];
  const issues: { line: number; message: string }[] = [];
  const duplicates: { line: number; of: number }[] = [];
  const seen = new Map<string, number>();
  let n = 0;
  for await (const raw of lines) {
    n++;
    const overlong = overlongMessage(raw);
    if (overlong !== null) {
      issues.push({ line: n, message: overlong });
      continue;
    }
    let line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (n === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.trim() === "") continue;
    const parsed = parseTimelineLine(line);
    if (typeof parsed === "string") {
      issues.push({ line: n, message: parsed });
      continue;
    }
    // A line written twice (timelines joined, a log replayed) is one sample, not two, and not a
    // bad line either: it was read fine. Lines are told apart by time, sequence and a hash of
    // their text, so memory stays small; the same time and sequence with other content (another
    // writer) is a sample of its own.
    const key = `${parsed.observed_at}|${parsed.sequence}|${line.length}|${shortHash(line)}`;
    const first = seen.get(key);
    if (first !== undefined) {
      duplicates.push({ line: n, of: first });
      continue;
    }
    seen.set(key, n);
    parsed.key = key;
    samples.push(parsed);
  }
  return { samples, issues, duplicates };
}
