/**
 * `kv_transfer_errors_present`: KV transfer failure counters increased within the window.
 * @module
 */
import type { Finding } from "../../lib/types.ts";
import { windowsDiffer } from "../window.ts";
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

/** A side of the pair. */
type SideName = "prefill" | "decode";

/** Rule object for `kv_transfer_errors_present`. */
export const kvTransferErrorsPresent: LiveRule<KvTransferErrorsThresholds> = {
  code: "kv_transfer_errors_present",
  severity: "warning",
  summary: "KV transfer failures increased within the sampling window",
  docs: "Counts only failures that happened inside the window (NIXL/Mooncake failed transfers, " +
    "failed notifications and expired requests; SGLang transfer and bootstrap failures), never " +
    "lifetime totals. Failed transfers are retried or recomputed, so they cost latency before " +
    "they cost errors. One failed request is usually counted by both servers (SGLang's prefill " +
    "and decode each count a failed transfer or bootstrap; a failed NIXL read on decode leaves " +
    "prefill's blocks to expire), so when both sides counted failures the larger side's count " +
    "is the pair's, not their sum; evidence keeps both. Warning from min_failures failures in " +
    "the window (default 1). Critical " +
    "when the failure ratio (Δfailures ÷ Δtransfers, or, when no transfer count is known, ÷ the " +
    "first request count above 0: Δcompleted requests on decode, then on prefill) is at or " +
    "above critical_failure_ratio (default 0.05), when no transfer succeeded in the window " +
    "(Δtransfers = 0), or when the transfer count is unknown and decode completed no request " +
    "(no success seen). When one side's failures are unknown, the message says the count covers " +
    "the other side only. Severity never depends on the window length: the failure rate per " +
    "second is evidence only. The window is the counting side's own gap between its scrapes; " +
    "when it differs from the sample's (a side answered slowly), the message names whose it is. Confirm in both servers' logs around the sample time and measure " +
    "the ratio over a few more windows.",
  defaults: { min_failures: 1, critical_failure_ratio: 0.05 },
  check(sample, t): Finding[] {
    const f = sample.transfer.failures;
    // The pair's failed requests: the larger side's count, never one request counted twice.
    const failures = f.total === null ? null : Math.max(f.prefill ?? 0, f.decode ?? 0);
    if (failures === null || failures < t.min_failures) return [];
    const bothSides = (f.prefill ?? 0) > 0 && (f.decode ?? 0) > 0;
    // The side whose count is the pair's (decode on a tie), and its own scrape gap: its failures
    // happened within that side's window, which differs from the sample's stated one (prefill's
    // gap) when a side answered slowly (reference §6.1).
    const countedSide: SideName = (f.decode ?? -1) >= (f.prefill ?? -1) ? "decode" : "prefill";
    const windowS = sample[countedSide].window_s;
    const whose = windowsDiffer(windowS, sample.window_s) ? `${countedSide}'s window` : null;
    const transfers = sample.transfer.transfers;
    const decodeRequests = sample.decode.deltas?.requests_completed ?? null;
    const prefillRequests = sample.prefill.deltas?.requests_completed ?? null;
    // A measured 0 is no denominator: the first request count above 0, decode's then prefill's.
    const requestsSide: SideName | null = decodeRequests !== null && decodeRequests > 0
      ? "decode"
      : prefillRequests !== null && prefillRequests > 0
      ? "prefill"
      : null;
    const requests = requestsSide === "decode"
      ? decodeRequests
      : requestsSide === "prefill"
      ? prefillRequests
      : null;
    const denominator = transfers !== null && transfers > 0
      ? { kind: "transfers" as const, value: transfers, text: `${transfers} transfers` }
      : requests !== null
      ? {
        kind: "requests" as const,
        value: requests,
        text: `${requests} requests completed on ${requestsSide}`,
      }
      : null;
    const ratio = denominator ? failures / denominator.value : null;
    const perS = windowS > 0 ? failures / windowS : null;
    // No success in the window: no transfer completed, or, with the transfer count unknown,
    // decode (where every transferred request ends) completed none.
    const noTransfer = transfers === 0;
    const noDecodeRequest = transfers === null && decodeRequests === 0;
    const highRatio = ratio !== null && ratio >= t.critical_failure_ratio;
    const critical = highRatio || noTransfer || noDecodeRequest;
    const unknown = f.unknown_sides.length === 1 ? f.unknown_sides[0] : null;
    const notes = [
      whose,
      unknown === null
        ? null
        : `${unknown === "prefill" ? "decode" : "prefill"} only: ${unknown} failures unknown`,
      bothSides
        ? `prefill counted ${f.prefill}, decode ${f.decode}: the larger, as both servers count a failed request`
        : null,
    ].filter((x) => x !== null);
    const count = `${failures} KV transfer failure${
      failures === 1 ? "" : "s"
    } in the last ${windowS} s${notes.length ? ` (${notes.join("; ")})` : ""}`;
    const share = ratio === null ? null : `${percent(ratio)} of ${denominator!.text}`;
    const threshold = percent(t.critical_failure_ratio);
    const reasons = [
      ...(highRatio ? [`at or above the ${threshold} critical ratio`] : []),
      ...(noTransfer ? ["no transfer succeeded in the window"] : []),
      ...(noDecodeRequest
        ? ["the transfer count is unknown and decode completed no request in the window"]
        : []),
    ];
    const why = critical
      ? `critical: ${reasons.join("; ")}`
      : ratio !== null
      ? `below the ${threshold} critical ratio`
      : decodeRequests === null && prefillRequests === null
      ? "no transfer or request count in the window to compare with"
      : "no transfer count and no completed request in the window to compare with";
    return [liveFinding("kv_transfer_errors_present", critical ? "critical" : "warning", {
      message: [count, share, why].filter((x) => x !== null).join(", "),
      evidence: {
        window_s: windowS,
        failures_side: countedSide,
        failures_prefill: f.prefill,
        failures_decode: f.decode,
        failures_total: f.total,
        failures_counted: failures,
        failures_unknown_sides: f.unknown_sides,
        failures_per_s: perS,
        transfers,
        requests_completed_decode: decodeRequests,
        requests_completed_prefill: prefillRequests,
        failure_ratio: ratio,
        ratio_denominator: denominator?.kind ?? null,
        requests_side: denominator?.kind === "requests" ? requestsSide : null,
        critical_failure_ratio: t.critical_failure_ratio,
        lifetime_failures_prefill: sample.prefill.lifetime.kv_transfer_failures ?? null,
        lifetime_failures_decode: sample.decode.lifetime.kv_transfer_failures ?? null,
      },
    })];
  },
};
