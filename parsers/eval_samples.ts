/**
 * Streaming counter for lm-eval `samples_<task>_<ts>.jsonl` (reference §10.2): one JSON document
 * per line with a `doc_id`.
 * @module
 */
import { asObject, jsonlValues } from "./_coerce.ts";

/** A problem on one line of a samples file (1-based line number). */
export interface SampleIssue {
  line: number;
  message: string;
}

/** Keep at most this many per-line issues; the rest are counted in one summary issue. */
const MAX_LINE_ISSUES = 100;

/**
 * Counts the valid sample lines (JSON objects with a `doc_id`); other non-blank lines are issues.
 *
 * @example
 * ```ts
 * const { count } = await countEvalSamples(readLines(path)); // 1319 for gsm8k
 * ```
 */
export async function countEvalSamples(
  lines: AsyncIterable<string>,
): Promise<{ count: number; issues: SampleIssue[] }> {
  const issues: SampleIssue[] = [];
  let dropped = 0;
  let lastDropped = 0;
  const report = (line: number, message: string): void => {
    if (issues.length < MAX_LINE_ISSUES) issues.push({ line, message });
    else {
      dropped++;
      lastDropped = line;
    }
  };
  let count = 0;
  for await (const { line, value } of jsonlValues(lines, report)) {
    const o = asObject(value);
    if (o === null || o.doc_id === undefined || o.doc_id === null) {
      report(line, o === null ? "Sample line is not a JSON object" : "Sample line has no doc_id");
      continue;
    }
    count++;
  }
  if (dropped > 0) {
    issues.push({ line: lastDropped, message: `${dropped} more line issues not listed` });
  }
  return { count, issues };
}
