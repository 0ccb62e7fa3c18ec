import assert from "node:assert/strict";
import { prefillDecodeImbalance } from "./prefill_decode_imbalance.ts";
import { endpointSample, pairSample } from "./_test_sample.ts";

const t = prefillDecodeImbalance.defaults;

function side(waiting: number, growth: number, extra: Record<string, unknown> = {}) {
  const s = endpointSample({ growth: { waiting: growth, waiting_on_transfer: 0 }, ...extra });
  s.gauges.waiting = waiting;
  return s;
}

Deno.test("prefill_decode_imbalance: quiet on very different running counts (never a ratio)", () => {
  const p = side(0, 0);
  p.gauges.running = 162;
  const d = side(0, 0);
  d.gauges.running = 0;
  assert.deepEqual(prefillDecodeImbalance.check(pairSample(p, d), t), []);
  assert.deepEqual(prefillDecodeImbalance.check(pairSample(d, p), t), []);
});

Deno.test("prefill_decode_imbalance: quiet on a single scrape (no growth known)", () => {
  const p = side(2826, 0, { growth: null });
  assert.deepEqual(
    prefillDecodeImbalance.check(pairSample(p, side(0, 0, { growth: null })), t),
    [],
  );
});

Deno.test("prefill_decode_imbalance: quiet when both sides grow (overload, not imbalance)", () => {
  assert.deepEqual(prefillDecodeImbalance.check(pairSample(side(10, 5), side(8, 4)), t), []);
});

Deno.test("prefill_decode_imbalance: at threshold, prefill queue grows by 1", () => {
  const got = prefillDecodeImbalance.check(pairSample(side(3, 1), side(0, 0)), t);
  assert.equal(got.length, 1);
  assert.equal(
    got[0].message,
    "Prefill side is the bottleneck over the last 5 s: waiting queue grew by 1 to 3; decode queues did not grow",
  );
  assert.deepEqual(got[0].evidence, {
    window_s: 5,
    bottleneck: "prefill",
    prefill: { waiting: 3, waiting_growth: 1, running: 4 },
    decode: {
      waiting: 0,
      waiting_growth: 0,
      waiting_on_transfer: 0,
      waiting_on_transfer_growth: 0,
      kv_usage: 0.3,
      preemptions: 0,
      running: 4,
    },
  });
});

Deno.test("prefill_decode_imbalance: decode waiting on transfer grows", () => {
  const d = side(0, 0, { growth: { waiting: 0, waiting_on_transfer: 6 } });
  d.gauges.waiting_on_transfer = 6;
  const got = prefillDecodeImbalance.check(pairSample(side(0, 0), d), t);
  assert.equal(
    got[0].message,
    "Decode side is the bottleneck over the last 5 s: requests waiting on KV transfer grew by 6 to 6; prefill queues did not grow",
  );
});

Deno.test("prefill_decode_imbalance: decode KV pressure with preemptions, at kv_usage_high exactly", () => {
  const d = side(0, 0, { deltas: { preemptions: 2 } });
  d.gauges.kv_usage = 0.9;
  const got = prefillDecodeImbalance.check(pairSample(side(0, 0), d), t);
  assert.equal(got[0].evidence.bottleneck, "decode");
  assert.match(got[0].message, /KV usage 0\.9 with 2 preemptions/);
  d.gauges.kv_usage = 0.89;
  assert.deepEqual(prefillDecodeImbalance.check(pairSample(side(0, 0), d), t), []);
});

Deno.test("prefill_decode_imbalance: the other side's unknown queue growth is said to be unknown", () => {
  // A decode whose engine exports no queue gauges: growth is null, not "did not grow".
  const d = side(0, 0, { growth: { waiting: null, waiting_on_transfer: null } });
  d.gauges.waiting = null;
  d.gauges.waiting_on_transfer = null;
  const got = prefillDecodeImbalance.check(pairSample(side(2826, 2826), d), t);
  assert.equal(
    got[0].message,
    "Prefill side is the bottleneck over the last 5 s: waiting queue grew by 2826 to 2826; decode queue growth unknown (its queue gauges are not exported)",
  );
});
