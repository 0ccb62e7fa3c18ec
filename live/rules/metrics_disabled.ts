/**
 * `metrics_disabled`: the server answers but serves no Prometheus metrics (404 on `/metrics`, or
 * JSON at `/metrics` with no Prometheus fallback, or a page without engine families from a server
 * the probes identify as an engine, e.g. vLLM with `--disable-log-stats`).
 * @module
 */
import type { Finding } from "../../lib/types.ts";
import { liveFinding, type LiveRule, sideName, sides } from "./_rule.ts";

/** Rule object for `metrics_disabled`. */
export const metricsDisabled: LiveRule<Record<string, never>> = {
  code: "metrics_disabled",
  severity: "warning",
  summary: "The endpoint is up but exports no Prometheus metrics",
  docs:
    "SGLang serves /metrics only with --enable-metrics (404 otherwise); TensorRT-LLM's /metrics " +
    "is JSON and its Prometheus text lives at /prometheus/metrics only when perf metrics are on. " +
    "Confirm with `curl -i <base>/metrics`; nothing on that side can be measured until metrics exist.",
  defaults: {},
  check(sample): Finding[] {
    const out: Finding[] = [];
    for (const [side, ep] of sides(sample)) {
      const s = ep.scrape;
      const is404 = s.outcome === "http_status" && s.http_status === 404;
      const statsOff = s.ok && ep.engine_decided_by === "probe";
      if (!is404 && s.outcome !== "json_body" && !statsOff) continue;
      const why = is404
        ? "HTTP 404 on the metrics path (SGLang needs --enable-metrics)"
        : statsOff
        ? `the server answers as ${ep.engine} but its page has no ${ep.engine} families (stats logging disabled?)`
        : "the metrics path returned JSON and no Prometheus text was found at /prometheus/metrics";
      out.push(liveFinding("metrics_disabled", "warning", {
        message: `${sideName(side)} endpoint ${s.url} exports no Prometheus metrics: ${why}`,
        evidence: {
          side,
          url: s.url,
          outcome: s.outcome,
          http_status: s.http_status,
          detail: s.message,
        },
      }));
    }
    return out;
  },
};
