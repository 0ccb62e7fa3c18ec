/**
 * Shared shape of a live rule and a helper to build its findings.
 * @module
 */
import type { Finding, Severity } from "../../lib/types.ts";
import type { EndpointSample, PairSample } from "../window.ts";

/** A live rule: metadata, typed default thresholds and a pure check over one pair sample. */
export interface LiveRule<T extends Record<string, number> = Record<string, number>> {
  code: string;
  severity: Severity;
  summary: string;
  docs: string;
  defaults: T;
  /**
   * A trend rule (reference §9.2): what it sees in one window alone is `info`, and a `warning`
   * only when the window before showed it too (see `runLiveRules`).
   */
  persistent?: boolean;
  check(sample: PairSample, thresholds: T): Finding[];
}

/** Build a live finding (run-level, `cell_id` null, source `analyzer`). */
export function liveFinding(
  code: string,
  severity: Severity,
  options: { message: string; evidence: Record<string, unknown> },
): Finding {
  return {
    code,
    severity,
    cell_id: null,
    message: options.message,
    evidence: options.evidence,
    source: "analyzer",
  };
}

/** The two sides of a pair with their names, prefill first. */
export function sides(sample: PairSample): ["prefill" | "decode", EndpointSample][] {
  return [["prefill", sample.prefill], ["decode", sample.decode]];
}

/** Capitalised side name for messages. */
export function sideName(side: "prefill" | "decode"): string {
  return side === "prefill" ? "Prefill" : "Decode";
}
