import assert from "node:assert/strict";
import { identifyFromProbes, identifyPage } from "./identify.ts";
import { parsePrometheusText } from "./prometheus_text.ts";
import { declarationsOnly, histogramText, standaloneTrtllmPage } from "./_test_pages.ts";

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

Deno.test("the Mooncake store connector is a cache tier, not the P/D Mooncake connector", () => {
  const page = (lines: string[]) =>
    identifyPage(
      parsePrometheusText(['vllm:num_requests_running{engine="0"} 1', ...lines].join("\n")),
    )
      .connectors;
  const store =
    'vllm:mooncake_store_operation_time_seconds_count{engine="0",operation="get",status="ok"} 3';
  assert.deepEqual(page([store]), ["mooncake-store"]);
  assert.deepEqual(page([store, 'vllm:mooncake_num_failed_transfers_total{engine="0"} 0']), [
    "mooncake",
    "mooncake-store",
  ]);
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

const TRT_PROBES = (ownedBy: string | null) => ({
  modelsOwnedBy: ownedBy,
  modelId: ownedBy ? "Qwen/Qwen3-0.6B" : null,
  version: null,
  serverInfo: null,
});

Deno.test("stand-alone 1.1.0rc5 TensorRT-LLM: its five unprefixed families identify it, busy or idle", async () => {
  const text = standaloneTrtllmPage(
    await Deno.readTextFile(
      new URL("../testdata/metrics/ai-dynamo_dynamo__trtllm.log", import.meta.url),
    ),
  );
  for (const [name, page] of [["busy", text], ["idle", declarationsOnly(text)]]) {
    for (const probes of [null, TRT_PROBES("tensorrt_llm")]) {
      const id = identifyPage(parsePrometheusText(page), { probes });
      assert.deepEqual(
        [id.engine, id.wrapper, id.kind, id.decided_by, id.conflicts, id.other_prefixes],
        ["trtllm", null, "engine", "page", [], []],
        `${name}, probes ${probes?.modelsOwnedBy ?? "none"}`,
      );
    }
  }
  // 124 samples in the capture (§8.4): 23 dynamo_component_* and 5 _created are not families.
  assert.deepEqual(identifyPage(parsePrometheusText(text)).prefix_counts, { trtllm: 96 });
});

Deno.test("generic unprefixed names alone are not TensorRT-LLM's", () => {
  const id = (text: string, ownedBy: string | null = null) =>
    identifyPage(parsePrometheusText(text), { probes: TRT_PROBES(ownedBy) });
  const hist = (name: string) =>
    `# TYPE ${name} histogram\n` + histogramText(name, {}, { bounds: [1], counts: [1, 2], sum: 2 });
  // Two of the five, from some other server: unknown, with its prefixes as evidence.
  const two = [hist("time_to_first_token_seconds"), hist("e2e_request_latency_seconds")].join("\n");
  assert.deepEqual([id(two).engine, id(two).kind, id(two).other_prefixes], [
    null,
    "unknown",
    ["e2e_", "time_"],
  ]);
  // The same two with /v1/models saying tensorrt_llm: TensorRT-LLM's, read from the page.
  assert.deepEqual([id(two, "tensorrt_llm").engine, id(two, "tensorrt_llm").decided_by], [
    "trtllm",
    "page",
  ]);
  const all = [
    two,
    hist("time_per_output_token_seconds"),
    hist("request_queue_time_seconds"),
    '# TYPE request_success_total counter\nrequest_success_total{finished_reason="stop"} 2',
  ].join("\n");
  assert.equal(id(all).engine, "trtllm");
  // All five, but /v1/models names another engine: not taken for TensorRT-LLM.
  assert.deepEqual([id(all, "vllm").engine, id(all, "vllm").decided_by], ["vllm", "probe"]);
  // Declared with another type, they are not the TensorRT-LLM families.
  const gauges = all.replace(
    "# TYPE time_to_first_token_seconds histogram",
    "# TYPE time_to_first_token_seconds gauge",
  );
  assert.equal(id(gauges).engine, null);
  // Next to an engine's prefixed families they are never counted as TensorRT-LLM's.
  const vllm = identifyPage(parsePrometheusText(`${all}\nvllm:num_requests_running 1\n`));
  assert.deepEqual([vllm.engine, vllm.prefix_counts], ["vllm", { vllm: 1 }]);
});

Deno.test("probes: an owned_by named like an Object.prototype member names no engine", async () => {
  for (const owner of ["constructor", "toString", "hasOwnProperty"]) {
    const id = identifyPage(await load("Ahasannn_hardware-aware-router__vllm_metrics.txt"), {
      probes: { modelsOwnedBy: owner, modelId: null, version: null, serverInfo: null },
    });
    assert.equal(id.engine, "vllm", owner);
    assert.deepEqual(id.conflicts, [], owner);
    const bare = identifyPage(parsePrometheusText("process_start_time_seconds 1\n"), {
      probes: { modelsOwnedBy: owner, modelId: null, version: null, serverInfo: null },
    });
    assert.equal(bare.engine, null, owner);
  }
});
