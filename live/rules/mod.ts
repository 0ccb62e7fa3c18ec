/**
 * Registry of the live rules, sorted by code, and a runner over one pair sample.
 * @module
 */
import { type Finding, SEVERITY_RANK } from "../../lib/types.ts";
import type { PairSample } from "../window.ts";
import type { LiveRule } from "./_rule.ts";
import { connectorMismatch } from "./connector_mismatch.ts";
import { endpointUnreachable } from "./endpoint_unreachable.ts";
import { engineUnidentified } from "./engine_unidentified.ts";
import { kvTransferErrorsPresent } from "./kv_transfer_errors_present.ts";
import { kvTransferStall } from "./kv_transfer_stall.ts";
import { metricsDisabled } from "./metrics_disabled.ts";
import { prefillDecodeImbalance } from "./prefill_decode_imbalance.ts";

/** Every live rule, sorted by code. */
export const LIVE_RULES: readonly LiveRule<Record<string, number>>[] = [
  connectorMismatch,
  endpointUnreachable,
  engineUnidentified,
  kvTransferErrorsPresent,
  kvTransferStall,
  metricsDisabled,
  prefillDecodeImbalance,
] as LiveRule<Record<string, number>>[];

/** Run every live rule with its defaults (overridden per code), findings sorted by severity then code. */
export function runLiveRules(
  sample: PairSample,
  options: { thresholds?: Record<string, Record<string, number>> } = {},
): Finding[] {
  const out: Finding[] = [];
  for (const rule of LIVE_RULES) {
    out.push(
      ...rule.check(sample, { ...rule.defaults, ...(options.thresholds?.[rule.code] ?? {}) }),
    );
  }
  return out.sort((a, b) =>
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.code.localeCompare(b.code) ||
    a.message.localeCompare(b.message)
  );
}
