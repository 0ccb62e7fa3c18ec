import assert from "node:assert/strict";
import {
  histogramComplete,
  histogramSeries,
  labelKey,
  parsePrometheusText,
  parsePromNumber,
} from "./prometheus_text.ts";

const page = (name: string) =>
  Deno.readTextFile(new URL(`../testdata/metrics/${name}`, import.meta.url));

Deno.test("real pages: sample, _created and TYPE counts match engine-metrics.md §8", async () => {
  // Counts from the reference (§8.1–8.5), obtained there with an independent parser.
  const cases: [string, number, number][] = [
    ["Ahasannn_hardware-aware-router__vllm_metrics.txt", 379, 24],
    ["ai-dynamo_dynamo__vllm.log", 474, 28],
    ["ai-dynamo_dynamo__fe.log", 89, 0],
    ["ai-dynamo_dynamo__trtllm.log", 124, 5],
    ["sgl-project_sglang__production_metrics_md_40ef116f.prom", 91, 0],
  ];
  for (const [name, samples, created] of cases) {
    const p = parsePrometheusText(await page(name));
    assert.deepEqual([name, p.sampleCount, p.createdCount, p.issues], [name, samples, created, []]);
    for (const key of p.samples.keys()) assert.ok(!key.endsWith("_created"), `${name}: ${key}`);
  }
});

Deno.test("trap 1: _created is kept apart from the counter and histogram it belongs to", () => {
  const text = [
    "# HELP vllm:prompt_tokens_total Number of prefill tokens processed.",
    "# TYPE vllm:prompt_tokens_total counter",
    'vllm:prompt_tokens_total{engine="0"} 66.0',
    "# HELP vllm:prompt_tokens_created Number of prefill tokens processed.",
    "# TYPE vllm:prompt_tokens_created gauge",
    'vllm:prompt_tokens_created{engine="0"} 1.7624384230434499e+09',
    "# TYPE x histogram",
    'x_bucket{le="1"} 1',
    'x_bucket{le="+Inf"} 2',
    "x_count 2",
    "x_sum 3",
    "x_created 1.7e9",
  ].join("\n");
  const p = parsePrometheusText(text);
  assert.deepEqual(p.samples.get("vllm:prompt_tokens_total")?.map((s) => s.value), [66]);
  assert.deepEqual(p.samples.has("vllm:prompt_tokens_created"), false);
  assert.deepEqual(
    p.families.get("vllm:prompt_tokens_total")?.created[0].value,
    1762438423.0434499,
  );
  assert.deepEqual(p.families.has("vllm:prompt_tokens_created"), false);
  assert.deepEqual(p.families.get("x")?.created.length, 1);
  assert.deepEqual(histogramSeries(p, "x")[0].count, 2);
  assert.deepEqual(p.createdCount, 2);
});

Deno.test("trap 2: number formats, special values and timestamps", () => {
  assert.deepEqual(parsePromNumber("8.128902e+06"), 8128902);
  assert.deepEqual(parsePromNumber("1.883227378129959e-05"), 1.883227378129959e-05);
  assert.deepEqual(parsePromNumber("+Inf"), Infinity);
  assert.deepEqual(parsePromNumber("-Inf"), -Infinity);
  assert.ok(Number.isNaN(parsePromNumber("NaN")));
  assert.deepEqual(parsePromNumber("1"), 1);
  assert.deepEqual(parsePromNumber("abc"), null);
  const p = parsePrometheusText("a 1 1700000000000\nb 2.5 1700000000.5\nc NaN\nd -Inf\n");
  assert.deepEqual(p.samples.get("a")?.[0], {
    name: "a",
    labels: {},
    value: 1,
    timestampMs: 1700000000000,
  });
  assert.deepEqual(p.samples.get("b")?.[0].timestampMs, 1700000000500);
  assert.ok(Number.isNaN(p.samples.get("c")![0].value));
  assert.deepEqual(p.samples.get("d")?.[0].value, -Infinity);
});

