/**
 * The issues of one artifact, listed up to a cap, the rest counted: a file with a million bad rows
 * names the first hundred and says how many more there were.
 * @module
 */
import type { ParseResult } from "../lib/types.ts";

/** One problem of an artifact: a 1-based line when known, and what is wrong. */
export type ParseIssue = ParseResult["issues"][number];

/** How many issues a parser lists for one file. */
export const MAX_LISTED_ISSUES = 100;

/**
 * A capped list of issues.
 *
 * @example
 * ```ts
 * const list = new IssueList();
 * list.add(7, "Invalid number in column ttft");
 * const issues = list.close(); // the listed issues, then "N more issues not listed" if any
 * ```
 */
export class IssueList {
  /** The issues listed so far; a parser may also push one here that must be listed whatever the cap. */
  readonly issues: ParseIssue[] = [];
  #unlisted = 0;

  constructor(readonly max: number = MAX_LISTED_ISSUES) {}

  /** List an issue, or count it once the cap is reached. */
  add(line: number | null, message: string): void {
    if (this.issues.length < this.max) this.issues.push({ line, message });
    else this.#unlisted++;
  }

  /** The listed issues, then one saying how many were not listed (when any were not). */
  close(): ParseIssue[] {
    if (this.#unlisted > 0) {
      this.issues.push({ line: null, message: `${this.#unlisted} more issues not listed` });
      this.#unlisted = 0;
    }
    return this.issues;
  }
}
