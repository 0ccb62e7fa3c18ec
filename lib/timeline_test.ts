import assert from "node:assert/strict";
import { makeCell } from "./cell.ts";
import { attachTimelines, type TimelineInput, type TimelineSampleInput } from "./timeline.ts";
import type { Finding } from "./types.ts";

type SampleFinding = TimelineSampleInput["findings"][number];

function unreachable(side: "prefill" | "decode", port: number): SampleFinding {
  const url = `http://127.0.0.1:${port}/metrics`;
  return {
    code: "endpoint_unreachable",
    severity: "critical",
    message: `${side === "prefill" ? "Prefill" : "Decode"} endpoint ${url} is unreachable: refused`,
    evidence: { side, url, outcome: "refused" },
  };
}

function timeline(
  samples: TimelineSampleInput[],
  path = "cell/inferguard_timeline.jsonl",
): TimelineInput {
  return { path, samples, bad_lines: 0 };
}

const CLIFF: Finding = {
  code: "ttft_cliff",
  severity: "warning",
  cell_id: "c8",
  message: "cliff",
  evidence: {},
  source: "analyzer",
};

/** 2026-05-28T20:26:40Z, the start of the cliff cell in the lead-time cases. */
const START_S = 1780000000;

function leadFor(startS: number, observedAt: string[]): number | null | undefined {
  const cells = [makeCell("c8", { notes: { benchmark_start_time_unix: startS } })];
  const samples = observedAt.map((at) => ({
    observed_at: at,
    findings: [{
      code: "metrics_disabled",
      severity: "warning" as const,
      message: "m",
      evidence: {},
    }],
  }));
  const tl = attachTimelines(cells, [timeline(samples, "inferguard_timeline.jsonl")], () => null);
  return tl.applyLeadTimes([CLIFF])[0].timeline?.lead_time_to_ttft_cliff_s;
}

Deno.test("attachTimelines: count is samples, not findings, and both sides are kept", () => {
  // Three samples, each with prefill AND decode unreachable (audit tree kv_tl).
  const samples = ["2026-12-02T12:07:15Z", "2026-12-02T12:07:16Z", "2026-12-02T12:07:17Z"].map(
    (at) => ({ observed_at: at, findings: [unreachable("prefill", 1), unreachable("decode", 2)] }),
  );
  const tl = attachTimelines([makeCell("c8")], [timeline(samples)], () => "c8");
  assert.equal(tl.findings.length, 1, "one finding per code per cell");
  const f = tl.findings[0];
  assert.equal(f.count, 3);
  assert.equal(tl.cells[0].timeline?.sample_count, 3);
  assert.deepEqual(tl.cells[0].timeline?.finding_counts, { endpoint_unreachable: 3 });
  assert.equal(
    f.message,
    "Both sides affected: Prefill endpoint http://127.0.0.1:1/metrics is unreachable: refused; " +
      "Decode endpoint http://127.0.0.1:2/metrics is unreachable: refused",
  );
  assert.deepEqual(f.evidence, {
    subjects: (["prefill", "decode"] as const).map((side, i) => ({
      side,
      url: `http://127.0.0.1:${i + 1}/metrics`,
      severity: "critical",
      count: 3,
      first_seen_at: "2026-12-02T12:07:15Z",
      last_seen_at: "2026-12-02T12:07:17Z",
      message: unreachable(side, i + 1).message,
      timeline: "cell/inferguard_timeline.jsonl",
      evidence: unreachable(side, i + 1).evidence,
    })),
    timeline: "cell/inferguard_timeline.jsonl",
  });
  assert.deepEqual(Object.keys(f), [
    "code",
    "severity",
    "cell_id",
    "message",
    "evidence",
    "source",
    "count",
    "first_seen_at",
    "last_seen_at",
  ]);
});

Deno.test("attachTimelines: each subject counts its own samples; subjects past the cap are counted", () => {
  const samples: TimelineSampleInput[] = [
    { observed_at: "2026-01-01T00:00:00Z", findings: [unreachable("decode", 2)] },
    { observed_at: "2026-01-01T00:01:00Z", findings: [unreachable("decode", 2)] },
    {
      observed_at: "2026-01-01T00:02:00Z",
      findings: [3, 4, 5, 6, 7].map((p) => unreachable("prefill", p)),
    },
  ];
  const f = attachTimelines([], [timeline(samples)], () => null).findings[0];
  assert.equal(f.count, 3);
  const subjects = f.evidence.subjects as { side: string; url: string; count: number }[];
  assert.deepEqual(
    subjects.map((s) => [s.side, s.url, s.count]),
    [
      // Kept by severity then count (decode was seen twice), listed prefill first.
      ["prefill", "http://127.0.0.1:3/metrics", 1],
      ["prefill", "http://127.0.0.1:4/metrics", 1],
      ["prefill", "http://127.0.0.1:5/metrics", 1],
      ["decode", "http://127.0.0.1:2/metrics", 2],
    ],
  );
  assert.equal(f.evidence.subjects_omitted, 2);
  assert.match(f.message, /^Both sides affected \(6 endpoints\): Prefill endpoint .*; and 2 more$/);
});

