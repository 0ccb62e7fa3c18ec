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
