/**
 * Identify engine, wrapper, page kind, role and KV connectors of one `/metrics` page.
 *
 * Decides from the whole page (family prefixes counted over every sample name), never from the
 * first line, then cross-checks with the cheap probes the IO layer ran (`/v1/models` `owned_by`,
 * `/version`, SGLang `/get_server_info`). 1.1.0rc5-era TensorRT-LLM pages carry no prefix: their
 * five generic family names count only on a page without engine prefixes, all five of them, or
 * any of them with `/v1/models` saying `tensorrt_llm` (see {@link identifyPage}).
 * @module
 */
import type { PromPage } from "./prometheus_text.ts";
import { addCount } from "../lib/group_by.ts";

/** Serving engine behind an endpoint. */
export type Engine = "vllm" | "sglang" | "trtllm";

/** What kind of page an endpoint serves. */
export type PageKind = "engine" | "frontend" | "kvbm" | "lmcache-server" | "router" | "unknown";

/** Role of an endpoint in a P/D deployment. */
export type Role = "prefill" | "decode" | "both" | "unknown";

/** `--engine` values. */
export type EngineOverride = "auto" | "vllm" | "sglang" | "dynamo" | "trtllm";

/** Results of the cheap side probes (all optional; `null` when not answered). */
export interface Probes {
  /** `owned_by` of the first model in `/v1/models`. */
  modelsOwnedBy: string | null;
  /** First model id in `/v1/models`. */
  modelId: string | null;
  /** `version` field of `/version` (or of `/get_server_info`). */
  version: string | null;
  /** SGLang `/get_server_info` body. */
  serverInfo: Record<string, unknown> | null;
}

/** What the page (and probes) say about an endpoint. */
export interface Identification {
  engine: Engine | null;
  wrapper: "dynamo" | null;
  kind: PageKind;
  role: Role;
  /** Why the role was decided (series or probe), or why it is unknown. */
  role_evidence: string;
  /**
   * KV connectors with positive evidence, sorted (`cpu-offload`, `lmcache`, `mooncake`,
   * `mooncake-store`, `nixl`).
   */
  connectors: string[];
  model: string | null;
  version: string | null;
  /**
   * Sample counts per recognised family prefix (`_created` excluded). `trtllm` also counts the
   * unprefixed families of 1.1.0rc5-era TensorRT-LLM when they identify the page.
   */
  prefix_counts: Record<string, number>;
  /** Most frequent unrecognised prefixes, for `engine_unidentified` evidence. */
  other_prefixes: string[];
  /**
   * How the engine was decided: `page` when the page carries the engine's families (including
   * unprefixed TensorRT-LLM families that `/v1/models` confirmed), `probe` when only the probes
   * named it, `override` for `--engine`, `none`.
   */
  decided_by: "page" | "probe" | "override" | "none";
  /** Probe answers that contradict the page. */
  conflicts: string[];
}

const PREFIXES: [string, string][] = [
  ["vllm:", "vllm"],
  ["sglang:", "sglang"],
  ["trtllm_", "trtllm"],
  ["trtllm:", "trtllm"],
  ["nv_trt_llm_", "trtllm"],
  ["dynamo_frontend_", "dynamo_frontend"],
  ["dynamo_component_", "dynamo_component"],
  ["kvbm_", "kvbm"],
  ["lmcache:", "lmcache"],
  ["lmcache_mp_", "lmcache_mp"],
  ["inference_pool_", "llm_d"],
  ["inference_objective_", "llm_d"],
  ["inference_extension_", "llm_d"],
  ["llm_d_", "llm_d"],
];

const IGNORED = ["python_", "process_", "http_", "target_info", "go_", "promhttp_"];

/** The histograms of 1.1.0rc5-era TensorRT-LLM pages, without a prefix (reference §4.4). */
const TRTLLM_UNPREFIXED_HISTOGRAMS = [
  "e2e_request_latency_seconds",
  "time_to_first_token_seconds",
  "time_per_output_token_seconds",
  "request_queue_time_seconds",
];