Deno.test("attachTimelines: one subject keeps the plain message and evidence", () => {
  const samples = ["2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z"].map((at) => ({
    observed_at: at,
    findings: [unreachable("decode", 2)],
  }));
  const f = attachTimelines([], [timeline(samples)], () => null).findings[0];
  assert.equal(f.count, 2);
  assert.equal(f.message, unreachable("decode", 2).message);
  assert.deepEqual(f.evidence, {
    ...unreachable("decode", 2).evidence,
    timeline: "cell/inferguard_timeline.jsonl",
  });
});

Deno.test("attachTimelines: a raised severity brings the latest most severe sample's message and evidence", () => {
  const kv = (severity: "warning" | "critical", message: string, ratio: number) => ({
    code: "kv_transfer_errors_present",
    severity,
    message,
    evidence: { failure_ratio: ratio },
  });
  // Audit tree tl_sev: a warning at 0.4 %, then critical at 38 %; here also a later, milder
  // critical and a final warning, so "latest" and "most severe" are both exercised.
  const samples: TimelineSampleInput[] = [
    { observed_at: "2026-05-28T20:00:00Z", findings: [kv("warning", "0.4 %, below 5 %", 0.004)] },
    { observed_at: "2026-05-28T20:01:00Z", findings: [kv("critical", "38 %, critical", 0.38)] },
    { observed_at: "2026-05-28T20:02:00Z", findings: [kv("critical", "12 %, critical", 0.12)] },
    { observed_at: "2026-05-28T20:03:00Z", findings: [kv("warning", "1 %, below 5 %", 0.01)] },
  ];
  const f = attachTimelines([], [timeline(samples)], () => null).findings[0];
  assert.equal(f.severity, "critical");
  assert.equal(f.message, "12 %, critical");
  assert.deepEqual(f.evidence, {
    failure_ratio: 0.12,
    timeline: "cell/inferguard_timeline.jsonl",
  });
  assert.equal(f.count, 4);
  assert.equal(f.first_seen_at, "2026-05-28T20:00:00Z");
  assert.equal(f.last_seen_at, "2026-05-28T20:03:00Z");

  // Two samples in file order out of time order: the latest by time wins, not the last read.
  const shuffled = [samples[2], samples[1], samples[0]];
  const g = attachTimelines([], [timeline(shuffled)], () => null).findings[0];
  assert.equal(g.message, "12 %, critical");
});

Deno.test("applyLeadTimes: a lead time only when the first live finding precedes the cliff cell", () => {
  const at = ["2026-05-28T20:12:40Z", "2026-05-28T20:13:40Z", "2026-05-28T20:14:40Z"];
  // Audit tree glm_tl: the finding 840 s before the cell started, 12 min after the last sample.
  assert.equal(leadFor(START_S, at), 840);
  // At the very start: a lead of 0 s.
  assert.equal(leadFor(Date.parse(at[0]) / 1000, at), 0);
  // glm_tl_neg: the cell started 160 s before the first finding: no lead time, not -160.
  assert.equal(leadFor(START_S - 1000, at), undefined);
  // glm_tl_far: a start time almost a year before the timeline: no lead time, not -29999160.
  assert.equal(leadFor(1750000000, at), undefined);
  // The timeline stopped 2 h before the cell started: it was not watching that run.
  assert.equal(leadFor(Date.parse("2026-05-28T22:14:41Z") / 1000, at), undefined);
  // ... unless the timeline itself spans longer than the gap (it watched a long sweep).
  const long = ["2026-05-28T10:00:00Z", "2026-05-28T20:00:00Z"];
  assert.equal(leadFor(Date.parse("2026-05-29T05:00:00Z") / 1000, long), 19 * 3600);
  assert.equal(leadFor(Date.parse("2026-05-29T06:00:01Z") / 1000, long), undefined);
});

Deno.test("applyLeadTimes: a cell's own timeline without a lead stays null and is not replaced", () => {
  const cells = [makeCell("c8", { notes: { benchmark_start_time_unix: START_S - 1000 } })];
  const samples = [{
    observed_at: "2026-05-28T20:12:40Z",
    findings: [{
      code: "metrics_disabled",
      severity: "warning" as const,
      message: "m",
      evidence: {},
    }],
  }];
  const tl = attachTimelines(cells, [timeline(samples)], () => "c8");
  const [c] = tl.applyLeadTimes([CLIFF]);
  assert.equal(c.timeline?.lead_time_to_ttft_cliff_s, null);
  assert.equal(c.timeline?.sample_count, 1);
});

