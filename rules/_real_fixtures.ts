/**
 * Cells built from real curves in `../shared/realdata/`, for the detector tests. The numbers were
 * read from the files named below (ms converted to s); `real_fixtures_test.ts` re-reads the
 * files and checks them when the folder is present.
 * @module
 */
import { makeCell } from "../lib/cell.ts";
import type { Cell } from "../lib/types.ts";

/**
 * AMD MI355X disaggregated gpt-oss-120b, 1 prefill (8 GPUs) + 1 decode (8 GPUs):
 * `multinode/gptoss-mi355x-disagg-raw/concurrency_<C>_req_rate_inf_gpus_16_ctx_8_gen_8.json`
 * (`max_concurrency`, `total_token_throughput`, `p99_ttft_ms`, `p99_tpot_ms`, `p99_e2el_ms`).
 */
export const AMD_DISAGG_ROWS: readonly (readonly [number, number, number, number, number])[] = [
  [4, 918.43, 987.5254542799665, 8.42375959217583, 9497.63202768052],
  [8, 1857.97, 311.73925049602985, 8.633496982299468, 8953.53475105483],
  [16, 3451.16, 687.9313375009224, 9.092274875981406, 9977.636895296164],
  [32, 5971.12, 1553.907009542454, 10.68635546505808, 11952.086912665982],
  [64, 10005.21, 685.4502430907452, 12.92620933710034, 13560.334076725412],
  [128, 16736.56, 1515.174685146194, 15.061890008918056, 16675.76581487432],
  [256, 27951.89, 1578.5206863190976, 17.904399000923036, 19630.57034333702],
  [512, 45068.31, 2244.784710702952, 22.29470054129683, 24586.990111244377],
];

/** The AMD disaggregated curve as cells (`amd-c<conc>`). */
export function amdDisaggCells(): Cell[] {
  return AMD_DISAGG_ROWS.map(([conc, total, ttftMs, tpotMs, e2elMs]) =>
    makeCell(`amd-c${conc}`, {
      hardware: "mi355x-disagg",
      model: "gptoss",
      framework: "vllm-disagg",
      isl: 1024,
      osl: 1024,
      is_multinode: true,
      disagg: true,
      concurrency: conc,
      status: "complete",
      metrics: {
        num_prefill_gpu: 8,
        num_decode_gpu: 8,
        total_tput_tps: total,
        tput_per_gpu: total / 16,
        p99_ttft: ttftMs / 1000,
        p99_tpot: tpotMs / 1000,
        p99_e2el: e2elMs / 1000,
        intvty: 1000 / tpotMs,
      },
    })
  );
}

/**
 * GLM-4.7 on 8 Gaudi3: `fixed-seq/glm-4.7-gaudi3-raw/glm47_conc<C>.json`
 * (`max_concurrency`, `total_token_throughput`, `p99_ttft_ms`, `p99_tpot_ms`; no e2el).
 */
export const GLM_GAUDI3_ROWS: readonly (readonly [number, number, number, number])[] = [
  [1, 46.67, 222.19892384120612, 59.26201114514417],
  [2, 87.93, 371.74461020098533, 62.34741295079538],
  [4, 147.41, 425.53574751800625, 63.40111386581363],
  [8, 300.2, 868.7727725924924, 64.83577658982485],
  [16, 447.59, 1611.2285128283838, 88.67817484480337],
  [32, 742.48, 3252.3611610585067, 112.0738288426351],
  [64, 1198.16, 6371.1646382116305, 163.06096436137437],
  [128, 1848.66, 29537.035317853588, 380.4461789743848],
];

/** The GLM Gaudi3 curve as cells (`glm-c<conc>`). */
export function glmGaudi3Cells(): Cell[] {
  return GLM_GAUDI3_ROWS.map(([conc, total, ttftMs, tpotMs]) =>
    makeCell(`glm-c${conc}`, {
      model: "glm47",
      concurrency: conc,
      status: "complete",
      metrics: {
        total_tput_tps: total,
        tput_per_gpu: total / 8,
        p99_ttft: ttftMs / 1000,
        p99_tpot: tpotMs / 1000,
        intvty: 1000 / tpotMs,
      },
    })
  );
}

