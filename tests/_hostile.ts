/**
 * Shared helpers for the hostile-input, property, guarantee and fuzz suites: running `analyze`
 * in-process and as a real process, contract assertions, tree snapshots, and generators for the
 * hostile inputs that must not be committed (huge, deep, numerous, unreadable, looping, oddly
 * named). Everything is written under temporary directories the caller removes.
 * @module
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { runAnalyze } from "../lib/io/analyze_main.ts";
import type { Report } from "../lib/analyze.ts";
import type { Finding } from "../lib/types.ts";
import { MAIN_TS } from "./_cli.ts";

/** The pinned `--generated-at` of every run here. */
export const PINNED = "2026-01-01T00:00:00Z";
/** The committed malformed-input corpus. */
export const HOSTILE_DIR: string = fileURLToPath(new URL("../testdata/hostile/", import.meta.url));
/** The committed real sample tree. */
export const SAMPLE_DIR: string = fileURLToPath(new URL("../testdata/sample/", import.meta.url));

/** Real artifacts from `testdata/sample/` used as seeds for mutations and truncations. */
export const SEED_FILES: readonly string[] = [
  "fixed-seq/kimik2.5-mi355x/agg_kimik2.5_1k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc4_MI355-gbt350-odcdh5-wbb3.json",
  "fixed-seq/kimik2.5-mi355x/kimik2.5_1k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc4_MI355-gbt350-odcdh5-wbb3.json",
  "multinode/gptoss-mi355x-disagg-raw/concurrency_8_req_rate_inf_gpus_16_ctx_8_gen_8.json",
  "agentx-v1/kimik2.7_tp8_conc4_kvnone_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc4_mi355x-amds_05.json",
  "agentx-kvtester/bmk_agentic_dsr1_tp4_bs4_offloadoff_fp4_vllm_tp4-ep4-dpafalse_disagg-false_spec-none_conc4_b200-dgxc-slurm_4/agg_dsr1_tp4_users4_offloadoff_fp4_vllm_tp4-ep4-dpafalse_disagg-false_spec-none_conc4_b200-dgxc-slurm_4.json",
];

/** The real single-node agg every truncation test starts from. */
export const REAL_AGG: string = SEED_FILES[0];

/** Run `fn` with a fresh temporary directory that is always removed afterwards. */
export async function withTemp<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: `inferguard_${prefix}_` });
  try {
    return await fn(dir);
  } finally {
    await restoreModes(dir);
    await Deno.remove(dir, { recursive: true });
  }
}

/** Give every directory under `dir` its owner permissions back so it can be removed. */
async function restoreModes(dir: string): Promise<void> {
  try {
    await Deno.chmod(dir, 0o755);
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) await restoreModes(`${dir}/${e.name}`);
      else if (e.isFile) await Deno.chmod(`${dir}/${e.name}`, 0o644).catch(() => {});
    }
  } catch {
    // Nothing to restore.
  }
}

/** The outcome of one `analyze` run. */
export interface RunOutcome {
  code: number;
  stdout: string;
  stderr: string;
  /** Parsed `report.json`, or `null` when none was written. */
  report: Report | null;
  /** `report.md`, or `null` when none was written. */
  markdown: string | null;
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return null;
  }
}

async function outcome(code: number, stdout: string, stderr: string, out: string) {
  const json = await readOrNull(`${out}/report.json`);
  return {
    code,
    stdout,
    stderr,
    report: json === null ? null : JSON.parse(json) as Report,
    markdown: await readOrNull(`${out}/report.md`),
  };
}

/**
 * Run `analyze root --output-dir out` in this process with captured stdout/stderr (no signal
 * handlers, no real environment), then read back whatever reports were written.
 */
export async function analyzeInProcess(
  root: string,
  out: string,
  extra: readonly string[] = [],
): Promise<RunOutcome> {
  let stdout = "";
  let stderr = "";
  const code = await runAnalyze(
    [root, "--output-dir", out, "--generated-at", PINNED, "--quiet", ...extra],
    {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      env: () => undefined,
      now: () => new Date(Date.parse(PINNED)),
      isTty: false,
      handleSignals: false,
    },
  );
  return await outcome(code, stdout, stderr, out);
}

