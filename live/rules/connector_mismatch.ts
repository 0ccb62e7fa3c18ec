/**
 * `connector_mismatch`: the two sides' KV-transfer connectors differ. Either both sides show
 * positive connector evidence and share no connector, or one side shows a P/D connector (NIXL,
 * Mooncake) and the other side shows none although it is a vLLM page, which exports that
 * connector's families whenever it runs it (reference §9.2: "prefill shows NIXL families, decode
 * shows none" is a real signal). A side whose engine shows no connector families on its page
 * (SGLang names its backend only in `/get_server_info`; TensorRT-LLM has none), a failed scrape,
 * a vLLM page without vLLM families (stats logging off), or a vLLM known to be another version
 * than the side with the families (a build that may predate them) never fires on absence.
 * @module
 */
import type { Finding } from "../../lib/types.ts";
import { type EndpointSample, PD_CONNECTORS } from "../window.ts";
import { liveFinding, type LiveRule, sideName } from "./_rule.ts";

/** Connectors that move KV between prefill and decode (CPU offload does not). */
export const TRANSFER_CONNECTORS: readonly string[] = ["lmcache", "mooncake", "nixl"];

/** The `/metrics` families of each P/D connector on a vLLM page (reference §2.2, §4.1). */
const VLLM_FAMILIES: Record<string, string> = {
  mooncake: "vllm:mooncake_*",
  nixl: "vllm:nixl_*",
};

/**
 * Whether `silent`, showing no connector, would show `shown`'s P/D connector families if it ran
 * that connector: a vLLM page that was read and carries vLLM families (so its Prometheus loggers,
 * which register the connector's families too, are on), and not a version known to differ from
 * `shown`'s.
 */
function wouldShow(silent: EndpointSample, shown: EndpointSample): boolean {
  if (!silent.scrape.ok || silent.kind !== "engine" || silent.engine !== "vllm") return false;
  if (silent.engine_decided_by !== "page") return false;
  const versions = [silent.version, shown.version];
  return shown.engine !== "vllm" || versions.includes(null) || versions[0] === versions[1];
}

/** Rule object for `connector_mismatch`. */
export const connectorMismatch: LiveRule<Record<string, never>> = {
  code: "connector_mismatch",
  severity: "warning",
  summary: "Prefill and decode show different KV transfer connectors, or one side none",
  docs: "A prefill that pushes KV over one connector while the decode listens on another (or on " +
    "none) never completes a transfer. Both sides' positive evidence counts (connector metric " +
    "families, SGLang's disaggregation_transfer_backend) and fires when they share no " +
    "connector. Absence counts only where it is evidence: one side shows NIXL or Mooncake " +
    "and the other is a vLLM page with vLLM families (of the same version when both are known), " +
    "which registers those connector families at start-up whenever it runs that connector, yet " +
    "shows none. A side whose engine never shows connector families on /metrics (SGLang, " +
    "TensorRT-LLM) never fires on absence. Confirm from both servers' launch arguments (--kv-transfer-config) and " +
    "the connector families on each /metrics page.",
  defaults: {},
  check(sample): Finding[] {
    const p = sample.prefill.connectors.filter((c) => TRANSFER_CONNECTORS.includes(c));
    const d = sample.decode.connectors.filter((c) => TRANSFER_CONNECTORS.includes(c));
    if (p.length > 0 && d.length > 0) {
      if (p.some((c) => d.includes(c))) return [];
      return [liveFinding("connector_mismatch", "warning", {
        message: `Prefill shows KV connector ${p.join(", ")} but decode shows ${d.join(", ")}`,
        evidence: { prefill_connectors: p, decode_connectors: d },
      })];
    }
    if (p.length === 0 && d.length === 0) return [];
    const [shownSide, shown, silentSide, silent, own] = p.length > 0
      ? ["prefill", sample.prefill, "decode", sample.decode, p] as const
      : ["decode", sample.decode, "prefill", sample.prefill, d] as const;
    const pd = own.filter((c) => PD_CONNECTORS.includes(c));
    if (pd.length === 0 || !wouldShow(silent, shown)) return [];
    const families = pd.map((c) => VLLM_FAMILIES[c]);
    return [liveFinding("connector_mismatch", "warning", {
      message: `${sideName(shownSide)} shows KV connector ${pd.join(", ")} but ${silentSide} ` +
        `shows none: its vLLM page has no ${families.join(" or ")} families, which vLLM ` +
        "exports whenever it runs that connector",
      evidence: {
        prefill_connectors: p,
        decode_connectors: d,
        silent_side: silentSide,
        silent_side_engine: silent.engine,
        expected_families: families,
        versions: { prefill: sample.prefill.version, decode: sample.decode.version },
      },
    })];
  },
};
