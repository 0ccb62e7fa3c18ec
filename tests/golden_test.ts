/**
 * Golden reports: every `testdata/cases/<name>/input/` is analyzed by the real entry point with
 * `generated_at` pinned, and `report.json` / `report.md` must equal `expected/` byte for byte.
 * `UPDATE_GOLDEN=1 deno test ...` rewrites the expected files (review the diff like code).
 * @module
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runCli } from "./_cli.ts";

const CASES = fileURLToPath(new URL("../testdata/cases/", import.meta.url));
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";
const PINNED = "2026-01-01T00:00:00Z";

/** Exit code each case must produce with the default `--fail-on critical`. */
const EXPECTED_EXIT: Record<string, number> = {
  clean_curve: 0,
  escaping: 0,
  eval_join: 0,
  eval_regression: 0,
  failed_run: 2,
  fixed_seq_pair: 0,
  garbage_json: 2,
  kv_offload_thrash: 0,
  manifest_missing_cell: 2,
  multinode_logs_copies: 0,
  multinode_raw_curve: 0,
  prefix_cache_regression: 0,
  throughput_plateau: 0,
  timeline_dedup: 2,
  ttft_cliff: 2,
};

/**
 * Finding codes each detector case must contain (and, for `clean_curve`, the only codes allowed:
 * none). The golden bytes pin the details; this states the intent of each case.
 */
const EXPECTED_CODES: Record<string, { has: string[]; only?: boolean }> = {
  clean_curve: { has: [], only: true },
  eval_regression: { has: ["eval_regression"] },
  eval_join: { has: [], only: true },
  kv_offload_thrash: { has: ["kv_offload_thrash"] },
  // LOGS/ copies and collected rows counted once: two cells, nothing to report.
  multinode_logs_copies: { has: [], only: true },
  prefix_cache_regression: { has: ["prefix_cache_regression"] },
  throughput_plateau: { has: ["throughput_plateau"] },
  timeline_dedup: { has: ["kv_transfer_errors_present", "prefill_decode_imbalance"] },
  ttft_cliff: { has: ["ttft_cliff"] },
};

const caseNames = readdirSync(CASES)
  .filter((n) => statSync(`${CASES}${n}`).isDirectory())
  .sort();

Deno.test("golden: every case directory has an expected exit code and the list is complete", () => {
  assert.deepEqual(caseNames, Object.keys(EXPECTED_EXIT).sort());
});

async function generate(name: string): Promise<{ code: number; json: string; md: string }> {
  const out = await Deno.makeTempDir({ prefix: `inferguard_golden_${name}_` });
  try {
    // Relative `input` from the case directory keeps absolute paths out of `input_root`.
    // Optional extra arguments (e.g. `--baseline baseline`), relative to the case directory.
    const argsFile = `${CASES}${name}/args.json`;
    const extra: string[] = existsSync(argsFile) ? JSON.parse(readFileSync(argsFile, "utf8")) : [];
    const r = await runCli(
      ["analyze", "input", "--output-dir", out, "--generated-at", PINNED, "--quiet", ...extra],
      { cwd: `${CASES}${name}` },
    );
    assert.equal(r.stdout, "", `${name}: stdout must be empty without --json`);
    assert.equal(r.stderr, "", `${name}: --quiet must keep stderr empty`);
    return {
      code: r.code,
      json: readFileSync(`${out}/report.json`, "utf8"),
      md: readFileSync(`${out}/report.md`, "utf8"),
    };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

for (const name of caseNames) {
  Deno.test(`golden: ${name}`, async () => {
    const got = await generate(name);
    assert.equal(got.code, EXPECTED_EXIT[name], `${name}: exit code`);
    const dir = `${CASES}${name}/expected`;
    if (UPDATE) {
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(`${dir}/report.json`, got.json);
      await Deno.writeTextFile(`${dir}/report.md`, got.md);
    }
    assert.ok(existsSync(`${dir}/report.json`), `${name}: run with UPDATE_GOLDEN=1 to create`);
    assert.equal(got.json, readFileSync(`${dir}/report.json`, "utf8"), `${name}: report.json`);
    assert.equal(got.md, readFileSync(`${dir}/report.md`, "utf8"), `${name}: report.md`);
    // Nothing machine-specific leaks into a golden report.
    assert.ok(!got.json.includes(CASES), `${name}: report.json holds an absolute path`);
    assert.ok(!got.md.includes(CASES), `${name}: report.md holds an absolute path`);
    assert.equal(JSON.parse(got.json).generated_at, PINNED);
    const expect = EXPECTED_CODES[name];
    if (expect) {
      const codes = new Set<string>(
        JSON.parse(got.json).findings.map((f: { code: string }) => f.code),
      );
      for (const c of expect.has) assert.ok(codes.has(c), `${name}: expected a ${c} finding`);
      if (expect.only) assert.deepEqual([...codes].sort(), [...expect.has].sort(), name);
    }
  });
}

/** Lines of one `## ` section of a Markdown report (heading excluded). */
function sectionLines(md: string, heading: string): string[] {
  const lines = md.split("\n");
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `missing heading ${heading}`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Count `|` that are table separators: not escaped by a preceding backslash. */
function unescapedPipes(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\") i++;
    else if (line[i] === "|") n++;
  }
  return n;
}

Deno.test("golden: escaping keeps every Markdown table intact and neutralises HTML", async () => {
  const { md, json } = await generate("escaping");
  const report = JSON.parse(json);
  // The hostile values really reached the report (so the check below is not vacuous).
  assert.ok(report.cells.some((c: { model: string }) => c.model.includes("|")));
  assert.ok(report.cells.some((c: { framework: string }) => c.framework.includes("\n")));
  for (const heading of ["## 2. Benchmark matrix", "## 4. Per-cell results"]) {
    const rows = sectionLines(md, heading).filter((l) => l.startsWith("|"));
    assert.ok(rows.length >= 3, `${heading}: expected a header, a rule and at least one row`);
    const width = unescapedPipes(rows[0]);
    for (const row of rows) assert.equal(unescapedPipes(row), width, `${heading}: ${row}`);
  }
  // Section 4 lists both cells, one row each (a newline in a value must not split a row).
  const s4 = sectionLines(md, "## 4. Per-cell results").filter((l) => l.startsWith("|"));
  assert.equal(s4.length, 2 + report.cells.length);
  assert.ok(!md.includes("<script>"), "raw <script> reached report.md");
  assert.ok(!md.includes("<img"), "raw <img> reached report.md");
});
