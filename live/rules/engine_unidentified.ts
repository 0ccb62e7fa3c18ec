/**
 * `engine_unidentified`: the page parsed but carries no engine family, or it is a frontend, KVBM,
 * LMCache-server or router page given as a prefill/decode endpoint, or the body was empty.
 * @module
 */
import type { Finding } from "../../lib/types.ts";
import { liveFinding, type LiveRule, sideName, sides } from "./_rule.ts";

const KIND_NAMES: Record<string, string> = {
  frontend: "a Dynamo frontend page",
  kvbm: "a Dynamo KVBM page",
  "lmcache-server": "an LMCache server page",
  router: "an llm-d router page",
};

/** Rule object for `engine_unidentified`. */
export const engineUnidentified: LiveRule<Record<string, never>> = {
  code: "engine_unidentified",
  severity: "warning",
  summary: "No prefill/decode engine was recognised on the endpoint's metrics page",
  docs: "Every other rule depends on knowing the engine's series. A frontend, KVBM, LMCache or " +
    "router page is not a prefill or decode engine: point --prefill/--decode at the worker's " +
    "metrics port. Confirm with `curl -s <url> | grep -c '^vllm:\\|^sglang:\\|^trtllm'`, or force " +
    "the adapter with --engine.",
  defaults: {},
  check(sample): Finding[] {
    const out: Finding[] = [];
    for (const [side, ep] of sides(sample)) {
      const url = ep.scrape.url;
      if (!ep.scrape.ok && ep.scrape.outcome === "empty_body") {
        out.push(liveFinding("engine_unidentified", "warning", {
          message: `${sideName(side)} endpoint ${url} returned an empty metrics body`,
          evidence: { side, url, outcome: ep.scrape.outcome },
        }));
        continue;
      }
      if (!ep.scrape.ok || ep.kind === "engine") continue;
      const kind = ep.kind ?? "unknown";
      const message = kind in KIND_NAMES
        ? `${sideName(side)} endpoint ${url} is ${KIND_NAMES[kind]}, not a prefill/decode engine`
        : `${sideName(side)} endpoint ${url} has no recognised engine metrics` +
          (ep.other_prefixes.length ? ` (top prefixes: ${ep.other_prefixes.join(", ")})` : "");
      out.push(liveFinding("engine_unidentified", "warning", {
        message,
        evidence: { side, url, kind, top_prefixes: ep.other_prefixes },
      }));
    }
    return out;
  },
};
