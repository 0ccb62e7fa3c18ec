/**
 * `power_validation_*.json` sidecars (single-node and multi-node shapes).
 * @module
 */
import { boolish, isRecord, num, positive, str } from "../lib/coerce.ts";
import type { ParseResult } from "../lib/types.ts";

/** Draft the power facts of one sidecar: validity, reasons and the validated metrics. */
export function parsePowerValidation(value: unknown): ParseResult {
  if (!isRecord(value)) {
    return {
      drafts: [],
      issues: [{ line: null, message: "Expected a JSON object" }],
      unreadable: true,
    };
  }
  const valid = boolish(value.power_valid);
  const reasons = Array.isArray(value.reasons) ? value.reasons.map(String) : [];
  const failures = Array.isArray(value.failures) ? value.failures.map(String) : [];
  const metrics = isRecord(value.metrics) ? value.metrics : {};
  const window = isRecord(value.benchmark_window) ? value.benchmark_window : null;
  return {
    drafts: [{
      source_format: "unknown",
      priority: 5,
      primary: false,
      identity: {},
      metrics: {
        avg_power_w: valid ? positive(metrics.avg_power_w) : null,
        joules_per_output_token: valid ? positive(metrics.joules_per_output_token) : null,
      },
      notes: {
        power_valid: valid,
        power_reasons: reasons,
        ...(failures.length ? { power_failures: failures } : {}),
        power_expected_gpu_count: num(value.expected_gpu_count),
        power_observed_gpu_count: num(value.observed_gpu_count),
        ...(window && num(window.completed) !== null
          ? { power_window_completed: num(window.completed) }
          : {}),
        ...(str(value.benchmark_result)
          ? { power_benchmark_result: str(value.benchmark_result) }
          : {}),
      },
    }],
    issues: [],
    unreadable: false,
  };
}
