/**
 * `kv_transfer_stall`: prefill completes work while decode receives nothing within the window, or
 * decode has requests parked on KV transfer while no transfer completes.
 * @module
 */
import type { Finding } from "../../lib/types.ts";
import type { PairSample } from "../window.ts";
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

/**
 * Window deltas that show KV reaching decode, transfer-specific ones first: the pair's transfer
 * count (from the side that fills it), decode external-KV prompt tokens, then decode prompt
 * tokens and completed requests (new work admitted on decode means its KV arrived). Any of them
 * above 0 is receipt, so a transfer histogram that one side registers but never fills cannot
 * outvote growing decode counters. Decode generation tokens count only when the engine has no
 * transfer-specific series: with them, decode still generating for requests admitted earlier is
 * no sign that new KV arrives.
 */
function receiptSignals(sample: PairSample): Record<string, number> {
  const d = sample.decode.deltas ?? {};
  const signals: Record<string, number> = {};
  if (sample.transfer.transfers !== null) signals.kv_transfers = sample.transfer.transfers;
  if (d.external_kv_tokens !== undefined) signals.external_kv_tokens = d.external_kv_tokens;
  const specific = Object.keys(signals).length > 0;
  for (const k of ["prompt_tokens", "generation_tokens", "requests_completed"] as const) {
    if (k === "generation_tokens" && specific) continue;
    if (d[k] !== undefined) signals[k] = d[k]!;
  }
  return signals;
}

/** "prefill completed 40 requests (4000 prompt tokens)" with only the quantities it exports. */
function prefillWork(requests: number | null, tokens: number | null): string {
  if (requests !== null && tokens !== null) {
    return `prefill completed ${requests} requests (${tokens} prompt tokens)`;
  }
  return requests !== null
    ? `prefill completed ${requests} requests`
    : `prefill processed ${tokens} prompt tokens`;
}

/** Rule object for `kv_transfer_stall`. */
export const kvTransferStall: LiveRule<KvTransferStallThresholds> = {
  code: "kv_transfer_stall",
  severity: "warning",
  summary: "Prefill completes work but decode receives no KV within the window",
  docs:
    "Judged on window deltas, never on lifetime zeros (a fresh healthy pair has moved no bytes " +
    "either). Decode receipt is any growth of the pair's KV transfer count (read from the side " +
    "that fills it: SGLang's prefill, vLLM's NIXL/Mooncake issuing side, or whichever side's " +
    "count moved), decode external-KV prompt tokens, decode prompt tokens or decode completed " +
    "requests; decode generation tokens count only for engines without transfer series. Fires " +
    "when every one of them is 0 while prefill completed work (min_prefill_requests or " +
    "min_prefill_prompt_tokens) or decode has min_waiting_on_transfer requests parked. Confirm " +
    "over the next windows and in the connector logs of both sides; measure transfer counts per " +
    "side.",
  defaults: { min_prefill_requests: 1, min_prefill_prompt_tokens: 1, min_waiting_on_transfer: 1 },
  check(sample, t): Finding[] {
    const p = sample.prefill;
    const d = sample.decode;
    if (!p.scrape.ok || !d.scrape.ok || !p.deltas || !d.deltas) return [];
    const signals = receiptSignals(sample);
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
      ? prefillWork(pReq, pTok)
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
        transfers_side: sample.transfer.transfers_side,
      },
    })];
  },
};
