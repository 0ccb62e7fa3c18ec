import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import { parsePowerValidation } from "./power_validation.ts";

function draft(v: unknown) {
  const r = parsePowerValidation(v);
  assert.equal(r.unreadable, false);
  assert.equal(r.drafts.length, 1);
  const d = r.drafts[0];
  assert.equal(d.primary, false, "a sidecar never stands alone as a cell");
  return d;
}

Deno.test("power: valid single-node sidecar gives power metrics and reasons []", () => {
  const d = draft({
    schema_version: 1,
    power_valid: true,
    reasons: [],
    integration_method: "per_device_trapezoidal_with_linear_boundary_interpolation",
    benchmark_result: "gptoss_x.json",
    benchmark_window: { completed: 40, total_output_tokens: 36709 },
    expected_gpu_count: 8,
    observed_gpu_count: 8,
    metrics: { avg_power_w: 183.568, joules_per_output_token: 4.461755 },
  });
  assert.equal(d.metrics.avg_power_w, 183.568);
  assert.equal(d.metrics.joules_per_output_token, 4.461755);
  assert.equal(d.notes?.power_valid, true);
  assert.deepEqual(d.notes?.power_reasons, []);
  assert.equal(d.notes?.power_window_completed, 40);
  assert.equal(d.notes?.power_benchmark_result, "gptoss_x.json");
});

Deno.test("power: invalid sidecar keeps reasons verbatim (open-ended) and no power numbers", () => {
  const d = draft({
    power_valid: false,
    reasons: ["expected_gpu_count_mismatch", "some_future_code"],
    integration_method: "x",
    expected_gpu_count: 2,
    observed_gpu_count: 8,
    metrics: { avg_power_w: 999 },
  });
  assert.equal(d.metrics.avg_power_w, null);
  assert.deepEqual(d.notes?.power_reasons, ["expected_gpu_count_mismatch", "some_future_code"]);
  assert.equal(d.notes?.power_expected_gpu_count, 2);
  assert.equal(d.notes?.power_observed_gpu_count, 8);
});

Deno.test("power: multi-node shape with failures and a null window", () => {
  const d = draft({
    schema_version: 1,
    power_valid: false,
    reasons: ["power_artifacts_missing", "invalid_benchmark_window"],
    failures: ["power dir missing: LOGS/power"],
    telemetry_source: "LOGS/power",
    benchmark_window: null,
    selected_window: null,
    integration_method: "x",
    producer: {},
    expected_gpu_count: 0,
    observed_gpu_count: 0,
    metrics: {},
  });
  assert.deepEqual(d.notes?.power_failures, ["power dir missing: LOGS/power"]);
  assert.equal(d.notes?.power_window_completed, undefined);
  assert.equal(d.metrics.avg_power_w, null);
});

Deno.test("power: a non-object is unreadable", () => {
  assert.equal(parsePowerValidation([]).unreadable, true);
  assert.equal(parsePowerValidation("x").unreadable, true);
});

const H200 = "fixed-seq/gptoss-h200-agg/";
const TP8 =
  "power_validation_gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc4_h200-nebius_0.json";

Deno.test({
  name: "power: real tp8 conc4 sidecar matches the reference's arithmetic (§4.2)",
  ignore: !HAS_REALDATA || !existsSync(realdata(H200 + TP8)),
  fn() {
    const raw = JSON.parse(readFileSync(realdata(H200 + TP8), "utf8"));
    const d = draft(raw);
    assert.equal(d.notes?.power_valid, true);
    // Independent arithmetic: per-GPU power = total / observed GPUs; J/token = energy / tokens.
    const perGpu = raw.metrics.avg_total_gpu_power_w / raw.observed_gpu_count;
    const jPerOut = raw.metrics.total_gpu_energy_j / raw.benchmark_window.total_output_tokens;
    assert.ok(Math.abs(d.metrics.avg_power_w! - perGpu) < 1e-5, `${d.metrics.avg_power_w}`);
    assert.ok(Math.abs(d.metrics.joules_per_output_token! - jPerOut) < 1e-5);
    assert.ok(Math.abs(d.metrics.avg_power_w! - 183.568) < 1e-3, "reference §4.2 value");
    assert.equal(d.notes?.power_window_completed, 40);
  },
});
