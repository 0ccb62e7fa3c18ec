/**
 * Process-level tests of `inferguard analyze`: the real entry point is spawned and every exit code
 * of SPEC §1.1 is asserted together with stdout/stderr, determinism and read-only inputs.
 * @module
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MAIN_TS, runCli, waitForFifoOpen } from "./_cli.ts";

const CASES = fileURLToPath(new URL("../testdata/cases/", import.meta.url));
const SAMPLE = fileURLToPath(new URL("../testdata/sample/", import.meta.url));
const AGG_CONC4 =
  "fixed-seq/kimik2.5-mi355x/agg_kimik2.5_1k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc4_MI355-gbt350-odcdh5-wbb3.json";
const PINNED = "2026-01-01T00:00:00Z";

/** A fresh temp dir removed after `fn`. */
async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "inferguard_cli_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A copy of `testdata/cases/<name>/input` inside `dir`. */
function copyCase(name: string, dir: string): string {
  const to = `${dir}/${name}`;
  cpSync(`${CASES}${name}/input`, to, { recursive: true });
  return to;
}

function analyzeArgs(input: string, out: string, ...extra: string[]): string[] {
  return ["analyze", input, "--output-dir", out, "--generated-at", PINNED, ...extra];
}

/** path -> sha256, size and mtime of every file and directory under `root`. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = `${dir}/${name}`;
      const r = rel ? `${rel}/${name}` : name;
      const st = statSync(abs);
      if (st.isDirectory()) {
        out.set(r + "/", `dir mtime=${st.mtimeMs}`);
        visit(abs, r);
      } else {
        const hash = createHash("sha256").update(readFileSync(abs)).digest("hex");
        out.set(r, `${hash} size=${st.size} mtime=${st.mtimeMs} mode=${st.mode}`);
      }
    }
  };
  visit(root, "");
  return out;
}

function report(out: string) {
  return JSON.parse(readFileSync(`${out}/report.json`, "utf8"));
}

Deno.test("exit 0: clean input writes both reports, stdout stays empty", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    const out = `${tmp}/out`;
    const r = await runCli(analyzeArgs(input, out, "--fail-on", "warning"));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.ok(existsSync(`${out}/report.json`) && existsSync(`${out}/report.md`));
    const rep = report(out);
    assert.equal(rep.findings.filter((f: { severity: string }) => f.severity !== "info").length, 0);
    assert.match(r.stderr, /exit 0 \(--fail-on warning\)/);
  });
});

Deno.test("exit 1: highest finding is a warning and --fail-on warning", async () => {
  await withTemp(async (tmp) => {
    // Unreadable files (warnings) beside a clean curve.
    const input = copyCase("garbage_json", tmp);
    cpSync(`${CASES}clean_curve/input`, `${input}/ok`, { recursive: true });
    const warn = await runCli(analyzeArgs(input, `${tmp}/o1`, "--fail-on", "warning"));
    assert.equal(warn.code, 1, warn.stderr);
    assert.equal(warn.stdout, "");
    const rep = report(`${tmp}/o1`);
    assert.equal(rep.run_summary.findings_by_severity.critical, 0);
    assert.ok(rep.run_summary.findings_by_severity.warning > 0);
    // The same input with the default --fail-on critical exits 0.
    const crit = await runCli(analyzeArgs(input, `${tmp}/o2`));
    assert.equal(crit.code, 0, crit.stderr);
  });
});

Deno.test("exit 2: a critical finding; --fail-on never exits 0 with the same report", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("failed_run", tmp);
    for (const failOn of ["critical", "warning"]) {
      const r = await runCli(analyzeArgs(input, `${tmp}/o-${failOn}`, "--fail-on", failOn));
      assert.equal(r.code, 2, `--fail-on ${failOn}: ${r.stderr}`);
      assert.equal(r.stdout, "");
    }
    const never = await runCli(analyzeArgs(input, `${tmp}/o-never`, "--fail-on", "never"));
    assert.equal(never.code, 0, never.stderr);
    const rep = report(`${tmp}/o-never`);
    assert.ok(
      rep.findings.some((f: { code: string; severity: string }) =>
        f.code === "invalid_run_no_successful_requests" && f.severity === "critical"
      ),
    );
    assert.equal(
      readFileSync(`${tmp}/o-never/report.json`, "utf8"),
      readFileSync(`${tmp}/o-critical/report.json`, "utf8"),
      "--fail-on changes only the exit code, not the report",
    );
  });
});

Deno.test("exit 3: empty directory gives a one-line message and no report", async () => {
  await withTemp(async (tmp) => {
    await Deno.mkdir(`${tmp}/empty`);
    const r = await runCli(analyzeArgs(`${tmp}/empty`, `${tmp}/out`));
    assert.equal(r.code, 3);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /no supported benchmark artifacts/);
    assert.ok(!existsSync(`${tmp}/out`), "no report directory may be created");
  });
});

Deno.test({
  name: "exit 3: a tree whose only artifacts cannot be read names them and why",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await withTemp(async (tmp) => {
      await Deno.mkdir(`${tmp}/in/c`, { recursive: true });
      const fifo = await new Deno.Command("mkfifo", { args: [`${tmp}/in/c/agg_x_conc4.json`] })
        .output();
      assert.ok(fifo.success);
      await Deno.symlink("/nonexistent-inferguard-target", `${tmp}/in/c/detailed_results.csv`);
      const r = await runCli(analyzeArgs(`${tmp}/in`, `${tmp}/out`));
      assert.equal(r.code, 3);
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
      assert.match(
        r.stderr,
        /no supported benchmark artifacts found under .*; 2 entries could not be read or followed, which may hold them: /,
      );
      assert.match(r.stderr, /"c\/agg_x_conc4\.json" \(Not a regular file/);
      assert.match(r.stderr, /"c\/detailed_results\.csv" \(Broken symbolic link\)/);
      assert.ok(!existsSync(`${tmp}/out`));
    });
  },
});

Deno.test("exit 3: a default output dir that links into the results tree is refused", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    cpSync(`${CASES}ttft_cliff/input`, `${input}/raw`, { recursive: true });
    await Deno.symlink("raw", `${input}/inferguard_report`);
    const before = snapshot(input);
    const r = await runCli(["analyze", input, "--generated-at", PINNED]);
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      /The default output dir ".*inferguard_report" is a symbolic link to "raw" in the results directory: .*remove the link or give --output-dir/,
    );
    assert.deepEqual(snapshot(input), before, "nothing written among the input");
    // With --output-dir elsewhere the link hides nothing: raw/ is read like any directory.
    const out = `${tmp}/out`;
    const ok = await runCli(analyzeArgs(input, out, "--fail-on", "never"));
    assert.equal(ok.code, 0, ok.stderr);
    const paths = report(out).artifact_manifest.discovered.map((d: { path: string }) => d.path);
    assert.ok(paths.some((p: string) => p.startsWith("raw/")), paths.join(", "));
    // A default output dir that links to the root itself is refused as well.
    Deno.removeSync(`${input}/inferguard_report`);
    await Deno.symlink(".", `${input}/inferguard_report`);
    const here = await runCli(["analyze", input, "--generated-at", PINNED]);
    assert.equal(here.code, 3);
    assert.match(here.stderr, /is a symbolic link to the results directory itself/);
    assert.ok(!existsSync(`${input}/report.json`));
  });
});

Deno.test("a link to a directory of the tree changes no cell id and is no finding", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    const plain = report(
      (await runCli(analyzeArgs(input, `${tmp}/o1`, "--fail-on", "never")), `${tmp}/o1`),
    );
    await Deno.mkdir(`${input}/results`);
    for (const name of readdirSync(input)) {
      if (name.endsWith(".json")) Deno.renameSync(`${input}/${name}`, `${input}/results/${name}`);
    }
    const moved = report(
      (await runCli(analyzeArgs(input, `${tmp}/o2`, "--fail-on", "never")), `${tmp}/o2`),
    );
    // `a_latest` sorts before `results`, which it names.
    await Deno.symlink("results", `${input}/a_latest`);
    const r = await runCli(analyzeArgs(input, `${tmp}/o3`, "--fail-on", "warning"));
    const linked = report(`${tmp}/o3`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(linked.findings, moved.findings);
    assert.deepEqual(
      linked.cells.map((c: { cell_id: string }) => c.cell_id),
      moved.cells.map((c: { cell_id: string }) => c.cell_id),
    );
    assert.equal(linked.cells.length, plain.cells.length);
    assert.deepEqual(linked.artifact_manifest.skipped, [{
      path: "a_latest",
      line: null,
      message:
        "Symbolic link to a directory of the results tree; not followed (read at its own path)",
    }]);
    assert.equal(linked.run_summary.artifacts_unreadable, 0);
  });
});

Deno.test("exit 3: missing results directory is named in the message", async () => {
  await withTemp(async (tmp) => {
    const r = await runCli(analyzeArgs(`${tmp}/does-not-exist`, `${tmp}/out`));
    assert.equal(r.code, 3);
    assert.equal(r.stdout, "");
    assert.ok(r.stderr.includes(`${tmp}/does-not-exist`), r.stderr);
    assert.ok(!existsSync(`${tmp}/out`));
  });
});

Deno.test("exit 3: bad flag values name the flag and its allowed values", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    const cases: [string[], RegExp[]][] = [
      [["--format", "xml"], [/--format/, /json, md, both/, /"xml"/]],
      [["--fail-on", "sometimes"], [/--fail-on/, /never, warning, critical/]],
      [["--generated-at", "yesterday"], [/--generated-at/, /ISO 8601/]],
      [["--generated-at", "2026-13-45T99:00:00Z"], [/--generated-at/]],
      [["--bogus-flag"], [/--bogus-flag/]],
    ];
    for (const [extra, patterns] of cases) {
      const out = `${tmp}/out`;
      const args = extra[0] === "--generated-at"
        ? ["analyze", input, "--output-dir", out, ...extra]
        : analyzeArgs(input, out, ...extra);
      const r = await runCli(args);
      assert.equal(r.code, 3, `${extra.join(" ")}: ${r.stderr}`);
      assert.equal(r.stdout, "", extra.join(" "));
      for (const p of patterns) assert.match(r.stderr, p, extra.join(" "));
      assert.ok(!existsSync(out), `${extra.join(" ")}: no report on bad usage`);
    }
  });
});

Deno.test("exit 3: a --baseline or --thresholds that cannot be used is named, never an internal error", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    const write = (name: string, text: string) => {
      Deno.writeTextFileSync(`${tmp}/${name}`, text);
      return `${tmp}/${name}`;
    };
    const report = (cells: string) => `{"schema_version":"inferguard-analyze/v1","cells":${cells}}`;
    const cases: [string[], RegExp][] = [
      [
        ["--baseline", write("b1.json", report('[{"cell_id":"x"}]'))],
        /cells\[0\] is not an inferguard cell/,
      ],
      [["--baseline", write("b2.json", report("[null]"))], /cells\[0\] is not an inferguard cell/],
      [
        [
          "--baseline",
          write("b3.json", report('[{"cell_id":"a","metrics":{}},{"cell_id":"b","metrics":null}]')),
        ],
        /cells\[1\] is not an inferguard cell/,
      ],
      [
        ["--baseline", write("b4.json", "{}")],
        /neither a results directory nor an inferguard report/,
      ],
      [
        ["--baseline", write("b5.json", '{"schema_version":"inferguard-analyze/v2","cells":[]}')],
        /b5\.json" is an inferguard report of schema "inferguard-analyze\/v2"; this inferguard reads "inferguard-analyze\/v1"/,
      ],
      [["--thresholds", tmp], /--thresholds .*is a directory/],
    ];
    for (const [extra, pattern] of cases) {
      const out = `${tmp}/out`;
      const r = await runCli(analyzeArgs(input, out, ...extra));
      assert.equal(r.code, 3, `${extra.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, pattern, extra.join(" "));
      assert.doesNotMatch(r.stderr, /internal error|TypeError|\n\s+at /, extra.join(" "));
      assert.ok(!existsSync(out), `${extra.join(" ")}: no report on bad usage`);
    }
  });
});

Deno.test("--baseline: cells with missing or malformed artifacts are compared, never an internal error", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    const cells = [
      { cell_id: "no-artifacts", metrics: {} },
      { cell_id: "null-artifacts", metrics: {}, artifacts: null },
      { cell_id: "string-rows", metrics: {}, artifacts: { agg_collection: "abc" } },
    ];
    const baseline = `${tmp}/baseline.json`;
    writeFileSync(baseline, JSON.stringify({ schema_version: "inferguard-analyze/v1", cells }));
    const out = `${tmp}/out`;
    const r = await runCli(analyzeArgs(input, out, "--baseline", baseline));
    assert.notEqual(r.code, 3, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.deepEqual(
      report(out).cross_run.baseline.baseline_unmatched,
      ["no-artifacts", "null-artifacts", "string-rows"],
    );
  });
});

Deno.test({
  name: "--thresholds from a pipe (`<(…)`, a FIFO) is read; Ctrl-C ends a wait for its writer",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await withTemp(async (tmp) => {
      const input = copyCase("fixed_seq_pair", tmp);
      const fifo = `${tmp}/thresholds.fifo`;
      assert.ok((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
      const writer = new Deno.Command("sh", {
        args: ["-c", `printf '{"ttft_cliff": {"ratio_warning": 2.5}}' > '${fifo}'`],
      }).spawn();
      const r = await runCli(analyzeArgs(input, `${tmp}/out`, "--thresholds", fifo));
      assert.notEqual(r.code, 3, r.stderr);
      assert.equal(report(`${tmp}/out`).analyzer.thresholds.ttft_cliff.ratio_warning, 2.5);
      assert.ok((await writer.status).success);
      // No writer: the run waits, and SIGINT ends it (exit 130) instead of leaving it stuck.
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MAIN_TS, ...analyzeArgs(input, `${tmp}/out2`, "--thresholds", fifo)],
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const killer = setTimeout(() => child.kill("SIGKILL"), 30_000); // a hang fails, not stalls
      try {
        await waitForFifoOpen(child);
        child.kill("SIGINT");
        const { code, signal, stderr } = await child.output();
        // Handled (not killed by the signal): the run's own message and exit code.
        assert.equal(signal, null);
        assert.equal(code, 130);
        assert.match(new TextDecoder().decode(stderr), /interrupted by SIGINT/);
      } finally {
        clearTimeout(killer);
      }
    });
  },
});

Deno.test("exit 3: report writing fails when the output dir's parent is a regular file", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    writeFileSync(`${tmp}/not_a_dir`, "x");
    const r = await runCli(analyzeArgs(input, `${tmp}/not_a_dir/out`));
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /cannot write reports/);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.equal(readFileSync(`${tmp}/not_a_dir`, "utf8"), "x");
  });
});

Deno.test("exit 3: --strict with an unreadable required agg; best-effort reports it", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    const agg = readdirSync(input).find((n) => n.startsWith("agg_"))!;
    writeFileSync(`${input}/${agg}`, '{"hw": "mi355x", "conc": 4, "tput_per_gpu": 5');
    const strict = await runCli(analyzeArgs(input, `${tmp}/strict`, "--strict"));
    assert.equal(strict.code, 3, strict.stderr);
    assert.equal(strict.stdout, "");
    assert.match(strict.stderr, /strict mode/);
    assert.ok(strict.stderr.includes(agg), strict.stderr);
    assert.ok(!existsSync(`${tmp}/strict`), "strict failure writes no report");

    const best = await runCli(analyzeArgs(input, `${tmp}/best`));
    assert.equal(best.code, 0, best.stderr);
    const hits = report(`${tmp}/best`).findings.filter((f: { code: string; message: string }) =>
      f.code === "artifact_unreadable" && f.message.includes(agg)
    );
    assert.equal(hits.length, 1);
  });
});

Deno.test("--strict: an unparseable JSON file no result type requires is a warning, not fatal", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    writeFileSync(`${input}/notes.json`, '{"a": ');
    const strict = await runCli(analyzeArgs(input, `${tmp}/strict`, "--strict"));
    assert.equal(strict.code, 0, strict.stderr);
    const hits = report(`${tmp}/strict`).findings.filter((f: { code: string; message: string }) =>
      f.code === "artifact_unreadable" && f.message.includes("notes.json")
    );
    assert.equal(hits.length, 1, "still reported");
    assert.equal(hits[0].severity, "warning");
    // Nor is an empty timeline no manifest asks for (an overlay yet to write its first sample).
    writeFileSync(`${input}/inferguard_timeline.jsonl`, "");
    const again = await runCli(analyzeArgs(input, `${tmp}/strict2`, "--strict"));
    assert.equal(again.code, 0, again.stderr);
  });
});

Deno.test("--json prints exactly report.json on stdout; --quiet silences stderr", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("failed_run", tmp);
    const r = await runCli(analyzeArgs(input, `${tmp}/out`, "--json", "--quiet"));
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "");
    const file = readFileSync(`${tmp}/out/report.json`, "utf8");
    assert.equal(r.stdout, file);
    const parsed = JSON.parse(r.stdout);
    assert.equal(parsed.schema_version, "inferguard-analyze/v1");
    assert.equal(parsed.generated_at, PINNED);
    // Without --quiet the summary goes to stderr, never to stdout.
    const loud = await runCli(analyzeArgs(input, `${tmp}/out2`));
    assert.equal(loud.stdout, "");
    assert.notEqual(loud.stderr, "");
  });
});

Deno.test("--format json and md write only the chosen report", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    const j = await runCli(analyzeArgs(input, `${tmp}/j`, "--format", "json", "--quiet"));
    assert.equal(j.code, 0);
    assert.deepEqual(readdirSync(`${tmp}/j`), ["report.json"]);
    const m = await runCli(analyzeArgs(input, `${tmp}/m`, "--format", "md", "--quiet"));
    assert.equal(m.code, 0);
    assert.deepEqual(readdirSync(`${tmp}/m`), ["report.md"]);
  });
});

Deno.test("determinism: same --generated-at or SOURCE_DATE_EPOCH gives byte-identical reports", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("multinode_raw_curve", tmp);
    const a = await runCli(analyzeArgs(input, `${tmp}/a`, "--quiet"));
    const b = await runCli(analyzeArgs(input, `${tmp}/b`, "--quiet"));
    // 1767225600 s since 1970 = 2026-01-01T00:00:00Z.
    const c = await runCli(["analyze", input, "--output-dir", `${tmp}/c`, "--quiet"], {
      env: { SOURCE_DATE_EPOCH: "1767225600" },
    });
    assert.deepEqual([a.code, b.code, c.code], [0, 0, 0]);
    for (const f of ["report.json", "report.md"]) {
      const ref = readFileSync(`${tmp}/a/${f}`);
      assert.deepEqual(readFileSync(`${tmp}/b/${f}`), ref, `${f}: run 2 differs`);
      assert.deepEqual(readFileSync(`${tmp}/c/${f}`), ref, `${f}: SOURCE_DATE_EPOCH run differs`);
    }
    assert.equal(report(`${tmp}/c`).generated_at, PINNED);
    // A different pin changes generated_at, proving the pin is what keeps the bytes equal.
    const d = await runCli(
      ["analyze", input, "--output-dir", `${tmp}/d`, "--generated-at", "2026-02-03T04:05:06Z"],
    );
    assert.equal(d.code, 0);
    assert.equal(report(`${tmp}/d`).generated_at, "2026-02-03T04:05:06Z");
  });
});

Deno.test("inputs are byte-for-byte untouched and nothing is created outside the output dir", async () => {
  await withTemp(async (tmp) => {
    const input = `${tmp}/results`;
    cpSync(SAMPLE, input, { recursive: true });
    const before = snapshot(input);
    const siblingsBefore = readdirSync(tmp).sort();
    const r = await runCli(analyzeArgs(input, `${tmp}/out`, "--quiet"));
    assert.ok([0, 1, 2].includes(r.code), r.stderr);
    assert.deepEqual(snapshot(input), before);
    assert.deepEqual(readdirSync(tmp).sort(), [...siblingsBefore, "out"].sort());
    assert.deepEqual(readdirSync(`${tmp}/out`).sort(), ["report.json", "report.md"]);
  });
});

Deno.test("an output dir inside the results dir is never scanned as input", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    // Default output dir: <results_dir>/inferguard_report.
    for (let run = 0; run < 2; run++) {
      const r = await runCli(["analyze", input, "--generated-at", PINNED, "--quiet"]);
      assert.equal(r.code, 0, r.stderr);
    }
    const rep = report(`${input}/inferguard_report`);
    const paths = rep.artifact_manifest.discovered.map((d: { path: string }) => d.path);
    assert.equal(paths.length, 2, paths.join(", "));
    assert.ok(paths.every((p: string) => !p.includes("inferguard_report") && !p.endsWith(".md")));
    // An explicit nested --output-dir is skipped the same way.
    for (let run = 0; run < 2; run++) {
      await runCli(analyzeArgs(input, `${input}/nested/reports`, "--quiet"));
    }
    const nested = report(`${input}/nested/reports`).artifact_manifest.discovered
      .map((d: { path: string }) => d.path);
    assert.ok(nested.every((p: string) => !p.startsWith("nested/reports")), nested.join(", "));
    // Reports an earlier run left in the default location are not input either.
    assert.ok(nested.every((p: string) => !p.startsWith("inferguard_report")), nested.join(", "));
  });
});

Deno.test("truncated, binary and empty JSON files each give one artifact_unreadable", async () => {
  await withTemp(async (tmp) => {
    const input = `${tmp}/garbage`;
    await Deno.mkdir(input);
    const files: Record<string, Uint8Array | string> = {
      "object.json": '{"a":',
      "array.json": "[1,2",
      "binary.json": new Uint8Array([0, 1, 2, 0x89, 0x50, 0x4e, 0x47, 0xc3, 0x28, 0xff, 0x00]),
      "empty.json": "",
      "raw_like.json": '{"max_concurrency": 4, "completed": "x"',
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(`${input}/${name}`, content);
    const r = await runCli(analyzeArgs(input, `${tmp}/out`, "--quiet"));
    // Nothing could be parsed, so no cell: a report, and a critical finding for the run as a
    // whole (a cron job must not pass a tree of truncated files).
    assert.equal(r.code, 2, r.stderr);
    const rep = report(`${tmp}/out`);
    const run = rep.findings.filter((f: { code: string; cell_id: string | null }) =>
      f.code === "missing_required_artifact"
    );
    assert.equal(run.length, 1, JSON.stringify(run));
    assert.equal(run[0].severity, "critical");
    assert.equal(run[0].cell_id, null);
    assert.match(
      run[0].message,
      /^No cell could be formed from the artifacts found; 5 could not be used \(first: "array\.json": /,
    );
    assert.equal(run[0].evidence.unusable_count, 5);
    for (const name of Object.keys(files)) {
      const hits = rep.findings.filter((f: { code: string; message: string }) =>
        f.code === "artifact_unreadable" && f.message.includes(`"${name}"`)
      );
      assert.equal(hits.length, 1, `${name}: ${JSON.stringify(rep.findings)}`);
      assert.equal(hits[0].severity, "warning");
      assert.equal(hits[0].evidence.path, name);
    }
    assert.equal(rep.cells.length, 0);
    assert.ok(readFileSync(`${tmp}/out/report.md`, "utf8").includes("## 8. Co-publish"));
  });
});

Deno.test("analyze: a big tree gives the same reports with read access scoped to it (no scanner thread) as with full access", async () => {
  await withTemp(async (dir) => {
    // Over 512 entries, so a run with full read access walks on the scanner thread.
    const tree = `${dir}/tree`;
    for (let copy = 0; copy < 12; copy++) {
      cpSync(SAMPLE, `${tree}/copy${copy}`, {
        recursive: true,
        filter: (src) => !src.includes("/inferguard_report"),
      });
    }
    const full = await runCli(analyzeArgs(tree, `${dir}/full`, "--quiet"));
    const out = `${dir}/scoped`;
    const scoped = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        `--allow-read=${tree},${out}`,
        `--allow-write=${out}`,
        MAIN_TS,
        ...analyzeArgs(tree, out, "--quiet"),
      ],
      env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(scoped.stderr);
    assert.equal(stderr, "", "no error from a scanner thread that could not load its module");
    assert.equal(scoped.code, full.code, full.stderr);
    for (const file of ["report.json", "report.md"]) {
      assert.equal(
        readFileSync(`${out}/${file}`, "utf8"),
        readFileSync(`${dir}/full/${file}`, "utf8"),
        file,
      );
    }
  });
});

Deno.test("exit 3: an uploader summary alone is no benchmark (it only adds GPU counts)", async () => {
  await withTemp(async (tmp) => {
    await Deno.mkdir(`${tmp}/in`);
    await Deno.writeTextFile(
      `${tmp}/in/glm47_gaudi3_summary.csv`,
      "concurrency,num_gpus,total_throughput\n1,8,46.67\n",
    );
    const r = await runCli(analyzeArgs(`${tmp}/in`, `${tmp}/out`));
    assert.equal(r.code, 3);
    assert.match(r.stderr, /no supported benchmark artifacts/);
  });
});

Deno.test("--baseline that matches no cell of the run is a warning, not a silent pass", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    const first = `${tmp}/first`;
    assert.equal((await runCli(analyzeArgs(input, first, "--fail-on", "never"))).code, 0);
    // The same report with every cell at another concurrency: an identity nothing here has.
    const base = report(first);
    for (const c of base.cells) c.concurrency = 99999;
    Deno.writeTextFileSync(`${tmp}/base.json`, JSON.stringify(base));
    const out = `${tmp}/out`;
    const r = await runCli(
      analyzeArgs(input, out, "--baseline", `${tmp}/base.json`, "--fail-on", "never"),
    );
    assert.equal(r.code, 0, r.stderr);
    const got = report(out);
    const f = got.findings.filter((x: { code: string }) => x.code === "metrics_unavailable");
    assert.equal(f.length, 1);
    assert.match(
      f[0].message,
      /^No cell of the baseline ".*base\.json" \(\d+ cells?\) has the identity/,
    );
    assert.equal(f[0].evidence.matched, 0);
    assert.equal(got.cross_run.baseline.matched, 0);
    assert.deepEqual(
      got.cross_run.baseline.baseline_unmatched,
      base.cells.map((c: { cell_id: string }) => c.cell_id).sort(),
    );
    // Against itself: every cell matched, no such finding.
    const same = `${tmp}/same`;
    await runCli(
      analyzeArgs(input, same, "--baseline", `${first}/report.json`, "--fail-on", "never"),
    );
    assert.equal(
      report(same).findings.filter((x: { code: string }) => x.code === "metrics_unavailable")
        .length,
      0,
    );
    assert.deepEqual(report(same).cross_run.baseline.baseline_unmatched, []);
    // A baseline without any cell (an empty report, a tree of unreadable files) warns as well.
    Deno.writeTextFileSync(`${tmp}/empty.json`, JSON.stringify({ ...base, cells: [] }));
    const empty = `${tmp}/empty`;
    await runCli(
      analyzeArgs(input, empty, "--baseline", `${tmp}/empty.json`, "--fail-on", "never"),
    );
    const warned = report(empty).findings.filter((x: { code: string }) =>
      x.code === "metrics_unavailable"
    );
    assert.equal(warned.length, 1);
    assert.match(
      warned[0].message,
      /^The baseline ".*empty\.json" has no cell: nothing was compared/,
    );
  });
});

Deno.test("--max-file-mb bounds a --baseline report.json, and the message says how to raise it", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    const first = `${tmp}/first`;
    assert.equal((await runCli(analyzeArgs(input, first, "--fail-on", "never"))).code, 0);
    const size = Deno.statSync(`${first}/report.json`).size;
    const mb = (size / 2 / 1024 / 1024).toFixed(6);
    const small = await runCli(
      analyzeArgs(input, `${tmp}/a`, "--baseline", `${first}/report.json`, "--max-file-mb", mb),
    );
    assert.equal(small.code, 3);
    assert.match(
      small.stderr,
      /Cannot read --baseline .*report\.json.*limit.*\(raise it with --max-file-mb\)/,
    );
    const big = await runCli(
      analyzeArgs(
        input,
        `${tmp}/b`,
        "--baseline",
        `${first}/report.json`,
        "--max-file-mb",
        "1",
        "--fail-on",
        "never",
      ),
    );
    assert.equal(big.code, 0, big.stderr);
  });
});

Deno.test("exit 3: an --output-dir that is the results dir itself is refused, however spelled", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    Deno.symlinkSync(input, `${tmp}/link_to_input`);
    const before = snapshot(input);
    const spellings: [string, string | undefined][] = [
      [input, undefined],
      [`${input}/`, undefined],
      [`${input}/.`, undefined],
      [`${input}/not_yet/..`, undefined],
      [`${tmp}/link_to_input`, undefined],
      ["fixed_seq_pair", tmp], // relative, from the working directory
      [`../${tmp.slice(tmp.lastIndexOf("/") + 1)}/fixed_seq_pair`, tmp],
    ];
    for (const [out, cwd] of spellings) {
      const r = await runCli(analyzeArgs(input, out, "--quiet"), { cwd });
      assert.equal(r.code, 3, `${out}: ${r.stderr}`);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /--output-dir ".*" is the results directory itself/, out);
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
      assert.deepEqual(snapshot(input), before, `${out}: nothing written into the results dir`);
    }
    // The results dir named through a link, the output dir by its real path: the same directory.
    const viaLink = await runCli(analyzeArgs(`${tmp}/link_to_input/`, input, "--quiet"));
    assert.equal(viaLink.code, 3, viaLink.stderr);
    // A directory inside it is fine, and the next run reads the same input (same bytes).
    const nested = `${input}/reports`;
    for (let run = 0; run < 2; run++) {
      const r = await runCli(analyzeArgs(input, nested, "--quiet"));
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal(report(nested).artifact_manifest.discovered.length, 2);
  });
});

/** Spawn `main.ts <args>` with its stdout (or stderr) closed by the reader before it writes. */
async function runWithClosedPipe(args: string[], which: "stdout" | "stderr") {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN_TS, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Closed at once: the run needs far longer than this to get to its first write.
  await child[which].cancel();
  const other = which === "stdout" ? child.stderr : child.stdout;
  const text = new TextDecoder().decode(await new Response(other).arrayBuffer());
  return { code: (await child.status).code, text };
}

