import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import {
  argsMessage,
  numberFlag,
  oneOf,
  pathArg,
  printStdout,
  UsageError,
  writeFully,
} from "./cli_args.ts";

/** The usage error `f` throws. */
function usageError(f: () => unknown): UsageError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof UsageError, `not a UsageError: ${e}`);
    return e;
  }
  assert.fail("did not throw");
}

Deno.test("numberFlag: the fallback when the flag was not given", () => {
  assert.equal(numberFlag("--runs", undefined, 3), 3);
  assert.equal(numberFlag("--count", undefined, null, { integer: true }), null);
});

Deno.test("numberFlag: accepts what the spec allows", () => {
  assert.equal(numberFlag("--interval", "0.5", 15, { unit: "seconds" }), 0.5);
  assert.equal(numberFlag("--window", "0", 5, { allowMin: true, unit: "seconds" }), 0);
  assert.equal(numberFlag("--cells", "1e3", 1, { integer: true }), 1000);
  assert.equal(numberFlag("--seed", "0", 1, { integer: true, allowMin: true }), 0);
  assert.equal(numberFlag("--users", "2", 1, { integer: true, min: 1, allowMin: true }), 2);
  assert.equal(numberFlag("--interval", " +.5 ", 15), 0.5);
  assert.equal(numberFlag("--timeout", "2147483", 5, { max: 2_147_483 }), 2_147_483);
});

Deno.test("numberFlag: names the flag, the value and what it expects", () => {
  const cases: [string, string, Parameters<typeof numberFlag>[3], string][] = [
    ["--count", "0", { integer: true }, '"0" (expected a positive integer)'],
    ["--count", "2.5", { integer: true }, '"2.5" (expected a positive integer)'],
    ["--count", " ", { integer: true }, '" " (expected a positive integer)'],
    ["--seed", "-1", { integer: true, allowMin: true }, '"-1" (expected an integer >= 0)'],
    [
      "--window",
      "-1",
      { allowMin: true, unit: "seconds" },
      '"-1" (expected a number >= 0 of seconds)',
    ],
    ["--timeout", "abc", { unit: "seconds" }, '"abc" (expected a number > 0 of seconds)'],
    ["--mb", "Infinity", {}, '"Infinity" (expected a number > 0)'],
    ["--users", "1", { integer: true, min: 1 }, '"1" (expected an integer > 1)'],
    ["--window", "0x10", { allowMin: true }, '"0x10" (expected a number >= 0)'],
    ["--count", "0b11", { integer: true }, '"0b11" (expected a positive integer)'],
    [
      "--timeout",
      "3000000",
      { max: 2_147_483, unit: "seconds" },
      '"3000000" (expected a number > 0 and <= 2147483 of seconds)',
    ],
  ];
  for (const [flag, raw, spec, tail] of cases) {
    const e = usageError(() => numberFlag(flag, raw, 0, spec));
    assert.equal(e.message, `Invalid value for ${flag}: ${tail}`);
  }
});

Deno.test("oneOf: lists the allowed values", () => {
  assert.equal(oneOf("--format", "md", ["json", "md"] as const), "md");
  const e = usageError(() => oneOf("--format", "html", ["json", "md"] as const));
  assert.equal(e.message, 'Invalid value "html" for --format; allowed values: json, md');
});

Deno.test("argsMessage: parseArgs' message on one line, its hint kept", () => {
  let thrown: unknown;
  try {
    parseArgs({ args: ["--window", "-1"], options: { window: { type: "string" } } });
  } catch (e) {
    thrown = e;
  }
  const message = argsMessage(thrown);
  assert.ok(message.startsWith("Option '--window' argument is ambiguous. "), message);
  assert.ok(message.includes("'--window=-XYZ'"), message);
  assert.ok(!message.includes("\n"), message);
  assert.equal(argsMessage("plain"), "plain");
});

Deno.test("printStdout: writes everything, short writes included; a closed reader is silent", () => {
  const got: number[] = [];
  // A pipe that takes at most 3 bytes per call.
  const short = {
    writeSync: (p: Uint8Array) => (got.push(...p.subarray(0, 3)), Math.min(3, p.length)),
  };
  assert.equal(
    printStdout("inferguard 0.1.0\n", "inferguard", {
      write: (t) => writeFully(short, new TextEncoder().encode(t)),
    }),
    true,
  );
  assert.equal(new TextDecoder().decode(new Uint8Array(got)), "inferguard 0.1.0\n");
  const closed = {
    writeSync: (): number => {
      throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
    },
  };
  assert.equal(
    printStdout("x\n", "inferguard", {
      write: (t) => writeFully(closed, new TextEncoder().encode(t)),
    }),
    false,
  );
});

Deno.test("pathArg: a path Deno handed over with U+FFFD is refused unless it exists so", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(pathArg("--output-dir", `${dir}/out`), `${dir}/out`);
    const lossy = `${dir}/root\uFFFD`;
    const e = usageError(() => pathArg("<results_dir>", lossy));
    assert.match(
      e.message,
      /^<results_dir> ".*root\uFFFD" is not valid UTF-8 \(shown with U\+FFFD\)/,
    );
    // A name that really holds U+FFFD (valid UTF-8) is used as it is.
    await Deno.mkdir(lossy);
    assert.equal(pathArg("<results_dir>", lossy), lossy);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
