/**
 * `connector_mismatch`: both sides show positive KV-connector evidence and the connectors differ.
 * @module
 */
import type { Finding } from "../../lib/types.ts";
import { liveFinding, type LiveRule } from "./_rule.ts";

/** Connectors that move KV between prefill and decode (CPU offload does not). */
export const TRANSFER_CONNECTORS: readonly string[] = ["lmcache", "mooncake", "nixl"];

/** Rule object for `connector_mismatch`. */
export const connectorMismatch: LiveRule<Record<string, never>> = {
  code: "connector_mismatch",
  severity: "warning",
  summary: "Prefill and decode show different KV transfer connectors",
  docs: "A prefill that pushes KV over one connector while the decode listens on another never " +
    "completes a transfer. Only positive evidence counts (connector metric families, SGLang's " +
    "disaggregation_transfer_backend); a side without evidence never fires. Confirm from both " +
    "servers' launch arguments and the connector families on each /metrics page.",
  defaults: {},
  check(sample): Finding[] {
    const p = sample.prefill.connectors.filter((c) => TRANSFER_CONNECTORS.includes(c));
    const d = sample.decode.connectors.filter((c) => TRANSFER_CONNECTORS.includes(c));
    if (p.length === 0 || d.length === 0 || p.some((c) => d.includes(c))) return [];
    return [liveFinding("connector_mismatch", "warning", {
      message: `Prefill shows KV connector ${p.join(", ")} but decode shows ${d.join(", ")}`,
      evidence: { prefill_connectors: p, decode_connectors: d },
    })];
  },
};
