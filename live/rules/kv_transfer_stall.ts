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
 * Window deltas that show KV reaching decode (reference §9.2: Δtransfer count and Δexternal-KV
 * tokens). When transfer-specific signals exist — the pair's transfer count (read from the side
 * that fills it, so SGLang's prefill-side count speaks for a decode whose own histograms stay at
 * 0) or decode external-KV prompt tokens — only they count: any of them above 0 is receipt.
 *
 * Without them (no connector series on this build) decode activity stands in: prompt tokens only
 * on vLLM, which counts them at a request's first step on decode, i.e. once its KV is there
 * (SGLang counts them when a request finishes), and generation tokens. Completed requests never
 * count: `requests_completed` includes requests that finished as `abort` or `error` — exactly
 * what a transfer that never arrives produces.
 */
function receiptSignals(sample: PairSample): Record<string, number> {
  const d = sample.decode.deltas ?? {};
  const signals: Record<string, number> = {};
  if (sample.transfer.transfers !== null) signals.kv_transfers = sample.transfer.transfers;
  if (d.external_kv_tokens !== undefined) signals.external_kv_tokens = d.external_kv_tokens;
  if (Object.keys(signals).length > 0) return signals;
  if (sample.decode.engine === "vllm" && d.prompt_tokens !== undefined) {
    signals.prompt_tokens = d.prompt_tokens;
  }
  if (d.generation_tokens !== undefined) signals.generation_tokens = d.generation_tokens;
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
    "either). Decode receipt is growth of the pair's KV transfer count (read from the side that " +
    "fills it: SGLang's prefill, vLLM's NIXL/Mooncake issuing side, or whichever side's count " +
    "moved) or of decode external-KV prompt tokens. Only engines without those series fall back " +
    "to decode activity: prompt tokens on vLLM (counted when a request is scheduled) and " +
    "generation tokens. Completed requests never count as receipt: aborted and errored requests " +
    "complete too. Fires when every receipt signal is 0 while prefill completed work " +
    "(min_prefill_requests or min_prefill_prompt_tokens) or decode has min_waiting_on_transfer " +
    "requests parked. Confirm over the next windows and in the connector logs of both sides; " +
    "measure transfer counts per side.",
  persistent: true,
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