/**
 * gpt-oss on H200, TP8 1k1k: `fixed-seq/gptoss-h200-agg/agg_gptoss_1k1k_fp4_vllm_tp8-…_conc<C>_….json`
 * (`conc`, `p99_ttft`, `p99_tpot`, `tput_per_gpu`, `median_intvty`).
 */
export const H200_TP8_ROWS: readonly (readonly [number, number, number, number, number])[] = [
  [4, 0.4597, 0.012, 82.7, 86.6],
  [8, 2.9375, 0.01325, 152.8, 81.2],
  [16, 3.2406, 0.01409, 278.7, 73.4],
  [32, 3.7641, 0.0161, 482.2, 64.1],
  [64, 3.1428, 0.02176, 755.3, 49.9],
];

/** The gpt-oss H200 TP8 curve as cells (`h200-tp8-c<conc>`). */
export function h200Tp8Cells(): Cell[] {
  return H200_TP8_ROWS.map(([conc, ttft, tpot, tpg, intvty]) =>
    makeCell(`h200-tp8-c${conc}`, {
      hardware: "h200",
      model: "gptoss",
      framework: "vllm",
      precision: "fp4",
      isl: 1024,
      osl: 1024,
      is_multinode: false,
      concurrency: conc,
      status: "complete",
      metrics: { tp: 8, tput_per_gpu: tpg, p99_ttft: ttft, p99_tpot: tpot, intvty },
    })
  );
}

/**
 * AgentX kv-cache-tester DeepSeek-R1 FP4 on 4 × B200 (gen 1), from
 * `agentx-kvtester/bmk_agentic_dsr1_tp4_bs<U>_offload<on|off>_…/agg_*.json`: offload, users,
 * num_requests_total, num_requests_successful, total_tput_tps, tput_per_gpu, p99_ttft,
 * p99_ttlt, p99_itl, server_gpu_cache_hit_rate, theoretical_cache_hit_rate; then from the
 * matching `agentic_…/metrics_server_metrics.csv`: p95 and max of `kv_cache_usage_pct` ÷ 100
 * (numpy-style linear percentile over all rows) and the increase of `num_preemptions_total`.
 */
