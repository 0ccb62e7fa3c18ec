import assert from "node:assert/strict";
import { kvTransferStall } from "./kv_transfer_stall.ts";
import { endpointSample, failedScrape, idleDecode, pairSample } from "./_test_sample.ts";

const t = kvTransferStall.defaults;

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
    "In the last 5 s prefill completed 1 requests (0 prompt tokens) while decode received nothing (Δkv_transfers = 0, Δexternal_kv_tokens = 0)",
  );
  assert.deepEqual(got[0].evidence, {
    window_s: 5,
    prefill_requests_completed: 1,
    prefill_prompt_tokens: 0,
    decode_waiting_on_transfer: 0,
    decode_receipt: { kv_transfers: 0, external_kv_tokens: 0 },
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
    "In the last 5 s decode has 3 requests waiting on KV transfer while decode received nothing (Δkv_transfers = 0, Δexternal_kv_tokens = 0)",
  );
});

Deno.test("kv_transfer_stall: engines without transfer series fall back to decode activity", () => {
  // SGLang counts prompt tokens when a request finishes, and completed requests include aborts:
  // neither is receipt; generation tokens stand in.
  const d = endpointSample({
    engine: "sglang",
    deltas: { prompt_tokens: 800, generation_tokens: 0, requests_completed: 4 },
  });
  const got = kvTransferStall.check(pairSample(endpointSample(), d), t);
  assert.deepEqual(got[0].evidence.decode_receipt, { generation_tokens: 0 });
  // vLLM counts prompt tokens at a request's first step on decode, after its KV arrived.
  const vllm = endpointSample({
    deltas: { prompt_tokens: 0, generation_tokens: 0, requests_completed: 4 },
  });
  const v = kvTransferStall.check(pairSample(endpointSample(), vllm), t);
  assert.deepEqual(v[0].evidence.decode_receipt, { prompt_tokens: 0, generation_tokens: 0 });
  for (const grown of [{ prompt_tokens: 800 }, { generation_tokens: 7 }]) {
    const busy = endpointSample({
      deltas: { prompt_tokens: 0, generation_tokens: 0, requests_completed: 0, ...grown },
    });
    assert.deepEqual(
      kvTransferStall.check(pairSample(endpointSample(), busy), t),
      [],
      JSON.stringify(grown),
    );
  }
});

Deno.test("kv_transfer_stall: with transfer series, only transfers and external-KV tokens are receipt", () => {
  // Reference §9.2: receipt is Δtransfer count and Δexternal-KV tokens. Decode prompt tokens,
  // completed requests (aborts and errors complete too) and generation for requests admitted
  // earlier say nothing about KV arriving now.
  for (
    const grown of [
      { prompt_tokens: 800 },
      { requests_completed: 4 },
      { generation_tokens: 500 },
      { prompt_tokens: 800, requests_completed: 4, generation_tokens: 500 },
    ]
  ) {
    const d = idleDecode();
    d.deltas = { ...d.deltas, ...grown };
    d.gauges.waiting_on_transfer = 2;
    const got = kvTransferStall.check(pairSample(endpointSample(), d), t);
    assert.equal(got.length, 1, JSON.stringify(grown));
    assert.deepEqual(got[0].evidence.decode_receipt, { kv_transfers: 0, external_kv_tokens: 0 });
  }
  // An external-KV counter alone (no transfer histogram) is transfer-specific too.
  const ext = endpointSample({
    deltas: { prompt_tokens: 800, requests_completed: 4, external_kv_tokens: 0 },
  });
  const e = kvTransferStall.check(pairSample(endpointSample(), ext), t);
  assert.deepEqual(e[0].evidence.decode_receipt, { external_kv_tokens: 0 });
  ext.deltas = { ...ext.deltas, external_kv_tokens: 640 };
  assert.deepEqual(kvTransferStall.check(pairSample(endpointSample(), ext), t), []);
  // SGLang: the decode's own transfer series stay at 0 while the prefill fills them; the pair's
  // count, read from the prefill, moved, so the healthy pair is quiet.
  const p = endpointSample({ engine: "sglang", transfers: { count: 30, bytes: 3e6 } });
  const sg = idleDecode({ engine: "sglang" });
  sg.gauges.waiting_on_transfer = 2;
  const sample = pairSample(p, sg);
  assert.deepEqual([sample.transfer.transfers_side, sample.transfer.transfers], ["prefill", 30]);
  assert.deepEqual(kvTransferStall.check(sample, t), []);
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
