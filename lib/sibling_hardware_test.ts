import assert from "node:assert/strict";
import { siblingHardware } from "./sibling_hardware.ts";
import type { CellRecord } from "./types.ts";

const rf = (conc: number, runner = "mi355x-amd_0") =>
  `m_1k1k_fp8_vllm_tp8-ep1-dpafalse_disagg-false_spec-none_conc${conc}_${runner}`;

/** A record of the fixed-seq cell `file:<dir>/<stem>` from `<dir>/<file>`, stating `hw` or none. */
function rec(dir: string, stem: string, file: string, hw: string | null): CellRecord {
  return {
    group_key: `file:${dir ? dir + "/" : ""}${stem}`,
    artifact: `${dir ? dir + "/" : ""}${file}`,
    kind: hw === null ? "raw_result" : "agg",
    source_format: "inferencex-static",
    priority: hw === null ? 20 : 30,
    primary: true,
    identity: hw === null ? {} : { hardware: hw },
    metrics: {},
  };
}

const agg = (dir: string, stem: string, hw: string) => rec(dir, stem, `agg_${stem}.json`, hw);
const raw = (dir: string, stem: string) => rec(dir, stem, `${stem}.json`, null);

Deno.test("siblingHardware: a point with no agg takes the one hardware of its curve's aggs", () => {
  // Another runner of the same machine (its first token) runs the same curve.
  const records = [
    raw("r", rf(64, "mi355x-other_1")),
    agg("r", rf(32), "mi355x"),
    raw("r", rf(32)),
    agg("r", rf(16), "mi355x"),
  ];
  const want = [[`file:r/${rf(64, "mi355x-other_1")}`, {
    hardware: "mi355x",
    from: `r/agg_${rf(16)}.json`,
  }]];
  assert.deepEqual([...siblingHardware(records)], want);
  // Order of the records does not matter (the first file in path order is named).
  assert.deepEqual([...siblingHardware([...records].reverse())], want);
});

Deno.test("siblingHardware: none across directories, other configurations, or disagreeing points", () => {
  const cases: [string, CellRecord[]][] = [
    ["another directory", [agg("a", rf(32), "mi355x"), raw("b", rf(64))]],
    ["another configuration", [
      agg("r", rf(32).replace("tp8", "tp4"), "mi355x"),
      raw("r", rf(64)),
    ]],
    ["two hardware values", [
      agg("r", rf(16), "mi300x"),
      agg("r", rf(32), "mi355x"),
      raw("r", rf(64)),
    ]],
    ["a name that is no RF", [agg("r", "x_conc32", "mi355x"), raw("r", "x_conc64")]],
    ["a cell stating its own", [agg("r", rf(32), "mi355x"), agg("r", rf(64), "b200")]],
    // The same configuration run on another machine: its runner names it, so it is not lent
    // this one's hardware (its own stays unknown rather than guessed).
    ["a runner of another machine", [agg("r", rf(32), "mi355x"), raw("r", rf(64, "b200-nb_0"))]],
  ];
  for (const [name, records] of cases) assert.equal(siblingHardware(records).size, 0, name);
});
