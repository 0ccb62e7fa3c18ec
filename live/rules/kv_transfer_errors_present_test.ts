import assert from "node:assert/strict";
import { kvTransferErrorsPresent } from "./kv_transfer_errors_present.ts";
import { endpointSample, pairSample } from "./_test_sample.ts";

function pair(failuresDecode: number | null, transfers: number | null, windowS = 10) {
  const d = endpointSample({
    deltas: {
      requests_completed: 40,
      ...(failuresDecode === null ? {} : { kv_transfer_failures: failuresDecode }),
    },
    transfers: transfers === null ? null : { count: transfers, bytes: transfers * 1000 },
    lifetime: { kv_transfer_failures: 500 },
  });
  const p = endpointSample({ deltas: { requests_completed: 40, kv_transfer_failures: 0 } });
  return pairSample(p, d, { windowS });
}

const t = kvTransferErrorsPresent.defaults;

Deno.test("kv_transfer_errors_present: quiet when no failure counter is exported", () => {
  const d = endpointSample({ deltas: { requests_completed: 4 } });
  assert.deepEqual(kvTransferErrorsPresent.check(pairSample(endpointSample(), d), t), []);
});

Deno.test("kv_transfer_errors_present: quiet with a large lifetime total but no new failure", () => {
  assert.deepEqual(kvTransferErrorsPresent.check(pair(0, 100), t), []);
});

Deno.test("kv_transfer_errors_present: at threshold, one failure in 100 transfers is a warning", () => {
  const got = kvTransferErrorsPresent.check(pair(1, 100), t);
  assert.equal(got.length, 1);
  assert.equal(got[0].severity, "warning");
  assert.equal(
    got[0].message,
    "1 KV transfer failure in the last 10 s, 1.0 % of 100 transfers, below the 5.0 % critical ratio",
  );
  assert.deepEqual(got[0].evidence, {
    window_s: 10,
    failures_side: "decode",
    failures_prefill: 0,
    failures_decode: 1,
    failures_total: 1,
    failures_counted: 1,
    failures_unknown_sides: [],
    failures_per_s: 0.1,
    transfers: 100,
    requests_completed_decode: 40,
    requests_completed_prefill: 40,
    failure_ratio: 0.01,
    ratio_denominator: "transfers",
    requests_side: null,
    critical_failure_ratio: 0.05,
    lifetime_failures_prefill: null,
    lifetime_failures_decode: 500,
  });
});

Deno.test("kv_transfer_errors_present: at the critical ratio exactly (5 of 100) is critical", () => {
  const got = kvTransferErrorsPresent.check(pair(5, 100), t);
  assert.equal(got[0].severity, "critical");
  assert.equal(
    got[0].message,
    "5 KV transfer failures in the last 10 s, 5.0 % of 100 transfers, critical: at or above the 5.0 % critical ratio",
  );
  assert.equal(kvTransferErrorsPresent.check(pair(4, 100), t)[0].severity, "warning");
});

Deno.test("kv_transfer_errors_present: failures with zero successful transfers are critical", () => {
  const got = kvTransferErrorsPresent.check(pair(1, 0), t);
  assert.equal(got[0].severity, "critical");
  assert.equal(
    got[0].message,
    "1 KV transfer failure in the last 10 s, 2.5 % of 40 requests completed on decode, critical: no transfer succeeded in the window",
  );
  assert.equal(
    kvTransferErrorsPresent.check(pair(2, 0), t)[0].message,
    "2 KV transfer failures in the last 10 s, 5.0 % of 40 requests completed on decode, critical: at or above the 5.0 % critical ratio; no transfer succeeded in the window",
  );
});

