/**
 * Property tests (fast-check): any bytes or mutated real artifact in → report out with an exit
 * code from the contract; the fold is order-independent and pure; percentiles match a reference
 * written independently; every input string is escaped in report.md.
 *
 * Run counts are kept small so the file stays well under 30 s; `deno task fuzz` runs the same
 * properties with many more runs (tests/fuzz.ts).
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { foldCells } from "../lib/fold.ts";
import { ladder, percentileSorted } from "../lib/stats.ts";
import type { CellRecord } from "../lib/types.ts";
import { loadAll } from "../lib/io/load.ts";
import { walkResults } from "../lib/io/walk.ts";
import { groupKeys } from "../lib/grouping.ts";
import {
  analyzeInProcess,
  assertContract,
  assertMarkdownTablesIntact,
  REAL_AGG,
  SAMPLE_DIR,
  SEED_FILES,
  withTemp,
} from "./_hostile.ts";

/** How many runs each property gets here; tests/fuzz.ts multiplies them. */
export const RUNS = { bytes: 150, mutations: 150, escaping: 80, fold: 100, percentiles: 1000 };

/** Names that route a file to each parser (and to the name-less sniffing path). */
export const TARGET_NAMES: readonly string[] = [
  "agg_x.json",
  "results_x.json",
  "concurrency_8_req_rate_inf_gpus_16_ctx_8_gen_8.json",
  "detailed_results.csv",
  "metrics_server_metrics.csv",
  "server_metrics_export.csv",
  "profile_export.jsonl",
  "profile_export_aiperf.json",
  "inferguard_timeline.jsonl",
  "manifest.json",
  "meta_env.json",
  "samples_task_1.jsonl",
  "status.txt",
  "benchmark_command.txt",
  "agg_bmk.json",
];

/** Snippets a mutation splices in: JSON syntax, odd numbers, separators, control characters. */
const SNIPPETS: readonly string[] = [
  '"',
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  "NaN",
  "-1e999",
  "1e999",
  "-0",
  "null",
  "true",
  '""',
  "\u0000",
  "\r",
  "\n",
  "\r\n",
  "|",
  "<script>",
  "\ufeff",
  "\ud800",
  "99999999999999999999999",
  "-1",
  "0",
];

const enc = new TextEncoder();

