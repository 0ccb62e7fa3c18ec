import assert from "node:assert/strict";
import { relative } from "node:path";
import {
  absolutePath,
  DEFAULT_LIMITS,
  jsonDepthOver,
  jsonErrorOffset,
  jsonParseError,
  loadAll,
  readsWhole,
  scanAndLoad,
  scannerUrl,
} from "./load.ts";
import { walkResults } from "./walk.ts";
import { numbersOf, PackedNumbers } from "../packed.ts";
import { parseFixedSeqAgg } from "../../parsers/fixed_seq_agg.ts";

/** A real fixed-seq aggregate from the golden cases. */
const AGG_FIXTURE = new URL(
  "../../testdata/cases/eval_join/input/bmk/agg_dsr1_1k8k_fp4_trt_tp4-ep4-dpatrue_disagg-false_spec-mtp_conc256_b200-nb_1.json",
  import.meta.url,
);

Deno.test("jsonDepthOver finds the first byte past the nesting limit, ignoring brackets in strings", () => {
  assert.equal(jsonDepthOver('{"a": [1, {"b": "[[[["}]}', 3), null);
  assert.equal(jsonDepthOver('{"a": [1, {"b": "[[[["}]}', 2), 10);
  assert.equal(jsonDepthOver('{"s": "\\"[[[", "t": [[[]]]}', 3), 22);
  assert.equal(jsonDepthOver("[".repeat(100_000), 1000), 1000);
  // Exactly at the limit passes; one more level is caught at its byte.
  assert.equal(jsonDepthOver("[".repeat(1000) + "]".repeat(1000), 1000), null);
  assert.equal(jsonDepthOver("[".repeat(1001) + "]".repeat(1001), 1000), 1000);
  // Many brackets side by side (more than the limit in total) are not nesting.
  assert.equal(jsonDepthOver("[" + "[1],".repeat(5000) + "[1]]", 1000), null);
  assert.equal(jsonDepthOver(`{"a": "${"x".repeat(5000)}"}`, 10), null);
});