Deno.test("attachTimelines: a finding from two timeline files names the file of its worst sample", () => {
  const errors = (severity: "warning" | "critical", failures: number): SampleFinding => ({
    code: "kv_transfer_errors_present",
    severity,
    message: `${failures} KV transfer failures`,
    evidence: { failures },
  });
  const cells = [makeCell("c8", {})];
  const tl = attachTimelines(cells, [
    timeline(
      [{ observed_at: "2026-12-02T12:00:00Z", findings: [errors("warning", 2)] }],
      "a/t.jsonl",
    ),
    timeline(
      [{ observed_at: "2026-12-02T12:05:00Z", findings: [errors("critical", 40)] }],
      "b/t.jsonl",
    ),
  ], () => "c8");
  assert.equal(tl.findings.length, 1);
  const [f] = tl.findings;
  assert.equal(f.severity, "critical");
  assert.equal(f.message, "40 KV transfer failures");
  assert.deepEqual(f.evidence, { failures: 40, timeline: "b/t.jsonl" });
  assert.equal(f.count, 2);
});

Deno.test("attachTimelines: a sample two files of one cell both hold counts once", () => {
  const sample = (at: string, key: string): TimelineSampleInput => ({
    key,
    observed_at: at,
    findings: [unreachable("decode", 9)],
  });
  const a = [sample("2026-06-01T10:00:00Z", "k1"), sample("2026-06-01T10:00:15Z", "k2")];
  // `logs/` holds a copy of the cell's timeline, plus one later sample of its own.
  const b = [...a, sample("2026-06-01T10:00:30Z", "k3")];
  const tl = attachTimelines([makeCell("c8")], [
    timeline(a, "c8/inferguard_timeline.jsonl"),
    timeline(b, "c8/logs/inferguard_timeline.jsonl"),
  ], () => "c8");
  assert.equal(tl.cells[0].timeline?.sample_count, 3);
  assert.deepEqual(tl.cells[0].timeline?.finding_counts, { endpoint_unreachable: 3 });
  assert.equal(tl.findings[0].count, 3);
  // Each file still says how many samples it holds.
  assert.deepEqual(tl.runTimelines.map((t) => t.sample_count), [2, 3]);
  // In the timelines of two cells, the same sample is each cell's.
  const two = attachTimelines([makeCell("c8"), makeCell("c16")], [
    timeline(a, "c8/inferguard_timeline.jsonl"),
    timeline(a, "c16/inferguard_timeline.jsonl"),
  ], (p) => p.split("/")[0]);
  assert.deepEqual(two.cells.map((c) => c.timeline?.sample_count), [2, 2]);
});

Deno.test("attachTimelines: a side named like an Object.prototype member is listed after decode", () => {
  const finding = (side: string): SampleFinding => ({
    code: "endpoint_unreachable",
    severity: "critical",
    message: `${side} unreachable`,
    evidence: { side },
  });
  const tl = attachTimelines(
    [makeCell("c8")],
    [timeline([{
      observed_at: "2026-12-02T12:07:15Z",
      findings: [finding("constructor"), finding("decode"), finding("prefill")],
    }])],
    () => "c8",
  );
  const subjects = tl.findings[0].evidence.subjects as { side: string }[];
  assert.deepEqual(subjects.map((s) => s.side), ["prefill", "decode", "constructor"]);
});

Deno.test("applyLeadTimes: a cell's own timeline that saw nothing is no lead, though the run's saw something", () => {
  const cells = [makeCell("c8", { notes: { benchmark_start_time_unix: START_S } })];
  const quiet = timeline([{ observed_at: "2026-05-28T20:12:40Z", findings: [] }]);
  const run = timeline([{
    observed_at: "2026-05-28T20:12:40Z",
    findings: [{ code: "metrics_disabled", severity: "warning", message: "m", evidence: {} }],
  }], "inferguard_timeline.jsonl");
  const tl = attachTimelines(cells, [quiet, run], (p) => p.startsWith("cell/") ? "c8" : null);
  const [c] = tl.applyLeadTimes([CLIFF]);
  // The overlay watching this cell flagged nothing: its timeline stays its own, with no lead.
  assert.equal(c.timeline?.first_finding_at, null);
  assert.equal(c.timeline?.lead_time_to_ttft_cliff_s, null);
  assert.equal(c.timeline?.sample_count, 1);
  // Without a timeline of its own, the run's gives the lead time.
  const alone = attachTimelines(cells, [run], () => null).applyLeadTimes([CLIFF])[0];
  assert.equal(alone.timeline?.lead_time_to_ttft_cliff_s, 840);
});
