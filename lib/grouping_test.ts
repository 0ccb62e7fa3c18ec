import assert from "node:assert/strict";
import { groupKeys } from "./grouping.ts";
import type { ArtifactKind, ArtifactRef } from "./types.ts";

const ref = (path: string, kind: ArtifactKind): ArtifactRef => ({ path, kind, size: 1 });

Deno.test("groupKeys: an AgentX run's sibling directories share one key; two campaigns do not", () => {
  const run = (root: string) => [
    ref(`${root}bmk_agentic_u8/agg_u8.json`, "agentx_agg"),
    ref(`${root}agentic_u8/trace_replay/detailed_results.csv`, "detailed_results"),
    ref(`${root}server_logs_u8/server.log`, "log"),
  ];
  const keys = groupKeys([...run(""), ...run("campaign1/"), ...run("campaign2/")]);
  assert.deepEqual(keys, [
    "run:u8",
    "run:u8",
    "run:u8",
    "run:campaign1/u8",
    "run:campaign1/u8",
    "run:campaign1/u8",
    "run:campaign2/u8",
    "run:campaign2/u8",
    "run:campaign2/u8",
  ]);
  // Several aggs in one directory: each by its stem, beside the same parent's run directories.
  assert.deepEqual(
    groupKeys([
      ref("c1/aggs/a_u8.json", "agentx_agg"),
      ref("c1/aggs/a_u16.json", "agentx_agg"),
    ]),
    ["run:c1/a_u8", "run:c1/a_u16"],
  );
});

/** A multi-node AgentX RF: its experiment name says `conc16`, its run covers 16 and 32. */
const AX_MN_RF =
  "kimik2.7_tp8_conc16_kvnone_fp4_dynamo-vllm_prefill-tp4-pp1-dcp1-pcp1-ep1-dpfalse-nw1_decode-tp4-pp1-dcp1-pcp1-ep1-dpfalse-nw1_disagg-true_spec-none_conc16x32_gb200-nv_0";
/** A multi-node fixed-sequence RF and one of its per-point suffixes (AMD, reference §2.2). */
const MN_RF =
  "gptoss_1k1k_fp4_vllm-disagg_prefill-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_decode-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_disagg-true_spec-none_conc4x8x16x32x64x128x256x512_mi355x-amds_0";
const point = (c: number) => `concurrency_${c}_req_rate_inf_gpus_16_ctx_8_gen_8`;
/** A single-node RF (one point per `bmk_` directory). */
const SN_RF =
  "gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpfalse_disagg-false_spec-none_conc4_h200-nebius_0";

/**
 * Each case: artifacts, the partition they must form (lists of paths sharing one key, in any
 * order), and the exact key of some paths where it matters.
 */