/** One mutation of a byte string. */
const mutation = fc.oneof(
  fc.record({ op: fc.constant("flip"), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant("delete"), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant("insert"), at: fc.nat(), text: fc.constantFrom(...SNIPPETS) }),
  fc.record({ op: fc.constant("truncate"), at: fc.nat() }),
  fc.record({ op: fc.constant("duplicate"), at: fc.nat(), len: fc.integer({ min: 1, max: 256 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** Apply byte-level mutations to `bytes`. */
export function mutateBytes(bytes: Uint8Array, muts: readonly Mutation[]): Uint8Array {
  let b = bytes;
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.op === "flip" && b.length > 0) {
      b = b.slice();
      b[at] = m.byte;
    } else if (m.op === "delete") b = concat(b.subarray(0, at), b.subarray(at + m.len));
    else if (m.op === "insert") b = concat(b.subarray(0, at), enc.encode(m.text), b.subarray(at));
    else if (m.op === "truncate") b = b.subarray(0, at);
    else if (m.op === "duplicate") {
      b = concat(b.subarray(0, at + m.len), b.subarray(at, at + m.len), b.subarray(at + m.len));
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Replace the value at one key path of a parsed JSON value (a structural mutation). */
export function replaceAt(value: unknown, pick: number, replacement: unknown): unknown {
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (slots.push({ parent: v, key: i }), visit(x)));
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        slots.push({ parent: v as Record<string, unknown>, key: k });
        visit(x);
      }
    }
  };
  visit(value);
  if (slots.length === 0) return replacement;
  const s = slots[pick % slots.length];
  (s.parent as Record<string | number, unknown>)[s.key] = replacement;
  return value;
}

const seeds = await Promise.all(SEED_FILES.map((f) => Deno.readFile(`${SAMPLE_DIR}${f}`)));
const seedNames = SEED_FILES.map((f) => f.slice(f.lastIndexOf("/") + 1));

/** Run analyze on a tree holding one file `name` with `bytes`, and check the contract. */
export async function checkOneFile(name: string, bytes: Uint8Array, label: string): Promise<void> {
  await withTemp("prop", async (dir) => {
    await Deno.mkdir(`${dir}/in/run`, { recursive: true });
    await Deno.writeFile(`${dir}/in/run/${name}`, bytes);
    const r = await analyzeInProcess(`${dir}/in`, `${dir}/out`);
    assertContract(r, `${label} (${name}, ${bytes.length} bytes)`);
    if (r.markdown !== null) assertMarkdownTablesIntact(r.markdown, label);
  });
}

/** Property: random bytes under any artifact name give a report or the documented exit 3. */
export const bytesProperty = fc.asyncProperty(
  fc.constantFrom(...TARGET_NAMES),
  fc.oneof(
    fc.uint8Array({ maxLength: 4096 }),
    fc.string({ unit: "binary", maxLength: 2048 }).map((s) => enc.encode(s)),
  ),
  async (name, bytes) => await checkOneFile(name, bytes, "random bytes"),
);

/** Property: byte-level mutations of real artifacts, under their own or another artifact name. */
export const byteMutationProperty = fc.asyncProperty(
  fc.nat({ max: seeds.length - 1 }),
  fc.array(mutation, { minLength: 1, maxLength: 8 }),
  fc.option(fc.constantFrom(...TARGET_NAMES), { nil: undefined }),
  async (i, muts, rename) =>
    await checkOneFile(rename ?? seedNames[i], mutateBytes(seeds[i], muts), "byte mutation"),
);

/** Property: one value of a real artifact replaced by an arbitrary JSON-ish value. */
export const valueMutationProperty = fc.asyncProperty(
  fc.nat({ max: seeds.length - 1 }),
  fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 3 })), { minLength: 1, maxLength: 4 }),
  async (i, edits) => {
    let value: unknown = JSON.parse(new TextDecoder().decode(seeds[i]));
    for (const [pick, replacement] of edits) value = replaceAt(value, pick, replacement);
    await checkOneFile(seedNames[i], enc.encode(JSON.stringify(value)), "value mutation");
  },
);

Deno.test("property: random bytes under every artifact name never crash", async () => {
  await fc.assert(bytesProperty, { numRuns: RUNS.bytes });
});

Deno.test("property: byte mutations of real artifacts never crash", async () => {
  await fc.assert(byteMutationProperty, { numRuns: RUNS.mutations });
});

Deno.test("property: value mutations of real artifacts never crash", async () => {
  await fc.assert(valueMutationProperty, { numRuns: RUNS.mutations });
});

// ---------------------------------------------------------------------------------------------
// The fold: order independence and purity, on the records of the real sample tree.

