/**
 * `kv_transfer_errors_present`: KV transfer failure counters increased within the window.
 * @module
 */
import type { Finding } from "../../lib/types.ts";
import { liveFinding, type LiveRule } from "./_rule.ts";

/** Thresholds of `kv_transfer_errors_present`. */
export interface KvTransferErrorsThresholds extends Record<string, number> {
  /** Failures in the window that make a warning. */
  min_failures: number;
  /** Δfailures ÷ Δtransfers (or ÷ Δrequests) at or above this is critical. */
  critical_failure_ratio: number;
  /** Failures per second at or above this is critical. */
  critical_failures_per_s: number;
}

/** Rule object for `kv_transfer_errors_present`. */
export const kvTransferErrorsPresent: LiveRule<KvTransferErrorsThresholds> = {
  code: "kv_transfer_errors_present",
  severity: "warning",
  summary: "KV transfer failures increased within the sampling window",
  docs: "Counts only failures that happened inside the window (NIXL/Mooncake failed transfers, " +
    "failed notifications and expired requests; SGLang transfer/bootstrap failures and timeouts), " +
    "never lifetime totals. Failed transfers are retried or recomputed, so they cost latency before " +
    "they cost errors. Critical when the failure ratio to transfers (or requests) is high, the rate " +
    "is high, or no transfer succeeded. Confirm in both servers' logs around the sample time and " +
    "measure the ratio over a few more windows.",
  defaults: { min_failures: 1, critical_failure_ratio: 0.05, critical_failures_per_s: 1 },
  check(sample, t): Finding[] {
    const f = sample.transfer.failures;
    if (f.total === null || f.total < t.min_failures) return [];
    const transfers = sample.transfer.transfers;
    const requests = sample.decode.deltas?.requests_completed ??
      sample.prefill.deltas?.requests_completed ?? null;
    const denominator = transfers !== null && transfers > 0
      ? { kind: "transfers", value: transfers }
      : requests !== null && requests > 0
      ? { kind: "requests", value: requests }
      : null;
    const ratio = denominator ? f.total / denominator.value : null;
    const perS = sample.window_s > 0 ? f.total / sample.window_s : null;
    const zeroSuccess = transfers === 0;
    const critical = (ratio !== null && ratio >= t.critical_failure_ratio) ||
      (perS !== null && perS >= t.critical_failures_per_s) || zeroSuccess;
    const parts = [
      `${f.total} KV transfer failure${f.total === 1 ? "" : "s"} in the last ${sample.window_s} s`,
    ];
    if (ratio !== null) {
      parts.push(`${(ratio * 100).toFixed(1)} % of ${denominator!.value} ${denominator!.kind}`);
    }
    if (zeroSuccess) parts.push("no successful transfer");
    return [liveFinding("kv_transfer_errors_present", critical ? "critical" : "warning", {
      message: parts.join(", "),
      evidence: {
        window_s: sample.window_s,
        failures_prefill: f.prefill,
        failures_decode: f.decode,
        failures_total: f.total,
        failures_per_s: perS,
        transfers,
        requests_completed: requests,
        failure_ratio: ratio,
        ratio_denominator: denominator?.kind ?? null,
        lifetime_failures_prefill: sample.prefill.lifetime.kv_transfer_failures ?? null,
        lifetime_failures_decode: sample.decode.lifetime.kv_transfer_failures ?? null,
      },
    })];
  },
};