/** The few host variables Deno needs to find its cache. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
    const v = Deno.env.get(name);
    if (v !== undefined) env[name] = v;
  }
  return env;
}

/** A `deno run main.ts analyze …` command, ready to `.output()` or `.spawn()`. */
export function analyzeCommand(args: readonly string[], cwd?: string): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", MAIN_TS, "analyze", ...args],
    cwd,
    env: baseEnv(),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Run the real entry point on `root` (a separate process: real stack traces, real exits). */
export async function analyzeProcess(
  root: string,
  out: string,
  extra: readonly string[] = [],
): Promise<RunOutcome> {
  const r = await analyzeCommand([
    root,
    "--output-dir",
    out,
    "--generated-at",
    PINNED,
    "--quiet",
    ...extra,
  ]).output();
  const dec = new TextDecoder();
  return await outcome(r.code, dec.decode(r.stdout), dec.decode(r.stderr), out);
}

/** Exit codes of SPEC §1.1. */
export const CONTRACT_CODES: readonly number[] = [0, 1, 2, 3];

/** The one documented "nothing to report" message of exit 3. */
export const NO_ARTIFACTS = /^inferguard analyze: no supported benchmark artifacts found under /;

/** Assert no JavaScript stack trace, uncaught error or internal-error escape on stderr. */
export function assertNoStackTrace(stderr: string, label: string): void {
  assert.ok(
    !/^\s{4}at /m.test(stderr),
    `${label}: stderr carries stack-trace lines:\n${stderr.slice(0, 2000)}`,
  );
  assert.ok(!stderr.includes("error: Uncaught"), `${label}: uncaught error:\n${stderr}`);
  assert.ok(!stderr.includes("internal error"), `${label}: internal error:\n${stderr}`);
}

/**
 * The contract for any input: exit code in {0,1,2,3}, no stack trace, and either a report
 * (exit 0–2, report.json and report.md both written and report.json valid) or the documented exit
 * 3 with one line on stderr and no report.
 */
export function assertContract(r: RunOutcome, label: string): void {
  assert.ok(CONTRACT_CODES.includes(r.code), `${label}: exit ${r.code} is outside the contract`);
  assertNoStackTrace(r.stderr, label);
  if (r.code === 3) {
    assert.match(r.stderr, NO_ARTIFACTS, `${label}: exit 3 without the documented message`);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, `${label}: one-line message`);
    assert.equal(r.report, null, `${label}: exit 3 must not write report.json`);
  } else {
    assert.ok(r.report !== null, `${label}: exit ${r.code} without report.json`);
    assert.ok(r.markdown !== null, `${label}: exit ${r.code} without report.md`);
    assert.equal(r.report.schema_version, "inferguard-analyze/v1", `${label}: schema_version`);
  }
}

/**
 * Findings about `relPath`: those that mention it (in the message or the evidence), and those on
 * a cell whose artifact list includes it.
 */
export function findingsNaming(report: Report, relPath: string): Finding[] {
  const quoted = JSON.stringify(relPath);
  const cells = new Set(
    report.cells.filter((c) => Object.values(c.artifacts).some((l) => l?.includes(relPath)))
      .map((c) => c.cell_id),
  );
  return report.findings.filter((f) =>
    f.message.includes(relPath) || JSON.stringify(f.evidence).includes(quoted) ||
    (f.cell_id !== null && cells.has(f.cell_id))
  );
}

/** Assert the contract and that some finding names `relPath`. */
export function assertFindingNames(r: RunOutcome, relPath: string, label: string): void {
  assertContract(r, label);
  assert.notEqual(r.code, 3, `${label}: expected a report, got exit 3: ${r.stderr}`);
  const named = findingsNaming(r.report!, relPath);
  assert.ok(
    named.length > 0,
    `${label}: no finding names ${JSON.stringify(relPath)}; findings: ${
      JSON.stringify(r.report!.findings.map((f) => `${f.code}: ${f.message}`))
    }`,
  );
}

/**
 * Byte offsets just after every structural point of a JSON text: each `{ } [ ] : ,`, each opening
 * and closing quote, and the middle of each string and number, plus 0. Cutting there gives every
 * kind of truncation a writer killed mid-file can leave.
 */