Deno.test({
  name:
    "--json into a closed pipe or a full disk: the reports are written, the exit code is the findings'",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await withTemp(async (tmp) => {
      const input = copyCase("failed_run", tmp);
      const expected = await runCli(analyzeArgs(input, `${tmp}/ref`, "--quiet"));
      assert.equal(expected.code, 2, expected.stderr);
      const ref = readFileSync(`${tmp}/ref/report.json`, "utf8");
      // `… --json | head -c 100`: the reader is gone. Not an error, and nothing to say about it.
      const closed = await runWithClosedPipe(analyzeArgs(input, `${tmp}/o1`, "--json"), "stdout");
      assert.equal(closed.code, 2, closed.text);
      assert.ok(!/internal error|stdout/.test(closed.text), closed.text);
      assert.match(closed.text, /exit 2 \(--fail-on critical\)/);
      assert.equal(readFileSync(`${tmp}/o1/report.json`, "utf8"), ref);
      // `… --json > /dev/full`: one line names stdout; the reports stand. The shell looks for
      // /dev/full (the test itself may not touch a device without --allow-all): 77 when absent.
      const full = await new Deno.Command("bash", {
        args: [
          "-c",
          `test -e /dev/full || exit 77; exec "$0" run -A "$1" "\${@:2}" > /dev/full`,
          Deno.execPath(),
          MAIN_TS,
          ...analyzeArgs(input, `${tmp}/o2`, "--json", "--quiet"),
        ],
        stdout: "null",
        stderr: "piped",
      }).output();
      if (full.code !== 77) {
        const stderr = new TextDecoder().decode(full.stderr);
        assert.equal(full.code, 2, stderr);
        assert.match(stderr, /^inferguard analyze: cannot print report\.json to stdout: .+\n$/);
        assert.ok(!stderr.includes("internal error"), stderr);
        assert.equal(readFileSync(`${tmp}/o2/report.json`, "utf8"), ref);
      }
      // The summary on stderr, with stderr closed (`2>&1 | head -c 10`): same exit code.
      const noStderr = await runWithClosedPipe(analyzeArgs(input, `${tmp}/o3`), "stderr");
      assert.equal(noStderr.code, 2);
      assert.equal(noStderr.text, "");
      assert.equal(readFileSync(`${tmp}/o3/report.json`, "utf8"), ref);
    });
  },
});

