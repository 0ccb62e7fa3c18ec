/**
 * Streaming counter for lm-eval `samples_<task>_<ts>.jsonl` (reference §10.2): one JSON document
 * per line with a `doc_id`.
 * @module
 */
import { overlongMessage } from "../lib/types.ts";
import { asObject, cleanLine } from "./_coerce.ts";

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
  let lineNo = 0;
  let count = 0;
  for await (const raw of lines) {
    lineNo++;
    const overlong = overlongMessage(raw);
    if (overlong !== null) {
      report(lineNo, overlong);
      continue;
    }
    const text = cleanLine(raw, lineNo === 1);
    if (text.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      report(lineNo, `Invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const o = asObject(parsed);
    if (o === null || o.doc_id === undefined || o.doc_id === null) {
      report(lineNo, o === null ? "Sample line is not a JSON object" : "Sample line has no doc_id");
      continue;
    }
    count++;
  }
  if (dropped > 0) {
    issues.push({ line: lastDropped, message: `${dropped} more line issues not listed` });
  }
  return { count, issues };
}
