import assert from "node:assert/strict";
import { connectorMismatch } from "./connector_mismatch.ts";
import { endpointSample, pairSample } from "./_test_sample.ts";

const cases: { name: string; p: string[]; d: string[]; want: number }[] = [
  { name: "quiet: no evidence on either side", p: [], d: [], want: 0 },
  { name: "quiet: one side without evidence never fires", p: ["nixl"], d: [], want: 0 },
  {
    name: "quiet: CPU offload is not a transfer connector",
    p: ["nixl", "cpu-offload"],
    d: ["cpu-offload"],
    want: 0,
  },
  {
    name: "at threshold: one shared connector is a match",
    p: ["lmcache", "nixl"],
    d: ["nixl"],
    want: 0,
  },
  { name: "firing: different connectors", p: ["nixl"], d: ["mooncake"], want: 1 },
];

for (const c of cases) {
  Deno.test(`connector_mismatch: ${c.name}`, () => {
    const got = connectorMismatch.check(
      pairSample(endpointSample({ connectors: c.p }), endpointSample({ connectors: c.d })),
      {},
    );
    assert.equal(got.length, c.want);
    if (c.want) {
      assert.equal(got[0].message, "Prefill shows KV connector nixl but decode shows mooncake");
      assert.deepEqual(got[0].evidence, {
        prefill_connectors: ["nixl"],
        decode_connectors: ["mooncake"],
      });
    }
  });
}
