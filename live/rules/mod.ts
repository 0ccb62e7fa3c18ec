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

/**
 * What makes two windows' findings of a trend rule the same observation: the code and, for an
 * imbalance, the side it names as the bottleneck.
 */
export function persistenceKey(f: Finding): string {
  const side = f.evidence.bottleneck;
  return typeof side === "string" ? `${f.code}:${side}` : f.code;
}

/**
 * Run every live rule with its defaults (overridden per code), findings sorted by severity then
 * code. A trend rule's finding (`persistent`) is a `warning` only when `previous` (the
 * {@link persistenceKey}s of the trend findings of the window before, in `--watch`, each with the
 * number of windows in a row it has been seen) holds it too; seen in one window alone it is `info`,
 * saying so (reference §9.2: two consecutive windows before a warning about a trend). This
 * window's trend findings go to `seen` with their count (`consecutive_windows`), for the next.
 */
export function runLiveRules(
  sample: PairSample,
  options: {
    thresholds?: Record<string, Record<string, number>>;
    previous?: ReadonlyMap<string, number>;
    seen?: Map<string, number>;
  } = {},
): Finding[] {
  const out: Finding[] = [];
  for (const rule of LIVE_RULES) {
    const found = rule.check(sample, {
      ...rule.defaults,
      ...(options.thresholds?.[rule.code] ?? {}),
    });
    for (const f of found) {
      if (!rule.persistent) {
        out.push(f);
        continue;
      }
      const key = persistenceKey(f);
      const windows = (options.previous?.get(key) ?? 0) + 1;
      options.seen?.set(key, windows);
      out.push(
        windows > 1 ? { ...f, evidence: { ...f.evidence, consecutive_windows: windows } } : {
          ...f,
          severity: "info",
          message: `${f.message} (one window so far: a warning when the next one shows it too)`,
          evidence: { ...f.evidence, consecutive_windows: 1 },
        },
      );
    }
  }
  return out.sort((a, b) =>
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.code.localeCompare(b.code) ||
    a.message.localeCompare(b.message)
  );
}