Deno.test("SOURCE_DATE_EPOCH that may not be read is said so, not taken as unset", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("multinode_raw_curve", tmp);
    const run = (args: string[], extra: string[] = []) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-read", "--allow-write", ...extra, MAIN_TS, ...args],
        env: { SOURCE_DATE_EPOCH: "1767225600", NO_COLOR: "1" },
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).output();
    const out = await run(["analyze", input, "--output-dir", `${tmp}/o`, "--quiet"]);
    assert.equal(out.code, 0);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.match(stderr, /SOURCE_DATE_EPOCH cannot be read without --allow-env=SOURCE_DATE_EPOCH/);
    assert.notEqual(report(`${tmp}/o`).generated_at, PINNED);
    // With the permission, or with --generated-at, nothing to say.
    const granted = await run(
      ["analyze", input, "--output-dir", `${tmp}/g`, "--quiet"],
      ["--allow-env=SOURCE_DATE_EPOCH"],
    );
    assert.equal(new TextDecoder().decode(granted.stderr), "");
    assert.equal(report(`${tmp}/g`).generated_at, PINNED);
    const pinned = await run(analyzeArgs(input, `${tmp}/p`, "--quiet"));
    assert.equal(new TextDecoder().decode(pinned.stderr), "");
  });
});

Deno.test("exit 3: a SOURCE_DATE_EPOCH out of range names the variable and its range", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    for (const epoch of ["99999999999999", "253402300800", "-1", "1.5", "1e9"]) {
      const out = `${tmp}/out`;
      const r = await runCli(["analyze", input, "--output-dir", out, "--quiet"], {
        env: { SOURCE_DATE_EPOCH: epoch },
      });
      assert.equal(r.code, 3, `${epoch}: ${r.stderr}`);
      assert.equal(
        r.stderr,
        `inferguard analyze: Invalid SOURCE_DATE_EPOCH "${epoch}"; expected whole seconds since 1970, from 0 to 253402300799 (9999-12-31T23:59:59Z)\n`,
      );
      assert.ok(!existsSync(out), epoch);
    }
    // The ends of the range are taken.
    for (
      const [epoch, at] of [["253402300799", "9999-12-31T23:59:59Z"], ["0", "1970-01-01T00:00:00Z"]]
    ) {
      const out = `${tmp}/ok_${epoch}`;
      const r = await runCli(["analyze", input, "--output-dir", out, "--quiet"], {
        env: { SOURCE_DATE_EPOCH: epoch },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(report(out).generated_at, at);
    }
  });
});

