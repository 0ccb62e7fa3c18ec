/**
 * `endpoint_unreachable`: a metrics scrape failed outright (refused, DNS, timeout, 5xx, redirect
 * refused, body over the size cap).
 * @module
 */
import type { Finding } from "../../lib/types.ts";
import { liveFinding, type LiveRule, sideName, sides } from "./_rule.ts";

/** Scrape outcomes that mean "no metrics could be read from this endpoint". */
export const UNREACHABLE_OUTCOMES: readonly string[] = [
  "refused",
  "timeout",
  "network_error",
  "http_status",
  "body_too_large",
  "redirect_refused",
  "too_many_redirects",
  "invalid_url",
];

/** Rule object for `endpoint_unreachable`. */
export const endpointUnreachable: LiveRule<Record<string, never>> = {
  code: "endpoint_unreachable",
  severity: "critical",
  summary: "A prefill or decode metrics endpoint could not be scraped",
  docs: "Without a scrape nothing about that side can be judged, so every other rule goes quiet " +
    "for it. Confirm with `curl -sS -m 5 <url>` from the same host; check the port, the process " +
    "and any proxy. A 404 is reported as metrics_disabled instead, since the server is up.",
  defaults: {},
  check(sample): Finding[] {
    const out: Finding[] = [];
    for (const [side, ep] of sides(sample)) {
      const s = ep.scrape;
      if (s.ok || !UNREACHABLE_OUTCOMES.includes(s.outcome)) continue;
      if (s.outcome === "http_status" && s.http_status === 404) continue;
      const what = s.outcome === "http_status"
        ? `HTTP ${s.http_status}`
        : s.outcome.replaceAll("_", " ");
      out.push(liveFinding("endpoint_unreachable", "critical", {
        message: `${sideName(side)} endpoint ${s.url} is unreachable: ${what}${
          s.message ? ` (${s.message})` : ""
        }`,
        evidence: {
          side,
          url: s.url,
          outcome: s.outcome,
          http_status: s.http_status,
          error: s.message,
        },
      }));
    }
    return out;
  },
};