Deno.test("loadAll: an impossible metric from any parser is left out with an issue naming it", async () => {
  const root = await Deno.makeTempDir({ prefix: "inferguard_load_" });
  try {
    // Hits that outnumber queries (a hit rate of 2) and a KV usage of 250 %.
    await Deno.writeTextFile(
      `${root}/metrics_server_metrics.csv`,
      "timestamp_sec,kv_cache_usage_pct,prefix_cache_hits,prefix_cache_queries\n" +
        "1,250,0,0\n2,250,40,20\n",
    );
    const walked = await walkResults(root, { isTimeline: () => false, sizeFromRead: readsWhole });
    const [loaded] = await loadAll(root, walked.artifacts);
    const [draft] = loaded.result!.drafts;
    const metrics = numbersOf(draft.metrics) as Record<string, number | null>;
    assert.equal(metrics.server_gpu_cache_hit_rate, null);
    assert.equal(metrics.gpu_kv_usage_p95, null);
    assert.deepEqual(loaded.result!.issues.map((i) => i.message), [
      'Field "server_gpu_cache_hit_rate" is 2, outside 0–1; left out',
      'Field "gpu_kv_usage_p95" is 2.5, outside 0–1; left out',
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadAll: files the walk left unsized get the size of what was read", async () => {
  const root = await Deno.makeTempDir({ prefix: "inferguard_load_" });
  try {
    const agg = await Deno.readTextFile(AGG_FIXTURE);
    await Deno.writeTextFile(`${root}/agg_x.json`, agg);
    await Deno.writeTextFile(`${root}/notes.json`, "{not json");
    await Deno.writeTextFile(`${root}/server.log`, "x".repeat(42));
    const walked = await walkResults(root, { isTimeline: () => false, sizeFromRead: readsWhole });
    assert.deepEqual(
      walked.artifacts.map((a) => [a.path, a.size]),
      [["agg_x.json", null], ["notes.json", null], ["server.log", 42]],
    );
    const loaded = await loadAll(root, walked.artifacts);
    assert.deepEqual(
      loaded.map((l) => [l.ref.path, l.ref.kind, l.ref.size]),
      [
        ["agg_x.json", "agg", new TextEncoder().encode(agg).length],
        ["notes.json", "json_other", 9],
        [
          "server.log",
          "log",
          42,
        ],
      ],
    );
    assert.equal(loaded[1].result?.unreadable, true);
    // The agg's numbers are held packed until the fold, with the values the parser read.
    const [draft] = loaded[0].result!.drafts;
    assert.ok(draft.metrics instanceof PackedNumbers);
    assert.ok(draft.extra_percentiles instanceof PackedNumbers);
    const parsed = parseFixedSeqAgg(JSON.parse(agg)).drafts[0];
    assert.deepEqual(numbersOf(draft.metrics), parsed.metrics);
    assert.deepEqual(numbersOf(draft.extra_percentiles), parsed.extra_percentiles);
    // Deleted between the walk and the read: unreadable, size 0, no throw.
    await Deno.remove(`${root}/agg_x.json`);
    const [gone] = await loadAll(root, [walked.artifacts[0]]);
    assert.equal(gone.ref.size, 0);
    assert.match(gone.result?.issues[0].message ?? "", /^Cannot read: not found/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** A tree with more files than one reader batch: sample copies, bad JSON, text and logs. */
async function bigTree(root: string): Promise<void> {
  const sample = new URL("../../testdata/sample", import.meta.url).pathname;
  const src = (await walkResults(sample, { isTimeline: () => false })).artifacts;
  for (let copy = 0; copy < 12; copy++) {
    for (const a of src) {
      const to = `${root}/copy${String(copy).padStart(2, "0")}/${a.path}`;
      await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
      await Deno.copyFile(`${sample}/${a.path}`, to);
    }
    await Deno.writeTextFile(`${root}/copy${copy}_bad.json`, `{"truncated": [${copy}`);
    await Deno.writeFile(`${root}/copy${copy}_latin1.json`, new Uint8Array([0x7b, 0xe9, 0x7d]));
    await Deno.writeTextFile(`${root}/copy${copy}.log`, "line\n".repeat(copy));
  }
}

function byPath<T extends { ref: { path: string } }>(loaded: readonly T[]): T[] {
  return [...loaded].sort((
    a,
    b,
  ) => (a.ref.path < b.ref.path ? -1 : a.ref.path > b.ref.path ? 1 : 0));
}

Deno.test("scanAndLoad: on the scanner thread, on this thread, or after the thread fails, the same walk and artifacts", async () => {
  const root = await Deno.makeTempDir({ prefix: "inferguard_loading_" });
  try {
    await bigTree(root);
    // Big documents: one too big for a batch buffer (left to this thread), two that fill one, one
    // over the limit.
    const limits = { ...DEFAULT_LIMITS, maxJsonBytes: 1_500_000 };
    const doc = (bytes: number) => `{"pad": "${"x".repeat(bytes - 12)}"}`;
    await Deno.writeTextFile(`${root}/big_1.json`, doc(1_200_000));
    await Deno.writeTextFile(`${root}/big_2.json`, doc(600_000));
    await Deno.writeTextFile(`${root}/big_3.json`, doc(600_000));
    await Deno.writeTextFile(`${root}/big_4.json`, doc(1_600_000));
    // Links among the root's entries, which the root listing handed to the thread carries.
    await Deno.symlink(`${root}/big_2.json`, `${root}/alias_big_2.json`);
    await Deno.symlink(`${root}/copy05`, `${root}/alias_copy05`);
    await Deno.mkdir(`${root}/copy03/live`, { recursive: true });
    await Deno.writeTextFile(`${root}/copy03/live/inferguard_timeline.jsonl`, "{}\n");
    await Deno.mkdir(`${root}/inferguard_report`);
    await Deno.writeTextFile(`${root}/inferguard_report/report.json`, "{}");
    const isTimeline = (p: string) => p.endsWith("/inferguard_timeline.jsonl");
    const excludeDir = [`${root}/inferguard_report`];
    const walked = await walkResults(root, { isTimeline, sizeFromRead: readsWhole, excludeDir });
    assert.ok(walked.artifacts.length > 600, `only ${walked.artifacts.length} files`);
    assert.ok(walked.artifacts.some((a) => a.kind === "timeline"));
    const expected = byPath(
      await loadAll(root, walked.artifacts.filter((a) => a.kind !== "timeline"), limits),
    );
    assert.match(
      expected.find((l) => l.ref.path === "big_4.json")?.result?.issues[0].message ?? "",
      /over the 1500000-byte limit/,
    );
    const cases: [string, URL | null, boolean, number | undefined][] = [
      ["scanner thread", scannerUrl(), true, undefined],
      ["scanner thread reading every file", scannerUrl(), true, 0],
      ["this thread", null, false, undefined],
      ["missing module", new URL("./no_such_scanner.ts", import.meta.url), false, undefined],
    ];
    for (const [name, url, threaded, backlogFiles] of cases) {
      const got = await scanAndLoad(root, {
        excludeDir,
        timelineGlob: "**/inferguard_timeline.jsonl",
        scannerUrl: url,
        limits,
        backlogFiles,
      });
      assert.equal(got.threaded, threaded, name);
      assert.deepEqual(got.walked, walked, `${name}: the walk differs`);
      // One artifact at a time: a failing deepEqual over hundreds of them takes minutes to diff.
      const loaded = byPath(got.loaded);
      assert.equal(loaded.length, expected.length, name);
      for (let i = 0; i < loaded.length; i++) {
        assert.deepEqual(loaded[i], expected[i], `${name}: ${expected[i].ref.path}`);
      }
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("scanAndLoad: a small tree never starts the scanner thread", async () => {
  const root = await Deno.makeTempDir({ prefix: "inferguard_loading_" });
  try {
    await Deno.writeTextFile(`${root}/a.json`, "{}");
    // A module that would fail loudly if it were ever started.
    const got = await scanAndLoad(root, {
      excludeDir: [],
      timelineGlob: "**/inferguard_timeline.jsonl",
      scannerUrl: new URL("data:text/javascript,throw new Error('started')"),
    });
    assert.equal(got.threaded, false);
    assert.deepEqual(got.loaded.map((l) => [l.ref.path, l.ref.kind, l.ref.size, l.result]), [
      ["a.json", "json_other", 2, null],
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("absolutePath joins a relative path to the working directory without normalising it", () => {
  const cwd = Deno.cwd();
  assert.equal(absolutePath("/data/results"), "/data/results");
  assert.equal(absolutePath("results"), `${cwd}/results`);
  // `link/..` is left for the file system to resolve, as it would resolve the relative path.
  assert.equal(absolutePath("link/../results/"), `${cwd}/link/../results/`);
});

Deno.test("scanAndLoad: a root given relative to the working directory loads the same, with the same paths", async () => {
  const root = await Deno.makeTempDir({ prefix: "inferguard_relative_" });
  try {
    const agg = await Deno.readTextFile(AGG_FIXTURE);
    // Enough entries for the scanner thread, and a file it cannot parse.
    for (let i = 0; i < 300; i++) {
      await Deno.mkdir(`${root}/d${i}`);
      await Deno.writeTextFile(`${root}/d${i}/agg_${i}.json`, agg);
    }
    await Deno.writeTextFile(`${root}/d7/broken.json`, "{not json");
    const rel = relative(Deno.cwd(), root);
    assert.ok(!rel.startsWith("/"), rel);
    for (const url of [scannerUrl(), null]) {
      const opts = {
        excludeDir: [],
        timelineGlob: "**/inferguard_timeline.jsonl",
        scannerUrl: url,
      };
      const fromAbs = await scanAndLoad(root, opts);
      const fromRel = await scanAndLoad(rel, opts);
      assert.equal(fromRel.threaded, url !== null);
      assert.deepEqual(fromRel.walked, fromAbs.walked);
      assert.deepEqual(byPath(fromRel.loaded), byPath(fromAbs.loaded));
      assert.equal(fromRel.loaded.length, 301);
      assert.ok(fromRel.loaded.every((l) => !l.ref.path.includes(root)));
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** A 25-line agg-like document with `bad` in place of the value on line 21. */
function aggWith(bad: string): string {
  const lines = ["{"];
  for (let i = 2; i <= 24; i++) lines.push(`  "field_${i}": ${i === 21 ? bad : i},`);
  lines.push('  "last": 0', "}", "");
  return lines.join("\n");
}

Deno.test("loadAll: invalid JSON is reported with the line of the first error", async () => {
  const root = await Deno.makeTempDir({ prefix: "inferguard_load_" });
  try {
    // [file, text, true line of the error, message], counted by hand: in aggWith, line 1 is 2
    // characters, lines 2-9 are 16 and lines 10-20 are 18 (with their newlines), so line 21 starts
    // at 328 and its value, after 14 characters, is at 342.
    const cases: [string, string, number, string][] = [
      [
        "agg_infinity.json",
        aggWith("Infinity"),
        21,
        "Invalid JSON: Unexpected token 'I' in JSON at position 342 (line 21 column 15)",
      ],
      [
        "agg_nan.json",
        aggWith("NaN"),
        21,
        "Invalid JSON: Unexpected token 'N' in JSON at position 342 (line 21 column 15)",
      ],
      [
        "agg_trailing_comma.json",
        '{\n  "a": [\n    1,\n    2,\n  ],\n  "b": 1\n}\n',
        5,
        "Invalid JSON: Unexpected token ']' in JSON at position 27 (line 5 column 3)",
      ],
      [
        "agg_trailing_comma_object.json",
        '{\n  "a": 1,\n}\n',
        3,
        "Invalid JSON: Expected double-quoted property name in JSON at position 12 (line 3 column 1)",
      ],
      // Cut off after line 3: the error is where the text stops, not past its final newline.
      [
        "agg_truncated.json",
        '{\n  "a": 1,\n  "b": [1, 2,\n',
        3,
        "Invalid JSON: Unexpected end of JSON input",
      ],
      [
        "agg_unterminated.json",
        '{\n  "a": 1,\n  "model": "dsr1\n}\n',
        3,
        "Invalid JSON: Bad control character in string literal in JSON at position 28 (line 3 column 17)",
      ],
      ["agg_empty.json", "", 1, "Invalid JSON: Unexpected end of JSON input"],
    ];
    for (const [name, text] of cases) await Deno.writeTextFile(`${root}/${name}`, text);
    const walked = await walkResults(root, { isTimeline: () => false, sizeFromRead: readsWhole });
    const loaded = await loadAll(root, walked.artifacts);
    for (const [name, , line, message] of cases) {
      const l = loaded.find((x) => x.ref.path === name)!;
      assert.equal(l.result?.unreadable, true, name);
      assert.deepEqual(l.result?.issues, [{ line, message }], name);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("jsonErrorOffset: the first offset JSON.parse rejects, checked against V8's own positions", () => {
  // Texts V8 gives a position for: the validator must find the same one.
  const positioned = [
    '{"a":1,\n}',
    '{"a": "abc',
    "[1,2,\n3",
    '{"a":1}\n}',
    '{"a": "x\ty"}',
    '{"a":1 "b":2}',
    '{"a":-}',
    '{"a":"\\x"}',
    '{"a":"\\u12g4"}',
    '{"a":1.}',
    '{"a":1e}',
    '{"a" 1}',
    "{1:2}",
  ];
  for (const text of positioned) {
    let position = -1;
    try {
      JSON.parse(text);
    } catch (e) {
      position = Number(/at position (\d+)/.exec((e as Error).message)![1]);
    }
    assert.equal(jsonErrorOffset(text)?.offset, position, JSON.stringify(text));
  }
  // Texts V8 names only by the unexpected token: the offset is that token's.
  for (
    const [text, offset] of [["[1,]", 3], ['{"a":tru}', 8], ['{"a":NaN}', 5], [
      "\uFEFF{}",
      0,
    ]] as const
  ) {
    assert.deepEqual(jsonErrorOffset(text), { offset, end: false }, JSON.stringify(text));
  }
  for (const text of ["", "  ", '{"a":', "[tr", '{"a": [1, {"b": '] as const) {
    assert.deepEqual(
      jsonErrorOffset(text),
      { offset: text.length, end: true },
      JSON.stringify(text),
    );
  }
  // Valid documents, whatever their shape.
  for (
    const text of [
      '{"a":[{"b":[]},{}],"c":{}}',
      "[]",
      " 1 ",
      '"x"',
      "-0.5e+3",
      "null",
      '{"\\u00e9":true}',
    ]
  ) {
    assert.equal(jsonErrorOffset(text), null, text);
  }
  // Without a position from V8, none is invented: the message is kept as it was.
  assert.deepEqual(jsonParseError("{}", new Error("Something else")), {
    line: null,
    message: "Something else",
  });
});
