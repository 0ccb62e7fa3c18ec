import assert from "node:assert/strict";
import { timelineRecord } from "../lib/io/disagg_main.ts";
import { endpointSample, failedScrape, pairSample } from "../live/rules/_test_sample.ts";
import { runLiveRules } from "../live/rules/mod.ts";
import { type ParsedTimeline, parseTimeline } from "./timeline.ts";

/** A parsed timeline without its samples' line keys (hashes), for comparisons by value. */
function withoutKeys(t: ParsedTimeline): ParsedTimeline {
  return { ...t, samples: t.samples.map(({ key: _key, ...rest }) => rest) };
}

async function* lines(...items: string[]): AsyncIterable<string> {
  for (const l of items) yield l;
}

const FINDING = {
  code: "kv_transfer_stall",
  severity: "warning",
  message: "m",
  evidence: { window_s: 5 },
};

Deno.test("parseTimeline: wrapper lines and raw disagg-status lines", async () => {
  const wrapper = JSON.stringify({
    schema_version: "inferguard-timeline/v1",
    observed_at: "2026-01-01T00:00:05.000Z",
    sequence: 1,
    status: "warning",
    proof_level: "live",
    capabilities: {},
    disagg_status: { schema_version: "disagg-status/v1", findings: [FINDING], extra: 1 },
  });
  const raw = JSON.stringify({
    schema_version: "disagg-status/v1",
    prefill: { scraped_at: "2026-01-01T00:00:20.000Z" },
    decode: null,
    findings: [],
  });
  const got = withoutKeys(await parseTimeline(lines(wrapper, "", raw)));
  assert.deepEqual(got, {
    samples: [
      { observed_at: "2026-01-01T00:00:05.000Z", sequence: 1, findings: [FINDING] },
      { observed_at: "2026-01-01T00:00:20.000Z", sequence: null, findings: [] },
    ],
    issues: [],
    duplicates: [],
  });
});

Deno.test("parseTimeline: bad lines are issues with line numbers, never thrown", async () => {
  const got = await parseTimeline(lines(
    "{not json",
    "[1,2]",
    JSON.stringify({ schema_version: "other/v9" }),
    JSON.stringify({
      schema_version: "disagg-status/v1",
      findings: [{ code: "x", severity: "fatal" }],
    }),
    JSON.stringify({ schema_version: "disagg-status/v1", findings: [] }),
    JSON.stringify({
      schema_version: "inferguard-timeline/v1",
      observed_at: "yesterday",
      disagg_status: {},
    }),
    JSON.stringify({ schema_version: "disagg-status/v1", observed_at: "2026-01-01T00:00:00Z" }) +
      "\r",
  ));
  assert.deepEqual(got.issues.map((i) => i.line), [1, 2, 3, 4, 5, 6]);
  assert.match(got.issues[0].message, /^Invalid JSON/);
  assert.equal(got.issues[1].message, "Expected a JSON object");
  assert.equal(got.issues[2].message, 'Unknown schema_version "other/v9"');
  assert.match(got.issues[3].message, /^Invalid disagg-status\/v1 record: findings\.0\.severity/);
  assert.equal(got.issues[4].message, "Missing observed_at (and no scrape time in the record)");
  assert.match(got.issues[5].message, /^Invalid inferguard-timeline\/v1 record/);
  // Line 7 is not an issue: a trailing CR is tolerated.
  assert.deepEqual(withoutKeys(got).samples, [{
    observed_at: "2026-01-01T00:00:00Z",
    sequence: null,
    findings: [],
  }]);
  const bom = await parseTimeline(
    lines(
      "\ufeff" +
        JSON.stringify({ schema_version: "disagg-status/v1", observed_at: "2026-01-01T00:00:00Z" }),
    ),
  );
  assert.deepEqual([bom.samples.length, bom.issues], [1, []]);
});