Deno.test("parsePromNumber: the accepted language, value by value", () => {
  const accepted: [string, number][] = [
    ["0", 0],
    ["-0", -0],
    ["+1", 1],
    ["12", 12],
    ["12.", 12],
    ["12.5", 12.5],
    [".5", 0.5],
    ["-.5", -0.5],
    ["1e3", 1000],
    ["1E+3", 1000],
    ["2.5e-3", 0.0025],
    [".5e1", 5],
    ["5.e1", 50],
    ["007", 7],
    ["1.7624384230434499e+09", 1762438423.0434499],
    ["0x1A", 26],
    ["+0Xff", 255],
    ["-0x10", -16],
    ["+Inf", Infinity],
    ["Inf", Infinity],
    ["+inf", Infinity],
    ["inf", Infinity],
    ["-Inf", -Infinity],
    ["-inf", -Infinity],
  ];
  for (const [text, want] of accepted) assert.ok(Object.is(parsePromNumber(text), want), text);
  for (const text of ["NaN", "nan"]) assert.ok(Number.isNaN(parsePromNumber(text)), text);
  const rejected = [
    "",
    ".",
    "+",
    "-",
    "+.",
    "e1",
    ".e1",
    "1e",
    "1e+",
    "1.2.3",
    "1..2",
    "1e2.5",
    "1e2e3",
    "--1",
    "+-1",
    "1-",
    " 1",
    "1 ",
    "1_000",
    "1,5",
    "0x",
    "0x1g",
    "0x1.8",
    "0x1p3",
    "Infinity",
    "-NaN",
    "+NaN",
    "INF",
    "NAN",
    "abc",
    `${"1".repeat(100_000)}x`,
    `.${"1".repeat(100_000)}e`,
  ];
  for (const text of rejected) assert.equal(parsePromNumber(text), null, text.slice(0, 20));
  // Long digit runs are read, not refused: the exporter's number, however long.
  assert.equal(parsePromNumber("1".repeat(400)), Number("1".repeat(400)));
  assert.equal(parsePromNumber(`0.${"0".repeat(100_000)}1`), Number(`0.${"0".repeat(100_000)}1`));
});

Deno.test("parsePromNumber: same language as the Prometheus number grammar on every short string", () => {
  // The grammar as written before (sign, digits with an optional fraction or a fraction alone,
  // optional exponent; hex integers; the named special values), used here as the oracle on every
  // string of up to 5 characters over the characters that matter, so the linear form accepts
  // exactly the same texts with the same values.
  const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  const hex = /^[+-]?0[xX][0-9a-fA-F]+$/;
  const special = new Map<string, number>([
    ["+Inf", Infinity],
    ["Inf", Infinity],
    ["+inf", Infinity],
    ["inf", Infinity],
    ["-Inf", -Infinity],
    ["-inf", -Infinity],
    ["NaN", NaN],
    ["nan", NaN],
  ]);
  const oracle = (t: string): number | null => {
    if (special.has(t)) return special.get(t)!;
    if (decimal.test(t)) return Number(t);
    if (!hex.test(t)) return null;
    const v = Number(t.replace(/^[+-]/, ""));
    return t.startsWith("-") ? -v : v;
  };
  const alphabet = ["0", "7", ".", "e", "E", "+", "-", "x", "f", " ", "I", "n"];
  let texts = [""];
  let checked = 0;
  let acceptedCount = 0;
  for (let len = 0; len <= 5; len++) {
    for (const t of texts) {
      const want = oracle(t);
      const got = parsePromNumber(t);
      if (want === null) assert.equal(got, null, JSON.stringify(t));
      else {
        assert.ok(got !== null && Object.is(got, want), `${JSON.stringify(t)}: ${got} vs ${want}`);
        acceptedCount++;
      }
      checked++;
    }
    texts = texts.flatMap((t) => alphabet.map((c) => t + c));
  }
  // Every string up to length 5 was compared, and the language is not trivially empty.
  assert.equal(checked, (12 ** 6 - 1) / 11);
  assert.ok(acceptedCount > 1000, String(acceptedCount));
});

Deno.test("trap 3/4: le parsed numerically and sorted whatever the line and label order", () => {
  const text = [
    "# TYPE h histogram",
    'h_sum{model="m"} 0.6',
    'h_bucket{le="+Inf",model="m"} 299',
    'h_bucket{model="m",le="0.0035"} 298',
    'h_bucket{model="m",le="1e-05"} 0',
    'h_bucket{model="m",le="0"} 0',
    'h_bucket{le="0.0019",model="m"} 21',
    'h_count{model="m"} 299',
    'h_bucket{model="n",le="0.07500000000000001"} 4',
    'h_bucket{model="n",le="+Inf"} 4',
  ].join("\n");
  const series = histogramSeries(parsePrometheusText(text), "h");
  assert.deepEqual(series.length, 2);
  assert.deepEqual(series[0].labels, { model: "m" });
  assert.deepEqual(series[0].buckets.map((b) => b.le), [0, 1e-05, 0.0019, 0.0035, Infinity]);
  assert.deepEqual(series[0].buckets.map((b) => b.count), [0, 0, 21, 298, 299]);
  assert.deepEqual([series[0].sum, series[0].count], [0.6, 299]);
  assert.deepEqual(series[1].buckets[0].le, 0.07500000000000001);
  assert.deepEqual(series[1].count, null);
});

Deno.test("trap 5: families without samples are declared but have no values", async () => {
  const p = parsePrometheusText(await page("Ahasannn_hardware-aware-router__vllm_metrics.txt"));
  const empty = [...p.families.values()].filter((f) => f.samples.length === 0).map((f) => f.name);
  assert.deepEqual(empty.sort(), [
    "http_request_duration_seconds",
    "http_request_size_bytes",
    "http_requests_total",
    "http_response_size_bytes",
  ]);
  assert.deepEqual(p.families.get("http_requests_total")?.type, "counter");
  const dyn = parsePrometheusText(await page("ai-dynamo_dynamo__vllm.log"));
  const lm = [...dyn.families.values()].filter((f) =>
    f.name.startsWith("lmcache:") && !f.samples.length
  );
  assert.deepEqual(lm.length, 21);
});