Deno.test("analyze --version prints what --version prints; help asked for goes to stdout; schema refuses arguments it does not take", async () => {
  const top = await runCli(["--version"]);
  assert.equal(top.code, 0, top.stderr);
  assert.match(top.stdout, /^inferguard \d+\.\d+\.\d+ \(deno [^,]+, [^)]+\)\n$/);
  const sub = await runCli(["analyze", "--version"]);
  assert.deepEqual(sub, top);
  // Before any other check: no <results_dir> needed, like --help.
  assert.deepEqual(await runCli(["analyze", "--version", "--format", "xml"]), top);

  for (const args of [["schema", "--bogus"], ["schema", "extra"], ["schema", "--help", "-x"]]) {
    const r = await runCli(args);
    assert.equal(r.code, 3, args.join(" "));
    assert.equal(r.stdout, "", args.join(" "));
    assert.match(
      r.stderr,
      /^inferguard schema: unknown argument "[^"]+"; schema takes no arguments/,
    );
  }
  for (const flag of ["-h", "--help"]) {
    const help = await runCli(["schema", flag]);
    assert.equal(help.code, 0, flag);
    assert.equal(help.stderr, "");
    assert.match(help.stdout, /^Usage: inferguard schema /);
  }
  // Help asked for is the output (stdout, exit 0), for every command; a usage error is not.
  for (
    const [args, head] of [
      [["--help"], /^inferguard \d/],
      [["-h"], /^inferguard \d/],
      [["analyze", "--help"], /^Usage: inferguard analyze /],
      [["analyze", "-h"], /^Usage: inferguard analyze /],
      [["disagg", "status", "--help"], /^Usage: inferguard disagg status /],
    ] as const
  ) {
    const r = await runCli([...args]);
    assert.equal(r.code, 0, args.join(" "));
    assert.equal(r.stderr, "", args.join(" "));
    assert.match(r.stdout, head, args.join(" "));
  }
  const bare = await runCli([]);
  assert.equal(bare.code, 3);
  assert.equal(bare.stdout, "");
  assert.match(bare.stderr, /Usage:/);
  const schema = await runCli(["schema"]);
  assert.equal(schema.code, 0);
  assert.equal(JSON.parse(schema.stdout).type, "object");
});

