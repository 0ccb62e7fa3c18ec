import assert from "node:assert/strict";
import { jsonDepthOver, loadAll, readsWhole } from "./load.ts";
import { walkResults } from "./walk.ts";

Deno.test("jsonDepthOver finds the first byte past the nesting limit, ignoring brackets in strings", () => {
  assert.equal(jsonDepthOver('{"a": [1, {"b": "[[[["}]}', 3), null);
  assert.equal(jsonDepthOver('{"a": [1, {"b": "[[[["}]}', 2), 10);
  assert.equal(jsonDepthOver('{"s": "\\"[[[", "t": [[[]]]}', 3), 22);
  assert.equal(jsonDepthOver("[".repeat(100_000), 1000), 1000);
  // Exactly at the limit passes; one more level is caught at its byte.
  assert.equal(jsonDepthOver("[".repeat(1000) + "]".repeat(1000), 1000), null);
  assert.equal(jsonDepthOver("[".repeat(1001) + "]".repeat(1001), 1000), 1000);
  // Many brackets side by side (more than the limit in total) are not nesting.
  assert.equal(jsonDepthOver("[" + "[1],".repeat(5000) + "[1]]", 1000), null);
  assert.equal(jsonDepthOver(`{"a": "${"x".repeat(5000)}"}`, 10), null);
});

Deno.test("loadAll: files the walk left unsized get the size of what was read", async () => {
  const root = await Deno.makeTempDir({ prefix: "inferguard_load_" });
  try {
    const agg = await Deno.readTextFile(
      new URL(
        "../../testdata/cases/eval_join/input/bmk/agg_dsr1_1k8k_fp4_trt_tp4-ep4-dpatrue_disagg-false_spec-mtp_conc256_b200-nb_1.json",
        import.meta.url,
      ),
    );
    await Deno.writeTextFile(`${root}/agg_x.json`, agg);
    await Deno.writeTextFile(`${root}/notes.json`, "{not json");
    await Deno.writeTextFile(`${root}/server.log`, "x".repeat(42));
    const walked = await walkResults(root, { isTimeline: () => false, sizeFromRead: readsWhole });
    assert.deepEqual(
      walked.artifacts.map((a) => [a.path, a.size]),
      [["agg_x.json", null], ["notes.json", null], ["server.log", 42]],
    );
    const loaded = await loadAll(root, walked.artifacts);
    assert.deepEqual(
      loaded.map((l) => [l.ref.path, l.ref.kind, l.ref.size]),
      [
        ["agg_x.json", "agg", new TextEncoder().encode(agg).length],
        ["notes.json", "json_other", 9],
        [
          "server.log",
          "log",
          42,
        ],
      ],
    );
    assert.equal(loaded[1].result?.unreadable, true);
    // Deleted between the walk and the read: unreadable, size 0, no throw.
    await Deno.remove(`${root}/agg_x.json`);
    const [gone] = await loadAll(root, [walked.artifacts[0]]);
    assert.equal(gone.ref.size, 0);
    assert.match(gone.result?.issues[0].message ?? "", /^Cannot read: not found/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
