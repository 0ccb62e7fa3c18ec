/**
 * `prefill_decode_imbalance`: one side's queues (or waiting-on-transfer) grow within the window
 * while the other side's do not. Never judged from the ratio of running requests.
 * @module
 */
import type { Finding } from "../../lib/types.ts";
import type { EndpointSample } from "../window.ts";
import { liveFinding, type LiveRule } from "./_rule.ts";

/** Thresholds of `prefill_decode_imbalance`. */
export interface ImbalanceThresholds extends Record<string, number> {
  /** Growth of a waiting queue within the window that counts as "growing". */
  min_queue_growth: number;
  /** Decode KV usage at or above this, with preemptions in the window, is decode pressure. */
  kv_usage_high: number;
}

function pressure(ep: EndpointSample, side: "prefill" | "decode", t: ImbalanceThresholds) {
  const reasons: string[] = [];
  const g = ep.growth;
  const w = ep.gauges.waiting;
  if (
    g?.waiting !== null && g?.waiting !== undefined && g.waiting >= t.min_queue_growth && w !== null
  ) {
    reasons.push(`waiting queue grew by ${g.waiting} to ${w}`);
  }
  const wt = ep.gauges.waiting_on_transfer;
  if (
    side === "decode" && g?.waiting_on_transfer !== null && g?.waiting_on_transfer !== undefined &&
    g.waiting_on_transfer >= t.min_queue_growth && wt !== null
  ) {
    reasons.push(`requests waiting on KV transfer grew by ${g.waiting_on_transfer} to ${wt}`);
  }
  const kv = ep.gauges.kv_usage;
  const pre = ep.deltas?.preemptions ?? 0;
  if (side === "decode" && kv !== null && kv >= t.kv_usage_high && pre > 0) {
    reasons.push(`KV usage ${kv} with ${pre} preemptions`);
  }
  return reasons;
}

/**
 * What is known of the quiet side's queues: "did not grow" only when at least one of its queue
 * gauges was read on both scrapes; otherwise their growth is unknown, never assumed flat.
 */
function otherSide(side: "prefill" | "decode", ep: EndpointSample): string {
  const g = ep.growth;
  const known = g !== null &&
    (g.waiting !== null || (side === "decode" && g.waiting_on_transfer !== null));
  return known
    ? `${side} queues did not grow`
    : `${side} queue growth unknown (its queue gauges are not exported)`;
}

/** Rule object for `prefill_decode_imbalance`. */
export const prefillDecodeImbalance: LiveRule<ImbalanceThresholds> = {
  code: "prefill_decode_imbalance",
  severity: "warning",
  summary: "One side's queues grow within the window while the other's do not",
  docs:
    "Running counts are not comparable across roles (decode holds long-lived requests, prefill " +
    "short ones), so only queue growth, waiting-on-transfer growth and decode KV pressure with " +
    "preemptions are used, each side normalised to itself. When both sides grow the system is " +
    "overloaded, not imbalanced, and this rule stays quiet. Confirm over several windows and " +
    "measure TTFT (prefill) and ITL (decode) at a few request rates.",
  persistent: true,
  defaults: { min_queue_growth: 1, kv_usage_high: 0.9 },
  check(sample, t): Finding[] {
    if (!sample.prefill.growth || !sample.decode.growth) return [];
    const p = pressure(sample.prefill, "prefill", t);
    const d = pressure(sample.decode, "decode", t);
    if ((p.length === 0) === (d.length === 0)) return [];
    const side = p.length ? "prefill" : "decode";
    const reasons = p.length ? p : d;
    const other = side === "prefill" ? "decode" : "prefill";
    return [liveFinding("prefill_decode_imbalance", "warning", {
      message: `${
        side === "prefill" ? "Prefill" : "Decode"
      } side is the bottleneck over the last ${sample.window_s} s: ${reasons.join("; ")}; ${
        otherSide(other, sample[other])
      }`,
      evidence: {
        window_s: sample.window_s,
        bottleneck: side,
        prefill: {
          waiting: sample.prefill.gauges.waiting,
          waiting_growth: sample.prefill.growth.waiting,
          running: sample.prefill.gauges.running,
        },
        decode: {
          waiting: sample.decode.gauges.waiting,
          waiting_growth: sample.decode.growth.waiting,
          waiting_on_transfer: sample.decode.gauges.waiting_on_transfer,
          waiting_on_transfer_growth: sample.decode.growth.waiting_on_transfer,
          kv_usage: sample.decode.gauges.kv_usage,
          preemptions: sample.decode.deltas?.preemptions ?? null,
          running: sample.decode.gauges.running,
        },
      },
    })];
  },
};
