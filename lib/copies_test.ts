import assert from "node:assert/strict";
import { copyCandidates, planCopies } from "./copies.ts";
import { groupKeys } from "./grouping.ts";
import { NumberPacker } from "./packed.ts";
import type { ArtifactKind, LoadedArtifact } from "./types.ts";

const RF =
  "gptoss_1k1k_fp4_vllm-disagg_prefill-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_decode-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_disagg-true_spec-none_conc4x8_mi355x-amds_0";
const point = (c: number) => `concurrency_${c}_req_rate_inf_gpus_16_ctx_8_gen_8`;

/** A parsed file of `kind` with one record whose numbers are `ttft` and `tput`. */
function file(
  path: string,
  kind: ArtifactKind,
  size: number,
  ttft: number | null,
  tput: number | null = 100,
): LoadedArtifact {
  return {
    ref: { path, kind, size },
    result: {
      drafts: [{
        source_format: "inferencex-static",
        priority: 20,
        primary: kind !== "command",
        identity: {},
        metrics: { p99_ttft: ttft, total_tput_tps: tput },
      }],
      issues: [],
      unreadable: false,
    },
  };
}

/** Plan for `loaded` (sorted by path, as the CLI sorts it) and the same-bytes sets given. */
function plan(loaded: LoadedArtifact[], same: string[][]) {
  loaded.sort((a, b) => (a.ref.path < b.ref.path ? -1 : 1));
  const sameBytes = new Map<string, string>();
  for (const set of same) for (const p of set) sameBytes.set(p, set[0]);
  const keys = groupKeys(loaded.map((l) => l.ref));
  const p = planCopies(loaded, keys, sameBytes);
  return { into: Object.fromEntries(p.into), copiesOf: Object.fromEntries(p.copiesOf) };
}

Deno.test("planCopies: a multi-node run's LOGS/ copy of a raw result joins the point's cell", () => {
  const top = `power_audit_${RF}/${RF}_${point(8)}.json`;
  const logs =
    `power_audit_${RF}/LOGS/sa-bench_isl_1024_osl_1024/results_concurrency_8_gpus_16_ctx_8_gen_8.json`;
  const amd = `power_audit_${RF}/LOGS/vllm-disagg_isl_1024_osl_1024/${point(8)}.json`;
  const loaded = [
    file(`bmk_${RF}/agg_${RF}_${point(8)}.json`, "agg", 2000, 0.5),
    file(top, "raw_result", 3000, 0.5),
    file(logs, "raw_result", 3000, 0.5),
    file(amd, "raw_result", 3000, 0.5),
  ];
  const kept = `file:${RF}_${point(8)}`;
  assert.deepEqual(plan(loaded, [[logs, amd, top]]), {
    into: {
      [`file:power_audit_${RF}/LOGS/sa-bench_isl_1024_osl_1024/results_concurrency_8_gpus_16_ctx_8_gen_8`]:
        kept,
      [`file:power_audit_${RF}/LOGS/vllm-disagg_isl_1024_osl_1024/${point(8)}`]: kept,
    },
    copiesOf: {
      [kept]: [
        {
          path: logs,
          kind: "raw_result",
          same_bytes_as: top,
          name: "results_concurrency_8_gpus_16_ctx_8_gen_8",
        },
        { path: amd, kind: "raw_result", same_bytes_as: top, name: point(8) },
      ],
    },
  });
});

Deno.test("planCopies: of two lone copies, the one outside LOGS/ is kept, whatever the order", () => {
  const top = `power_audit_${RF}/${RF}_${point(4)}.json`;
  const logs =
    `power_audit_${RF}/LOGS/sa-bench_isl_1024_osl_1024/results_concurrency_4_gpus_16_ctx_8_gen_8.json`;
  for (const same of [[top, logs], [logs, top]]) {
    const r = plan([file(top, "raw_result", 10, 1), file(logs, "raw_result", 10, 1)], [same]);
    assert.deepEqual(Object.values(r.into), [`file:${RF}_${point(4)}`]);
  }
  // Neither under LOGS/: the first group key in sort order is kept.
  const r = plan([file("b/x.json", "raw_result", 10, 1), file("a/x.json", "raw_result", 10, 1)], [[
    "b/x.json",
    "a/x.json",
  ]]);
  assert.deepEqual(r.into, { "file:b/x": "file:a/x" });
  // A name that says more wins over key order: the RF-named point over the bench script's own
  // copy (reference §6.2), which sorts first.
  const bench = `amd_bench/vllm-disagg_isl_1024_osl_1024/${point(4)}.json`;
  const named = `power_audit_${RF}/${RF}_${point(4)}.json`;
  const n = plan([file(bench, "raw_result", 10, 1), file(named, "raw_result", 10, 1)], [[
    bench,
    named,
  ]]);
  assert.deepEqual(n.into, {
    [`file:amd_bench/vllm-disagg_isl_1024_osl_1024/${point(4)}`]: `file:${RF}_${point(4)}`,
  });
});