/**
 * Which of the five families 1.1.0rc5-era TensorRT-LLM exports without a prefix (reference §4.4:
 * the counter `request_success_total{finished_reason}` and four latency histograms) a page
 * carries, sorted. A family counts when it is declared with its TensorRT-LLM type (`# TYPE`,
 * even without samples, as an idle server prints it) or, undeclared, has samples of that shape;
 * one declared with another type does not. The names are generic, so their presence alone is
 * weak evidence: see {@link identifyPage} for when they identify TensorRT-LLM.
 *
 * @example
 * ```ts
 * const page = parsePrometheusText('# TYPE request_success_total counter\nrequest_success_total{finished_reason="length"} 2\n');
 * trtllmUnprefixedFamilies(page); // ["request_success_total"]
 * ```
 */
export function trtllmUnprefixedFamilies(page: PromPage): string[] {
  const typed = (name: string) => page.families.get(name)?.type ?? "unknown";
  const found: string[] = [];
  const counterType = [typed("request_success_total"), typed("request_success")];
  if (
    counterType.includes("counter") ||
    (counterType.every((t) => t === "unknown") && page.samples.has("request_success_total"))
  ) {
    found.push("request_success_total");
  }
  for (const name of TRTLLM_UNPREFIXED_HISTOGRAMS) {
    const type = typed(name);
    const shaped = ["_bucket", "_count"].some((suffix) => page.samples.has(`${name}${suffix}`));
    if (type === "histogram" || (type === "unknown" && shaped)) found.push(name);
  }
  return found.sort();
}

const OWNED_BY: Record<string, Engine> = {
  vllm: "vllm",
  sglang: "sglang",
  tensorrt_llm: "trtllm",
  trtllm: "trtllm",
};

/** The engine a `/v1/models` `owned_by` names, or `null` (own keys only: the value is the server's). */
function ownedBy(owner: string): Engine | null {
  return Object.hasOwn(OWNED_BY, owner) ? OWNED_BY[owner] : null;
}

function prefixOf(name: string): string | null {
  for (const [prefix, key] of PREFIXES) if (name.startsWith(prefix)) return key;
  return null;
}

function firstValue(page: PromPage, name: string): number | null {
  const s = page.samples.get(name);
  return s && s.length ? s[0].value : null;
}

function anyPositive(page: PromPage, names: string[]): string | null {
  for (const n of names) {
    for (const s of page.samples.get(n) ?? []) if (s.value > 0) return n;
  }
  return null;
}

/**
 * Identify one page; `options.engine` forces the engine (or the Dynamo wrapper). Unprefixed
 * TensorRT-LLM families ({@link trtllmUnprefixedFamilies}) identify TensorRT-LLM only on a page
 * without an engine prefix (`vllm:`, `sglang:`, `trtllm_`, `trtllm:`, `nv_trt_llm_`), and only
 * when all five are present (the build registers them together, so even an idle server
 * declares them) or when `/v1/models` says `tensorrt_llm` and at least one is; never when the
 * probe names another engine.
 */
