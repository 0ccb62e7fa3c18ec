import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { chunked, enc } from "./_chunked.ts";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import type { ParseResult } from "../lib/types.ts";
import { parseSummaryCsv } from "./summary_csv.ts";

const HEADER = "concurrency,num_gpus,output_throughput,total_throughput,total_tput_per_gpu";

function parse(text: string, cuts: number[] = []): Promise<ParseResult> {
  return parseSummaryCsv(chunked(enc(text), cuts));
}

Deno.test("summary CSV: one non-primary record per row, concurrency and num_gpus", async () => {
  const text = `${HEADER}\r\n1,8,18.52,46.67,5.83\r\n2,8,34.24,87.93,10.99\r\n`;
  for (const cuts of [[], [1], [HEADER.length], [HEADER.length + 1], [30, 31, 47]]) {
    const r = await parse("\uFEFF" + text, cuts);
    assert.equal(r.unreadable, false);
    assert.deepEqual(r.issues, []);
    assert.deepEqual(
      r.drafts.map((d) => [d.sub_key, d.identity.concurrency, d.metrics.num_gpus]),
      [["line2", 1, 8], ["line3", 2, 8]],
      JSON.stringify(cuts),
    );
    const d = r.drafts[0];
    assert.equal(d.primary, false, "a summary never makes a cell by itself");
    assert.equal(d.source_format, "unknown");
    assert.equal(d.metrics.total_tput_tps, undefined, "summary numbers are a cross-check only");
    assert.deepEqual(d.notes?.uploader_summary, {
      line: 2,
      concurrency: 1,
      num_gpus: 8,
      output_throughput: 18.52,
      total_throughput: 46.67,
      total_tput_per_gpu: 5.83,
    });
  }
});

Deno.test("summary CSV: bad rows are issues with their line, never a crash", async () => {
  const r = await parse(
    [
      HEADER,
      "4,8,64.02,147.41,18.43", // line 2: fine
      "0,8,1,2,3", // line 3: no such concurrency
      "x,8,1,2,3", // line 4
      "8,8,1", // line 5: too few fields
      "16,0,186.48,447.59,55.95", // line 6: a GPU count of 0 is none
      "32,8,fast,742.48,92.81", // line 7: one unreadable number, the rest is kept
      '64,"8', // line 8: unclosed quote to the end
    ].join("\n"),
  );
  assert.equal(r.unreadable, false);
  assert.deepEqual(r.issues, [
    { line: 3, message: 'Concurrency "0" is not a positive whole number; row skipped' },
    { line: 4, message: 'Concurrency "x" is not a positive whole number; row skipped' },
    { line: 5, message: "Expected 5 fields, found 3; row skipped" },
    { line: 6, message: "num_gpus 0 is not a positive whole number; left out" },
    { line: 7, message: 'Cannot read output_throughput "fast" as a number; left out' },
    { line: 8, message: "Unclosed quote at the end of the file; row skipped" },
  ]);
  assert.deepEqual(
    r.drafts.map((d) => [d.identity.concurrency, d.metrics.num_gpus ?? null]),
    [[4, 8], [16, null], [32, 8]],
  );
});

Deno.test("summary CSV: edge cases (empty, header only, another kind of summary)", async () => {
  const empty = await parse("");
  assert.equal(empty.unreadable, true);
  assert.deepEqual(empty.issues, [{ line: null, message: "The file is empty" }]);
  const headerOnly = await parse(HEADER + "\n");
  assert.deepEqual([headerOnly.drafts, headerOnly.issues, headerOnly.unreadable], [[], [], false]);
  // A `*_summary.csv` without a concurrency column is not an uploader summary: listed, not read.
  const other = await parse("experiment,users,total_tps_per_gpu\nx,4,100\n");
  assert.deepEqual([other.drafts, other.issues, other.unreadable], [[], [], false]);
  // No num_gpus column: rows still name their point, with no GPU count.
  const noGpus = await parse("concurrency,duration_s\n4,10\n");
  assert.deepEqual(noGpus.drafts[0].metrics, {});
  assert.equal(noGpus.drafts[0].identity.concurrency, 4);
});

Deno.test("summary CSV: the real GLM-4.7 Gaudi3 summary names 8 GPUs for each raw point", {
  ignore: !HAS_REALDATA,
}, async () => {
  const dir = "fixed-seq/glm-4.7-gaudi3-raw";
  const bytes = readFileSync(realdata(`${dir}/glm47_gaudi3_summary.csv`));
  const r = await parseSummaryCsv(chunked(bytes, [100, 501]));
  assert.deepEqual(r.issues, []);
  // Independently: split the CRLF text by hand, and match each row to its raw file.
  const lines = new TextDecoder().decode(bytes).trimEnd().split("\r\n");
  const header = lines[0].split(",");
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  assert.equal(rows.length, 8);
  assert.deepEqual(r.drafts.map((d) => d.identity.concurrency), rows.map((x) => x[0]));
  for (const d of r.drafts) {
    assert.equal(d.metrics.num_gpus, 8, "reference §3.4: the curve ran on 8 GPUs");
    const conc = d.identity.concurrency!;
    const raw = JSON.parse(readFileSync(realdata(`${dir}/glm47_conc${conc}.json`), "utf8"));
    assert.equal(raw.max_concurrency, conc);
    // The cross-check the summary is good for: its per-GPU throughput is raw total / 8, rounded.
    const note = d.notes?.uploader_summary as Record<string, number>;
    assert.equal(
      note.total_tput_per_gpu,
      rows[r.drafts.indexOf(d)][header.indexOf("total_tput_per_gpu")],
    );
    assert.ok(
      Math.abs(note.total_tput_per_gpu - raw.total_token_throughput / 8) <= 0.005,
      `${conc}`,
    );
  }
});

Deno.test("summary CSV: hostile widths and lengths are issues, not memory", async () => {
  const wide = Array.from({ length: 5000 }, (_, i) => String(i)).join(",");
  const long = "9".repeat(200_000);
  const r = await parse(`${HEADER}\n${wide}\n${long},8,1,2,3\n4,8,1,2,3\n`);
  assert.deepEqual(r.issues, [
    { line: 2, message: "Expected 5 fields, found 5000; row skipped" },
    { line: 3, message: 'Concurrency "(overlong)" is not a positive whole number; row skipped' },
  ]);
  assert.deepEqual(r.drafts.map((d) => d.identity.concurrency), [4]);
});