Deno.test({
  name: "--version and schema: a reader that left is no error; a full stdout is one line",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    for (const cmd of ["--version", "schema"]) {
      // The reader exits before the program writes (`(sleep; inferguard --version) | true`).
      const script =
        `(sleep 0.5; "$DENO" run --allow-read --allow-env "$MAIN" ${cmd}) 2>"$ERR" | true; echo "\${PIPESTATUS[0]}"`;
      const dir = await Deno.makeTempDir();
      try {
        const out = await new Deno.Command("bash", {
          args: ["-c", script],
          env: { DENO: Deno.execPath(), MAIN: MAIN_TS, ERR: `${dir}/err`, NO_COLOR: "1" },
          stdout: "piped",
        }).output();
        assert.equal(new TextDecoder().decode(out.stdout).trim(), "0", cmd);
        assert.equal(readFileSync(`${dir}/err`, "utf8"), "", cmd);
        const full = await new Deno.Command("bash", {
          args: ["-c", `"$DENO" run --allow-read --allow-env "$MAIN" ${cmd} >/dev/full`],
          env: { DENO: Deno.execPath(), MAIN: MAIN_TS, NO_COLOR: "1" },
          stderr: "piped",
        }).output();
        const err = new TextDecoder().decode(full.stderr);
        assert.equal(full.code, 0, `${cmd}: ${err}`);
        assert.match(err, /^inferguard( schema)?: cannot print to stdout: .+\n$/, cmd);
        assert.ok(!err.includes("internal error"), cmd);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }
  },
});

