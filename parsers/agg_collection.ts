/**
 * Collected arrays of agg rows (`agg_bmk.json`): one cell per row, fixed-sequence, multi-node and
 * AgentX rows mixed in any order.
 * @module
 */
import { isRecord } from "../lib/coerce.ts";
import type { ParseResult, RecordDraft } from "../lib/types.ts";
import { parseAgentxAgg } from "./agentx_agg.ts";
import { checkedAgg, draftFromAgg } from "./fixed_seq_agg.ts";

/**
 * Draft one record per row; a row that is not an object is an issue (its index is the "line").
 *
 * @example
 * ```ts
 * parseAggCollection([{ hw: "h200", conc: 4, tput_per_gpu: 80 }]).drafts.length; // 1
 * ```
 */
export function parseAggCollection(value: unknown): ParseResult {
  if (!Array.isArray(value)) {
    return {
      drafts: [],
      issues: [{ line: null, message: "Expected a JSON array" }],
      unreadable: true,
    };
  }
  const drafts: RecordDraft[] = [];
  const issues: ParseResult["issues"] = [];
  value.forEach((row: unknown, i: number) => {
    if (!isRecord(row)) {
      issues.push({ line: null, message: `Row ${i} is not an object` });
      return;
    }
    if (row.scenario_type === "agentic-coding") {
      const r = parseAgentxAgg(row);
      for (const d of r.drafts) drafts.push({ ...d, sub_key: String(i) });
      for (const issue of r.issues) {
        issues.push({ line: null, message: `Row ${i}: ${issue.message}` });
      }
      return;
    }
    if (typeof row.task === "string") {
      // An InferenceX-app API evaluation row: a score, not a benchmark point.
      issues.push({
        line: null,
        message: `Row ${i} is an evaluation row (task "${
          row.task.slice(0, 80)
        }"), not a benchmark point; skipped`,
      });
      return;
    }
    const checked = checkedAgg(row);
    for (const issue of checked.issues) {
      issues.push({ line: null, message: `Row ${i}: ${issue.message}` });
    }
    const draft = draftFromAgg(checked.record);
    const { scenario_type: _defaulted, ...identity } = draft.identity;
    if (!hasAnyValue(identity) && !hasAnyValue(draft.metrics)) {
      // `{}` (or a row of unknown keys) would become a cell of nothing but nulls.
      issues.push({ line: null, message: `Row ${i} has no field of an agg row; skipped` });
      return;
    }
    drafts.push({ ...draft, sub_key: String(i) });
  });
  return { drafts, issues, unreadable: false };
}

function hasAnyValue(fields: object): boolean {
  return Object.values(fields).some((v) => v !== null && v !== undefined);
}
