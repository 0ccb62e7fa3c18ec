import assert from "node:assert/strict";
import { countEvalSamples } from "./eval_samples.ts";

async function* iter(lines: string[]): AsyncIterable<string> {
  for (const line of lines) yield line;
}

Deno.test("eval samples: counts JSON lines with doc_id", async () => {
  const r = await countEvalSamples(
    iter([
      '\ufeff{"doc_id": 0, "resps": [["a"]]}',
      '{"doc_id": 1}\r',
      "",
      '{"doc_id": 2, "target": "x"}',
    ]),
  );
  assert.deepEqual(r, { count: 3, issues: [] });
});

Deno.test("eval samples: bad lines are issues with their line numbers", async () => {
  const r = await countEvalSamples(
    iter(['{"doc_id": 0}', '{"doc_id": 1', "[1]", '{"resps": []}', '{"doc_id": null}']),
  );
  assert.equal(r.count, 1);
  assert.deepEqual(r.issues.map((i) => i.line), [2, 3, 4, 5]);
  assert.match(r.issues[0].message, /^Invalid JSON: /);
  assert.deepEqual(r.issues.slice(1).map((i) => i.message), [
    "Sample line is not a JSON object",
    "Sample line has no doc_id",
    "Sample line has no doc_id",
  ]);
});

Deno.test("eval samples: empty input counts zero", async () => {
  assert.deepEqual(await countEvalSamples(iter([])), { count: 0, issues: [] });
});

Deno.test("eval samples: issue list is capped with a summary", async () => {
  const lines = Array.from({ length: 150 }, () => "garbage");
  const r = await countEvalSamples(iter(lines));
  assert.equal(r.count, 0);
  assert.equal(r.issues.length, 101);
  assert.deepEqual(r.issues[100], { line: 150, message: "50 more line issues not listed" });
});
