import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import { parseAggCollection } from "./agg_collection.ts";

Deno.test("collection: one draft per row, sub_key = row index, mixed kinds", () => {
  const r = parseAggCollection([
    { hw: "h200", conc: 4, tp: 8, is_multinode: false, tput_per_gpu: 80 },
    {
      hw: "mi355x-disagg",
      conc: 64,
      is_multinode: true,
      num_prefill_gpu: 8,
      num_decode_gpu: 8,
      tput_per_gpu: 625,
    },
    {
      scenario_type: "agentic-coding",
      infmax_model_prefix: "dsr1",
      hw: "b200",
      conc: 8,
      tp: 4,
      users: 8,
      tput_per_gpu: 1000,
    },
  ]);
  assert.equal(r.unreadable, false);
  assert.deepEqual(r.drafts.map((d) => d.sub_key), ["0", "1", "2"]);
  assert.equal(r.drafts[0].identity.hardware, "h200");
  assert.equal(r.drafts[1].identity.hardware, "mi355x");
  assert.equal(r.drafts[1].metrics.num_gpus, 16);
  assert.equal(r.drafts[2].identity.scenario_type, "agentic-coding");
  assert.ok(r.drafts.every((d) => d.primary));
});

Deno.test("collection: [] is an empty collection; non-object rows are issues", () => {
  assert.deepEqual(parseAggCollection([]), { drafts: [], issues: [], unreadable: false });
  const r = parseAggCollection([1, { hw: "h200", tput_per_gpu: 5 }, null]);
  assert.deepEqual(r.drafts.map((d) => d.sub_key), ["1"]);
  assert.deepEqual(r.issues.map((i) => i.message), [
    "Row 0 is not an object",
    "Row 2 is not an object",
  ]);
});

Deno.test("collection: a non-array is unreadable", () => {
  for (const v of [{}, null, "x"]) assert.equal(parseAggCollection(v).unreadable, true);
});

Deno.test({
  name: "collection: real agg_bmk.json gives 17 drafts matching its rows",
  ignore: !HAS_REALDATA,
  fn() {
    const rows = JSON.parse(readFileSync(realdata("collected/agg_bmk.json"), "utf8"));
    const r = parseAggCollection(rows);
    assert.equal(r.drafts.length, 17);
    assert.deepEqual(r.issues, []);
    rows.forEach((row: Record<string, unknown>, i: number) => {
      assert.equal(r.drafts[i].identity.concurrency, row.conc);
      assert.equal(r.drafts[i].metrics.tput_per_gpu, row.tput_per_gpu);
      assert.equal(r.drafts[i].identity.is_multinode, row.is_multinode);
    });
  },
});

Deno.test("collection: a row with no agg field ({} or unknown keys) is an issue, not a cell of nulls", () => {
  const r = parseAggCollection([{ hw: "h200", conc: 4, tput_per_gpu: 80 }, {}, { note: "x" }]);
  assert.deepEqual(r.drafts.map((d) => d.sub_key), ["0"]);
  assert.deepEqual(r.issues.map((i) => i.message), [
    "Row 1 has no field of an agg row; skipped",
    "Row 2 has no field of an agg row; skipped",
  ]);
  assert.equal(r.unreadable, false);
});

Deno.test("collection: app API rows get the nested-metrics checks; evaluation rows are skipped", () => {
  const r = parseAggCollection([
    {
      hardware: "h200",
      model: "dsr1",
      framework: "sglang",
      conc: 4,
      metrics: { tput_per_gpu: 100, median_ttft: "abc", p99_ttft: -5, median_tpot: 0.01 },
    },
    {
      hardware: "h200",
      model: "dsr1",
      framework: "sglang",
      conc: 4,
      task: "gsm8k",
      metrics: { n_eff: 1319, em_strict: 0.9 },
    },
  ]);
  assert.equal(r.drafts.length, 1);
  assert.equal(r.drafts[0].metrics.tput_per_gpu, 100);
  assert.equal(r.drafts[0].metrics.p99_ttft ?? null, null, "a negative TTFT is left out");
  const messages = r.issues.map((i) => i.message);
  assert.ok(
    messages.some((m) => m.startsWith('Row 0: Field "metrics.median_ttft"')),
    messages.join("\n"),
  );
  assert.ok(
    messages.some((m) => m.startsWith('Row 0: Field "metrics.p99_ttft"')),
    messages.join("\n"),
  );
  assert.ok(
    messages.includes('Row 1 is an evaluation row (task "gsm8k"), not a benchmark point; skipped'),
    messages.join("\n"),
  );
});