Deno.test({
  name: "exit 3: a path argument that is not valid UTF-8 is named, never replaced by another",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await withTemp(async (tmp) => {
      const input = copyCase("clean_curve", tmp);
      // Through bash, so the byte 0xFF reaches the program as it would from a shell.
      const run = (args: string) =>
        new Deno.Command("bash", {
          args: ["-c", `"$DENO" run --allow-read --allow-write "$MAIN" analyze ${args}`],
          env: { DENO: Deno.execPath(), MAIN: MAIN_TS, IN: input, T: tmp, NO_COLOR: "1" },
          stderr: "piped",
        }).output();
      const out = await run(`"$IN" --output-dir "$T/out"$'\\xff' --quiet`);
      assert.equal(out.code, 3);
      assert.match(
        new TextDecoder().decode(out.stderr),
        /--output-dir ".*out\uFFFD" is not valid UTF-8/,
      );
      assert.ok(!existsSync(`${tmp}/out\uFFFD`), "nothing written under the replaced name");
      const root = await run(`"$IN"$'\\xff' --output-dir "$T/o2" --quiet`);
      assert.equal(root.code, 3);
      assert.match(
        new TextDecoder().decode(root.stderr),
        /<results_dir> ".*\uFFFD" is not valid UTF-8/,
      );
    });
  },
});

