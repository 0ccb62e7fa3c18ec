/**
 * `kv_transfer_stall`: prefill completes work while decode receives nothing within the window, or
 * decode has requests parked on KV transfer while no transfer completes.
 * @module
 */
import type { Finding } from "../../lib/types.ts";
import type { EndpointSample } from "../window.ts";
import { liveFinding, type LiveRule } from "./_rule.ts";

/** Thresholds of `kv_transfer_stall`. */
export interface KvTransferStallThresholds extends Record<string, number> {
  /** Prefill requests completed in the window that count as "prefill did work". */
  min_prefill_requests: number;
  /** Prefill prompt tokens in the window that count as "prefill did work". */
  min_prefill_prompt_tokens: number;
  /** Decode requests waiting on KV transfer that count as "parked". */
  min_waiting_on_transfer: number;
}

/** Decode-side signals that KV arrived, transfer-specific ones first. */
function receiptSignals(decode: EndpointSample): Record<string, number> {
  const d = decode.deltas ?? {};
  const specific: Record<string, number> = {};
  if (decode.transfers) specific.kv_transfers = decode.transfers.count;
  if (d.external_kv_tokens !== undefined) specific.external_kv_tokens = d.external_kv_tokens;
  if (Object.keys(specific).length) return specific;
  const general: Record<string, number> = {};
  for (const k of ["prompt_tokens", "generation_tokens", "requests_completed"] as const) {
    if (d[k] !== undefined) general[k] = d[k]!;
  }
  return general;
}

/** Rule object for `kv_transfer_stall`. */
export const kvTransferStall: LiveRule<KvTransferStallThresholds> = {
  code: "kv_transfer_stall",
  severity: "warning",
  summary: "Prefill completes work but decode receives no KV within the window",
  docs:
    "Judged on window deltas, never on lifetime zeros (a fresh healthy pair has moved no bytes " +
    "either). Decode receipt is read from transfer-specific series when the engine has them (NIXL " +
    "or Mooncake transfer counts, external-KV prompt tokens), otherwise from decode prompt/" +
    "generation/request deltas. Confirm over the next windows and in the connector logs of both " +
    "sides; measure transfer counts per side.",
  defaults: { min_prefill_requests: 1, min_prefill_prompt_tokens: 1, min_waiting_on_transfer: 1 },
  check(sample, t): Finding[] {
    const p = sample.prefill;
    const d = sample.decode;
    if (!p.scrape.ok || !d.scrape.ok || !p.deltas || !d.deltas) return [];
    const signals = receiptSignals(d);
    const names = Object.keys(signals);
    if (names.length === 0) return [];
    const nothing = names.every((k) => signals[k] === 0);
    if (!nothing) return [];
    const pReq = p.deltas.requests_completed ?? null;
    const pTok = p.deltas.prompt_tokens ?? null;
    const prefillWorked = (pReq !== null && pReq >= t.min_prefill_requests) ||
      (pTok !== null && pTok >= t.min_prefill_prompt_tokens);
    const parked = d.gauges.waiting_on_transfer;
    const decodeParked = parked !== null && parked >= t.min_waiting_on_transfer;
    if (!prefillWorked && !decodeParked) return [];
    const what = prefillWorked
      ? `prefill completed ${pReq ?? 0} requests (${pTok ?? 0} prompt tokens)`
      : `decode has ${parked} requests waiting on KV transfer`;
    return [liveFinding("kv_transfer_stall", "warning", {
      message: `In the last ${sample.window_s} s ${what} while decode received nothing (${
        names.map((k) => `Δ${k} = 0`).join(", ")
      })`,
      evidence: {
        window_s: sample.window_s,
        prefill_requests_completed: pReq,
        prefill_prompt_tokens: pTok,
        decode_waiting_on_transfer: parked,
        decode_receipt: signals,
      },
    })];
  },
};