Deno.test("kv_transfer_errors_present: severity does not depend on the window length", () => {
  // 2 failures of 1,000 transfers: 0.2 %, a warning whether the window is 1.1 s or 60 s.
  for (const windowS of [1.1, 5, 60]) {
    const got = kvTransferErrorsPresent.check(pair(2, 1000, windowS), t);
    assert.equal(got[0].severity, "warning", `window ${windowS}`);
    assert.equal(
      got[0].message,
      `2 KV transfer failures in the last ${windowS} s, 0.2 % of 1000 transfers, below the 5.0 % critical ratio`,
    );
  }
  assert.ok(!("critical_failures_per_s" in kvTransferErrorsPresent.defaults));
});

Deno.test("kv_transfer_errors_present: no transfer or request count to compare with stays a warning", () => {
  const d = endpointSample({ deltas: { kv_transfer_failures: 3 }, transfers: null });
  const p = endpointSample({ deltas: { kv_transfer_failures: 0 } });
  const got = kvTransferErrorsPresent.check(pairSample(p, d), t);
  assert.equal(got[0].severity, "warning");
  assert.equal(
    got[0].message,
    "3 KV transfer failures in the last 5 s, no transfer or request count in the window to compare with",
  );
  // A measured 0 on prefill (decode's count unknown) is said as such.
  p.deltas = { kv_transfer_failures: 0, requests_completed: 0 };
  const zero = kvTransferErrorsPresent.check(pairSample(p, d), t);
  assert.equal(zero[0].severity, "warning");
  assert.equal(
    zero[0].message,
    "3 KV transfer failures in the last 5 s, no transfer count and no completed request in the window to compare with",
  );
});

/** SGLang with last-value gauge transfer metrics: no transfer count in any window. */
function sglangGauges(o: { pReq: number | null; dReq: number | null; pFail: number }) {
  const side = (req: number | null, failed: number) =>
    endpointSample({
      engine: "sglang",
      transfers: null,
      deltas: {
        kv_transfer_failures: failed,
        ...(req === null ? {} : { requests_completed: req }),
      },
    });
  return pairSample(side(o.pReq, o.pFail), side(o.dReq, 0));
}

Deno.test("kv_transfer_errors_present: a measured 0 on decode falls back to prefill's request count", () => {
  // 5 prefill failures, +40 prefill requests, +0 decode requests, no transfer count: 12.5 % of
  // the prefill's requests, and no request succeeded on decode.
  const got = kvTransferErrorsPresent.check(sglangGauges({ pReq: 40, dReq: 0, pFail: 5 }), t);
  assert.equal(got[0].severity, "critical");
  assert.equal(
    got[0].message,
    "5 KV transfer failures in the last 5 s, 12.5 % of 40 requests completed on prefill, critical: at or above the 5.0 % critical ratio; the transfer count is unknown and decode completed no request in the window",
  );
  assert.deepEqual(
    [
      got[0].evidence.failure_ratio,
      got[0].evidence.ratio_denominator,
      got[0].evidence.requests_side,
      got[0].evidence.requests_completed_decode,
    ],
    [0.125, "requests", "prefill", 0],
  );
  // Below the ratio, decode completing nothing with the transfer count unknown is still no
  // success seen: critical.
  const low = kvTransferErrorsPresent.check(sglangGauges({ pReq: 1000, dReq: 0, pFail: 5 }), t);
  assert.equal(low[0].severity, "critical");
  assert.equal(
    low[0].message,
    "5 KV transfer failures in the last 5 s, 0.5 % of 1000 requests completed on prefill, critical: the transfer count is unknown and decode completed no request in the window",
  );
  // With decode requests completing, the ratio decides.
  const ok = kvTransferErrorsPresent.check(sglangGauges({ pReq: 1000, dReq: 200, pFail: 5 }), t);
  assert.equal(ok[0].severity, "warning");
  assert.equal(
    ok[0].message,
    "5 KV transfer failures in the last 5 s, 2.5 % of 200 requests completed on decode, below the 5.0 % critical ratio",
  );
});