Deno.test("an agg or raw result cut short keeps its cell, named by the file, with a critical", async () => {
  await withTemp(async (tmp) => {
    const good = readFileSync(`${SAMPLE}${AGG_CONC4}`, "utf8");
    const cut = AGG_CONC4.replace("_conc4_", "_conc8_");
    writeFileSync(`${tmp}/${AGG_CONC4.slice(AGG_CONC4.lastIndexOf("/") + 1)}`, good);
    const cutName = cut.slice(cut.lastIndexOf("/") + 1);
    writeFileSync(`${tmp}/${cutName}`, good.slice(0, 300));
    // A raw result of a multi-node run, cut short, named by its concurrency and GPU split.
    const raw = "results_concurrency_16_gpus_8_ctx_2_gen_6.json";
    writeFileSync(`${tmp}/${raw}`, '{"max_concurrency": 16, "total_tok');
    const r = await runCli(analyzeArgs(tmp, `${tmp}/out`));
    assert.equal(r.code, 2, r.stderr);
    const rep = report(`${tmp}/out`);
    assert.equal(rep.cells.length, 3);
    for (const [name, kind, conc] of [[cutName, "agg", 8], [raw, "raw_result", 16]] as const) {
      const entry = rep.artifact_manifest.discovered.find((d: { path: string }) => d.path === name);
      assert.equal(entry.kind, kind, name);
      assert.equal(entry.parsed, false, name);
      const cell = rep.cells.find((c: { cell_id: string }) => c.cell_id === entry.cell);
      assert.equal(cell.concurrency, conc, name);
      assert.equal(cell.status, "unknown", name);
      assert.deepEqual(cell.artifacts, { [kind]: [name] });
      const codes = rep.findings.filter((f: { cell_id: string }) => f.cell_id === cell.cell_id)
        .map((f: { code: string; severity: string }) => `${f.severity} ${f.code}`);
      assert.deepEqual(codes, [
        "critical missing_required_artifact",
        "warning artifact_unreadable",
      ]);
      const critical = rep.findings.find((f: { cell_id: string; severity: string }) =>
        f.cell_id === cell.cell_id && f.severity === "critical"
      );
      assert.ok(critical.message.includes(`"${name}" could not be used (`), critical.message);
    }
    // A multi-node power sidecar names its concurrency and GPUs too; cut short, it is no record.
    const power = "power_validation_x_concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json";
    writeFileSync(`${tmp}/${power}`, '{"integration_method": "trap');
    const again = await runCli(analyzeArgs(tmp, `${tmp}/out2`));
    const rep2 = report(`${tmp}/out2`);
    assert.equal(rep2.cells.length, 3, again.stderr);
    const entry = rep2.artifact_manifest.discovered.find((d: { path: string }) => d.path === power);
    assert.equal(entry.kind, "json_other");
  });
});

