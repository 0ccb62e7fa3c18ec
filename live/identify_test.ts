import assert from "node:assert/strict";
import { identifyFromProbes, identifyPage } from "./identify.ts";
import { parsePrometheusText } from "./prometheus_text.ts";

const load = async (name: string) =>
  parsePrometheusText(
    await Deno.readTextFile(new URL(`../testdata/metrics/${name}`, import.meta.url)),
  );

Deno.test("real pages are classified as engine-metrics.md §8 says", async () => {
  const cases: [string, unknown][] = [
    ["Ahasannn_hardware-aware-router__vllm_metrics.txt", [
      "vllm",
      null,
      "engine",
      [],
      "Qwen/Qwen1.5-0.5B-Chat",
    ]],
    ["ai-dynamo_dynamo__vllm.log", ["vllm", "dynamo", "engine", ["lmcache"], "Qwen/Qwen3-0.6B"]],
    ["ai-dynamo_dynamo__fe.log", [null, null, "frontend", [], "qwen/qwen3-0.6b"]],
    ["ai-dynamo_dynamo__trtllm.log", ["trtllm", "dynamo", "engine", [], "Qwen/Qwen3-0.6B"]],
    [
      "sgl-project_sglang__production_metrics_md_40ef116f.prom",
      ["sglang", null, "engine", [], "meta-llama/Llama-3.1-8B-Instruct"],
    ],
  ];
  for (const [name, want] of cases) {
    const id = identifyPage(await load(name));
    assert.deepEqual([id.engine, id.wrapper, id.kind, id.connectors, id.model], want, name);
    assert.equal(id.role, "unknown", name);
  }
});

Deno.test("the whole page decides, not the first line", () => {
  const text = [
    'lmcache:num_hit_tokens_total{role="worker"} 0',
    'dynamo_component_inflight_requests{dynamo_component="prefill",dynamo_endpoint="generate"} 0',
    'dynamo_component_requests_total{dynamo_component="prefill",dynamo_endpoint="generate"} 4',
    'vllm:num_requests_running{engine="0"} 1',
    'vllm:num_requests_waiting{engine="0"} 0',
    'vllm:nixl_num_failed_transfers_total{engine="0"} 0',
  ].join("\n");
  const id = identifyPage(parsePrometheusText(text));
  assert.deepEqual([id.engine, id.wrapper, id.kind, id.role], [
    "vllm",
    "dynamo",
    "engine",
    "prefill",
  ]);
  assert.deepEqual(id.connectors, ["lmcache", "nixl"]);
  assert.equal(id.role_evidence, 'dynamo_component="prefill"');
});

Deno.test("a node-exporter-like page is unknown, with its top prefixes", () => {
  const text = [
    "# TYPE node_cpu_seconds_total counter",
    'node_cpu_seconds_total{cpu="0",mode="idle"} 1.2e+06',
    'node_cpu_seconds_total{cpu="1",mode="idle"} 1.2e+06',
    "go_goroutines 8",
    "process_cpu_seconds_total 3",
  ].join("\n");
  const id = identifyPage(parsePrometheusText(text));
  assert.deepEqual([id.engine, id.kind, id.other_prefixes], [null, "unknown", ["node_"]]);
});

Deno.test("KVBM, LMCache server and router pages get their own kind", () => {
  const kind = (t: string) => identifyPage(parsePrometheusText(t)).kind;
  assert.equal(kind("kvbm_offload_blocks_d2h 3\n"), "kvbm");
  assert.equal(
    kind('lmcache_mp_lookup_hit_tokens_total 1\ntarget_info{a="b"} 1\n'),
    "lmcache-server",
  );
  assert.equal(kind("inference_pool_average_queue_size 2\n"), "router");
});

Deno.test("probes: SGLang role from /get_server_info, connector from its transfer backend", async () => {
  const id = identifyPage(await load("sgl-project_sglang__production_metrics_md_40ef116f.prom"), {
    probes: {
      modelsOwnedBy: "sglang",
      modelId: "meta-llama/Llama-3.1-8B-Instruct",
      version: null,
      serverInfo: {
        disaggregation_mode: "decode",
        disaggregation_transfer_backend: "mooncake",
        version: "0.4.1",
      },
    },
  });
  assert.deepEqual([id.role, id.connectors, id.version], ["decode", ["mooncake"], "0.4.1"]);
  assert.deepEqual(id.conflicts, []);
});

Deno.test("probes: owned_by contradicting the page is reported, not obeyed", async () => {
  const id = identifyPage(await load("Ahasannn_hardware-aware-router__vllm_metrics.txt"), {
    probes: { modelsOwnedBy: "sglang", modelId: null, version: "0.10.1", serverInfo: null },
  });
  assert.equal(id.engine, "vllm");
  assert.equal(id.conflicts.length, 1);
  assert.equal(id.version, "0.10.1");
});

Deno.test("SGLang PD gauges reveal the role", () => {
  const p = identifyPage(
    parsePrometheusText("sglang:num_running_reqs 1\nsglang:num_prefill_inflight_queue_reqs 2\n"),
  );
  assert.equal(p.role, "prefill");
  const d = identifyPage(
    parsePrometheusText("sglang:num_running_reqs 1\nsglang:num_decode_transfer_queue_reqs 1\n"),
  );
  assert.equal(d.role, "decode");
});

Deno.test("--engine overrides the page; --engine dynamo only sets the wrapper", async () => {
  const page = await load("ai-dynamo_dynamo__trtllm.log");
  assert.deepEqual(
    [
      identifyPage(page, { engine: "vllm" }).engine,
      identifyPage(page, { engine: "vllm" }).decided_by,
    ],
    ["vllm", "override"],
  );
  const sg = identifyPage(await load("sgl-project_sglang__production_metrics_md_40ef116f.prom"), {
    engine: "dynamo",
  });
  assert.deepEqual([sg.engine, sg.wrapper], ["sglang", "dynamo"]);
});

Deno.test("identifyFromProbes: a page-less endpoint keeps what its probes say", () => {
  const sglang = identifyFromProbes({
    modelsOwnedBy: null,
    modelId: null,
    version: null,
    serverInfo: {
      disaggregation_mode: "decode",
      disaggregation_transfer_backend: "mooncake",
      version: "0.5.1",
    },
  });
  assert.deepEqual(
    [sglang.engine, sglang.kind, sglang.decided_by, sglang.role, sglang.connectors, sglang.version],
    ["sglang", "engine", "probe", "decode", ["mooncake"], "0.5.1"],
  );
  const vllm = identifyFromProbes({
    modelsOwnedBy: "vllm",
    modelId: "Qwen/Qwen3-0.6B",
    version: "0.11.0",
    serverInfo: null,
  });
  assert.deepEqual([vllm.engine, vllm.role, vllm.model, vllm.version], [
    "vllm",
    "unknown",
    "Qwen/Qwen3-0.6B",
    "0.11.0",
  ]);
  assert.equal(vllm.role_evidence, "no page; no role marker in the probes");
  const none = identifyFromProbes(null);
  assert.deepEqual([none.engine, none.kind, none.decided_by], [null, "unknown", "none"]);
  const forced = identifyFromProbes(null, { engine: "trtllm" });
  assert.deepEqual([forced.engine, forced.kind, forced.decided_by], [
    "trtllm",
    "engine",
    "override",
  ]);
});
