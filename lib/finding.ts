/**
 * Constructing analyzer findings.
 * @module
 */
import type { Finding, Severity } from "./types.ts";

/** An analyzer finding (`source: "analyzer"`). */
export function finding(
  code: string,
  severity: Severity,
  cellId: string | null,
  message: string,
  evidence: Record<string, unknown>,
): Finding {
  return { code, severity, cell_id: cellId, message, evidence, source: "analyzer" };
}
