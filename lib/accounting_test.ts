import { deepStrictEqual } from "node:assert/strict";
import { accountedRequests } from "./accounting.ts";

Deno.test("accountedRequests: failures are drops minus warm-up, else error drops", () => {
  // Real AgentX v1 conc-48 aggregate: 906 profiled, 712 dropped of which 711 warm-up.
  deepStrictEqual(
    accountedRequests({
      records_profiled: 906,
      records_dropped_total: 712,
      records_warmup_dropped: 711,
      records_error_dropped: 1,
    }),
    { profiled: 906, failed: 1, warmup: 711 },
  );
  deepStrictEqual(
    accountedRequests({ records_profiled: 195, records_error_dropped: 0 }),
    { profiled: 195, failed: 0, warmup: null },
  );
  // Inconsistent drops (fewer than the warm-up) fall back to the error drops.
  deepStrictEqual(
    accountedRequests({
      records_profiled: 10,
      records_dropped_total: 1,
      records_warmup_dropped: 5,
      records_error_dropped: 2,
    }),
    { profiled: 10, failed: 2, warmup: 5 },
  );
});

Deno.test("accountedRequests: nothing without the profiled records and the failures", () => {
  for (const acc of [null, undefined, 3, "x", {}, { records_profiled: "906" }]) {
    deepStrictEqual(accountedRequests(acc), null, JSON.stringify(acc));
  }
  deepStrictEqual(accountedRequests({ records_profiled: 906, records_warmup_dropped: 711 }), null);
});
