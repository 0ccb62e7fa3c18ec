import assert from "node:assert/strict";
import fc from "fast-check";
import type { Report } from "../lib/analyze.ts";
import { renderJson, renderJsonChunks } from "./json.ts";

Deno.test("renderJsonChunks concatenates to exactly JSON.stringify(report, null, 2) + newline", () => {
  const finding = {
    code: "c",
    severity: "warning",
    cell_id: "x",
    message: "m",
    evidence: { a: [1, { b: null }] },
    source: "analyzer",
  };
  const base = {
    schema_version: "inferguard-analyze/v1",
    generated_at: "2026-01-01T00:00:00Z",
    input_root: "r",
    analyzer: { name: "inferguard", version: "0", capabilities: {}, thresholds: { a: { b: 1 } } },
    run_summary: { cells_total: 2, missing_artifacts: [] },
    cells: [{ cell_id: "x", metrics: { a: null, b: 1.5 }, findings: [finding], notes: {} }, {
      cell_id: "y",
      eval: null,
    }],
    cross_run: { curves: [], pareto_frontier: [], baseline: null, timelines: [] },
    findings: [finding],
    artifact_manifest: { discovered: [{ path: "a|b\n", size: 1 }], skipped: [], written: [] },
  };
  for (
    const r of [base, {
      ...base,
      cells: [],
      findings: [],
      artifact_manifest: { discovered: [], skipped: [], written: [] },
    }]
  ) {
    const expected = JSON.stringify(r, null, 2) + "\n";
    assert.equal(renderJson(r as unknown as Report), expected);
    assert.ok([...renderJsonChunks(r as unknown as Report)].length > 3);
  }
});

Deno.test("renderJson equals JSON.stringify for arbitrary cell and finding payloads", () => {
  fc.assert(
    fc.property(
      fc.array(fc.jsonValue(), { maxLength: 5 }),
      fc.array(fc.jsonValue(), { maxLength: 5 }),
      (cells, discovered) => {
        const r = {
          schema_version: "inferguard-analyze/v1",
          cells,
          findings: cells,
          artifact_manifest: { discovered, skipped: [], written: [] },
          cross_run: { curves: cells },
        };
        assert.equal(renderJson(r as unknown as Report), JSON.stringify(r, null, 2) + "\n");
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("renderJson: every array length around the batch size, at every streamed depth", () => {
  // Lengths 0..20 and 100 cross the batch boundaries (empty, one, a batch, a batch and one, ...).
  const lengths = [...Array(21).keys(), 100];
  const element = (i: number) =>
    i % 3 === 0
      ? { id: `e${i}`, nested: { empty: [], obj: {}, list: [i, [], {}] }, n: i / 7 }
      : i % 3 === 1
      ? [i, "x×—😀", null, true]
      : `s${i}`;
  for (const n of lengths) {
    const items = Array.from({ length: n }, (_, i) => element(i));
    const r = {
      schema_version: "v",
      cells: items,
      cross_run: { curves: items, pareto_frontier: [], nested: { deeper: items } },
      findings: items,
      artifact_manifest: { discovered: items, skipped: [], written: items.slice(0, 2) },
      empty_object: {},
    };
    assert.equal(renderJson(r as unknown as Report), JSON.stringify(r, null, 2) + "\n", `n=${n}`);
  }
});

Deno.test("renderJson: undefined, functions, toJSON and non-plain objects as JSON.stringify has them", () => {
  const date = new Date(Date.UTC(2026, 0, 1));
  const withToJson = { toJSON: (key: string) => `key:${key}` };
  const r = {
    schema_version: "v",
    omitted: undefined,
    fn: () => 1,
    date,
    boxed: Object.assign(Object.create({ inherited: 1 }), { own: 2 }),
    cells: [undefined, () => 1, date, withToJson, { a: undefined, b: withToJson }, ...Array(9)],
    findings: Array.from({ length: 12 }, () => withToJson),
    cross_run: { curves: [], at: date, custom: withToJson, gone: undefined },
    artifact_manifest: { discovered: [date, withToJson], skipped: undefined, written: [] },
    top_custom: withToJson,
  };
  assert.equal(renderJson(r as unknown as Report), JSON.stringify(r, null, 2) + "\n");
});