const PARTITION_CASES: {
  name: string;
  artifacts: ArtifactRef[];
  groups: string[][];
  keys?: Record<string, string>;
}[] = [
  {
    name: "multi-node AgentX: one cell per conc_<N>, each with its <RF>_conc<N>.json",
    artifacts: [
      ref(
        `c/agentic_${AX_MN_RF}/LOGS/agentic/conc_16/aiperf_artifacts/profile_export.jsonl`,
        "aiperf_profile_jsonl",
      ),
      ref(
        `c/agentic_${AX_MN_RF}/LOGS/agentic/conc_16/aiperf_artifacts/server_metrics_export.csv`,
        "aiperf_server_metrics",
      ),
      ref(
        `c/agentic_${AX_MN_RF}/LOGS/agentic/conc_32/aiperf_artifacts/profile_export.jsonl`,
        "aiperf_profile_jsonl",
      ),
      ref(`c/bmk_agentic_${AX_MN_RF}/${AX_MN_RF}_conc16.json`, "agentx_agg"),
      ref(`c/bmk_agentic_${AX_MN_RF}/${AX_MN_RF}_conc32.json`, "agentx_agg"),
      ref(`c/agentic_${AX_MN_RF}/LOGS/sweep_1234.log`, "log"),
    ],
    groups: [
      // The run's own files (outside every conc_<N>) keep the run's key.
      [`c/agentic_${AX_MN_RF}/LOGS/sweep_1234.log`],
      [
        `c/agentic_${AX_MN_RF}/LOGS/agentic/conc_16/aiperf_artifacts/profile_export.jsonl`,
        `c/agentic_${AX_MN_RF}/LOGS/agentic/conc_16/aiperf_artifacts/server_metrics_export.csv`,
        `c/bmk_agentic_${AX_MN_RF}/${AX_MN_RF}_conc16.json`,
      ],
      [
        `c/agentic_${AX_MN_RF}/LOGS/agentic/conc_32/aiperf_artifacts/profile_export.jsonl`,
        `c/bmk_agentic_${AX_MN_RF}/${AX_MN_RF}_conc32.json`,
      ],
    ],
    keys: {
      [`c/agentic_${AX_MN_RF}/LOGS/sweep_1234.log`]: `run:c/${AX_MN_RF}`,
      // Named as InferenceX names a per-point copy, so the name parser reads concurrency 16.
      [`c/bmk_agentic_${AX_MN_RF}/${AX_MN_RF}_conc16.json`]: `run:c/${AX_MN_RF}_concurrency_16`,
    },
  },
  {
    name: "multi-node AgentX: a lone <RF>_conc<N>.json still joins its conc_<N> tree",
    artifacts: [
      ref(
        `agentic_${AX_MN_RF}/LOGS/agentic/conc_32/aiperf_artifacts/profile_export.jsonl`,
        "aiperf_profile_jsonl",
      ),
      ref(`bmk_agentic_${AX_MN_RF}/${AX_MN_RF}_conc32.json`, "agentx_agg"),
      ref(
        `agentic_${AX_MN_RF}/LOGS/agentic/conc_16/aiperf_artifacts/profile_export.jsonl`,
        "aiperf_profile_jsonl",
      ),
    ],
    groups: [
      [
        `agentic_${AX_MN_RF}/LOGS/agentic/conc_32/aiperf_artifacts/profile_export.jsonl`,
        `bmk_agentic_${AX_MN_RF}/${AX_MN_RF}_conc32.json`,
      ],
      [`agentic_${AX_MN_RF}/LOGS/agentic/conc_16/aiperf_artifacts/profile_export.jsonl`],
    ],
    keys: { [`bmk_agentic_${AX_MN_RF}/${AX_MN_RF}_conc32.json`]: `run:${AX_MN_RF}_concurrency_32` },
  },
  {
    name: "single-node AgentX (quiet): no conc_<N> level, <RF>.json is the run's one agg",
    artifacts: [
      ref(`agentic_${SN_RF}/aiperf_artifacts/profile_export.jsonl`, "aiperf_profile_jsonl"),
      ref(`bmk_agentic_${SN_RF}/${SN_RF}.json`, "agentx_agg"),
      ref(`server_logs_${SN_RF}/results/server.log`, "log"),
    ],
    groups: [[
      `agentic_${SN_RF}/aiperf_artifacts/profile_export.jsonl`,
      `bmk_agentic_${SN_RF}/${SN_RF}.json`,
      `server_logs_${SN_RF}/results/server.log`,
    ]],
    keys: { [`bmk_agentic_${SN_RF}/${SN_RF}.json`]: `run:${SN_RF}` },
  },
  {
    name:
      "multi-node fixed-seq: bmk_<RF>/agg_<RF>_<point> pairs with power_audit_<RF>/<RF>_<point>",
    artifacts: [
      ref(`bmk_${MN_RF}/agg_${MN_RF}_${point(64)}.json`, "agg"),
      ref(`bmk_${MN_RF}/agg_${MN_RF}_${point(128)}.json`, "agg"),
      ref(`power_audit_${MN_RF}/${MN_RF}_${point(64)}.json`, "raw_result"),
      ref(`power_audit_${MN_RF}/${MN_RF}_${point(128)}.json`, "raw_result"),
      ref(`power_audit_${MN_RF}/power_validation_${MN_RF}_${point(64)}.json`, "power_validation"),
    ],
    groups: [
      [
        `bmk_${MN_RF}/agg_${MN_RF}_${point(64)}.json`,
        `power_audit_${MN_RF}/${MN_RF}_${point(64)}.json`,
        `power_audit_${MN_RF}/power_validation_${MN_RF}_${point(64)}.json`,
      ],
      [
        `bmk_${MN_RF}/agg_${MN_RF}_${point(128)}.json`,
        `power_audit_${MN_RF}/${MN_RF}_${point(128)}.json`,
      ],
    ],
    keys: { [`power_audit_${MN_RF}/${MN_RF}_${point(64)}.json`]: `file:${MN_RF}_${point(64)}` },
  },
  {
    name: "single-node fixed-seq (quiet): bmk_<RF>/agg_<RF> pairs with power_audit_<RF>/<RF>",
    artifacts: [
      ref(`c/bmk_${SN_RF}/agg_${SN_RF}.json`, "agg"),
      ref(`c/power_audit_${SN_RF}/${SN_RF}.json`, "raw_result"),
      ref(`c/power_audit_${SN_RF}/power_validation_${SN_RF}.json`, "power_validation"),
    ],
    groups: [[
      `c/bmk_${SN_RF}/agg_${SN_RF}.json`,
      `c/power_audit_${SN_RF}/${SN_RF}.json`,
      `c/power_audit_${SN_RF}/power_validation_${SN_RF}.json`,
    ]],
    keys: { [`c/power_audit_${SN_RF}/${SN_RF}.json`]: `file:c/${SN_RF}` },
  },
  {
    name:
      "a stem that only shares the directory's RF as a prefix, not `<RF>_`, stays in its directory",
    artifacts: [
      ref("bmk_x/agg_xy.json", "agg"),
      ref("power_audit_x/xy.json", "raw_result"),
      ref("bmk_x/agg_x.json", "agg"),
    ],
    groups: [["bmk_x/agg_xy.json"], ["power_audit_x/xy.json"], ["bmk_x/agg_x.json"]],
    keys: {
      "bmk_x/agg_xy.json": "file:bmk_x/xy",
      "power_audit_x/xy.json": "file:power_audit_x/xy",
    },
  },
];