/** CellRecords built from the sample tree the way `analyze` does (group key, artifact, draft). */
async function sampleRecords(): Promise<CellRecord[]> {
  const root = SAMPLE_DIR.replace(/\/$/, "");
  const walked = await walkResults(root, { isTimeline: () => false });
  const loaded = await loadAll(root, walked.artifacts);
  const keys = groupKeys(loaded.map((l) => l.ref));
  const records: CellRecord[] = [];
  loaded.forEach((l, i) => {
    for (const d of l.result?.drafts ?? []) {
      records.push({
        group_key: d.sub_key !== undefined
          ? `row:${l.ref.path}#${d.sub_key}`
          : keys[i] ?? `eval:${l.ref.path}`,
        artifact: l.ref.path,
        kind: l.ref.kind,
        source_format: d.source_format,
        priority: d.priority,
        identity: d.identity,
        metrics: d.metrics,
        extra_percentiles: d.extra_percentiles,
        eval: d.eval,
        notes: d.notes,
        primary: d.primary,
      });
    }
  });
  return records;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

const realRecords = await sampleRecords();

Deno.test("property: the fold of the real sample records is order-independent and pure", () => {
  assert.ok(realRecords.length > 50, `only ${realRecords.length} records from the sample`);
  const shared = new Set(realRecords.map((r) => r.group_key)).size;
  assert.ok(shared < realRecords.length, "some group must merge several records");
  const snapshot = structuredClone(realRecords);
  const frozen = deepFreeze(structuredClone(realRecords));
  const expected = foldCells(frozen);
  assert.deepEqual(frozen, snapshot, "foldCells changed its (frozen) input");
  fc.assert(
    fc.property(fc.shuffledSubarray(frozen, { minLength: frozen.length }), (shuffled) => {
      const before = structuredClone(shuffled);
      assert.deepEqual(foldCells(shuffled), expected);
      assert.deepEqual(shuffled, before, "input array changed");
    }),
    { numRuns: RUNS.fold },
  );
});

/** Synthetic records: few group keys, unique artifacts, overlapping fields with conflicts. */
const recordArb: fc.Arbitrary<CellRecord[]> = fc.uniqueArray(
  fc.record({
    group_key: fc.constantFrom("dir:a", "dir:b", "run:agg_x_1k1k_conc4", "row:t.json#0"),
    artifact: fc.stringMatching(/^[a-z]{1,6}\/[a-z_]{1,8}\.(json|csv)$/),
    kind: fc.constantFrom("agg" as const, "raw_result" as const, "detailed_results" as const),
    source_format: fc.constantFrom("inferencex-static" as const, "unknown" as const),
    priority: fc.integer({ min: 0, max: 3 }),
    identity: fc.record(
      { model: fc.string(), concurrency: fc.integer({ min: 1, max: 512 }), isl: fc.nat() },
      { requiredKeys: [] },
    ),
    metrics: fc.record({
      mean_ttft: fc.option(fc.double({ noNaN: true }), { nil: null }),
      p99_ttft: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
      num_requests_total: fc.option(fc.nat(), { nil: null }),
      num_requests_successful: fc.option(fc.nat(), { nil: null }),
      tp: fc.option(fc.integer({ min: 1, max: 16 }), { nil: null }),
    }, { requiredKeys: [] }),
    notes: fc.dictionary(fc.constantFrom("a", "b", "c"), fc.jsonValue({ maxDepth: 2 })),
    primary: fc.boolean(),
  }),
  { selector: (r) => r.artifact, maxLength: 12 },
);

Deno.test("property: the fold of synthetic conflicting records is order-independent and pure", () => {
  fc.assert(
    fc.property(
      recordArb.chain((recs) =>
        fc.tuple(
          fc.constant(recs),
          fc.shuffledSubarray(recs, {
            minLength: recs.length,
          }),
        )
      ),
      ([recs, shuffled]) => {
        const frozen = deepFreeze(structuredClone(recs));
        const snapshot = structuredClone(recs);
        const a = foldCells(frozen);
        assert.deepEqual(frozen, snapshot, "foldCells changed its input");
        assert.deepEqual(foldCells(deepFreeze(structuredClone(shuffled))), a);
      },
    ),
    { numRuns: RUNS.fold },
  );
});

// ---------------------------------------------------------------------------------------------
// Percentiles against an independent reference.

/**
 * Reference percentile (numpy "linear", Hyndman–Fan type 7), written from the definition: the
 * p-quantile is the weighted average (1 − g)·x[j] + g·x[j+1] of the order statistics around the
 * 0-based virtual index (n − 1)·p.
 */
function referencePercentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * (q / 100);
  const j = Math.floor(h);
  const g = h - j;
  if (j + 1 >= x.length) return x[x.length - 1];
  return (1 - g) * x[j] + g * x[j + 1];
}

function close(a: number | null, b: number | null, scale: number): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, scale);
}