export const KVTESTER_ROWS: readonly (readonly [
  "on" | "off",
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
])[] = [
  ["off", 1, 45, 45, 1955.96, 488.99, 10.1, 42.98, 0.0095, 0.9492, 0.9642, 0.0784, 0.083, 0],
  ["off", 2, 66, 57, 2959.38, 739.85, 20.125, 113.52, 0.012, 0.9348, 0.9657, 0.15, 0.1581, 0],
  ["off", 4, 124, 124, 5731.72, 1432.93, 35.6, 92.59, 0.0173, 0.9255, 0.9595, 0.2235, 0.2448, 0],
  ["off", 8, 162, 162, 7257.46, 1814.36, 52.706, 206.45, 0.0296, 0.898, 0.9514, 0.3951, 0.4354, 0],
  ["off", 12, 60, 60, 3250.42, 812.6, 914.456, 1253.28, 0.0891, 0.7964, 0.9734, 0.645, 0.6522, 0],
  [
    "off",
    16,
    213,
    213,
    8865.68,
    2216.42,
    82.273,
    236.78,
    0.0632,
    0.8734,
    0.9414,
    0.6836,
    0.7186,
    0,
  ],
  ["off", 24, 95, 95, 5975.67, 1493.92, 178.58, 574.52, 0.1091, 0.0682, 0.9669, 0.9939, 1, 4],
  ["off", 32, 65, 53, 2486.98, 621.75, 563.249, 1168.41, 0.5571, 0.0014, 0.9684, 0.9966, 0.9999, 6],
  ["off", 48, 147, 147, 6235.33, 1558.83, 384.891, 750.45, 0.1134, 0, 0.9659, 0.9933, 1, 3],
  ["off", 64, 145, 143, 6403.62, 1600.91, 543.227, 875.14, 0.115, 0, 0.9562, 0.9959, 1, 7],
  [
    "off",
    128,
    271,
    152,
    5709.67,
    1427.42,
    602.406,
    994.69,
    0.1185,
    0.0017,
    0.9403,
    0.9962,
    0.9999,
    4,
  ],
  ["off", 256, 519, 82, 4792.33, 1198.08, 605.493, 891.81, 0.1506, 0.0195, 0.9048, 0.9975, 1, 13],
  ["on", 1, 40, 40, 1843.83, 460.96, 13.09, 57.88, 0.0096, 0.9509, 0.9645, 0.0784, 0.0825, 0],
  ["on", 2, 68, 68, 3524.48, 881.12, 22.344, 72.18, 0.0113, 0.9452, 0.9694, 0.1386, 0.1456, 0],
  ["on", 4, 113, 113, 5270.81, 1317.7, 33.161, 102.63, 0.0212, 0.9216, 0.9588, 0.2231, 0.2329, 0],
  ["on", 8, 182, 182, 8478.04, 2119.51, 51.362, 130.65, 0.0328, 0.9071, 0.9526, 0.402, 0.4502, 0],
  ["on", 12, 180, 180, 8388.54, 2097.14, 73.593, 202.06, 0.0523, 0.8954, 0.9592, 0.6181, 0.6585, 0],
  ["on", 16, 236, 236, 9691.52, 2422.88, 77.099, 198.98, 0.0674, 0.8848, 0.9465, 0.6457, 0.7289, 0],
  ["on", 24, 172, 172, 7979.85, 1994.96, 146.432, 543.76, 0.1053, 0.0362, 0.9585, 0.9966, 1, 9],
  ["on", 32, 201, 201, 9853.78, 2463.44, 247.094, 450.03, 0.1005, 0.0042, 0.962, 0.9976, 1, 13],
  ["on", 48, 201, 201, 8945.14, 2236.29, 408.149, 713.24, 0.0972, 0.0001, 0.9633, 0.9962, 1, 9],
  ["on", 64, 144, 141, 6328.49, 1582.12, 552.54, 789.19, 0.1076, 0, 0.9593, 0.9952, 1, 8],
  ["on", 128, 284, 150, 5507.22, 1376.8, 599.037, 967.29, 0.1445, 0.0027, 0.938, 0.9958, 1, 5],
  ["on", 256, 537, 44, 2387.79, 596.95, 620.318, 773.67, 0.1052, 0.0002, 0.8774, 0.9987, 1, 19],
];

/**
 * The kv-cache-tester sweep as cells (`kv-<offload>-u<users>`), two curves split by offload
 * mode. `p99_tpot` is the agg's `p99_itl` (AgentX `itl` is per-request TPOT).
 */
export function kvtesterCells(): Cell[] {
  return KVTESTER_ROWS.map(
    ([mode, users, total, ok, tput, tpg, ttft, ttlt, itl, hit, theo, kv95, kvMax, pre]) =>
      makeCell(`kv-${mode}-u${users}`, {
        hardware: "b200",
        model: "dsr1",
        framework: "vllm",
        precision: "fp4",
        scenario_type: "agentic-coding",
        offload_mode: mode,
        is_multinode: false,
        concurrency: users,
        status: ok < total ? "partial" : "complete",
        notes: { gpu_kv_usage_max: kvMax },
        metrics: {
          tp: 4,
          ep: 4,
          num_requests_total: total,
          num_requests_successful: ok,
          success_rate: ok / total,
          total_tput_tps: tput,
          tput_per_gpu: tpg,
          p99_ttft: ttft,
          p99_e2el: ttlt,
          p99_tpot: itl,
          intvty: 1 / itl,
          server_gpu_cache_hit_rate: hit,
          theoretical_cache_hit_rate: theo,
          gpu_kv_usage_p95: kv95,
          num_preemptions: pre,
        },
      }),
  );
}