export function identifyPage(
  page: PromPage,
  options: { probes?: Probes | null; engine?: EngineOverride } = {},
): Identification {
  const probes = options.probes ?? null;
  const probeEngine = probes?.modelsOwnedBy ? ownedBy(probes.modelsOwnedBy) : null;
  // 1.1.0rc5-era TensorRT-LLM names its five families without a prefix. Those names are
  // generic, so they identify TensorRT-LLM only on a page without any engine prefix, and only
  // when all five are there (the build registers them together, so even an idle page declares
  // all five) or when /v1/models says tensorrt_llm and at least one is there; never when the
  // probe names another engine.
  let prefixed = false;
  for (const name of page.samples.keys()) {
    const key = prefixOf(name);
    if (key === "vllm" || key === "sglang" || key === "trtllm") prefixed = true;
  }
  const unprefixed = prefixed ? [] : trtllmUnprefixedFamilies(page);
  const unprefixedTrtllm = unprefixed.length > 0 &&
    (probeEngine === null
      ? unprefixed.length === TRTLLM_UNPREFIXED_HISTOGRAMS.length + 1
      : probeEngine === "trtllm");
  const unprefixedNames = new Set<string>();
  if (unprefixedTrtllm) {
    for (const family of unprefixed) {
      if (family === "request_success_total") unprefixedNames.add(family);
      else for (const suffix of ["_bucket", "_sum", "_count"]) unprefixedNames.add(family + suffix);
    }
  }
  const counts: Record<string, number> = {};
  const others: Record<string, number> = {};
  for (const [name, list] of page.samples) {
    const key = unprefixedNames.has(name) ? "trtllm" : prefixOf(name);
    if (key) addCount(counts, key, list.length);
    else if (!IGNORED.some((p) => name.startsWith(p))) {
      const m = /^[a-zA-Z0-9]+[_:]/.exec(name);
      const p = m ? m[0] : name;
      addCount(others, p, list.length);
    }
  }
  const conflicts: string[] = [];
  const pageEngines = (["vllm", "sglang", "trtllm"] as Engine[]).filter((e) =>
    (counts[e] ?? 0) > 0
  );
  // The engine with most samples wins when several appear (never the first line).
  pageEngines.sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0));
  let engine: Engine | null = pageEngines[0] ?? (unprefixedTrtllm ? "trtllm" : null);
  let decidedBy: Identification["decided_by"] = engine ? "page" : "none";
  if (engine && probeEngine && probeEngine !== engine) {
    conflicts.push(
      `/v1/models owned_by "${probes?.modelsOwnedBy}" but the page has ${engine} families`,
    );
  }
  if (!engine && probeEngine && page.samples.size > 0 && !counts.dynamo_frontend) {
    engine = probeEngine;
    decidedBy = "probe";
  }
  let wrapper: "dynamo" | null = (counts.dynamo_component ?? 0) > 0 ? "dynamo" : null;
  const override = options.engine ?? "auto";
  if (override === "dynamo") wrapper = "dynamo";
  else if (override !== "auto") {
    engine = override;
    decidedBy = "override";
  }

  let kind: PageKind = "unknown";
  if (engine) kind = "engine";
  else if (counts.dynamo_frontend) kind = "frontend";
  else if (counts.kvbm) kind = "kvbm";
  else if (counts.lmcache_mp) kind = "lmcache-server";
  else if (counts.llm_d) kind = "router";

  const connectors = new Set<string>();
  for (const name of page.samples.keys()) {
    if (name.startsWith("vllm:nixl_")) connectors.add("nixl");
    // The Mooncake store connector is a KV cache tier (reference §4.1), not the P/D transfer.
    else if (name.startsWith("vllm:mooncake_store_")) connectors.add("mooncake-store");
    else if (name.startsWith("vllm:mooncake_")) connectors.add("mooncake");
    else if (name.startsWith("lmcache:") || name.startsWith("vllm:lmcache_mp_")) {
      connectors.add("lmcache");
    } else if (name.startsWith("vllm:kv_offload_") || name.startsWith("vllm:simple_cpu_offload_")) {
      connectors.add("cpu-offload");
    }
  }
  for (const s of page.samples.get("vllm:cache_config_info") ?? []) {
    const backend = s.labels.kv_offloading_backend;
    if (backend && backend !== "None" && backend !== "") connectors.add("cpu-offload");
  }
  const backend = probes?.serverInfo?.disaggregation_transfer_backend;
  if (typeof backend === "string" && backend !== "" && probes?.serverInfo?.disaggregation_mode) {
    const mode = probes.serverInfo.disaggregation_mode;
    if (mode === "prefill" || mode === "decode") connectors.add(backend.toLowerCase());
  }

  const { role, evidence } = decideRole(page, engine, probes);
  let model: string | null = null;
  for (const list of page.samples.values()) {
    const labels = list[0].labels;
    model = labels.model_name ?? labels.model ?? null;
    if (model) break;
  }
  model ??= probes?.modelId ?? null;
  const versionFromInfo = probes?.serverInfo?.version;
  return {
    engine,
    wrapper,
    kind,
    role,
    role_evidence: evidence,
    connectors: [...connectors].sort(),
    model,
    version: probes?.version ?? (typeof versionFromInfo === "string" ? versionFromInfo : null),
    prefix_counts: Object.fromEntries(
      Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)),
    ),
    other_prefixes: Object.entries(others)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, 5)
      .map(([p]) => p),
    decided_by: decidedBy,
    conflicts,
  };
}

