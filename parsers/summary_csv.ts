/**
 * Parser for uploader-made curve summaries (`summary.csv`, `*_summary.csv`; formats reference
 * §3.4 and §13 rule 9), e.g. `glm47_gaudi3_summary.csv`: header
 * `concurrency,num_gpus,output_throughput,total_throughput,…,completed_requests,duration_s`, one
 * row per point of the curve.
 *
 * Such a file is the only place some curves state their GPU count, so each row becomes a
 * non-primary record carrying the point's concurrency (to find its cell) and `num_gpus`; the
 * row's other numbers are kept in `notes.uploader_summary` as a cross-check, never as the cell's
 * metrics (the raw results they summarise are exact, the summary is rounded). A `*_summary.csv` of
 * another shape (no `concurrency` column) is listed and not read.
 * @module
 */
import type { ParseResult, RecordDraft } from "../lib/types.ts";
import { decodeField, parseNumberField, scanCsvBytes } from "./_csv_bytes.ts";
import { IssueList } from "./_issues.ts";

/** At most this many rows become records (a curve has tens of points). */
const MAX_ROWS = 10_000;
/** Fields of a row read at most (the documented header has 19), and the longest one kept. */
const MAX_FIELDS = 64;
const MAX_FIELD_BYTES = 1024;

/**
 * Parse one summary CSV stream: one record per row that names a positive whole concurrency.
 *
 * @example
 * ```ts
 * const file = await Deno.open("glm47_gaudi3_summary.csv");
 * const { drafts } = await parseSummaryCsv(file.readable);
 * drafts[0].metrics.num_gpus; // 8
 * ```
 */
export async function parseSummaryCsv(chunks: AsyncIterable<Uint8Array>): Promise<ParseResult> {
  const list = new IssueList();
  const issues = list.issues;
  const issue = (line: number | null, message: string) => list.add(line, message);
  let header: string[] | null = null;
  let headerFields = 0;
  let concAt = -1;
  let gpusAt = -1;
  let cells: (string | number)[] = [];
  const drafts: RecordDraft[] = [];

  const onHeader = (fields: number) => {
    header = cells.map((c) => String(c).trim());
    headerFields = fields;
    concAt = header.indexOf("concurrency");
    gpusAt = header.indexOf("num_gpus");
  };

  const onRow = (line: number) => {
    const h = header!;
    const conc = cells[concAt];
    if (typeof conc !== "number" || !(conc > 0) || !Number.isSafeInteger(conc)) {
      issue(
        line,
        `Concurrency "${String(conc).slice(0, 40)}" is not a positive whole number; row skipped`,
      );
      return;
    }
    const row: Record<string, number> = {};
    for (let i = 0; i < h.length; i++) {
      const v = cells[i];
      if (typeof v === "number") row[h[i]] = v;
      else if (v !== "") {
        issue(line, `Cannot read ${h[i]} "${v.slice(0, 40)}" as a number; left out`);
      }
    }
    const metrics: RecordDraft["metrics"] = {};
    const gpus = gpusAt >= 0 ? cells[gpusAt] : undefined;
    if (typeof gpus === "number") {
      if (gpus > 0 && Number.isSafeInteger(gpus)) metrics.num_gpus = gpus;
      else issue(line, `num_gpus ${gpus} is not a positive whole number; left out`);
    }
    if (drafts.length >= MAX_ROWS) {
      issue(line, `More than ${MAX_ROWS} rows; the rest are not read`);
      return;
    }
    drafts.push({
      sub_key: `line${line}`,
      source_format: "unknown",
      priority: 5,
      primary: false,
      identity: { concurrency: conc },
      metrics,
      notes: { uploader_summary: { line, ...row } },
    });
  };

  const summary = await scanCsvBytes(chunks, {
    keep: (i) => i < MAX_FIELDS,
    field(i, bytes) {
      if (i >= MAX_FIELDS) return;
      if (bytes === null) {
        cells.push("(overlong)");
        return;
      }
      if (header === null) {
        cells.push(decodeField(bytes));
        return;
      }
      const v = parseNumberField(bytes);
      cells.push(v === "empty" ? "" : v === "invalid" ? decodeField(bytes) : v);
    },
    record(line, fields, problem) {
      if (header === null) onHeader(fields);
      else if (concAt < 0) {
        // Not an uploader summary: nothing more to read.
      } else if (problem !== null) issue(line, `${problem}; row skipped`);
      else if (fields !== headerFields) {
        issue(line, `Expected ${headerFields} fields, found ${fields}; row skipped`);
      } else onRow(line);
      cells = [];
    },
  }, { maxKeptBytes: MAX_FIELD_BYTES });

  if (summary.records === 0) {
    issues.push({ line: null, message: "The file is empty" });
    return { drafts: [], issues: list.close(), unreadable: true };
  }
  return { drafts, issues: list.close(), unreadable: false };
}