export function structuralCuts(text: string): number[] {
  const cuts = new Set<number>([0]);
  let inString = false;
  let stringStart = 0;
  let numStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') {
        inString = false;
        if (i - stringStart > 2) cuts.add(stringStart + Math.floor((i - stringStart) / 2));
        cuts.add(i);
        cuts.add(i + 1);
      }
      continue;
    }
    if (numStart >= 0 && !/[0-9eE.+-]/.test(c)) {
      if (i - numStart > 1) cuts.add(numStart + Math.floor((i - numStart) / 2));
      numStart = -1;
    }
    if (c === '"') {
      inString = true;
      stringStart = i;
      cuts.add(i + 1);
    } else if ("{}[]:,".includes(c)) {
      cuts.add(i);
      cuts.add(i + 1);
    } else if (numStart < 0 && /[-0-9]/.test(c)) numStart = i;
  }
  return [...cuts].filter((n) => n < text.length).sort((a, b) => a - b);
}

/** Write one JSON document of about `bytes` bytes on a single line, streamed in 1 MiB chunks. */
export async function writeHugeSingleLineJson(path: string, bytes: number): Promise<void> {
  using file = await Deno.open(path, { write: true, createNew: true });
  const enc = new TextEncoder();
  const head = enc.encode('{"tput_per_gpu":1,"infmax_model_prefix":"huge","pad":[');
  await file.write(head);
  const unit = "1234567.125,";
  const chunk = enc.encode(unit.repeat(Math.floor((1 << 20) / unit.length)));
  let written = head.length;
  while (written + chunk.length < bytes) {
    let off = 0;
    while (off < chunk.length) off += await file.write(chunk.subarray(off));
    written += chunk.length;
  }
  await file.write(enc.encode("0]}"));
}

/** A JSON text of `depth` nested arrays inside an object whose shape makes it look like an agg. */
export function deepNestedJson(depth: number): string {
  return '{"tput_per_gpu":1,"infmax_model_prefix":"deep","nested":' + "[".repeat(depth) +
    "]".repeat(depth) + "}";
}

/** A JSON text of `depth` nested objects (`{"a":{"a":…}}`). */
export function deepNestedObjects(depth: number): string {
  return '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

/**
 * Create `count` empty files spread over 100 directories; every `jsonEvery`-th one is named like a
 * results JSON (so it is read and must become a finding), the rest are unknown `.txt` files that
 * are only listed.
 */
export async function writeManyEmptyFiles(
  root: string,
  count: number,
  jsonEvery: number,
): Promise<string[]> {
  const dirs = 100;
  const json: string[] = [];
  for (let d = 0; d < dirs; d++) await Deno.mkdir(`${root}/d${String(d).padStart(3, "0")}`);
  const jobs: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const dir = `d${String(i % dirs).padStart(3, "0")}`;
    const name = i % jsonEvery === 0 ? `results_${i}.json` : `f_${i}.txt`;
    if (name.endsWith(".json")) json.push(`${dir}/${name}`);
    jobs.push(Deno.writeFile(`${root}/${dir}/${name}`, new Uint8Array(0)));
    if (jobs.length >= 256) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
  return json.sort();
}

/**
 * `chmod 000` `path` and report whether that really blocks reading it for the current user.
 * Root (and CAP_DAC_OVERRIDE) reads through any mode, so the caller must check before asserting
 * on permission failures.
 */
export async function chmodBlocks(path: string): Promise<boolean> {
  await Deno.chmod(path, 0o000);
  try {
    const st = await Deno.stat(path);
    if (st.isDirectory) await Array.fromAsync(Deno.readDir(path));
    else (await Deno.open(path, { read: true })).close();
    return false;
  } catch (e) {
    if (e instanceof Deno.errors.PermissionDenied) return true;
    throw e;
  }
}

/** Whether a directory with mode 0555 really refuses new files for the current user. */
export async function readOnlyDirBlocks(dir: string): Promise<boolean> {
  await Deno.chmod(dir, 0o555);
  const probe = `${dir}/.probe_${crypto.randomUUID()}`;
  try {
    await Deno.writeFile(probe, new Uint8Array(0), { createNew: true });
    await Deno.remove(probe);
    return false;
  } catch (e) {
    if (e instanceof Deno.errors.PermissionDenied) return true;
    throw e;
  }
}

/** File names no tool should trust: spaces, newlines, pipes, HTML, non-ASCII, lookalikes. */
export const HOSTILE_NAMES: readonly string[] = [
  "agg_with space.json",
  "agg_new\nline.json",
  "agg_pipe|name|x.json",
  "agg_<script>alert(1)<\u2215script>.json",
  "agg_ünïcödé_模型_🚀.json",
  "agg_`tick`_*star*_[link](x).json",
  "agg_tab\tand\rcr.json",
  "agg_\u202eRTL.json",
];

/** A stable digest of every entry under `root`: kind, mode, size, mtime and content hash. */
export async function snapshotTree(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function visit(dir: string, rel: string): Promise<void> {
    const entries = await Array.fromAsync(Deno.readDir(dir));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = `${dir}/${e.name}`;
      const r = rel ? `${rel}/${e.name}` : e.name;
      const st = await Deno.lstat(abs);
      const meta = `mode=${st.mode} mtime=${st.mtime?.getTime()} size=${st.size}`;
      if (e.isSymlink) out.set(r, `link->${await Deno.readLink(abs)} ${meta}`);
      else if (e.isDirectory) {
        out.set(r + "/", `dir ${meta}`);
        await visit(abs, r);
      } else {
        const hash = createHash("sha256").update(await Deno.readFile(abs)).digest("hex");
        out.set(r, `${hash} ${meta}`);
      }
    }
  }
  await visit(root, "");
  return out;
}

