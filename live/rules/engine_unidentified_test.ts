import assert from "node:assert/strict";
import { engineUnidentified } from "./engine_unidentified.ts";
import { endpointSample, failedScrape, pairSample } from "./_test_sample.ts";

Deno.test("engine_unidentified: quiet when both sides are engines", () => {
  assert.deepEqual(
    engineUnidentified.check(pairSample(endpointSample(), endpointSample()), {}),
    [],
  );
});

Deno.test("engine_unidentified: quiet when the scrape failed (another rule reports it)", () => {
  const d = endpointSample({ scrape: failedScrape("refused"), kind: null, engine: null });
  assert.deepEqual(engineUnidentified.check(pairSample(endpointSample(), d), {}), []);
});

Deno.test("engine_unidentified: at threshold, an empty body fires", () => {
  const d = endpointSample({ scrape: failedScrape("empty_body", 200), kind: null, engine: null });
  const got = engineUnidentified.check(pairSample(endpointSample(), d), {});
  assert.equal(got.length, 1);
  assert.equal(
    got[0].message,
    "Decode endpoint http://127.0.0.1:9/metrics returned an empty metrics body",
  );
});

Deno.test("engine_unidentified: firing on an unknown page and on a frontend page", () => {
  const p = endpointSample({ kind: "unknown", engine: null, other_prefixes: ["node_"] });
  const d = endpointSample({ kind: "frontend", engine: null });
  const got = engineUnidentified.check(pairSample(p, d), {});
  assert.deepEqual(got.map((f) => [f.severity, f.message, f.evidence]), [
    [
      "warning",
      "Prefill endpoint http://127.0.0.1:9/metrics has no recognised engine metrics (top prefixes: node_)",
      {
        side: "prefill",
        url: "http://127.0.0.1:9/metrics",
        kind: "unknown",
        top_prefixes: ["node_"],
      },
    ],
    [
      "warning",
      "Decode endpoint http://127.0.0.1:9/metrics is a Dynamo frontend page, not a prefill/decode engine",
      { side: "decode", url: "http://127.0.0.1:9/metrics", kind: "frontend", top_prefixes: [] },
    ],
  ]);
});
