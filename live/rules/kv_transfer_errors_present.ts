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
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/** Rule object for `kv_transfer_errors_present`. */
export const kvTransferErrorsPresent: LiveRule<KvTransferErrorsThresholds> = {
  code: "kv_transfer_errors_present",
  severity: "warning",
  summary: "KV transfer failures increased within the sampling window",
  docs: "Counts only failures that happened inside the window (NIXL/Mooncake failed transfers, " +
    "failed notifications and expired requests; SGLang transfer/bootstrap failures and timeouts), " +
    "never lifetime totals. Failed transfers are retried or recomputed, so they cost latency before " +
    "they cost errors. Warning from min_failures failures in the window (default 1). Critical when " +
    "the failure ratio (Δfailures ÷ Δtransfers, or ÷ Δcompleted requests when the engine exports no " +
    "transfer count) is at or above critical_failure_ratio (default 0.05), or when no transfer " +
    "succeeded in the window (Δtransfers = 0). Severity never depends on the window length: the " +
    "failure rate per second is evidence only. Confirm in both servers' logs around the sample " +
    "time and measure the ratio over a few more windows.",
  defaults: { min_failures: 1, critical_failure_ratio: 0.05 },
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
    const highRatio = ratio !== null && ratio >= t.critical_failure_ratio;
    const critical = highRatio || zeroSuccess;
    const count = `${f.total} KV transfer failure${
      f.total === 1 ? "" : "s"
    } in the last ${sample.window_s} s`;
    const share = ratio === null
      ? null
      : `${percent(ratio)} of ${denominator!.value} ${denominator!.kind}`;
    const threshold = percent(t.critical_failure_ratio);
    const why = zeroSuccess
      ? "critical: no transfer succeeded in the window"
      : highRatio
      ? `critical: at or above the ${threshold} critical ratio`
      : ratio === null
      ? "no transfer or request count in the window to compare with"
      : `below the ${threshold} critical ratio`;
    return [liveFinding("kv_transfer_errors_present", critical ? "critical" : "warning", {
      message: [count, share, why].filter((x) => x !== null).join(", "),
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
        critical_failure_ratio: t.critical_failure_ratio,
        lifetime_failures_prefill: sample.prefill.lifetime.kv_transfer_failures ?? null,
        lifetime_failures_decode: sample.decode.lifetime.kv_transfer_failures ?? null,
      },
    })];
  },
};