/**
 * Identify an endpoint from its probes alone, for a scrape that returned no page (a 404 on
 * `/metrics`, a JSON body, an HTTP error): engine from `/v1/models` `owned_by` (or SGLang's
 * `/get_server_info`), role from `disaggregation_mode`, model and version from the probes.
 *
 * @example
 * ```ts
 * const id = identifyFromProbes({
 *   modelsOwnedBy: "sglang", modelId: "m", version: null,
 *   serverInfo: { disaggregation_mode: "prefill" },
 * });
 * [id.engine, id.role]; // ["sglang", "prefill"]
 * ```
 */
export function identifyFromProbes(
  probes: Probes | null,
  options: { engine?: EngineOverride } = {},
): Identification {
  const empty: PromPage = {
    families: new Map(),
    samples: new Map(),
    sampleCount: 0,
    createdCount: 0,
    eof: false,
    issues: [],
  };
  const id = identifyPage(empty, { probes, engine: options.engine });
  if (id.engine === null && probes) {
    const owned = probes.modelsOwnedBy ? ownedBy(probes.modelsOwnedBy) : null;
    const info = probes.serverInfo;
    const sglangInfo = info !== null && "disaggregation_mode" in info ? "sglang" : null;
    const engine = owned ?? sglangInfo;
    if (engine) {
      id.engine = engine;
      id.kind = "engine";
      id.decided_by = "probe";
      const { role, evidence } = decideRole(empty, engine, probes);
      id.role = role;
      id.role_evidence = evidence;
    }
  }
  if (id.role === "unknown") id.role_evidence = "no page; no role marker in the probes";
  return id;
}

function decideRole(
  page: PromPage,
  engine: Engine | null,
  probes: Probes | null,
): { role: Role; evidence: string } {
  const mode = probes?.serverInfo ? probes.serverInfo.disaggregation_mode : undefined;
  if (mode === "prefill" || mode === "decode") {
    return { role: mode, evidence: `/get_server_info disaggregation_mode "${mode}"` };
  }
  if (engine === "sglang") {
    const p = anyPositive(page, [
      "sglang:num_prefill_prealloc_queue_reqs",
      "sglang:num_prefill_bootstrap_queue_reqs",
      "sglang:num_prefill_inflight_queue_reqs",
    ]);
    if (p) return { role: "prefill", evidence: `${p} > 0` };
    const d = anyPositive(page, [
      "sglang:num_decode_prealloc_queue_reqs",
      "sglang:num_decode_transfer_queue_reqs",
    ]);
    if (d) return { role: "decode", evidence: `${d} > 0` };
    if (firstValue(page, "sglang:utilization") === -1) {
      return { role: "prefill", evidence: "sglang:utilization = -1" };
    }
    if (probes?.serverInfo && (mode === null || mode === "null")) {
      return { role: "both", evidence: "/get_server_info disaggregation_mode null (aggregated)" };
    }
  }
  for (const s of page.samples.get("dynamo_component_requests_total") ?? []) {
    const c = s.labels.dynamo_component ?? "";
    if (/prefill/i.test(c)) return { role: "prefill", evidence: `dynamo_component="${c}"` };
    if (/decode/i.test(c)) return { role: "decode", evidence: `dynamo_component="${c}"` };
  }
  return { role: "unknown", evidence: "no role marker on the page" };
}
