import assert from "node:assert/strict";
import { metricsDisabled } from "./metrics_disabled.ts";
import { endpointSample, failedScrape, pairSample } from "./_test_sample.ts";

const cases = [
  { name: "quiet: scrape ok", scrape: null, want: 0 },
  {
    name: "quiet: HTTP 500 is not a disabled page",
    scrape: failedScrape("http_status", 500),
    want: 0,
  },
  { name: "at threshold: HTTP 404", scrape: failedScrape("http_status", 404), want: 1 },
  {
    name: "firing: JSON body without Prometheus fallback",
    scrape: failedScrape("json_body", 200),
    want: 1,
  },
];

for (const c of cases) {
  Deno.test(`metrics_disabled: ${c.name}`, () => {
    const d = endpointSample(c.scrape ? { scrape: c.scrape } : {});
    const got = metricsDisabled.check(pairSample(endpointSample(), d), {});
    assert.equal(got.length, c.want);
  });
}

Deno.test("metrics_disabled: full message and evidence for a 404", () => {
  const got = metricsDisabled.check(
    pairSample(endpointSample({ scrape: failedScrape("http_status", 404) }), endpointSample()),
    {},
  );
  assert.equal(got[0].severity, "warning");
  assert.equal(
    got[0].message,
    "Prefill endpoint http://127.0.0.1:9/metrics exports no Prometheus metrics: HTTP 404 on the metrics path (SGLang needs --enable-metrics)",
  );
  assert.deepEqual(got[0].evidence, {
    side: "prefill",
    url: "http://127.0.0.1:9/metrics",
    outcome: "http_status",
    http_status: 404,
    detail: null,
  });
});

Deno.test("metrics_disabled: an engine known only from its probes (no engine families) fires", () => {
  const d = endpointSample({ engine_decided_by: "probe", engine: "vllm" });
  const got = metricsDisabled.check(pairSample(endpointSample(), d), {});
  assert.equal(
    got[0].message,
    "Decode endpoint http://127.0.0.1:9/metrics exports no Prometheus metrics: the server answers as vllm but its page has no vllm families (stats logging disabled?)",
  );
});