Deno.test("kv_transfer_errors_present: a total over one side says the other side is unknown", () => {
  const p = endpointSample({ deltas: { requests_completed: 40, kv_transfer_failures: 1 } });
  const d = endpointSample({
    deltas: { requests_completed: 40 },
    transfers: { count: 100, bytes: 1e5 },
  });
  const got = kvTransferErrorsPresent.check(pairSample(p, d), t);
  assert.equal(
    got[0].message,
    "1 KV transfer failure in the last 5 s (prefill only: decode failures unknown), 1.0 % of 100 transfers, below the 5.0 % critical ratio",
  );
  assert.deepEqual(got[0].evidence.failures_unknown_sides, ["decode"]);
  assert.equal(got[0].evidence.failures_decode, null);
});

Deno.test("kv_transfer_errors_present: a failure both servers counted is counted once", () => {
  // SGLang's prefill and decode each count a failed transfer of the same request: 4 and 3
  // failures in 100 transfers are 4 failed requests (4 %, a warning), not 7 (critical).
  const p = endpointSample({
    engine: "sglang",
    deltas: { requests_completed: 100, kv_transfer_failures: 4 },
    transfers: { count: 100, bytes: 1e5 },
  });
  const d = endpointSample({
    engine: "sglang",
    deltas: { requests_completed: 96, kv_transfer_failures: 3 },
  });
  const got = kvTransferErrorsPresent.check(pairSample(p, d, { windowS: 10 }), t);
  assert.equal(got.length, 1);
  assert.equal(got[0].severity, "warning");
  assert.equal(
    got[0].message,
    "4 KV transfer failures in the last 10 s (prefill counted 4, decode 3: the larger, as both servers count a failed request), 4.0 % of 100 transfers, below the 5.0 % critical ratio",
  );
  assert.equal(got[0].evidence.failures_total, 7);
  assert.equal(got[0].evidence.failures_counted, 4);
  assert.equal(got[0].evidence.failure_ratio, 0.04);
  assert.equal(got[0].evidence.failures_per_s, 0.4);
});

Deno.test("kv_transfer_errors_present: failures are over the counting side's own window, named when it is not the sample's", () => {
  // Decode counted 2 failures over its own 4.98 s; the sample's stated window is prefill's
  // 2.03 s (decode's first scrape was answered before prefill's slow one).
  const d = endpointSample({
    deltas: { requests_completed: 40, kv_transfer_failures: 2 },
    transfers: { count: 100, bytes: 1e8 },
  });
  const p = endpointSample({ deltas: { requests_completed: 40, kv_transfer_failures: 0 } });
  const sample = pairSample(p, d, { windowS: 2.03, sideWindowsS: { decode: 4.98 } });
  const got = kvTransferErrorsPresent.check(sample, t);
  assert.equal(
    got[0].message,
    "2 KV transfer failures in the last 4.98 s (decode's window), 2.0 % of 100 transfers, below the 5.0 % critical ratio",
  );
  assert.deepEqual(
    [got[0].evidence.window_s, got[0].evidence.failures_side, got[0].evidence.failures_per_s],
    [4.98, "decode", 2 / 4.98],
  );
  // Prefill counting over the stated window: its window, and no side named.
  const p2 = endpointSample({ deltas: { requests_completed: 40, kv_transfer_failures: 3 } });
  const d2 = endpointSample({
    deltas: { requests_completed: 40, kv_transfer_failures: 0 },
    transfers: { count: 100, bytes: 1e8 },
  });
  const same = kvTransferErrorsPresent.check(
    pairSample(p2, d2, { windowS: 2.03, sideWindowsS: { decode: 4.98 } }),
    t,
  );
  assert.equal(
    same[0].message,
    "3 KV transfer failures in the last 2.03 s, 3.0 % of 100 transfers, below the 5.0 % critical ratio",
  );
  assert.deepEqual([same[0].evidence.window_s, same[0].evidence.failures_side], [2.03, "prefill"]);
});
