/**
 * `report.json`: the report as stable, indented JSON.
 * @module
 */
import type { Report } from "../lib/analyze.ts";

/**
 * Serialise the report with two-space indentation and a final newline. Key order is the
 * report's insertion order, which the analyzer keeps fixed, so equal reports give equal bytes.
 *
 * @example
 * ```ts
 * const text = renderJson(report);
 * ```
 */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}
