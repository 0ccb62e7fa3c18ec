import assert from "node:assert/strict";
import { LIVE_RULES, runLiveRules } from "./mod.ts";
import { endpointSample, failedScrape, idleDecode, pairSample } from "./_test_sample.ts";

const SPEC_CODES = [
  "connector_mismatch",
  "endpoint_unreachable",
  "engine_unidentified",
  "kv_transfer_errors_present",
  "kv_transfer_stall",
  "metrics_disabled",
  "prefill_decode_imbalance",
];

Deno.test("registry: the SPEC's live codes, sorted, each in its own file with docs and a test", async () => {
  const codes = LIVE_RULES.map((r) => r.code);
  assert.deepEqual(codes, SPEC_CODES);
  const dir = new URL("./", import.meta.url);
  const files = new Set<string>();
  for await (const e of Deno.readDir(dir)) files.add(e.name);
  for (const rule of LIVE_RULES) {
    assert.ok(files.has(`${rule.code}.ts`), `${rule.code}.ts`);
    assert.ok(files.has(`${rule.code}_test.ts`), `${rule.code}_test.ts`);
    assert.ok(rule.docs.length > 80 && rule.summary.length > 10, rule.code);
    assert.ok(["info", "warning", "critical"].includes(rule.severity));
    const src = await Deno.readTextFile(new URL(`${rule.code}.ts`, dir));
    assert.ok(src.includes(`"${rule.code}"`), `${rule.code} emits its own code`);
  }
});

Deno.test("runLiveRules: findings sorted by severity then code; a healthy pair is quiet", () => {
  assert.deepEqual(runLiveRules(pairSample(endpointSample(), endpointSample())), []);
  const got = runLiveRules(
    pairSample(
      endpointSample({ scrape: failedScrape("http_status", 404) }),
      endpointSample({ scrape: failedScrape("refused") }),
    ),
  );
  assert.deepEqual(got.map((f) => f.code), ["endpoint_unreachable", "metrics_disabled"]);
});

Deno.test("runLiveRules: thresholds are overridable per code", () => {
  const p = endpointSample({ growth: { waiting: 1, waiting_on_transfer: 0 } });
  const sample = pairSample(p, endpointSample());
  assert.equal(runLiveRules(sample).length, 1);
  const got = runLiveRules(sample, {
    thresholds: { prefill_decode_imbalance: { min_queue_growth: 2 } },
  });
  assert.deepEqual(got, []);
});

Deno.test("runLiveRules: a trend rule warns only on its second window in a row", () => {
  // Prefill completed 5 requests; decode received nothing: a stall.
  const stalled = pairSample(
    endpointSample({ deltas: { prompt_tokens: 500, requests_completed: 5 } }),
    idleDecode(),
  );
  const seen = new Map<string, number>();
  const [first] = runLiveRules(stalled, { previous: new Map(), seen });
  assert.deepEqual([first.code, first.severity, first.evidence.consecutive_windows], [
    "kv_transfer_stall",
    "info",
    1,
  ]);
  assert.match(first.message, / \(one window so far: a warning when the next one shows it too\)$/);
  assert.deepEqual([...seen], [["kv_transfer_stall", 1]]);
  const again = new Map<string, number>();
  const [second] = runLiveRules(stalled, { previous: seen, seen: again });
  assert.deepEqual([second.severity, second.evidence.consecutive_windows], ["warning", 2]);
  // The run of windows is counted on.
  const [third] = runLiveRules(stalled, { previous: again, seen: new Map() });
  assert.deepEqual([third.severity, third.evidence.consecutive_windows], ["warning", 3]);
  assert.doesNotMatch(second.message, /one window/);
  // A rule that is no trend keeps its severity from the first window.
  const down = runLiveRules(
    pairSample(endpointSample({ scrape: failedScrape("refused") }), endpointSample()),
  );
  assert.deepEqual(down.map((f) => f.severity), ["critical"]);
  // Each trend rule says it is one.
  assert.deepEqual(LIVE_RULES.filter((r) => r.persistent).map((r) => r.code), [
    "kv_transfer_stall",
    "prefill_decode_imbalance",
  ]);
});
