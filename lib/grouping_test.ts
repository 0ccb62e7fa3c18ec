import assert from "node:assert/strict";
import { groupKeys } from "./grouping.ts";
import type { ArtifactKind, ArtifactRef } from "./types.ts";

const ref = (path: string, kind: ArtifactKind): ArtifactRef => ({ path, kind, size: 1 });

Deno.test("groupKeys: an AgentX run's sibling directories share one key; two campaigns do not", () => {
  const run = (root: string) => [
    ref(`${root}bmk_agentic_u8/agg_u8.json`, "agentx_agg"),
    ref(`${root}agentic_u8/trace_replay/detailed_results.csv`, "detailed_results"),
    ref(`${root}server_logs_u8/server.log`, "log"),
  ];
  const keys = groupKeys([...run(""), ...run("campaign1/"), ...run("campaign2/")]);
  assert.deepEqual(keys, [
    "run:u8",
    "run:u8",
    "run:u8",
    "run:campaign1/u8",
    "run:campaign1/u8",
    "run:campaign1/u8",
    "run:campaign2/u8",
    "run:campaign2/u8",
    "run:campaign2/u8",
  ]);
  // Several aggs in one directory: each by its stem, beside the same parent's run directories.
  assert.deepEqual(
    groupKeys([
      ref("c1/aggs/a_u8.json", "agentx_agg"),
      ref("c1/aggs/a_u16.json", "agentx_agg"),
    ]),
    ["run:c1/a_u8", "run:c1/a_u16"],
  );
});
