import assert from "node:assert/strict";
import fc from "fast-check";
import { foldCells, foldGroups } from "./fold.ts";
import { numberAt, NumberPacker, numbersOf } from "./packed.ts";
import {
  type CellRecord,
  type Identity,
  IDENTITY_FIELDS,
  METRIC_FIELDS,
  type Metrics,
} from "./types.ts";

function rec(
  over: Partial<Omit<CellRecord, "identity" | "metrics">> & {
    identity?: Partial<Identity>;
    metrics?: Partial<Metrics>;
  },
): CellRecord {
  return {
    group_key: "g",
    artifact: "a.json",
    kind: "raw_result",
    source_format: "inferencex-static",
    priority: 20,
    primary: true,
    identity: {},
    metrics: {},
    ...over,
  };
}

function deepFreeze<T>(x: T): T {
  if (x && typeof x === "object" && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

function only(records: CellRecord[]) {
  const cells = foldCells(records);
  assert.equal(cells.length, 1);
  return cells[0];
}

Deno.test("fold: raw + agg are one cell; the higher priority (agg) wins, the raw fills gaps", () => {
  const raw = rec({
    artifact: "x.json",
    kind: "raw_result",
    priority: 20,
    identity: { concurrency: 4, model_path: "org/m" },
    metrics: { p99_ttft: 0.5, total_tput_tps: 800, output_tput_tps: 400, num_requests_total: 40 },
  });
  const agg = rec({
    artifact: "agg_x.json",
    kind: "agg",
    priority: 25,
    identity: { concurrency: 4, model: "m", hardware: "h200", is_multinode: false },
    metrics: { p99_ttft: 0.49, tput_per_gpu: 99, tp: 8 },
  });
  for (const order of [[raw, agg], [agg, raw]]) {
    const c = only(order);
    assert.equal(c.metrics.p99_ttft, 0.49);
    assert.equal(c.metrics.tput_per_gpu, 99, "the agg's own per-GPU number is kept");
    assert.equal(c.metrics.total_tput_tps, 800);
    assert.equal(c.metrics.num_requests_total, 40);
    assert.equal(c.model, "m");
    assert.equal(c.model_path, "org/m");
    assert.deepEqual(c.artifacts, { agg: ["agg_x.json"], raw_result: ["x.json"] });
    assert.equal(c.source_format, "inferencex-static");
  }
});

Deno.test("fold: status.txt FAILED marks a cell without request counts failed; counts win", () => {
  const status = (txt: string) =>
    rec({ artifact: "status.txt", kind: "status", primary: false, notes: { status_txt: txt } });
  const agg = (metrics: Partial<Metrics>) =>
    rec({ artifact: "agg.json", kind: "agg", identity: { concurrency: 4 }, metrics });
  assert.equal(only([agg({ tput_per_gpu: 5 }), status("FAILED")]).status, "failed");
  assert.equal(only([agg({ tput_per_gpu: 5 }), status("SUCCESS")]).status, "unknown");
  assert.equal(only([agg({ tput_per_gpu: 5 })]).status, "unknown");
  const counted = agg({ num_requests_total: 4, num_requests_successful: 4 });
  assert.equal(only([counted, status("FAILED")]).status, "complete");
});

Deno.test("fold: a file named gpus_0_ctx_0_gen_0 gives no GPU count and no per-GPU throughput", () => {
  const c = only([rec({
    artifact: "mn/concurrency_8_req_rate_inf_gpus_0_ctx_0_gen_0.json",
    metrics: { total_tput_tps: 100, output_tput_tps: 60, num_requests_total: 8 },
  })]);
  assert.equal(c.metrics.num_gpus, null);
  assert.equal(c.metrics.num_prefill_gpu, null);
  assert.equal(c.metrics.tput_per_gpu, null);
  assert.equal(c.is_multinode, true);
});

Deno.test("fold: of two lm-eval runs in one cell, the later file wins and the earlier is listed", () => {
  const run = (artifact: string, value: number) =>
    rec({
      artifact,
      kind: "eval_results",
      source_format: "eval",
      primary: false,
      eval: { gsm8k: { "exact_match,strict-match": { value, stderr: 0.01 } } },
    });
  for (
    const order of [
      [
        run("ev/results_2026-05-01T00-00-00.json", 0.95),
        run("ev/results_2026-06-01T00-00-00.json", 0.5),
      ],
      [
        run("ev/results_2026-06-01T00-00-00.json", 0.5),
        run("ev/results_2026-05-01T00-00-00.json", 0.95),
      ],
    ]
  ) {
    const c = only(order);
    assert.equal(c.eval?.gsm8k["exact_match,strict-match"].value, 0.5);
    assert.deepEqual(c.notes.eval_results_superseded, ["ev/results_2026-05-01T00-00-00.json"]);
  }
  // The run's notes come from the same (later) file as its scores.
  const noted = (artifact: string, value: number, date: string) => ({
    ...run(artifact, value),
    notes: { lm_eval_date: date },
  });
  const c = only([
    noted("ev/results_2026-05-01T00-00-00.json", 0.95, "may"),
    noted("ev/results_2026-06-01T00-00-00.json", 0.5, "june"),
  ]);
  assert.equal(c.notes.lm_eval_date, "june");
  assert.deepEqual(Object.keys(c.notes), [...Object.keys(c.notes)].sort());
  // In sibling directories too, whichever sorts first.
  for (const [may, june] of [["b_first", "a_rerun"], ["eval_run1", "eval_run2"]]) {
    const sib = only([
      run(`run/${may}/results_2026-05-01T00-00-00.json`, 0.95),
      run(`run/${june}/results_2026-06-01T00-00-00.json`, 0.5),
    ]);
    assert.equal(sib.eval?.gsm8k["exact_match,strict-match"].value, 0.5, june);
    assert.deepEqual(sib.notes.eval_results_superseded, [
      `run/${may}/results_2026-05-01T00-00-00.json`,
    ]);
  }
  // Beside each run's meta_env (a record of the same priority), in any input order: the latest.
  const meta = (dir: string) =>
    rec({
      artifact: `run/${dir}/meta_env.json`,
      kind: "eval_meta",
      source_format: "eval",
      primary: false,
      priority: 10,
      identity: { model: "m" },
    });
  const runs = [
    run("run/a/results_2026-05-01T00-00-00.000.json", 0.9),
    run("run/b/results_2026-04-01T00-00-00.000.json", 0.7),
    run("run/c/results_2026-06-01T00-00-00.000.json", 0.5),
    meta("a"),
    meta("b"),
    meta("c"),
  ].map((r) => ({ ...r, priority: 10 }));
  for (let shift = 0; shift < runs.length; shift++) {
    const order = [...runs.slice(shift), ...runs.slice(0, shift)];
    for (const records of [order, [...order].reverse()]) {
      const c = only(records);
      assert.equal(c.eval?.gsm8k["exact_match,strict-match"].value, 0.5, `shift ${shift}`);
      assert.deepEqual(c.notes.eval_results_superseded, [
        "run/a/results_2026-05-01T00-00-00.000.json",
        "run/b/results_2026-04-01T00-00-00.000.json",
      ]);
    }
  }
  // Files whose names give no time: path order, as for any other record.
  const untimed = only([run("run/b/results.json", 0.95), run("run/a/results.json", 0.5)]);
  assert.equal(untimed.eval?.gsm8k["exact_match,strict-match"].value, 0.5);
});

Deno.test("fold: every identity and metric field is present; unknown is null, never 0", () => {
  const c = only([rec({ metrics: { p99_ttft: 1 } })]);
  for (const [k, v] of Object.entries(c.metrics)) {
    if (k !== "p99_ttft") assert.equal(v, null, k);
  }
  assert.equal(c.hardware, null);
  assert.ok(!("tput_per_gpu" in c), "metrics live under metrics");
  assert.equal(c.status, "unknown");
});

Deno.test("fold: single-node per-GPU throughput divides by tp × pp × pcp (not dcp, not ep)", () => {
  const c = only([rec({
    identity: { is_multinode: false },
    metrics: { tp: 2, pp: 2, pcp: 2, dcp: 4, ep: 8, total_tput_tps: 1600, output_tput_tps: 400 },
  })]);
  assert.equal(c.metrics.num_gpus, 8);
  assert.equal(c.metrics.input_tput_tps, 1200);
  assert.equal(c.metrics.tput_per_gpu, 200);
  assert.equal(c.metrics.output_tput_per_gpu, 50);
  assert.equal(c.metrics.input_tput_per_gpu, 150);
});

Deno.test("fold: disaggregated multi-node: total ÷ (P+D), output ÷ D, input ÷ P", () => {
  const c = only([rec({
    identity: { is_multinode: true },
    metrics: { num_prefill_gpu: 4, num_decode_gpu: 12, total_tput_tps: 1600, output_tput_tps: 600 },
  })]);
  assert.equal(c.metrics.num_gpus, 16);
  assert.equal(c.metrics.tput_per_gpu, 100);
  assert.equal(c.metrics.output_tput_per_gpu, 50);
  assert.equal(c.metrics.input_tput_per_gpu, 250);
  assert.notEqual(
    c.metrics.tput_per_gpu,
    c.metrics.output_tput_per_gpu! + c.metrics.input_tput_per_gpu!,
  );
});

Deno.test("fold: aggregated multi-node (D = 0): output ÷ P", () => {
  const c = only([rec({
    identity: { is_multinode: true },
    metrics: { num_prefill_gpu: 8, num_decode_gpu: 0, total_tput_tps: 800, output_tput_tps: 200 },
  })]);
  assert.equal(c.metrics.tput_per_gpu, 100);
  assert.equal(c.metrics.output_tput_per_gpu, 25);
  assert.equal(c.metrics.input_tput_per_gpu, 75);
});

Deno.test("fold: the GPU split in a per-point file name fills a raw-only multi-node cell", () => {
  const c = only([rec({
    artifact: "mn/concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json",
    identity: { concurrency: 64 },
    metrics: { total_tput_tps: 10005.210669, output_tput_tps: 5002.605335 },
  })]);
  assert.equal(c.is_multinode, true);
  assert.equal(c.metrics.num_prefill_gpu, 8);
  assert.equal(c.metrics.num_decode_gpu, 8);
  // §4.3 check: T/16 = O/8 = I/8 = 625.325667.
  for (const k of ["tput_per_gpu", "output_tput_per_gpu", "input_tput_per_gpu"] as const) {
    assert.ok(Math.abs(c.metrics[k]! - 625.325667) < 1e-5, k);
  }
  assert.equal(c.hardware, null, "no hardware in the name: unknown, not guessed");
});

Deno.test("fold: an agg without its raw file gets absolute throughput from per-GPU × GPUs", () => {
  const agg = (identity: Partial<Identity>, metrics: Partial<Metrics>) =>
    only([rec({ kind: "agg", priority: 25, identity, metrics })]).metrics;
  // Single node, tp8: 82.687 tok/s/GPU × 8 = 661.496 (the power sidecar's window gives
  // (37068 + 36709) / 111.53 = 661.50 for the real h200 c4 cell this comes from).
  const single = agg({ is_multinode: false }, { tp: 8, tput_per_gpu: 82.687 });
  assert.ok(Math.abs(single.total_tput_tps! - 661.496) < 1e-9);
  assert.equal(single.output_tput_tps, null, "no output per GPU: no output throughput");
  // Disaggregated P8 + D8: total × 16, output × D, input × P.
  const disagg = agg({ is_multinode: true }, {
    num_prefill_gpu: 8,
    num_decode_gpu: 8,
    tput_per_gpu: 1046,
    output_tput_per_gpu: 1000,
    input_tput_per_gpu: 1092,
  });
  assert.deepEqual(
    [disagg.total_tput_tps, disagg.output_tput_tps, disagg.input_tput_tps],
    [16736, 8000, 8736],
  );
  // Measured totals are never replaced.
  const measured = agg({ is_multinode: false }, { tp: 8, tput_per_gpu: 80, total_tput_tps: 650 });
  assert.equal(measured.total_tput_tps, 650);
  assert.equal(agg({}, { tput_per_gpu: 80 }).total_tput_tps, null, "no GPU count: unknown");
});

Deno.test("fold: an agentic cell's per-GPU throughput is its measured total's, not its aggregate's", () => {
  // The per-request data (priority 30) measures the totals; the AgentX aggregate (20) states
  // per-GPU figures of its own, here one that does not follow from its total (600 × 4 ≠ 1955.96).
  const detailed = rec({
    artifact: "run/detailed_results.csv",
    kind: "detailed_results",
    source_format: "agentx-trace-replay",
    priority: 30,
    identity: { is_multinode: false },
    metrics: { total_tput_tps: 1955.96, output_tput_tps: 55.96, input_tput_tps: 1900 },
  });
  const agg = (metrics: Partial<Metrics>) =>
    rec({
      artifact: "bmk/agg.json",
      kind: "agentx_agg",
      source_format: "agentx-trace-replay",
      priority: 20,
      metrics,
    });
  const stated = { tput_per_gpu: 600, output_tput_per_gpu: 14, input_tput_per_gpu: 475 };
  const m = only([agg({ tp: 4, ...stated }), detailed]).metrics;
  assert.deepEqual(
    [m.tput_per_gpu, m.output_tput_per_gpu, m.input_tput_per_gpu],
    [1955.96 / 4, 55.96 / 4, 1900 / 4],
  );
  // Per-request data that measures the total and the output but not the input (some rows
  // without input counts): the input is their difference, divided as the others are.
  const noInput = only([
    agg({ tp: 4, ...stated }),
    { ...detailed, metrics: { total_tput_tps: 2000, output_tput_tps: 100 } },
  ]).metrics;
  assert.deepEqual(
    [noInput.input_tput_tps, noInput.input_tput_per_gpu, noInput.tput_per_gpu],
    [1900, 1900 / 4, 500],
  );
  // Without a GPU count the measured totals cannot be divided: the aggregate's figures are all
  // there is.
  const noGpus = only([agg(stated), detailed]).metrics;
  assert.deepEqual(
    [noGpus.tput_per_gpu, noGpus.output_tput_per_gpu, noGpus.input_tput_per_gpu],
    [600, 14, 475],
  );
  // A fixed-seq agg is its cell's primary record: its per-GPU figure stays beside the raw total.
  const fixed = only([
    rec({ metrics: { total_tput_tps: 1257 } }),
    rec({ kind: "agg", priority: 25, metrics: { tp: 8, tput_per_gpu: 235.7 } }),
  ]).metrics;
  assert.equal(fixed.tput_per_gpu, 235.7);
});

Deno.test("fold: a stated GPU count never replaces tp×pp×pcp; it is kept in the notes", () => {
  const cell = (stated: number | null, tp: number | null) =>
    only([
      rec({ metrics: { total_tput_tps: 1256.97, ...(tp === null ? {} : { tp }) } }),
      rec({ kind: "summary_csv", primary: false, priority: 5, metrics: { num_gpus: stated } }),
    ]);
  // Reference §4.3's check value: 1256.97 / 8 = 157.12 tok/s/GPU for the tp8 kimik2.5 cell.
  const conflict = cell(16, 8);
  assert.equal(conflict.metrics.num_gpus, 8);
  assert.ok(Math.abs(conflict.metrics.tput_per_gpu! - 157.12125) < 1e-9);
  assert.equal(conflict.notes.num_gpus_stated, 16);
  const agree = cell(8, 8);
  assert.equal(agree.notes.num_gpus_stated, undefined);
  // Without tp the stated count is all there is (the GLM-4.7 Gaudi3 summary).
  const noTp = cell(8, null);
  assert.equal(noTp.metrics.num_gpus, 8);
  assert.ok(Math.abs(noTp.metrics.tput_per_gpu! - 1256.97 / 8) < 1e-9);
  assert.equal(noTp.notes.num_gpus_stated, undefined);
});

Deno.test("fold: no GPU count → no per-GPU throughput", () => {
  const c = only([rec({ metrics: { total_tput_tps: 800, output_tput_tps: 400 } })]);
  assert.equal(c.metrics.tput_per_gpu, null);
  assert.equal(c.metrics.output_tput_per_gpu, null);
});

Deno.test("fold: status complete / partial / failed / unknown", () => {
  const status = (m: Partial<Metrics>) => only([rec({ metrics: m })]).status;
  assert.equal(status({ num_requests_total: 40, num_requests_successful: 40 }), "complete");
  assert.equal(status({ num_requests_total: 40, num_requests_successful: 36 }), "partial");
  assert.equal(status({ num_requests_total: 640, num_requests_successful: 0 }), "failed");
  assert.equal(status({}), "unknown");
  const partial = only([rec({ metrics: { num_requests_total: 40, num_requests_successful: 36 } })]);
  assert.equal(partial.metrics.success_rate, 0.9);
});

Deno.test("fold: warm-up records are not failures; errored warm-up records count once", () => {
  // Real request_accounting of ../shared/realdata/agentx-v1 (c16 and c48 of kimik2.7 kvdram-lmcache):
  // at c16 every dropped record was a warm-up record (887 of 887), one of which also errored, so
  // the profiling phase lost nothing: 720 / 720. At c48, 712 dropped, 711 of them warm-up: one
  // request failed while profiling, 906 / 907.
  const cases: { name: string; acc: Record<string, unknown>; rate: number; status: string }[] = [
    {
      name: "errored warm-up only",
      acc: {
        records_total: 1607,
        records_profiled: 720,
        records_dropped_total: 887,
        records_warmup_dropped: 887,
        records_error_dropped: 1,
      },
      rate: 1,
      status: "complete",
    },
    {
      name: "one failure while profiling",
      acc: {
        records_total: 1618,
        records_profiled: 906,
        records_dropped_total: 712,
        records_warmup_dropped: 711,
        records_error_dropped: 2,
      },
      rate: 906 / 907,
      status: "partial",
    },
    {
      name: "no warm-up split: every errored record is a failure",
      acc: { records_profiled: 98, records_error_dropped: 2 },
      rate: 0.98,
      status: "partial",
    },
  ];
  for (const c of cases) {
    const cell = only([rec({
      metrics: { num_requests_total: c.acc.records_total as number ?? 100 },
      notes: { request_accounting: c.acc },
    })]);
    assert.equal(cell.metrics.success_rate, c.rate, c.name);
    assert.equal(cell.status, c.status, c.name);
  }
});

Deno.test("fold: a raw result with a multi-node name is srt-slurm / AMD multi-node, as its agg", () => {
  const raw = (artifact: string) =>
    rec({ artifact, source_format: "inferencex-static", metrics: { num_requests_total: 40 } });
  const amd = "mn/concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json";
  const cases: { name: string; records: CellRecord[]; format: string }[] = [
    { name: "AMD raw alone", records: [raw(amd)], format: "inferencex-srt-slurm" },
    {
      name: "AMD raw with its agg",
      records: [
        raw(amd),
        rec({
          artifact: "mn/agg_x_concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json",
          kind: "agg",
          priority: 25,
          source_format: "inferencex-srt-slurm",
          identity: { is_multinode: true },
        }),
      ],
      format: "inferencex-srt-slurm",
    },
    { name: "single-node raw", records: [raw("x/results_c4.json")], format: "inferencex-static" },
    {
      name: "multi-node raw with an AgentX aggregate",
      records: [
        raw(amd),
        rec({ artifact: "mn/x.json", kind: "agentx_agg", source_format: "agentx-aiperf" }),
      ],
      format: "mixed",
    },
  ];
  for (const c of cases) assert.equal(only(c.records).source_format, c.format, c.name);
});

Deno.test("fold: two groups with the same identity get distinct, stable cell ids", () => {
  const a = rec({ group_key: "file:a/x", artifact: "a/x.json", identity: { concurrency: 4 } });
  const b = rec({ group_key: "file:b/x", artifact: "b/x.json", identity: { concurrency: 4 } });
  const ids1 = foldCells([a, b]).map((c) => c.cell_id);
  const ids2 = foldCells([b, a]).map((c) => c.cell_id);
  assert.equal(new Set(ids1).size, 2);
  assert.deepEqual(ids1, ids2);
  assert.deepEqual([...foldGroups([b, a]).keys()], ["file:a/x", "file:b/x"]);
});

const metricArb = fc.record({
  p99_ttft: fc.option(fc.double({ min: 0.001, max: 100, noNaN: true }), { nil: undefined }),
  total_tput_tps: fc.option(fc.double({ min: 1, max: 1e5, noNaN: true }), { nil: undefined }),
  output_tput_tps: fc.option(fc.double({ min: 1, max: 1e5, noNaN: true }), { nil: undefined }),
  tp: fc.option(fc.constantFrom(1, 2, 4, 8), { nil: undefined }),
  num_requests_total: fc.option(fc.constantFrom(10, 40, 640), { nil: undefined }),
  num_requests_successful: fc.option(fc.constantFrom(0, 9, 40), { nil: undefined }),
}, { requiredKeys: [] });

const recordsArb = fc.uniqueArray(
  fc.record({
    group: fc.constantFrom("file:a", "file:b", "run:c"),
    artifact: fc.stringMatching(/^[a-z]{1,6}\.json$/),
    priority: fc.constantFrom(5, 20, 25),
    primary: fc.boolean(),
    concurrency: fc.option(fc.constantFrom(4, 8, 64), { nil: undefined }),
    model: fc.option(fc.constantFrom("gptoss", "dsr1"), { nil: undefined }),
    metrics: metricArb,
  }),
  { selector: (r) => r.artifact, minLength: 1, maxLength: 8 },
).map((rows) =>
  rows.map((r) => {
    const metrics: Partial<Metrics> = {};
    for (const [k, v] of Object.entries(r.metrics)) {
      if (v !== undefined) metrics[k as keyof Metrics] = v;
    }
    const identity: Partial<Identity> = {};
    if (r.concurrency !== undefined) identity.concurrency = r.concurrency;
    if (r.model !== undefined) identity.model = r.model;
    return rec({
      group_key: r.group,
      artifact: r.artifact,
      priority: r.priority,
      primary: r.primary,
      identity,
      metrics,
    });
  })
);

Deno.test("fold (property): shuffled records give identical cells", () => {
  fc.assert(
    fc.property(
      recordsArb.chain((rs) =>
        fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length }))
      ),
      ([records, shuffled]) => {
        assert.deepEqual(foldCells(shuffled), foldCells(records));
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("fold (property): records with packed numbers fold to the same cells as plain ones", () => {
  const extraArb = fc.option(
    fc.dictionary(
      fc.constantFrom("p90_ttft", "p99.9_ttft", "std_itl", "10", "9", "constructor"),
      fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)),
      { maxKeys: 5 },
    ),
    { nil: undefined },
  );
  fc.assert(
    fc.property(
      recordsArb,
      fc.array(extraArb, { minLength: 8, maxLength: 8 }),
      (records, extras) => {
        const plain = records.map((r, i) =>
          extras[i] ? { ...r, extra_percentiles: extras[i] as Record<string, number> } : r
        );
        const packer = new NumberPacker();
        const packed = plain.map((r) => ({
          ...r,
          metrics: packer.pack(numbersOf(r.metrics)) ?? r.metrics,
          extra_percentiles: r.extra_percentiles &&
            (packer.pack(numbersOf(r.extra_percentiles)) ?? r.extra_percentiles),
        }));
        assert.deepEqual(foldCells(packed), foldCells(plain));
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("fold (property): deep-frozen input is not mutated and folds the same", () => {
  fc.assert(
    fc.property(recordsArb, (records) => {
      const before = JSON.stringify(records);
      const expected = foldCells(structuredClone(records));
      const frozen = deepFreeze(structuredClone(records));
      assert.deepEqual(foldCells(frozen), expected);
      assert.equal(JSON.stringify(frozen), before);
    }),
    { numRuns: 300 },
  );
});

Deno.test("fold: output cells do not share objects with the input records", () => {
  const r = rec({ metrics: { p99_ttft: 1 }, notes: { power_reasons: ["x"] } });
  const c = only([r]);
  c.metrics.p99_ttft = 2;
  assert.equal(numberAt(r.metrics, "p99_ttft"), 1);
});

Deno.test("fold: every identity and metric field is taken from the highest-priority record", () => {
  const identity: Record<string, unknown> = {};
  for (const f of IDENTITY_FIELDS) identity[f] = `id-${f}`;
  const metrics: Record<string, number> = {};
  METRIC_FIELDS.forEach((f, i) => metrics[f] = i + 1);
  const top = rec({
    artifact: "a.json",
    priority: 25,
    identity: identity as Partial<Identity>,
    metrics: metrics as Partial<Metrics>,
  });
  const other = rec({
    artifact: "b.json",
    priority: 20,
    identity: { model: "other", concurrency: 7 },
    metrics: { tp: 99, p99_ttft: 99 },
  });
  const c = only([other, top]);
  for (const f of IDENTITY_FIELDS) assert.equal(c[f], `id-${f}`, f);
  for (const f of METRIC_FIELDS) assert.equal(c.metrics[f], metrics[f], f);
});

Deno.test("fold: a key an object has through its prototype is not copied (as it never was)", () => {
  const c = only([rec({
    notes: { constructor: "x", toString: "y", kept: 1 },
    extra_percentiles: { valueOf: 1, "p99.9_ttft": 2 },
  })]);
  assert.deepEqual(Object.entries(c.notes), [["kept", 1]]);
  assert.deepEqual(Object.entries(c.extra_percentiles), [["p99.9_ttft", 2]]);
});

/**
 * The merge the fold has always done for notes and extra percentiles: plain objects filled in
 * priority order (`??=` for percentiles, "still undefined" for notes), then keys sorted.
 */
function referenceMerge(
  maps: (Record<string, unknown> | undefined)[],
  nullIsUnset: boolean,
): [string, unknown][] {
  const merged: Record<string, unknown> = {};
  for (const m of maps) {
    for (const [k, v] of Object.entries(m ?? {})) {
      if (nullIsUnset ? merged[k] == null : merged[k] === undefined) merged[k] = v;
    }
  }
  // As an object again: integer-like keys ("9", "10") enumerate first, in numeric order.
  return Object.entries(Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]])));
}

const mapArb = fc.option(
  fc.dictionary(
    fc.constantFrom("p90_x", "p99.9_x", "std_x", "a", "b", "10", "9", "constructor"),
    fc.constantFrom<unknown>(null, undefined, 0, 1.5, "s"),
    { maxKeys: 5 },
  ),
  { nil: undefined },
);

Deno.test("fold (property): notes and extra percentiles merge as plain objects always did", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({ group: fc.constantFrom("g1", "g2", "g3"), extra: mapArb, notes: mapArb }),
        { minLength: 1, maxLength: 40 }, // more key lists than the fold remembers
      ),
      (rows) => {
        const records = rows.map((r, i) =>
          rec({
            group_key: r.group,
            artifact: `${String(i).padStart(2, "0")}.json`,
            priority: 20 + (i % 3),
            extra_percentiles: r.extra as Record<string, number> | undefined,
            notes: r.notes,
          })
        );
        const cells = foldGroups(records);
        for (const [key, cell] of cells) {
          const recs = records.filter((r) => r.group_key === key)
            .sort((a, b) => b.priority - a.priority || (a.artifact < b.artifact ? -1 : 1));
          assert.deepEqual(
            Object.entries(cell.extra_percentiles),
            referenceMerge(
              recs.map((r) => r.extra_percentiles && numbersOf(r.extra_percentiles)),
              true,
            ),
          );
          assert.deepEqual(
            Object.entries(cell.notes),
            referenceMerge(recs.map((r) => r.notes), false),
          );
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("fold: a group without a primary record takes its identity from its records' names", () => {
  // A power sidecar whose agg is missing: the cell still says which point it was.
  const name =
    "pw/power_validation_gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc8_h200-nebius_0.json";
  const c = only([rec({ artifact: name, kind: "power_validation", primary: false, priority: 5 })]);
  assert.deepEqual(
    [c.model, c.precision, c.framework, c.isl, c.osl, c.concurrency, c.metrics.tp],
    ["gptoss", "fp4", "vllm", 1024, 1024, 8, 8],
  );
  // Beside a primary record, only the primary record's name counts.
  const withAgg = only([
    rec({ artifact: name, kind: "power_validation", primary: false, priority: 5 }),
    rec({ artifact: "pw/agg_other_conc16.json", kind: "agg", priority: 25 }),
  ]);
  assert.equal(withAgg.concurrency, 16);
});
