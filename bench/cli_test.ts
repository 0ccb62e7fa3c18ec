import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { UsageError } from "../lib/io/cli_args.ts";
import { runTool, strictArgs } from "./cli.ts";

Deno.test("runTool: main's exit code; a usage error is 2 with the usage, anything else is 1", async () => {
  const lines: string[] = [];
  const print = (l: string) => void lines.push(l);
  assert.equal(await runTool("USAGE", () => 0, [], print), 0);
  assert.equal(await runTool("USAGE", () => Promise.resolve(1), [], print), 1);
  assert.deepEqual(lines, []);

  const usage = await runTool(
    "USAGE",
    () => {
      throw new UsageError("Invalid value for --runs");
    },
    [],
    print,
  );
  assert.equal(usage, 2);
  assert.equal(lines.pop(), "error: Invalid value for --runs\n\nUSAGE");

  const failed = await runTool(
    "USAGE",
    () => Promise.reject(new Error("disk full\n    at x")),
    [],
    print,
  );
  assert.equal(failed, 1);
  // One line, no stack, no usage.
  assert.equal(lines.pop(), "error: disk full");
});

Deno.test("strictArgs: parseArgs' errors become usage errors", () => {
  const parse = (args: string[]) =>
    strictArgs(() => parseArgs({ args, options: { runs: { type: "string" } } }));
  assert.equal(parse(["--runs", "3"]).values.runs, "3");
  for (const args of [["--bogus"], ["--runs"], ["positional"]]) {
    assert.throws(() => parse(args), UsageError);
  }
});

/** Exit code and stderr of a bench tool run as a process. */
async function tool(name: string, args: string[]): Promise<{ code: number; stderr: string }> {
  const path = fileURLToPath(new URL(`./${name}`, import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      "--allow-env",
      "--allow-sys",
      path,
      ...args,
    ],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("every bench tool reports a bad command line in one line with its usage, exit 2", async () => {
  for (
    const [name, args, message] of [
      ["run.ts", ["--bogus"], "error: Unknown option '--bogus'"],
      [
        "run.ts",
        ["--runs", "0"],
        'error: Invalid value for --runs: "0" (expected a positive integer)',
      ],
      ["run.ts", ["--only", "nothing"], 'error: --only "nothing" matches no scenario'],
      [
        "generate.ts",
        ["fixed-seq", "--out", "x", "--cells=-1"],
        'error: Invalid value for --cells: "-1"',
      ],
      // parseArgs' hint, on a line of its own in its message, is kept.
      [
        "generate.ts",
        ["fixed-seq", "--out", "x", "--cells", "-1"],
        "error: Option '--cells' argument is ambiguous. Did you forget to specify the option argument for '--cells'? To specify an option argument starting with a dash use '--cells=-XYZ'.",
      ],
      ["profile_summary.ts", ["--top"], "error: Option '--top <value>' argument missing"],
      [
        "phases.ts",
        ["/nonexistent-inferguard-phases"],
        'error: Results directory "/nonexistent-inferguard-phases" does not exist',
      ],
    ] as const
  ) {
    const r = await tool(name, [...args]);
    assert.equal(r.code, 2, `${name} ${args.join(" ")}: ${r.stderr}`);
    assert.ok(r.stderr.startsWith(message), `${name} ${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /\nUsage: /, `${name}: no usage`);
    assert.doesNotMatch(r.stderr, /^\s+at /m, `${name}: a stack trace`);
  }
});