Deno.test("planCopies: a run directory whose measurements all repeat another run's is counted once", () => {
  // reference §14.9: the bs256 offloadon directory holds the bs128 offloadoff run's server
  // metrics byte for byte; its command files equal those of other runs too, which says nothing.
  const orig = "agentic_dsr1_bs128_offloadoff_conc128_b200-nb_1";
  const copy = "agentic_dsr1_bs256_offloadon_conc256_b200-nb_1";
  const other = "agentic_dsr1_bs128_offloadon_conc128_b200-dgxc-slurm_5";
  const loaded = [
    file(`${orig}/metrics_server_metrics.csv`, "server_metrics_csv", 500, 0.2),
    file(`${orig}/benchmark_command.txt`, "command", 40, null, null),
    file(`bmk_${orig}/agg_${orig}.json`, "agentx_agg", 900, 3),
    file(`${copy}/metrics_server_metrics.csv`, "server_metrics_csv", 500, 0.2),
    file(`${copy}/benchmark_command.txt`, "command", 40, null, null),
    file(`${other}/metrics_server_metrics.csv`, "server_metrics_csv", 700, 0.3),
    file(`${other}/benchmark_command.txt`, "command", 40, null, null),
  ];
  const r = plan(loaded, [
    [`${orig}/metrics_server_metrics.csv`, `${copy}/metrics_server_metrics.csv`],
    [
      `${orig}/benchmark_command.txt`,
      `${copy}/benchmark_command.txt`,
      `${other}/benchmark_command.txt`,
    ],
  ]);
  // A run's key is its directory's suffix after `agentic_` (lib/grouping.ts).
  const key = (dir: string) => `run:${dir.slice("agentic_".length)}`;
  assert.deepEqual(r.into, { [key(copy)]: key(orig) });
  assert.deepEqual(r.copiesOf[key(orig)], [{
    path: `${copy}/metrics_server_metrics.csv`,
    kind: "server_metrics_csv",
    same_bytes_as: `${orig}/metrics_server_metrics.csv`,
    name: copy.slice("agentic_".length),
  }]);
});

Deno.test("planCopies: what stays apart", async (t) => {
  await t.step("a group with a measurement of its own is no copy", () => {
    const loaded = [
      file("a/run/metrics_server_metrics.csv", "server_metrics_csv", 500, 0.2),
      file("b/run/metrics_server_metrics.csv", "server_metrics_csv", 500, 0.2),
      file("b/run/trace_replay/detailed_results.csv", "detailed_results", 900, 4),
    ];
    const r = plan(loaded, [[
      "a/run/metrics_server_metrics.csv",
      "b/run/metrics_server_metrics.csv",
    ]]);
    // a's only file repeats one of b's: a joins b, never the other way round.
    assert.deepEqual(r.into, { "dir:a/run": "dir:b/run" });
  });
  await t.step("two files of one directory (SPEC §2: two aggs there are two cells)", () => {
    const r = plan([file("d/agg_x.json", "agg", 10, 1), file("d/agg_y.json", "agg", 10, 1)], [[
      "d/agg_x.json",
      "d/agg_y.json",
    ]]);
    assert.deepEqual(r.into, {});
  });
  await t.step("copies under two campaign manifests: each campaign keeps its cell", () => {
    const manifest = (path: string): LoadedArtifact => ({
      ref: { path, kind: "manifest", size: 10 },
      result: { drafts: [], issues: [], unreadable: false },
      manifest: { expected_cells: [], timeline_expected: false },
    });
    const files =
      () => [file("a/x.json", "raw_result", 10, 1), file("b/x.json", "raw_result", 10, 1)];
    const loaded = [manifest("a/manifest.json"), manifest("b/manifest.json"), ...files()];
    assert.deepEqual(plan(loaded, [["a/x.json", "b/x.json"]]).into, {});
    // One manifest above both: one campaign, one cell.
    assert.deepEqual(
      plan([manifest("manifest.json"), ...files()], [["a/x.json", "b/x.json"]]).into,
      {
        "file:b/x": "file:a/x",
      },
    );
    // Without the manifests the same two files are one cell.
    assert.deepEqual(plan(files(), [["a/x.json", "b/x.json"]]).into, {
      "file:b/x": "file:a/x",
    });
  });
  await t.step("a copy never reaches its own directory through a chain", () => {
    // d/c repeats b/x, which repeats d/a: c cannot join a (one directory), so it stays a cell.
    const loaded = [
      file("d/agg_a.json", "agg", 10, 1),
      file("d/agg_c.json", "agg", 10, 1),
      file("d/b/agg_x.json", "agg", 10, 1),
    ];
    const r = plan(loaded, [["d/agg_a.json", "d/agg_c.json", "d/b/agg_x.json"]]);
    assert.deepEqual(r.into, { "file:d/b/x": "file:d/a" });
  });
  await t.step("a group without a record that stands alone takes no copy", () => {
    // A multi-node AgentX run's server metrics are spread over its per-concurrency cells: the
    // run's own key makes no cell, so a copy of them stays where it is.
    const metrics = (path: string) => {
      const l = file(path, "server_metrics_csv", 500, 0.2);
      l.result!.drafts[0].primary = false;
      return l;
    };
    const r = plan(
      [
        metrics("agentic_x/metrics_server_metrics.csv"),
        metrics("zz/agentic_x/metrics_server_metrics.csv"),
      ],
      [["agentic_x/metrics_server_metrics.csv", "zz/agentic_x/metrics_server_metrics.csv"]],
    );
    assert.deepEqual(r.into, {});
  });
  await t.step("no same bytes, no plan", () => {
    const r = plan(
      [file("a/x.json", "raw_result", 10, 1), file("b/x.json", "raw_result", 10, 1)],
      [],
    );
    assert.deepEqual(r, { into: {}, copiesOf: {} });
  });
});