/** The artifacts' partition by key: sorted lists of paths, sorted. */
function partition(
  artifacts: readonly ArtifactRef[],
  keys: readonly (string | null)[],
): string[][] {
  const by = new Map<string, string[]>();
  artifacts.forEach((a, i) => {
    const k = keys[i] ?? `null:${a.path}`;
    by.set(k, [...(by.get(k) ?? []), a.path]);
  });
  return [...by.values()].map((l) => l.sort()).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

for (const c of PARTITION_CASES) {
  Deno.test(`groupKeys: ${c.name}`, () => {
    const keys = groupKeys(c.artifacts);
    const want = c.groups.map((g) => [...g].sort()).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    assert.deepEqual(partition(c.artifacts, keys), want);
    for (const [path, key] of Object.entries(c.keys ?? {})) {
      assert.equal(keys[c.artifacts.findIndex((a) => a.path === path)], key, path);
    }
    // No directory-order dependence: reversed and rotated input give each path the same key.
    const byPath = new Map(c.artifacts.map((a, i) => [a.path, keys[i]]));
    for (const order of [[...c.artifacts].reverse(), [...c.artifacts.slice(1), c.artifacts[0]]]) {
      const again = groupKeys(order);
      order.forEach((a, i) => assert.equal(again[i], byPath.get(a.path), a.path));
    }
  });
}
