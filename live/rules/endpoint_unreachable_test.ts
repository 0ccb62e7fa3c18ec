import assert from "node:assert/strict";
import { endpointUnreachable } from "./endpoint_unreachable.ts";
import { endpointSample, failedScrape, pairSample } from "./_test_sample.ts";

const cases: { name: string; prefill: ReturnType<typeof failedScrape> | null; want: number }[] = [
  { name: "quiet: both scrapes ok", prefill: null, want: 0 },
  {
    name: "quiet: a 404 is metrics_disabled, not unreachable",
    prefill: failedScrape("http_status", 404),
    want: 0,
  },
  {
    name: "at threshold: HTTP 500 is unreachable",
    prefill: failedScrape("http_status", 500),
    want: 1,
  },
  { name: "firing: connection refused", prefill: failedScrape("refused"), want: 1 },
  { name: "firing: timeout", prefill: failedScrape("timeout"), want: 1 },
  { name: "firing: body too large", prefill: failedScrape("body_too_large"), want: 1 },
];

for (const c of cases) {
  Deno.test(`endpoint_unreachable: ${c.name}`, () => {
    const p = endpointSample(c.prefill ? { scrape: c.prefill } : {});
    const got = endpointUnreachable.check(
      pairSample(p, endpointSample()),
      endpointUnreachable.defaults,
    );
    assert.equal(got.length, c.want);
    for (const f of got) assert.equal(f.severity, "critical");
  });
}

Deno.test("endpoint_unreachable: full message and evidence", () => {
  const got = endpointUnreachable.check(
    pairSample(endpointSample(), endpointSample({ scrape: failedScrape("refused") })),
    {},
  );
  assert.deepEqual(got, [{
    code: "endpoint_unreachable",
    severity: "critical",
    cell_id: null,
    source: "analyzer",
    message:
      "Decode endpoint http://127.0.0.1:9/metrics is unreachable: refused (Connection refused (os error 111))",
    evidence: {
      side: "decode",
      url: "http://127.0.0.1:9/metrics",
      outcome: "refused",
      http_status: null,
      error: "Connection refused (os error 111)",
    },
  }]);
});
