/**
 * The bundle (`deno task bundle`: `main.js` plus the chunks each command loads on demand) is
 * self-contained and behaves exactly like `deno run main.ts`: it is built into a temp dir,
 * inspected for imports that would need the network, a package cache or a file outside the
 * bundle, then run with `--no-config --no-remote --no-npm` on every golden case and the sample
 * tree, and its reports must be byte-identical to the source run's.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { MAIN_TS } from "./_cli.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const GENERATED_AT = "2026-01-01T00:00:00Z";
const READ_WORKER = "lib/io/scan_worker.ts";
/** The permissions `deno task compile` grants, minus the network `analyze` never uses. */
const PERMS = ["--allow-read", "--allow-write", "--allow-env=SOURCE_DATE_EPOCH"];
/** Flags that make any import outside the bundle file fail. */
const SEALED = ["--no-config", "--no-lock", "--no-remote", "--no-npm"];

/**
 * What the child `deno` keeps of this environment: where its cache is, and how it reaches the npm
 * registry the first `deno bundle` fetches esbuild from (proxy and extra CA certificates; Deno
 * reads `NODE_EXTRA_CA_CERTS` as Node does, and a machine behind a TLS-inspecting proxy needs it).
 */
const KEPT_ENV = [
  "HOME",
  "PATH",
  "DENO_DIR",
  "XDG_CACHE_HOME",
  "TMPDIR",
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "NODE_EXTRA_CA_CERTS",
  "NPM_CONFIG_REGISTRY",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
];

