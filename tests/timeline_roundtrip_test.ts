/**
 * Round trip: `disagg status --watch --count 3 --timeline` writes a timeline into a results
 * directory, and `analyze` reads it back, attaches it to the nearest cell and deduplicates its
 * repeated findings.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const MAIN_TS = fileURLToPath(new URL("../main.ts", import.meta.url));
const SAMPLE_AGG = new URL(
  "../testdata/sample/fixed-seq/kimik2.5-mi355x/agg_kimik2.5_1k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc4_MI355-gbt350-odcdh5-wbb3.json",
  import.meta.url,
);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-net=127.0.0.1",
      "--allow-env",
      MAIN_TS,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("disagg status --watch --count 3 --timeline → analyze sees 3 samples and one deduplicated finding per code", async () => {
  const dir = await Deno.makeTempDir({ prefix: "inferguard_roundtrip_" });
  // Prefill answers with a page that has no engine metrics; decode port is closed.
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response("# TYPE node_load1 gauge\nnode_load1 0.5\n", {
        headers: { "content-type": "text/plain" },
      }),
  );
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (closed.addr as Deno.NetAddr).port;
  closed.close();
  try {
    const cell = `${dir}/cell`;
    await Deno.mkdir(cell);
    await Deno.copyFile(
      SAMPLE_AGG,
      `${cell}/agg_kimik2.5_1k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc4_MI355-gbt350-odcdh5-wbb3.json`,
    );
    const live = await cli([
      "disagg",
      "status",
      "--prefill",
      `http://127.0.0.1:${server.addr.port}`,
      "--decode",
      `http://127.0.0.1:${closedPort}`,
      "--window",
      "0",
      "--timeout",
      "1",
      "--watch",
      "--count",
      "3",
      "--interval",
      "0.2",
      "--timeline",
      `${cell}/inferguard_timeline.jsonl`,
      "--fail-on",
      "never",
    ]);
    assert.equal(live.code, 0, live.stderr);
    const lines = (await Deno.readTextFile(`${cell}/inferguard_timeline.jsonl`)).trim().split("\n");
    assert.equal(lines.length, 3);
    // The same sample written twice (timelines joined, a log replayed) is one sample, and it was
    // read fine: not a bad line, not an unreadable artifact.
    await Deno.writeTextFile(`${cell}/inferguard_timeline.jsonl`, `${lines[0]}\n`, {
      append: true,
    });

    const out = `${dir}/out`;
    const a = await cli([
      "analyze",
      dir,
      "--output-dir",
      out,
      "--generated-at",
      "2026-01-01T00:00:00Z",
      "--fail-on",
      "never",
      "--quiet",
    ]);
    assert.equal(a.code, 0, a.stderr);
    const report = JSON.parse(await Deno.readTextFile(`${out}/report.json`));
    assert.equal(report.cells.length, 1);
    const c = report.cells[0];
    assert.equal(c.timeline.sample_count, 3);
    assert.deepEqual(
      report.cross_run.timelines.map((t: { sample_count: number }) => t.sample_count),
      [3],
    );
    assert.equal(report.cross_run.timelines[0].cell_id, c.cell_id);
    assert.equal(report.cross_run.timelines[0].bad_lines, 0);
    assert.deepEqual(
      report.findings.filter((f: { code: string }) => f.code === "artifact_unreadable"),
      [],
    );
    const live3 = report.findings.filter((f: { source: string }) => f.source === "timeline");
    assert.ok(live3.length >= 1, "the unreachable decode side must come back as a live finding");
    const codes = live3.map((f: { code: string }) => f.code);
    assert.equal(new Set(codes).size, codes.length, "one finding per code per cell");
    const unreachable = live3.find((f: { code: string }) => f.code === "endpoint_unreachable");
    assert.ok(unreachable, JSON.stringify(codes));
    assert.equal(unreachable.count, 3);
    assert.equal(unreachable.severity, "critical");
    assert.ok(Date.parse(unreachable.first_seen_at) <= Date.parse(unreachable.last_seen_at));
    assert.equal(c.timeline.finding_counts.endpoint_unreachable, 3);
    assert.equal(c.timeline.first_critical_at, unreachable.first_seen_at);
    const md = await Deno.readTextFile(`${out}/report.md`);
    assert.match(md, /seen in 3 samples/);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
