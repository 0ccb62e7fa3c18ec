import { deepStrictEqual, ok } from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as v from "valibot";
import { reportJsonSchema, ReportSchema } from "./schema.ts";
import { analyze } from "./analyze.ts";
import { defaultThresholds } from "./thresholds.ts";
import { parseRawResult } from "../parsers/raw_result.ts";
import { renderJson } from "../render/json.ts";

const SHIPPED = new URL("../schema/report.schema.json", import.meta.url);

Deno.test("the shipped JSON Schema equals the one generated from the valibot schema", () => {
  const shipped = JSON.parse(readFileSync(SHIPPED, "utf8"));
  deepStrictEqual(shipped, reportJsonSchema());
});

Deno.test("a generated report validates against ReportSchema, and a broken one does not", () => {
  const report = analyze({
    inputRoot: "r",
    generatedAt: "2026-01-01T00:00:00Z",
    loaded: [{
      ref: { path: "c4.json", kind: "raw_result", size: 10 },
      result: parseRawResult({
        max_concurrency: 4,
        num_prompts: 40,
        completed: 40,
        p99_ttft_ms: 5,
      }),
    }],
    walkIssues: [],
    timelines: [],
    thresholds: defaultThresholds(),
  });
  const roundTrip = JSON.parse(renderJson(report));
  const ok1 = v.safeParse(ReportSchema, roundTrip);
  ok(ok1.success, JSON.stringify(ok1.issues?.[0]?.path?.map((p) => p.key)));
  const broken = { ...roundTrip, cells: [{ ...roundTrip.cells[0], status: "done" }] };
  ok(!v.safeParse(ReportSchema, broken).success);
});
