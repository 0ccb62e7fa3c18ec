import assert from "node:assert/strict";
import { connectorMismatch } from "./connector_mismatch.ts";
import { endpointSample, failedScrape, pairSample } from "./_test_sample.ts";
import type { EndpointSample } from "../window.ts";

const BOTH = {
  message: "Prefill shows KV connector nixl but decode shows mooncake",
  evidence: { prefill_connectors: ["nixl"], decode_connectors: ["mooncake"] },
};
/** The finding when `shown` shows NIXL and the vLLM `silent` side shows nothing. */
const oneSided = (
  shown: "prefill" | "decode",
  versions: { prefill: string | null; decode: string | null } = { prefill: null, decode: null },
) => {
  const silent = shown === "prefill" ? "decode" : "prefill";
  return {
    message:
      `${shown === "prefill" ? "Prefill" : "Decode"} shows KV connector nixl but ${silent} ` +
      "shows none: its vLLM page has no vllm:nixl_* families, which vLLM exports whenever it " +
      "runs that connector",
    evidence: {
      prefill_connectors: shown === "prefill" ? ["nixl"] : [],
      decode_connectors: shown === "decode" ? ["nixl"] : [],
      silent_side: silent,
      silent_side_engine: "vllm",
      expected_families: ["vllm:nixl_*"],
      versions,
    },
  };
};

const cases: {
  name: string;
  p: Partial<EndpointSample>;
  d: Partial<EndpointSample>;
  want: { message: string; evidence: Record<string, unknown> } | null;
}[] = [
  { name: "quiet: no evidence on either side", p: {}, d: {}, want: null },
  {
    name: "quiet: CPU offload is not a transfer connector",
    p: { connectors: ["nixl", "cpu-offload"] },
    d: { connectors: ["nixl", "cpu-offload"] },
    want: null,
  },
  {
    name: "at threshold: one shared connector is a match",
    p: { connectors: ["lmcache", "nixl"] },
    d: { connectors: ["nixl"] },
    want: null,
  },
  {
    name: "firing: different connectors",
    p: { connectors: ["nixl"] },
    d: { connectors: ["mooncake"] },
    want: BOTH,
  },
  {
    name: "firing: prefill shows NIXL, the decode vLLM page none",
    p: { connectors: ["nixl"] },
    d: {},
    want: oneSided("prefill"),
  },
  {
    name: "firing: decode shows NIXL, the prefill vLLM page none",
    p: {},
    d: { connectors: ["nixl"] },
    want: oneSided("decode"),
  },
  {
    name: "at threshold: both vLLM versions known and equal",
    p: { connectors: ["nixl"], version: "0.11.0" },
    d: { version: "0.11.0" },
    want: oneSided("prefill", { prefill: "0.11.0", decode: "0.11.0" }),
  },
  {
    name: "quiet: a vLLM of another known version may predate the connector's families",
    p: { connectors: ["nixl"], version: "0.11.0" },
    d: { version: "0.9.2" },
    want: null,
  },
  {
    name: "quiet: the silent side is SGLang, whose backend shows only in /get_server_info",
    p: { connectors: ["nixl"] },
    d: { engine: "sglang" },
    want: null,
  },
  {
    name: "quiet: the silent side is TensorRT-LLM, which has no connector families",
    p: { connectors: ["nixl"] },
    d: { engine: "trtllm" },
    want: null,
  },
  {
    name: "quiet: the silent vLLM page has no vLLM families (engine named by the probes)",
    p: { connectors: ["nixl"] },
    d: { engine_decided_by: "probe" },
    want: null,
  },
  {
    name: "quiet: the silent side's scrape failed",
    p: { connectors: ["nixl"] },
    d: { scrape: failedScrape("refused") },
    want: null,
  },
  {
    name: "quiet: LMCache alone on one side is a cache tier, not a P/D connector",
    p: { connectors: ["lmcache"] },
    d: {},
    want: null,
  },
  {
    name: "quiet: the Mooncake store alone on one side is a cache tier, not a P/D connector",
    p: { connectors: ["mooncake-store"] },
    d: {},
    want: null,
  },
];

for (const c of cases) {
  Deno.test(`connector_mismatch: ${c.name}`, () => {
    const got = connectorMismatch.check(
      pairSample(endpointSample(c.p), endpointSample(c.d)),
      {},
    );
    assert.deepEqual(got.map((f) => ({ message: f.message, evidence: f.evidence })), [
      ...(c.want ? [c.want] : []),
    ]);
  });
}