Deno.test("planCopies: a copy of a copy joins the group both repeat", () => {
  // c repeats b's one file; b repeats a's file and a has one more: both end up in a.
  const loaded = [
    file("a/run/metrics_server_metrics.csv", "server_metrics_csv", 500, 0.2),
    file("a/run/trace_replay/detailed_results.csv", "detailed_results", 900, 4),
    file("b/run/metrics_server_metrics.csv", "server_metrics_csv", 500, 0.2),
    file("c/run/metrics_server_metrics.csv", "server_metrics_csv", 500, 0.2),
  ];
  const r = plan(loaded, [[
    "a/run/metrics_server_metrics.csv",
    "b/run/metrics_server_metrics.csv",
    "c/run/metrics_server_metrics.csv",
  ]]);
  assert.deepEqual(r.into, { "dir:b/run": "dir:a/run", "dir:c/run": "dir:a/run" });
  assert.deepEqual(r.copiesOf["dir:a/run"].map((c) => [c.path, c.same_bytes_as]), [
    ["b/run/metrics_server_metrics.csv", "a/run/metrics_server_metrics.csv"],
    ["c/run/metrics_server_metrics.csv", "a/run/metrics_server_metrics.csv"],
  ]);
});

Deno.test("copyCandidates: files of one size whose records hold the same numbers", () => {
  const packer = new NumberPacker();
  const packed = file("p/x.json", "raw_result", 10, 1);
  packed.result!.drafts[0].metrics = packer.pack({ p99_ttft: 1, total_tput_tps: 100 })!;
  const loaded: LoadedArtifact[] = [
    file("a/x.json", "raw_result", 10, 1),
    file("b/x.json", "raw_result", 10, 1),
    packed, // packed numbers are read like plain ones
    file("c/x.json", "raw_result", 10, 2), // other numbers
    file("d/x.json", "raw_result", 11, 1), // other size
    file("e/x.json", "log", 10, 1), // not a measurement
    { ref: { path: "f/x.json", kind: "raw_result", size: 10 }, result: null },
  ];
  assert.deepEqual(copyCandidates(loaded), [[0, 1, 2]]);
  // Records that hold no number but 0 (a header-only CSV, a run that measured nothing) prove
  // no copy, whichever run wrote them.
  const empty = (path: string) => file(path, "server_metrics_csv", 10, 0, 0);
  assert.deepEqual(copyCandidates([empty("a"), empty("b")]), []);
  assert.deepEqual(
    copyCandidates([
      file("a", "raw_result", 10, null, null),
      file("b", "raw_result", 10, null, null),
    ]),
    [],
  );
  // Three or more alike so far are told apart by their whole records before any byte is read:
  // only files whose records are equal are compared (a generator's fixed latencies must not make
  // every file be compared with every other).
  const alike = (path: string, power: number) => {
    const l = file(path, "agg", 10, 1);
    l.result!.drafts[0].metrics = { p99_ttft: 1, total_tput_tps: 100, avg_power_w: power } as never;
    return l;
  };
  assert.deepEqual(
    copyCandidates([alike("a", 1), alike("b", 2), alike("c", 3), alike("d", 1), alike("e", 2)]),
    [[0, 3], [1, 4]],
  );
  // An unreadable file is nobody's copy.
  const bad = file("g/x.json", "raw_result", 10, 1);
  bad.result!.unreadable = true;
  assert.deepEqual(copyCandidates([file("a/x.json", "raw_result", 10, 1), bad]), []);
});

