import assert from "node:assert/strict";
import { assembleCell, emptyIdentity, emptyMetrics, makeCell } from "./cell.ts";
import { IDENTITY_FIELDS, METRIC_FIELDS } from "./types.ts";

Deno.test("assembleCell: the same fields in the same order as makeCell (the report's order)", () => {
  const identity = emptyIdentity();
  identity.model = "m";
  identity.concurrency = 4;
  identity.is_multinode = false;
  const metrics = emptyMetrics();
  metrics.p99_ttft = 0.5;
  const assembled = assembleCell("c1", identity, {
    source_format: "inferencex-static",
    status: "complete",
    extra_percentiles: { "p99.9_ttft": 1 },
    eval: null,
    timeline: null,
    notes: { a: 1 },
    artifacts: { agg: ["agg_x.json"] },
    findings: [],
    metrics,
  });
  const made = makeCell("c1", {
    model: "m",
    concurrency: 4,
    is_multinode: false,
    source_format: "inferencex-static",
    status: "complete",
    extra_percentiles: { "p99.9_ttft": 1 },
    notes: { a: 1 },
    artifacts: { agg: ["agg_x.json"] },
    metrics: { p99_ttft: 0.5 },
  });
  assert.deepEqual(Object.keys(assembled), Object.keys(made));
  assert.equal(JSON.stringify(assembled), JSON.stringify(made));
});

Deno.test("emptyIdentity and emptyMetrics: every field null, in field order, fresh each time", () => {
  assert.deepEqual(Object.keys(emptyIdentity()), [...IDENTITY_FIELDS]);
  assert.deepEqual(Object.keys(emptyMetrics()), [...METRIC_FIELDS]);
  assert.ok(Object.values(emptyIdentity()).every((v) => v === null));
  assert.ok(Object.values(emptyMetrics()).every((v) => v === null));
  const a = emptyMetrics();
  a.tp = 8;
  assert.equal(emptyMetrics().tp, null);
});
