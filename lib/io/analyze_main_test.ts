import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { COLLECT_FOLDED_ABOVE_BYTES, collectFolded } from "./analyze_main.ts";

Deno.test("collectFolded: collects only with V8's gc and a heap over the threshold", () => {
  let calls = 0;
  const gc = () => {
    calls++;
  };
  assert.equal(collectFolded(undefined, () => Infinity), false);
  assert.equal(collectFolded(gc, () => COLLECT_FOLDED_ABOVE_BYTES - 1), false);
  assert.equal(calls, 0);
  assert.equal(collectFolded(gc, () => COLLECT_FOLDED_ABOVE_BYTES), true);
  assert.equal(calls, 1);
});

Deno.test("analyze hands its records over: with V8's gc exposed, none survives the collection", async () => {
  // A process of its own, for --expose-gc. WeakRefs made in an earlier task than the collection
  // do not keep their targets alive; one still set after it means something holds a record. The
  // last record's three objects may stay: analyze's frame, still running, holds its loop's last
  // values.
  const analyzeUrl = new URL("../analyze.ts", import.meta.url).href;
  const thresholdsUrl = new URL("../thresholds.ts", import.meta.url).href;
  const script = `
    import { analyze } from ${JSON.stringify(analyzeUrl)};
    import { defaultThresholds } from ${JSON.stringify(thresholdsUrl)};
    const loaded = [];
    for (let i = 0; i < 50; i++) {
      loaded.push({
        ref: { path: "runs/c" + i + "/r.json", kind: "raw_result", size: 1 },
        result: {
          drafts: [{
            source_format: "inferencex-static", priority: 20, primary: true,
            identity: { model: "m", concurrency: i + 1 },
            metrics: { num_requests_total: 4, num_requests_successful: 4, p99_ttft: 0.1 * (i + 1) },
            notes: { backend: "vllm" },
          }],
          issues: [],
          unreadable: false,
        },
      });
    }
    const refs = loaded.flatMap((l) => l.result.drafts.flatMap((d) => [d.metrics, d.identity, d.notes]))
      .map((o) => new WeakRef(o));
    await new Promise((resolve) => setTimeout(resolve, 0));
    let alive = -1;
    const report = analyze({
      inputRoot: "r", generatedAt: "2026-01-01T00:00:00Z", loaded, walkIssues: [], timelines: [],
      thresholds: defaultThresholds(),
      recordsFolded: () => {
        globalThis.gc();
        alive = refs.flatMap((r, i) => r.deref() !== undefined ? [i] : []);
      },
    });
    console.log(JSON.stringify({ refs: refs.length, alive, cells: report.cells.length }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--v8-flags=--expose-gc",
      `--config=${fileURLToPath(new URL("../../deno.json", import.meta.url))}`,
      script,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const seen = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(seen.refs, 150);
  assert.equal(seen.cells, 50);
  assert.ok(seen.alive.every((i: number) => i >= 147), `records still held: ${seen.alive}`);
});
