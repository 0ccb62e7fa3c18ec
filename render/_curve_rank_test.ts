import assert from "node:assert/strict";
import type { Finding, Severity } from "../lib/types.ts";
import { rankCurves } from "./_curve_rank.ts";

function f(code: string, severity: Severity, evidence: Record<string, unknown> = {}): Finding {
  return { code, severity, cell_id: null, message: code, evidence, source: "analyzer" };
}

Deno.test("rankCurves: critical, then warnings, then the worst magnitude, then info", () => {
  const findings: Record<string, Finding[]> = {
    quiet: [],
    info: [f("throughput_plateau", "info")],
    warn1Small: [f("ttft_cliff", "warning", { ttft_ratio: 2.1 })],
    warn1Big: [f("ttft_cliff", "warning", { ttft_ratio: 3.9 })],
    warn2: [f("tpot_degradation", "warning"), f("tpot_degradation", "warning")],
    crit: [f("ttft_cliff", "critical", { ttft_ratio: 4.5 }), f("throughput_plateau", "info")],
    crit2: [f("ttft_cliff", "critical"), f("invalid_run_no_successful_requests", "critical")],
    quiet2: [],
  };
  const ranks = rankCurves(Object.keys(findings), (id) => findings[id]);
  assert.deepEqual(ranks.map((r) => r.curveId), [
    "crit2",
    "crit",
    "warn2",
    "warn1Big",
    "warn1Small",
    "info",
    "quiet", // ties keep the given order
    "quiet2",
  ]);
  assert.deepEqual(ranks[1], {
    curveId: "crit",
    critical: 1,
    warning: 0,
    info: 1,
    worstCode: "ttft_cliff",
    worst: 4.5, // the magnitude of the critical finding, not of the info one
    codes: [["throughput_plateau", 1], ["ttft_cliff", 1]],
  });
  assert.deepEqual(ranks[2].codes, [["tpot_degradation", 2]]);
});

Deno.test("rankCurves: magnitudes are compared within one code; across codes the weightier wins", () => {
  const findings: Record<string, Finding[]> = {
    // A critical TTFT cliff of ratio 4.2 against a run in which no request succeeded (size 1.0):
    // the run that cannot be trusted ranks first, whatever the sizes.
    cliff: [f("ttft_cliff", "critical", { ttft_ratio: 4.2 })],
    failed: [f("invalid_run_no_successful_requests", "critical", { success_rate: 0 })],
    // Warnings: a ttft_cliff of 3.9 outweighs kv_pressure with 19 preemptions.
    kv: [f("kv_pressure", "warning", { num_preemptions: 19 })],
    ttft: [f("ttft_cliff", "warning", { ttft_ratio: 3.9 })],
    // Same code: the larger magnitude first.
    ttftSmall: [f("ttft_cliff", "warning", { ttft_ratio: 2.5 })],
  };
  assert.deepEqual(rankCurves(Object.keys(findings), (id) => findings[id]).map((r) => r.curveId), [
    "failed",
    "cliff",
    "ttft",
    "ttftSmall",
    "kv",
  ]);
});
