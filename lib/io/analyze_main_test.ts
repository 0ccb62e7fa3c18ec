import assert from "node:assert/strict";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  canonicalPath,
  COLLECT_FOLDED_ABOVE_BYTES,
  collectFolded,
  runAnalyze,
} from "./analyze_main.ts";

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

/** `runAnalyze` on a copy of a golden case with scripted stdout/stderr. */
async function runWithIo(
  stdout: (text: string) => void,
  stderr: (text: string) => void,
  extra: string[] = [],
): Promise<{ code: number; reportJson: string | null }> {
  const tmp = await Deno.makeTempDir({ prefix: "inferguard_analyze_main_" });
  try {
    const input = fileURLToPath(new URL("../../testdata/cases/failed_run/input", import.meta.url));
    const code = await runAnalyze(
      [input, "--output-dir", `${tmp}/out`, "--generated-at", "2026-01-01T00:00:00Z", ...extra],
      {
        stdout,
        stderr,
        env: () => undefined,
        now: () => new Date(0),
        isTty: false,
        handleSignals: false,
      },
    );
    let reportJson: string | null = null;
    try {
      reportJson = await Deno.readTextFile(`${tmp}/out/report.json`);
    } catch {
      // None written.
    }
    return { code, reportJson };
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

Deno.test("runAnalyze: stdout closed early or failing after the reports are written keeps the findings' exit code", async () => {
  // failed_run holds a critical finding: exit 2 under the default --fail-on critical.
  const ok = await runWithIo(() => {}, () => {}, ["--quiet"]);
  assert.equal(ok.code, 2);

  // A reader that stopped early (`| head -c 100`): no error, and nothing said about it.
  let err = "";
  let pieces = 0;
  const closed = await runWithIo(
    () => {
      if (++pieces > 1) throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
    },
    (t) => void (err += t),
    ["--json", "--quiet"],
  );
  assert.equal(closed.code, 2);
  assert.equal(err, "");
  assert.equal(closed.reportJson, ok.reportJson);

  // Any other failure (`> /dev/full`): one line naming stdout, same exit code.
  err = "";
  const full = await runWithIo(
    () => {
      throw new Error("No space left on device (os error 28)");
    },
    (t) => void (err += t),
    ["--json", "--quiet"],
  );
  assert.equal(full.code, 2);
  assert.equal(
    err,
    "inferguard analyze: cannot print report.json to stdout: No space left on device (os error 28) (the reports are written)\n",
  );
  assert.equal(full.reportJson, ok.reportJson);

  // The summary on a stderr that is gone: same exit code, the reports stand.
  const noStderr = await runWithIo(() => {}, () => {
    throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
  });
  assert.equal(noStderr.code, 2);
  assert.equal(noStderr.reportJson, ok.reportJson);
  // And a usage error with stderr gone is still exit 3, never a throw.
  assert.equal(
    await runAnalyze(["--format"], {
      stdout: () => {},
      stderr: () => {
        throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
      },
      env: () => undefined,
      now: () => new Date(0),
      isTty: false,
      handleSignals: false,
    }),
    3,
  );
});

Deno.test("canonicalPath: links, trailing slashes, `.`, `..` and relative paths name one directory", async () => {
  const tmp = Deno.realPathSync(await Deno.makeTempDir({ prefix: "inferguard_canonical_" }));
  try {
    await Deno.mkdir(`${tmp}/results`);
    await Deno.symlink(`${tmp}/results`, `${tmp}/link`);
    const want = `${tmp}/results`;
    for (
      const p of [
        `${tmp}/results`,
        `${tmp}/results/`,
        `${tmp}/results//.`,
        `${tmp}/link/`,
        `${tmp}/results/missing/..`,
        `${tmp}/missing/../results`,
      ]
    ) {
      assert.equal(canonicalPath(p), want, p);
    }
    // What does not exist yet is appended to its deepest existing ancestor as written.
    assert.equal(canonicalPath(`${tmp}/link/new/out/`), `${want}/new/out`);
    assert.equal(canonicalPath(relative(Deno.cwd(), `${tmp}/link`)), want);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
