import assert from "node:assert/strict";
import { isCampaignManifest, parseManifest } from "./manifest.ts";

Deno.test("manifest: object entries, string entries, timeline_expected", () => {
  const { manifest, issues } = parseManifest({
    expected_cells: [
      { path: "./rigs/h200/cell/", concurrency: 4, model: "gptoss", hw: "h200", isl: 1024 },
      "rigs\\b200\\cell2",
      { conc: 64 },
    ],
    timeline_expected: true,
  });
  assert.deepEqual(issues, []);
  assert.deepEqual(manifest, {
    expected_cells: [
      {
        index: 0,
        path: "rigs/h200/cell",
        match: { hardware: "h200", model: "gptoss", isl: 1024, concurrency: 4 },
      },
      { index: 1, path: "rigs/b200/cell2", match: {} },
      { index: 2, path: null, match: { concurrency: 64 } },
    ],
    timeline_expected: true,
  });
});

Deno.test("manifest: `cells` alias and timeline_expected as a string; default false", () => {
  const a = parseManifest({ cells: ["x"], timeline_expected: "true" }).manifest!;
  assert.equal(a.timeline_expected, true);
  assert.equal(a.expected_cells.length, 1);
  const b = parseManifest({ expected_cells: [] }).manifest!;
  assert.equal(b.timeline_expected, false);
  assert.deepEqual(b.expected_cells, []);
});

Deno.test("manifest: unusable entries become issues, the rest is kept", () => {
  const { manifest, issues } = parseManifest({
    expected_cells: [42, { note: "nothing useful" }, "ok/path", null],
  });
  assert.deepEqual(manifest!.expected_cells.map((e) => e.index), [2]);
  assert.equal(issues.length, 3);
  assert.match(issues[0].message, /0/);
  assert.match(issues[1].message, /1 names no path and no identity/);
});

Deno.test("manifest: numbers given as text match numeric identity keys, and the reverse", () => {
  const { manifest, issues } = parseManifest({
    expected_cells: [
      { model: "kimik2.5", concurrency: "4", isl: " 1024 ", osl: 1024 },
      { framework: 7, conc: "64" },
      { model: "m", concurrency: "sixty-four", precision: false },
    ],
  });
  assert.deepEqual(manifest!.expected_cells.map((e) => e.match), [
    { model: "kimik2.5", isl: 1024, osl: 1024, concurrency: 4 },
    { framework: "7", concurrency: 64 },
    { model: "m" },
  ]);
  assert.deepEqual(issues.map((i) => i.message), [
    'Expected cell 2: concurrency "sixty-four" is not a number; that key is ignored',
    "Expected cell 2: precision false is not text; that key is ignored",
  ]);
});

Deno.test("manifest: every identity and topology field of a cell is matched; other keys are named", () => {
  const { manifest, issues } = parseManifest({
    expected_cells: [
      { model: "gptoss", concurrency: 32, tp: "2", spec_decoding: "mtp", is_multinode: "false" },
      {
        recipe_name: "r1",
        decode_num_workers: 2,
        dp_attention: true,
        hw: "H200",
        hardware: "b200",
      },
      { name: "the c64 point", concurrency: 64, topology: "tp8", conc: 8 },
      { path: "./././runs/" },
      ".",
    ],
  });
  assert.deepEqual(manifest!.expected_cells.map((e) => [e.path, e.match]), [
    [null, { model: "gptoss", concurrency: 32, tp: 2, spec_decoding: "mtp", is_multinode: false }],
    [null, { recipe_name: "r1", decode_num_workers: 2, dp_attention: true, hardware: "b200" }],
    // `concurrency` given, `conc` beside it is only another name for it (and disagrees).
    [null, { concurrency: 64 }],
    ["runs", {}],
    ["", {}],
  ]);
  assert.deepEqual(issues.map((i) => i.message), [
    'Expected cell 1: hw "H200" disagrees with hardware "b200"; that key is ignored',
    'Expected cell 2: "topology" is not a cell field inferguard matches on; that key is ignored',
    "Expected cell 2: conc 8 disagrees with concurrency 64; that key is ignored",
  ]);
});

Deno.test("manifest: an alias beside its field is matched when the field is null, named when they disagree", () => {
  const { manifest, issues } = parseManifest({
    expected_cells: [
      { hardware: null, hw: "b200", conc: 8 },
      { hw: "H200", hardware: "h200", conc: "4", concurrency: 4 },
      { hw: "h200", hardware: "b200", conc: 4, concurrency: 64 },
      { constructor: 1, concurrency: 2 },
    ],
  });
  assert.deepEqual(manifest!.expected_cells.map((e) => e.match), [
    { hardware: "b200", concurrency: 8 },
    { hardware: "h200", concurrency: 4 },
    { hardware: "b200", concurrency: 64 },
    { concurrency: 2 },
  ]);
  assert.deepEqual(issues.map((i) => i.message), [
    'Expected cell 2: hw "h200" disagrees with hardware "b200"; that key is ignored',
    "Expected cell 2: conc 4 disagrees with concurrency 64; that key is ignored",
    'Expected cell 3: "constructor" is not a cell field inferguard matches on; that key is ignored',
  ]);
});

Deno.test("manifest: non-manifests are rejected (power manifest, arrays, scalars)", () => {
  for (const v of [{ samples: "samples.csv", windows: [] }, [], null, "manifest", 1]) {
    assert.equal(isCampaignManifest(v), false, JSON.stringify(v));
    const r = parseManifest(v);
    assert.equal(r.manifest, null);
    assert.equal(r.issues.length, 1);
  }
  assert.equal(isCampaignManifest({ timeline_expected: false }), true);
});

Deno.test("manifest: hardware labels are normalized as a cell's are (mi355x-disagg → mi355x)", () => {
  const { manifest } = parseManifest({
    expected_cells: [
      { hw: "mi355x-disagg", model: "gptoss", concurrency: 64 },
      { hardware: "cluster:B200-nb", concurrency: 8 },
      { hardware: "H200" },
    ],
  });
  assert.deepEqual(manifest!.expected_cells.map((e) => e.match.hardware), [
    "mi355x",
    "b200",
    "h200",
  ]);
});
