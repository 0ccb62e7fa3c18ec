/**
 * Builders of pair samples for the live rule tests (pure data, no IO).
 * @module
 */
import type { EndpointSample, PairSample } from "../window.ts";
import { computeTransfer } from "../window.ts";

/** A healthy, reachable vLLM endpoint sample with the given overrides. */
export function endpointSample(overrides: Partial<EndpointSample> = {}): EndpointSample {
  return {
    url: "http://127.0.0.1:9/metrics",
    scraped_at: "2026-01-01T00:00:05.000Z",
    window_s: 5,
    scrape: {
      ok: true,
      outcome: "ok",
      url: "http://127.0.0.1:9/metrics",
      http_status: 200,
      message: null,
    },
    engine: "vllm",
    wrapper: null,
    kind: "engine",
    role: "unknown",
    role_evidence: null,
    model: "m",
    version: null,
    connectors: [],
    engine_decided_by: "page",
    conflicts: [],
    other_prefixes: [],
    gauges: {
      running: 4,
      waiting: 0,
      waiting_on_transfer: 0,
      kv_usage: 0.3,
      capacity_tokens: 1000,
      inflight_requests: null,
    },
    growth: { waiting: 0, waiting_on_transfer: 0 },
    deltas: { prompt_tokens: 100, generation_tokens: 50, requests_completed: 2, preemptions: 0 },
    rates: { prompt_tokens: 20, generation_tokens: 10, requests_completed: 0.4, preemptions: 0 },
    transfers: null,
    latency: {},
    lifetime: {},
    counter_resets: [],
    unavailable: {},
    ...overrides,
  };
}

/**
 * A pair sample over `windowS` seconds (default 5) from two endpoint samples. Each side's own
 * window is `windowS` too, unless `sideWindowsS` gives it (a side that answered slowly).
 */
export function pairSample(
  prefill: EndpointSample,
  decode: EndpointSample,
  options: { windowS?: number; sideWindowsS?: { prefill?: number; decode?: number } } = {},
): PairSample {
  const windowS = options.windowS ?? 5;
  const p = { ...prefill, window_s: options.sideWindowsS?.prefill ?? windowS };
  const d = { ...decode, window_s: options.sideWindowsS?.decode ?? windowS };
  return {
    observed_at: "2026-01-01T00:00:05.000Z",
    window_s: windowS,
    prefill: p,
    decode: d,
    transfer: computeTransfer(p, d),
  };
}

/** A decode side that received nothing in the window (no transfer, no tokens, no completion). */
export function idleDecode(extra: Partial<EndpointSample> = {}): EndpointSample {
  return endpointSample({
    deltas: {
      prompt_tokens: 0,
      generation_tokens: 0,
      requests_completed: 0,
      external_kv_tokens: 0,
    },
    transfers: { count: 0, bytes: 0 },
    ...extra,
  });
}

/** A failed scrape status. */
export function failedScrape(outcome: string, httpStatus: number | null = null) {
  return {
    ok: false,
    outcome,
    url: "http://127.0.0.1:9/metrics",
    http_status: httpStatus,
    message: outcome === "refused" ? "Connection refused (os error 111)" : null,
  };
}