function env(): Record<string, string> {
  const out: Record<string, string> = { NO_COLOR: "1" };
  for (const name of KEPT_ENV) {
    const v = Deno.env.get(name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function deno(args: string[], cwd: string): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: env(),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Every module specifier the bundle still imports (static, side-effect and dynamic). */
function importSpecifiers(code: string): { literal: string[]; dynamicNonLiteral: number } {
  const literal: string[] = [];
  const fromRe = /(?:^|[\s;}])(?:import|export)\s*(?:[\w*${}\s,]+?\s*from\s*)?["']([^"']+)["']/g;
  for (const m of code.matchAll(fromRe)) literal.push(m[1]);
  let dynamicNonLiteral = 0;
  for (const m of code.matchAll(/(?<![\w$.])import\s*\(\s*(["'`]?)([^)"'`]*)/g)) {
    if (m[1] === "" || m[1] === "`") dynamicNonLiteral++;
    else literal.push(m[2]);
  }
  for (const m of code.matchAll(/(?<![\w$.])require\s*\(\s*["']([^"']+)["']/g)) literal.push(m[1]);
  return { literal, dynamicNonLiteral };
}

async function listInputs(): Promise<{ name: string; input: string }[]> {
  const out: { name: string; input: string }[] = [];
  const cases = `${REPO}/testdata/cases`;
  try {
    for await (const e of Deno.readDir(cases)) {
      if (!e.isDirectory) continue;
      const input = `${cases}/${e.name}/input`;
      try {
        if ((await Deno.stat(input)).isDirectory) out.push({ name: `case ${e.name}`, input });
      } catch {
        // A case still being written: no input yet.
      }
    }
  } catch {
    // No golden cases yet.
  }
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  out.push({ name: "sample", input: `${REPO}/testdata/sample` });
  return out;
}

/** Copy a tree of plain files, leaving out report dirs an earlier run may have left. */
async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory && e.name !== "inferguard_report") {
      await copyTree(`${from}/${e.name}`, `${to}/${e.name}`);
    } else if (e.isFile) await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

/** Offset of the first differing byte, or -1 when equal. */
function firstDifference(a: Uint8Array | null, b: Uint8Array | null): number {
  if (a === null || b === null) return a === b ? -1 : 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

async function readOrNull(path: string): Promise<Uint8Array | null> {
  try {
    return await Deno.readFile(path);
  } catch {
    return null;
  }
}

Deno.test("bundle: self-contained and byte-identical to deno run main.ts", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "ig_bundle_test_" });
  try {
    const dir = `${tmp}/bundle`;
    const bundle = `${dir}/main.js`;
    const built = await deno(
      ["bundle", "--quiet", "--platform", "deno", "--code-splitting", "--outdir", dir, "main.ts"],
      REPO,
    );
    assert.equal(built.code, 0, `deno bundle failed:\n${built.stderr}`);
    // The scanner thread's module, beside the chunks, as `deno task bundle` builds it.
    const worker = await deno(
      ["bundle", "--quiet", "--platform", "deno", "-o", `${dir}/scan_worker.js`, READ_WORKER],
      REPO,
    );
    assert.equal(worker.code, 0, `deno bundle of the scanner thread failed:\n${worker.stderr}`);
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.ok(files.includes("main.js"), `no main.js among ${files.join(", ")}`);

    await t.step("no import left that needs the network, a package cache or another file", () => {
      const builtins: string[] = [];
      for (const file of files) {
        const code = Deno.readTextFileSync(`${dir}/${file}`);
        const { literal, dynamicNonLiteral } = importSpecifiers(code);
        assert.equal(dynamicNonLiteral, 0, `${file}: a dynamic import( of a computed specifier`);
        builtins.push(...literal.filter((s) => s.startsWith("node:")));
        // Chunks import each other by relative name; each must be a file of the bundle itself.
        const outside = literal.filter((s) =>
          !s.startsWith("node:") && !(/^\.\/[\w.-]+\.js$/.test(s) && files.includes(s.slice(2)))
        );
        assert.deepEqual(outside, [], `${file}: imports outside the bundle: ${outside.join(", ")}`);
        for (const scheme of ["npm:", "jsr:"]) {
          assert.ok(!code.includes(`"${scheme}`), `${file}: a ${scheme} specifier is left`);
        }
      }
      assert.ok(builtins.length > 0, "expected the node: built-ins to stay imports");
    });

    await t.step("--help loads only the entry chunk, not the commands", () => {
      const main = Deno.readTextFileSync(bundle);
      const lazy = importSpecifiers(main).literal.filter((s) => s.startsWith("./"));
      for (const command of ["analyze_main", "disagg_main"]) {
        assert.ok(
          lazy.some((s) => s.startsWith(`./${command}-`)) && !main.includes("function runAnalyze"),
          `${command} should be its own chunk, imported on demand`,
        );
      }
    });

    await t.step("--version and --help work from the bundle", async () => {
      const [src, bun] = await Promise.all([
        deno(["run", ...PERMS, MAIN_TS, "--version"], tmp),
        deno(["run", ...PERMS, ...SEALED, bundle, "--version"], tmp),
      ]);
      assert.equal(bun.code, 0, bun.stderr);
      assert.match(bun.stdout, /^inferguard \d+\.\d+\.\d+/);
      assert.equal(bun.stdout, src.stdout);
      const help = await deno(["run", ...SEALED, bundle, "--help"], tmp);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /Usage:/);
      assert.match(help.stdout, /inferguard analyze <results_dir>/);
    });

    // Big enough (over 512 entries) for the scanner thread to run from the bundle.
    const big = `${tmp}/big-tree`;
    const sample = `${REPO}/testdata/sample`;
    for (let copy = 0; copy < 12; copy++) await copyTree(sample, `${big}/copy${copy}`);
    for (const { name, input } of [...await listInputs(), { name: "sample x12", input: big }]) {
      await t.step(`${name}: same exit code and byte-identical reports`, async () => {
        const outSrc = `${tmp}/out-src/${name.replaceAll(" ", "_")}`;
        const outBun = `${tmp}/out-bundle/${name.replaceAll(" ", "_")}`;
        const args = (out: string) => [
          "analyze",
          input,
          "--output-dir",
          out,
          "--generated-at",
          GENERATED_AT,
          "--quiet",
        ];
        const [src, bun] = await Promise.all([
          deno(["run", ...PERMS, MAIN_TS, ...args(outSrc)], tmp),
          deno(["run", ...PERMS, ...SEALED, bundle, ...args(outBun)], tmp),
        ]);
        assert.equal(bun.code, src.code, `exit codes differ; bundle stderr:\n${bun.stderr}`);
        assert.equal(bun.stderr, src.stderr);
        assert.equal(bun.stdout, src.stdout);
        for (const file of ["report.json", "report.md"]) {
          const a = await readOrNull(`${outSrc}/${file}`);
          const b = await readOrNull(`${outBun}/${file}`);
          assert.ok(a !== null || src.code === 3, `${file} missing from the source run`);
          const at = firstDifference(a, b);
          assert.equal(at, -1, `${file} differs between the bundle and main.ts at byte ${at}`);
        }
      });
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("deno.json: every compile task embeds only the npm packages the program imports", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`));
  const compiles = Object.entries(config.tasks as Record<string, string>).filter(([name]) =>
    name.startsWith("compile")
  );
  assert.ok(compiles.length >= 5, `only ${compiles.length} compile tasks`);
  // Without the flag the lockfile's whole npm snapshot goes in: fast-check and csv-parse, which
  // only the tests use, were 3 of the 5 MB of npm code in the binary.
  for (const [name, command] of compiles) assert.match(command, /--exclude-unused-npm\b/, name);
});

Deno.test("deno.json: the run tasks and every compile task run V8 with the same flags", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`));
  const tasks = Object.entries(config.tasks as Record<string, string>).filter(([name]) =>
    name === "analyze" || name === "disagg" || name.startsWith("compile")
  );
  assert.ok(tasks.length >= 7, `only ${tasks.length} tasks`);
  for (const [name, command] of tasks) {
    // A 4 MB young generation: lower peak RSS and less time faulting in fresh pages; V8's gc,
    // to collect the parsed records of a big tree once they are folded (README, Building the
    // binary). The flags must come before the script to reach V8.
    const flags = command.match(/--v8-flags=\S+/g);
    assert.deepEqual(flags, ["--v8-flags=--max-semi-space-size=4,--expose-gc"], name);
    assert.ok(command.indexOf(flags![0]) < command.indexOf("main.ts"), name);
  }
});
