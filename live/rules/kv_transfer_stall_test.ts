import assert from "node:assert/strict";
import { kvTransferStall } from "./kv_transfer_stall.ts";
import { endpointSample, failedScrape, pairSample } from "./_test_sample.ts";

const t = kvTransferStall.defaults;
const idleDecode = (extra = {}) =>
  endpointSample({
    deltas: {
      prompt_tokens: 0,
      generation_tokens: 0,
      requests_completed: 0,
      external_kv_tokens: 0,
    },
    transfers: { count: 0, bytes: 0 },
    ...extra,
  });

Deno.test("kv_transfer_stall: quiet on a healthy busy pair", () => {
  const d = endpointSample({
    deltas: {
      prompt_tokens: 900,
      generation_tokens: 400,
      requests_completed: 3,
      external_kv_tokens: 880,
    },
    transfers: { count: 3, bytes: 3e6 },
  });
  assert.deepEqual(kvTransferStall.check(pairSample(endpointSample(), d), t), []);
});

Deno.test("kv_transfer_stall: quiet when both sides are idle (fresh pair)", () => {
  const p = endpointSample({ deltas: { prompt_tokens: 0, requests_completed: 0 } });
  assert.deepEqual(kvTransferStall.check(pairSample(p, idleDecode()), t), []);
});

Deno.test("kv_transfer_stall: quiet on a single scrape (no deltas)", () => {
  const p = endpointSample({ deltas: null });
  assert.deepEqual(kvTransferStall.check(pairSample(p, idleDecode({ deltas: null })), t), []);
});

Deno.test("kv_transfer_stall: quiet when decode is unreachable (another rule reports it)", () => {
  const d = idleDecode({ scrape: failedScrape("timeout") });
  assert.deepEqual(kvTransferStall.check(pairSample(endpointSample(), d), t), []);
});

Deno.test("kv_transfer_stall: at threshold, one prefill request and nothing received fires", () => {
  const p = endpointSample({ deltas: { requests_completed: 1, prompt_tokens: 0 } });
  const got = kvTransferStall.check(pairSample(p, idleDecode()), t);
  assert.equal(got.length, 1);
  assert.equal(got[0].severity, "warning");
  assert.equal(
    got[0].message,
    "In the last 5 s prefill completed 1 requests (0 prompt tokens) while decode received nothing (Δkv_transfers = 0, Δexternal_kv_tokens = 0, Δprompt_tokens = 0, Δrequests_completed = 0)",
  );
  assert.deepEqual(got[0].evidence, {
    window_s: 5,
    prefill_requests_completed: 1,
    prefill_prompt_tokens: 0,
    decode_waiting_on_transfer: 0,
    decode_receipt: {
      kv_transfers: 0,
      external_kv_tokens: 0,
      prompt_tokens: 0,
      requests_completed: 0,
    },
    transfers_side: "decode",
  });
});

Deno.test("kv_transfer_stall: decode parked on transfer with no transfer moving fires", () => {
  const p = endpointSample({ deltas: { requests_completed: 0, prompt_tokens: 0 } });
  const d = idleDecode();
  d.gauges.waiting_on_transfer = 3;
  const got = kvTransferStall.check(pairSample(p, d), t);
  assert.equal(
    got[0].message,
    "In the last 5 s decode has 3 requests waiting on KV transfer while decode received nothing (Δkv_transfers = 0, Δexternal_kv_tokens = 0, Δprompt_tokens = 0, Δrequests_completed = 0)",
  );
});

Deno.test("kv_transfer_stall: engines without transfer series fall back to decode activity", () => {
  const d = endpointSample({
    engine: "sglang",
    deltas: { prompt_tokens: 0, generation_tokens: 0, requests_completed: 0 },
  });
  const got = kvTransferStall.check(pairSample(endpointSample(), d), t);
  assert.deepEqual(got[0].evidence.decode_receipt, {
    prompt_tokens: 0,
    generation_tokens: 0,
    requests_completed: 0,
  });
  const busy = endpointSample({
    deltas: { prompt_tokens: 0, generation_tokens: 7, requests_completed: 0 },
  });
  assert.deepEqual(kvTransferStall.check(pairSample(endpointSample(), busy), t), []);
});

Deno.test("kv_transfer_stall: a decode transfer count of 0 does not outvote growing decode work", () => {
  // The decode registers transfer histograms it never fills (SGLang) or they lag: new prompt
  // tokens and completed requests on decode mean KV reached it.
  for (const grown of [{ prompt_tokens: 800 }, { requests_completed: 4 }]) {
    const d = idleDecode();
    d.deltas = { ...d.deltas, ...grown };
    d.gauges.waiting_on_transfer = 2;
    assert.deepEqual(
      kvTransferStall.check(pairSample(endpointSample(), d), t),
      [],
      JSON.stringify(grown),
    );
  }
  // Decode generation alone (requests admitted earlier) is no receipt when transfer series exist.
  const gen = idleDecode();
  gen.deltas = { ...gen.deltas, generation_tokens: 500 };
  assert.equal(kvTransferStall.check(pairSample(endpointSample(), gen), t).length, 1);
});

Deno.test("kv_transfer_stall: SGLang transfers filled on the prefill side count as receipt", () => {
  const p = endpointSample({ engine: "sglang", transfers: { count: 30, bytes: 3e6 } });
  const d = idleDecode({ engine: "sglang", deltas: { prompt_tokens: 0, requests_completed: 0 } });
  d.gauges.waiting_on_transfer = 5;
  const sample = pairSample(p, d);
  assert.deepEqual([sample.transfer.transfers_side, sample.transfer.transfers], ["prefill", 30]);
  assert.deepEqual(kvTransferStall.check(sample, t), []);
});

Deno.test("kv_transfer_stall: quantities the prefill does not export are left out, never printed as 0", () => {
  const noTokens = endpointSample({ deltas: { requests_completed: 40 } });
  const a = kvTransferStall.check(pairSample(noTokens, idleDecode()), t);
  assert.match(a[0].message, /^In the last 5 s prefill completed 40 requests while decode/);
  assert.equal(a[0].evidence.prefill_prompt_tokens, null);
  const noRequests = endpointSample({ deltas: { prompt_tokens: 4000 } });
  const b = kvTransferStall.check(pairSample(noRequests, idleDecode()), t);
  assert.match(b[0].message, /^In the last 5 s prefill processed 4000 prompt tokens while decode/);
  assert.equal(b[0].evidence.prefill_requests_completed, null);
});
