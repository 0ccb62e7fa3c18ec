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
    failures_prefill: 0,
    failures_decode: 1,
    failures_total: 1,
    failures_per_s: 0.1,
    transfers: 100,
    requests_completed: 40,
    failure_ratio: 0.01,
    ratio_denominator: "transfers",
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
  const got = kvTransferErrorsPresent.check(pair(2, 0), t);
  assert.equal(got[0].severity, "critical");
  assert.equal(
    got[0].message,
    "2 KV transfer failures in the last 10 s, 5.0 % of 40 requests, critical: no transfer succeeded in the window",
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
  const p = endpointSample({ deltas: {} });
  const got = kvTransferErrorsPresent.check(pairSample(p, d), t);
  assert.equal(got[0].severity, "warning");
  assert.equal(
    got[0].message,
    "3 KV transfer failures in the last 5 s, no transfer or request count in the window to compare with",
  );
});
