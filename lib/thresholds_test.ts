import { deepStrictEqual, ok } from "node:assert/strict";
import { RULES } from "../rules/mod.ts";
import { defaultThresholds, parseThresholds, THRESHOLD_RANGES } from "./thresholds.ts";

Deno.test("defaultThresholds: every rule's defaults, as fresh copies", () => {
  const d = defaultThresholds();
  deepStrictEqual(Object.keys(d), RULES.map((r) => r.code));
  deepStrictEqual(d.ttft_cliff, { ratio_warning: 2, ratio_critical: 4, max_throughput_gain: 0.1 });
  d.ttft_cliff.ratio_warning = 99;
  deepStrictEqual(defaultThresholds().ttft_cliff.ratio_warning, 2);
});

Deno.test("parseThresholds: merges over the defaults", () => {
  const r = parseThresholds({ ttft_cliff: { ratio_warning: 3 }, partial_run: {} });
  deepStrictEqual(r.ok, true);
  if (!r.ok) return;
  deepStrictEqual(r.thresholds.ttft_cliff, {
    ratio_warning: 3,
    ratio_critical: 4,
    max_throughput_gain: 0.1,
  });
  deepStrictEqual(r.thresholds.kv_pressure, defaultThresholds().kv_pressure);
});

Deno.test("parseThresholds: errors name the key", async (t) => {
  const cases: [string, unknown, string][] = [
    [
      "unknown key",
      { ttft_cliff: { foo: 1 } },
      'Unknown threshold "ttft_cliff.foo"; allowed: ratio_warning, ratio_critical, max_throughput_gain',
    ],
    [
      "unknown code",
      { nope: {} },
      'Unknown threshold code "nope"; allowed: eval_regression, invalid_run_no_successful_requests, ' +
      "kv_offload_thrash, kv_pressure, partial_run, prefix_cache_regression, throughput_plateau, " +
      "tpot_degradation, ttft_cliff",
    ],
    [
      "prototype key",
      JSON.parse('{"__proto__": {}}'),
      'Unknown threshold code "__proto__"; allowed: eval_regression, invalid_run_no_successful_requests, kv_offload_thrash, kv_pressure, partial_run, prefix_cache_regression, throughput_plateau, tpot_degradation, ttft_cliff',
    ],
    [
      "string value",
      { partial_run: { min_success_rate: "0.9" } },
      'Threshold "partial_run.min_success_rate" must be a finite number, got "0.9"',
    ],
    [
      "null value",
      { partial_run: { min_success_rate: null } },
      'Threshold "partial_run.min_success_rate" must be a finite number, got null',
    ],
    [
      "non-finite value",
      { partial_run: { min_success_rate: Infinity } },
      'Threshold "partial_run.min_success_rate" must be a finite number, got Infinity',
    ],
    [
      "code not an object",
      { partial_run: 1 },
      'Thresholds for "partial_run" must be an object of {key: number}, got 1',
    ],
    ["array", [], "Thresholds must be a JSON object of {code: {key: number}}, got []"],
    [
      "rule without thresholds",
      { invalid_run_no_successful_requests: { x: 1 } },
      'Unknown threshold "invalid_run_no_successful_requests.x"; allowed: (none)',
    ],
  ];
  for (const [name, value, message] of cases) {
    await t.step(name, () => deepStrictEqual(parseThresholds(value), { ok: false, message }));
  }
});

Deno.test("parseThresholds: every threshold has a range, and a value outside it names the key", () => {
  for (const [code, keys] of Object.entries(defaultThresholds())) {
    for (const [key, v] of Object.entries(keys)) {
      const range = THRESHOLD_RANGES[`${code}.${key}`];
      ok(range !== undefined, `${code}.${key} has no range`);
      // The defaults themselves are in range.
      deepStrictEqual(parseThresholds({ [code]: { [key]: v } }).ok, true, `${code}.${key}`);
    }
  }
  const bad: [Record<string, Record<string, number>>, string][] = [
    [
      { ttft_cliff: { ratio_warning: -1 } },
      'Threshold "ttft_cliff.ratio_warning" must be a number > 0, got -1',
    ],
    [
      { throughput_plateau: { min_consecutive_steps: 0.5 } },
      'Threshold "throughput_plateau.min_consecutive_steps" must be a whole number >= 1, got 0.5',
    ],
    [
      { partial_run: { min_success_rate: 5 } },
      'Threshold "partial_run.min_success_rate" must be a number from 0 to 1, got 5',
    ],
    [
      { ttft_cliff: { ratio_warning: 5 } },
      'Threshold "ttft_cliff.ratio_critical" (4) is below "ttft_cliff.ratio_warning" (5)',
    ],
  ];
  for (const [value, message] of bad) {
    deepStrictEqual(parseThresholds(value), { ok: false, message });
  }
  deepStrictEqual(
    parseThresholds({ ttft_cliff: { ratio_warning: 5, ratio_critical: 8 } }).ok,
    true,
  );
  // Unbounded above: perplexity drops, and blocks reloaded more than once.
  deepStrictEqual(parseThresholds({ eval_regression: { min_drop: 2 } }).ok, true);
  deepStrictEqual(parseThresholds({ kv_offload_thrash: { reload_fraction: 3 } }).ok, true);
});