Deno.test("a tree whose artifacts form no cell, some of them unusable, is critical", async () => {
  await withTemp(async (tmp) => {
    const cases: [string, Record<string, string>, RegExp][] = [
      // Read, but no row is a record.
      ["rows", { "agg_bmk.json": '[{"foo": 1}]' }, /"agg_bmk\.json" could not be used: /],
      // A timeline that reads, beside a truncated JSON file not named like a cell's record.
      [
        "timeline",
        {
          "cell/x_conc4.json": '{"a":',
          "inferguard_timeline.jsonl": readFileSync(
            `${CASES}timeline_dedup/input/cell/inferguard_timeline.jsonl`,
            "utf8",
          ).split("\n")[0] + "\n",
        },
        /"cell\/x_conc4\.json" could not be used: line 1: Invalid JSON/,
      ],
    ];
    for (const [name, files, message] of cases) {
      for (const [path, text] of Object.entries(files)) {
        const full = `${tmp}/${name}/${path}`;
        await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
        writeFileSync(full, text);
      }
      const r = await runCli(analyzeArgs(`${tmp}/${name}`, `${tmp}/out-${name}`));
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      const run = report(`${tmp}/out-${name}`).findings.filter((f: { code: string }) =>
        f.code === "missing_required_artifact"
      );
      assert.equal(run.length, 1, name);
      assert.match(run[0].message, message, name);
    }
  });
});

Deno.test("exit 3: --strict when a manifest expects a live timeline and there is none", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    writeFileSync(`${input}/manifest.json`, JSON.stringify({ timeline_expected: true }));
    const strict = await runCli(analyzeArgs(input, `${tmp}/strict`, "--strict"));
    assert.equal(strict.code, 3, strict.stderr);
    assert.match(strict.stderr, /strict mode: 1 missing .*expects a live timeline/);
    assert.ok(!existsSync(`${tmp}/strict`), "strict failure writes no report");
    const best = await runCli(analyzeArgs(input, `${tmp}/best`));
    assert.equal(best.code, 0, best.stderr);
    // A timeline that is there passes --strict.
    cpSync(
      `${CASES}timeline_dedup/input/cell/inferguard_timeline.jsonl`,
      `${input}/inferguard_timeline.jsonl`,
    );
    const withTimeline = await runCli(analyzeArgs(input, `${tmp}/with`, "--strict"));
    assert.notEqual(withTimeline.code, 3, withTimeline.stderr);
  });
});

Deno.test("determinism: a --baseline directory with or without a trailing slash gives the same reports", async () => {
  await withTemp(async (tmp) => {
    const input = copyCase("fixed_seq_pair", tmp);
    const a = await runCli(analyzeArgs(input, `${tmp}/a`, "--baseline", input));
    const b = await runCli(analyzeArgs(input, `${tmp}/b`, "--baseline", `${input}//`));
    assert.equal(a.code, b.code);
    for (const name of ["report.json", "report.md"]) {
      assert.equal(
        readFileSync(`${tmp}/a/${name}`, "utf8"),
        readFileSync(`${tmp}/b/${name}`, "utf8"),
        name,
      );
    }
  });
});

Deno.test("exit 3: --strict with an unreadable *results*.json (a raw or eval result by its name)", async () => {
  await withTemp(async (tmp) => {
    for (const name of ["results.json", "benchmark_results.json", "sub_results.json"]) {
      const input = copyCase("fixed_seq_pair", `${tmp}/${name}`);
      writeFileSync(`${input}/${name}`, '{"results": {"gsm8k": {"exact_match');
      const strict = await runCli(analyzeArgs(input, `${tmp}/${name}/strict`, "--strict"));
      assert.equal(strict.code, 3, `${name}: ${strict.stderr}`);
      assert.ok(strict.stderr.includes(name), strict.stderr);
    }
    // A JSON file named like no artifact stays a warning.
    const input = copyCase("fixed_seq_pair", `${tmp}/notes`);
    writeFileSync(`${input}/notes.json`, '{"a": ');
    assert.notEqual((await runCli(analyzeArgs(input, `${tmp}/notes/strict`, "--strict"))).code, 3);
  });
});