/** Sorted names directly inside `dir`. */
export async function listNames(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

/** Copy one real sample artifact to `dest` (directories created as needed). */
export async function copySeed(seed: string, dest: string): Promise<void> {
  await Deno.mkdir(dest.slice(0, dest.lastIndexOf("/")), { recursive: true });
  await Deno.copyFile(`${SAMPLE_DIR}${seed}`, dest);
}

/** Recursively copy the directory `from` to `to`. */
export async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyTree(`${from}/${e.name}`, `${to}/${e.name}`);
    else if (e.isFile) await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

/** Every file under `root`, as paths relative to it, sorted. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function visit(dir: string, rel: string): Promise<void> {
    for await (const e of Deno.readDir(dir)) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await visit(`${dir}/${e.name}`, r);
      else if (e.isFile) out.push(r);
    }
  }
  await visit(root, "");
  return out.sort();
}

/** Number of `|` in a Markdown line that are not escaped with a backslash. */
export function unescapedPipes(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\") i++;
    else if (line[i] === "|") n++;
  }
  return n;
}

/**
 * Every Markdown table in `md` (runs of lines starting with `|`) has the same number of unescaped
 * `|` separators in each row as in its header row, and no raw `<script` appears anywhere.
 */
export function assertMarkdownTablesIntact(md: string, label: string): void {
  // Inside a code span `<script>` is inert text in CommonMark; anywhere else it is live HTML.
  // (The stricter "no raw <script at all" is pinned in known_bugs_hostile_test.ts.)
  const outsideCode = md.replace(/`[^`\n]*`/g, "``");
  assert.ok(!/<script/i.test(outsideCode), `${label}: raw <script outside a code span`);
  const lines = md.split("\n");
  let header: { line: number; pipes: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!l.startsWith("|")) {
      header = null;
      continue;
    }
    const pipes = unescapedPipes(l);
    if (header === null) header = { line: i + 1, pipes };
    else {
      assert.equal(
        pipes,
        header.pipes,
        `${label}: report.md line ${
          i + 1
        } has ${pipes} separators, its header (line ${header.line}) ${header.pipes}:\n${l}`,
      );
    }
  }
}

/**
 * Make `<root>/<top>/…` a chain of directories whose absolute path is longer than Linux's
 * PATH_MAX (4096 bytes), with an empty file `leaf` at the bottom: the walk cannot list the deepest
 * ones ("File name too long"), whoever runs it, root included, where `chmod 000` blocks nobody.
 * Built with bash's relative `cd`s, which have no such limit. Returns the path, relative to
 * `root`, of the first directory the walk cannot read.
 */
export async function pathTooLong(root: string, top: string, leaf: string): Promise<string> {
  const real = Deno.realPathSync(root);
  const part = "d".repeat(200);
  const levels = Math.ceil((4200 - real.length) / (part.length + 1));
  const { success, stderr } = await new Deno.Command("bash", {
    args: [
      "-c",
      `mkdir '${top}' && cd '${top}' && for i in $(seq ${levels}); do mkdir ${part} && cd ${part}; done && touch '${leaf}'`,
    ],
    cwd: real,
  }).output();
  assert.ok(success, new TextDecoder().decode(stderr));
  // The first directory whose absolute path (root, "/", the relative path) is over 4095 bytes.
  let rel = top;
  while (real.length + 1 + rel.length <= 4095) rel += `/${part}`;
  return rel;
}