Deno.test("planCopies: a collected row that repeats an agg file's record joins its cell", () => {
  const row = (path: string, i: number, ttft: number): LoadedArtifact["result"] & object => ({
    drafts: [{ ...file(path, "agg", 1, ttft).result!.drafts[0], sub_key: String(i) }],
    issues: [],
    unreadable: false,
  });
  const collection = (path: string, rows: [number, number][]): LoadedArtifact => {
    const drafts = rows.flatMap(([i, ttft]) => row(path, i, ttft).drafts);
    return {
      ref: { path, kind: "agg_collection", size: 100 },
      result: { drafts, issues: [], unreadable: false },
    };
  };
  const loaded = [
    file("sweep/agg_a.json", "agg", 10, 0.5),
    file("sweep/agg_b.json", "agg", 10, 0.7),
    // Rows 0 and 2 repeat the two aggs; row 1 has no agg file in the tree.
    collection("collected/agg_bmk.json", [[0, 0.5], [1, 0.9], [2, 0.7]]),
  ];
  const keys = groupKeys(loaded.map((l) => l.ref));
  const p = planCopies(loaded, keys, new Map());
  assert.deepEqual(Object.fromEntries(p.into), {
    "row:collected/agg_bmk.json#0": "file:sweep/a",
    "row:collected/agg_bmk.json#2": "file:sweep/b",
  });
  assert.deepEqual(Object.fromEntries(p.rowsOf), {
    "file:sweep/a": [{
      path: "collected/agg_bmk.json",
      row: 0,
      same_record_as: "sweep/agg_a.json",
    }],
    "file:sweep/b": [{
      path: "collected/agg_bmk.json",
      row: 2,
      same_record_as: "sweep/agg_b.json",
    }],
  });
  // A record that differs anywhere (here its identity) is another measurement.
  const other = collection("collected/agg_bmk.json", [[0, 0.5]]);
  other.result!.drafts[0].identity = { hardware: "b200" };
  const q = planCopies([loaded[0], other], groupKeys([loaded[0].ref, other.ref]), new Map());
  assert.deepEqual(q.into.size, 0);
  // Each agg file takes at most one row of a collection: of two equal rows, the second finds the
  // second equal agg file, or stays a cell of its own when there is none.
  const twice = collection("collected/agg_bmk.json", [[0, 0.5], [1, 0.5]]);
  const one = [loaded[0], twice];
  assert.deepEqual(
    Object.fromEntries(planCopies(one, groupKeys(one.map((l) => l.ref)), new Map()).into),
    {
      "row:collected/agg_bmk.json#0": "file:sweep/a",
    },
  );
  const two = [loaded[0], file("other/agg_a.json", "agg", 10, 0.5), twice];
  assert.deepEqual(
    Object.fromEntries(planCopies(two, groupKeys(two.map((l) => l.ref)), new Map()).into),
    // In the order the files are given (the CLI gives them in path order).
    {
      "row:collected/agg_bmk.json#0": "file:sweep/a",
      "row:collected/agg_bmk.json#1": "file:other/a",
    },
  );
  // A record whose numbers are all 0 proves no copy.
  const zeros = [
    file("sweep/agg_z.json", "agg", 10, 0, 0),
    collection("collected/agg_bmk.json", [[0, 0]]),
  ];
  zeros[1].result!.drafts[0].metrics = { p99_ttft: 0, total_tput_tps: 0 };
  assert.equal(planCopies(zeros, groupKeys(zeros.map((l) => l.ref)), new Map()).into.size, 0);
  // A row under another campaign manifest's directory than the agg stays a cell.
  const manifest = (path: string): LoadedArtifact => ({
    ref: { path, kind: "manifest", size: 10 },
    result: { drafts: [], issues: [], unreadable: false },
    manifest: { expected_cells: [], timeline_expected: false },
  });
  const into = (extra: LoadedArtifact[]) => {
    const all = [...extra, ...loaded];
    return planCopies(all, groupKeys(all.map((l) => l.ref)), new Map()).into;
  };
  const both = into([manifest("collected/manifest.json"), manifest("sweep/manifest.json")]);
  assert.equal(both.get("row:collected/agg_bmk.json#0"), undefined);
  // Under one campaign's manifest and under none (a collection made at the top of a download,
  // beside the campaign it gathers): one campaign, the row joins the agg, either way round.
  for (const one of ["sweep/manifest.json", "collected/manifest.json"]) {
    assert.equal(into([manifest(one)]).get("row:collected/agg_bmk.json#0"), "file:sweep/a", one);
  }
});