Deno.test("trap 6: escaped label values and unexpected labels are kept", () => {
  const text = 'm{a="x\\"y",b="back\\\\slash",c="two\\nlines",pid="12",d=""} 1\n';
  const s = parsePrometheusText(text).samples.get("m")![0];
  assert.deepEqual(s.labels, { a: 'x"y', b: "back\\slash", c: "two\nlines", pid: "12", d: "" });
  assert.deepEqual(labelKey(s.labels, ["pid"]), 'a="x\\"y",b="back\\\\slash",c="two\\nlines",d=""');
});

Deno.test("types and help are kept; OpenMetrics counters, exemplars and # EOF", () => {
  const text = [
    "# HELP c A counter with \\n newline",
    "# TYPE c counter",
    'c_total{x="1"} 3 # {trace_id="abc"} 1 1700000000',
    "c_created 1700000000",
    "# TYPE g gauge",
    "g 2",
    "# EOF",
    "late 1",
  ].join("\n");
  const p = parsePrometheusText(text);
  assert.deepEqual(p.families.get("c")?.type, "counter");
  assert.deepEqual(p.families.get("c")?.help, "A counter with \n newline");
  assert.deepEqual(p.families.get("c")?.samples.map((s) => s.value), [3]);
  assert.deepEqual(p.families.get("c")?.created.length, 1);
  assert.deepEqual(p.families.get("g")?.type, "gauge");
  assert.deepEqual(p.eof, true);
  assert.deepEqual(p.samples.has("late"), false);
  assert.deepEqual(p.issues, [{ line: 8, message: "Content after # EOF" }]);
});

Deno.test("trap 12: bad lines, HTML, CRLF and BOM never throw and never abort the page", () => {
  const p = parsePrometheusText(
    '\ufeff# TYPE a gauge\r\na 1\r\n<html>oops</html>\r\nb{x="unterminated} 2\r\nc 3\r\n',
  );
  assert.deepEqual(p.samples.get("a")?.[0].value, 1);
  assert.deepEqual(p.samples.get("c")?.[0].value, 3);
  assert.deepEqual(p.issues.map((i) => i.line), [3, 4]);
  const html = parsePrometheusText("<!doctype html><html><body>Not found</body></html>");
  assert.deepEqual([html.sampleCount, html.issues.length], [0, 1]);
  assert.deepEqual(parsePrometheusText("").sampleCount, 0);
});

Deno.test("histogramSeries: a histogram printed twice counts once (the larger value kept)", () => {
  const block = [
    'h_bucket{le="0.1"} 50',
    'h_bucket{le="1"} 90',
    'h_bucket{le="+Inf"} 100',
    "h_sum 30",
    "h_count 100",
  ];
  const [s] = histogramSeries(parsePrometheusText([...block, ...block].join("\n")), "h");
  assert.deepEqual(s.buckets, [
    { le: 0.1, count: 50 },
    { le: 1, count: 90 },
    { le: Infinity, count: 100 },
  ]);
  assert.deepEqual([s.sum, s.count], [30, 100]);
  const [odd] = histogramSeries(
    parsePrometheusText(['h_bucket{le="0.1"} 5', 'h_bucket{le="0.1"} 7', "h_count 7"].join("\n")),
    "h",
  );
  assert.deepEqual(odd.buckets, [{ le: 0.1, count: 7 }, { le: Infinity, count: 7 }]);
});

Deno.test("histogramSeries: without a +Inf bucket, _count stands in for it", () => {
  const text = ['h_bucket{le="0.1"} 50', 'h_bucket{le="1"} 90', "h_sum 30", "h_count 100"];
  const [s] = histogramSeries(parsePrometheusText(text.join("\n")), "h");
  assert.deepEqual(s.buckets.at(-1), { le: Infinity, count: 100 });
  assert.equal(histogramComplete(s), true);
  // No _count either: nothing is made up, and the series says it is incomplete.
  const [bare] = histogramSeries(parsePrometheusText(text.slice(0, 2).join("\n")), "h");
  assert.equal(bare.buckets.at(-1)?.le, 1);
  assert.equal(histogramComplete(bare), false);
});

Deno.test("label names like Object.prototype members are labels, not duplicates", () => {
  const p = parsePrometheusText(
    'vllm:num_requests_running{constructor="x",toString="y",__proto__="z"} 3\n',
  );
  assert.deepEqual(p.issues, []);
  const [s] = p.samples.get("vllm:num_requests_running")!;
  assert.equal(s.value, 3);
  assert.equal(JSON.stringify(s.labels), '{"constructor":"x","toString":"y","__proto__":"z"}');
  // A real duplicate is still one.
  assert.match(
    parsePrometheusText('m{constructor="x",constructor="y"} 1\n').issues[0].message,
    /duplicate label "constructor"/,
  );
});