Deno.test("parseTimeline: round trip of lines the disagg writer produces", async () => {
  const samples = [
    pairSample(endpointSample(), endpointSample({ scrape: failedScrape("refused") })),
    pairSample(
      endpointSample({ growth: { waiting: 2, waiting_on_transfer: 0 } }),
      endpointSample(),
    ),
    pairSample(endpointSample(), endpointSample()),
  ];
  const written = samples.map((s, i) =>
    JSON.stringify(timelineRecord(s, { sequence: i + 1, findings: runLiveRules(s) }))
  );
  const got = await parseTimeline(lines(...written));
  assert.deepEqual(got.issues, []);
  assert.deepEqual(
    got.samples.map((s) => [s.sequence, s.findings.map((f) => [f.code, f.severity])]),
    [
      [1, [["endpoint_unreachable", "critical"]]],
      [2, [["prefill_decode_imbalance", "info"]]], // one window: info until a second shows it
      [3, []],
    ],
  );
  assert.equal(got.samples[0].observed_at, samples[0].observed_at);
  assert.equal(got.samples[0].findings[0].evidence.outcome, "refused");
  // The raw disagg-status record inside each wrapper line parses on its own as well.
  const raw = written.map((l) => JSON.stringify(JSON.parse(l).disagg_status));
  const rawGot = await parseTimeline(lines(...raw));
  assert.deepEqual(rawGot.samples.map((s) => s.findings.length), [1, 1, 0]);
});

Deno.test("timeline: an observed_at that is not an ISO time with a zone is a bad line", async () => {
  const rec = (at: string) =>
    JSON.stringify({ schema_version: "disagg-status/v1", observed_at: at, findings: [] });
  const got = await parseTimeline(
    lines(
      rec("2026-05-27T09:50:00Z"),
      rec("1"),
      rec("2026-02-30T00:00:00Z"),
      rec("May 5"),
      rec("2026-05-27"), // a date alone is no sample time
    ),
  );
  assert.deepEqual(got.samples.map((s) => s.observed_at), ["2026-05-27T09:50:00Z"]);
  assert.deepEqual(got.issues.map((i) => i.line), [2, 3, 4, 5]);
  for (const i of got.issues) assert.match(i.message, /ISO 8601 time with a zone/);
});

Deno.test("timeline: a line written twice counts once", async () => {
  const rec = (at: string, sequence: number) =>
    JSON.stringify({
      schema_version: "inferguard-timeline/v1",
      observed_at: at,
      sequence,
      disagg_status: { schema_version: "disagg-status/v1", findings: [] },
    });
  const got = await parseTimeline(
    lines(
      rec("2026-05-27T09:50:00Z", 1),
      rec("2026-05-27T09:50:00Z", 1),
      rec("2026-05-27T09:50:15Z", 2),
      rec("2026-05-27T09:50:15Z", 1), // another process's sequence 1: kept
      rec("2026-05-27T09:50:00Z", 1),
    ),
  );
  assert.equal(got.samples.length, 3);
  // A repeat was read fine: it is listed as a duplicate, never as a bad line.
  assert.deepEqual(got.issues, []);
  assert.deepEqual(got.duplicates, [{ line: 2, of: 1 }, { line: 5, of: 1 }]);
});

Deno.test("timeline: a repeated line among bad lines is not counted as a bad line", async () => {
  const rec = JSON.stringify({
    schema_version: "inferguard-timeline/v1",
    observed_at: "2026-05-27T09:50:00Z",
    sequence: 1,
    disagg_status: { schema_version: "disagg-status/v1", findings: [] },
  });
  const got = await parseTimeline(lines(rec, "not json", rec, '{"schema_version": 1}'));
  assert.equal(got.samples.length, 1);
  assert.deepEqual(got.issues.map((i) => i.line), [2, 4]);
  assert.deepEqual(got.duplicates, [{ line: 3, of: 1 }]);
});

Deno.test("timeline: times with a zone offset are read as UTC, as written when already UTC", async () => {
  const rec = (at: string) =>
    JSON.stringify({ schema_version: "disagg-status/v1", observed_at: at, findings: [] });
  const got = await parseTimeline(
    lines(
      rec("2026-05-27T12:00:00+02:00"),
      rec("2026-05-27T07:45:00.250-02:00"),
      rec("2026-05-27T09:45:00.25Z"),
      // In UTC this would be year 10000, out of ISO 8601's four digits: kept as written.
      rec("9999-12-31T23:30:00-01:00"),
    ),
  );
  assert.deepEqual(got.issues, []);
  assert.deepEqual(got.samples.map((s) => s.observed_at), [
    "2026-05-27T10:00:00Z",
    "2026-05-27T09:45:00.250Z",
    "2026-05-27T09:45:00.25Z",
    "9999-12-31T23:30:00-01:00",
  ]);
});