Deno.test("property: percentiles and ladders match the reference implementation", () => {
  const sample = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 200 });
  fc.assert(
    fc.property(sample, fc.double({ min: 0, max: 100, noNaN: true }), (values, q) => {
      const sorted = Float64Array.from(values).sort();
      const scale = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const got = percentileSorted(sorted, q);
      const want = referencePercentile(values, q);
      assert.ok(close(got, want, scale), `q=${q}: got ${got}, reference ${want}`);
      if (values.length > 0) {
        assert.ok(got! >= sorted[0] && got! <= sorted[sorted.length - 1], "inside [min, max]");
        // `close`, not strict equality: -0 and 0 are the same percentile.
        assert.ok(close(percentileSorted(sorted, 0), sorted[0], scale), "q=0 is the minimum");
        assert.ok(close(percentileSorted(sorted, 100), sorted.at(-1)!, scale), "q=100 is the max");
      }
      const l = ladder(values);
      assert.equal(l.count, values.length);
      for (const [p, v] of [[50, l.p50], [90, l.p90], [99, l.p99], [99.9, l.p999]] as const) {
        assert.ok(close(v, referencePercentile(values, p), scale), `ladder p${p}`);
      }
      assert.ok(close(l.max, values.length ? Math.max(...values) : null, scale), "ladder max");
    }),
    { numRuns: RUNS.percentiles },
  );
});

Deno.test("percentile reference agrees with numpy on hand-computed cases", () => {
  // numpy.percentile([1, 2, 3, 4], 40) = 2.2; ([0.1, 0.2], 99) = 0.199; ([5], 99.9) = 5.
  assert.ok(close(percentileSorted([1, 2, 3, 4], 40), 2.2, 4));
  assert.ok(close(referencePercentile([4, 1, 3, 2], 40), 2.2, 4));
  assert.ok(close(percentileSorted([0.1, 0.2], 99), 0.199, 1));
  assert.equal(percentileSorted([5], 99.9), 5);
  assert.equal(percentileSorted([], 50), null);
});

// ---------------------------------------------------------------------------------------------
// Escaping: hostile strings in an agg never break report.md tables.

const hostileText = fc.array(
  fc.constantFrom(
    "|",
    "\n",
    "\r\n",
    "`",
    "``",
    "<",
    ">",
    "<script>",
    "</script>",
    "\\",
    "\\|",
    "*",
    "_",
    "[",
    "]",
    "(",
    ")",
    "#",
    "&",
    "~",
    "\t",
    "\u2028",
    " ",
    "a",
    "Kimi",
    "模型",
    "🚀",
    "-",
    "<img src=x onerror=alert(1)>",
  ),
  { minLength: 1, maxLength: 12 },
).map((parts) => parts.join(""));

const realAgg = JSON.parse(await Deno.readTextFile(`${SAMPLE_DIR}${REAL_AGG}`));

/** Property: random model/framework/hardware strings in two aggs → every table row intact. */
export const escapingProperty = fc.asyncProperty(
  fc.record({
    model: hostileText,
    infmax_model_prefix: hostileText,
    framework: hostileText,
    hw: hostileText,
    precision: hostileText,
    image: hostileText,
  }),
  async (strings) => {
    await withTemp("prop_escape", async (dir) => {
      for (const conc of [4, 8]) {
        await Deno.mkdir(`${dir}/in/c${conc}`, { recursive: true });
        await Deno.writeTextFile(
          `${dir}/in/c${conc}/agg_x_conc${conc}.json`,
          JSON.stringify({ ...realAgg, ...strings, conc }),
        );
      }
      const r = await analyzeInProcess(`${dir}/in`, `${dir}/out`);
      assertContract(r, "escaping");
      assert.notEqual(r.code, 3, "two aggs must give a report");
      assertMarkdownTablesIntact(r.markdown!, `escaping ${JSON.stringify(strings)}`);
    });
  },
);

Deno.test("property: every input string is escaped in report.md tables", async () => {
  await fc.assert(escapingProperty, { numRuns: RUNS.escaping });
});
