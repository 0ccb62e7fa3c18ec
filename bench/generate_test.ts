import assert from "node:assert/strict";
import { captureConsole } from "../tests/_console.ts";
import { UsageError } from "../lib/io/cli_args.ts";
import { main, MAX_FIXED_SEQ_CELLS } from "./generate.ts";

Deno.test("generate main: makes the tree the command line asks for", async () => {
  const dir = await Deno.makeTempDir({ prefix: "inferguard_gen_" });
  try {
    const { value: code } = await captureConsole(() =>
      main(["fixed-seq", "--cells", "8", "--out", `${dir}/t`])
    );
    assert.equal(code, 0);
    let agg = 0;
    for (const e of Deno.readDirSync(`${dir}/t`)) {
      if (!e.isDirectory) continue;
      for (const f of Deno.readDirSync(`${dir}/t/${e.name}`)) {
        if (f.name.startsWith("agg_")) agg++;
      }
    }
    assert.equal(agg, 8);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("generate main: every option is checked before anything is written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "inferguard_gen_" });
  const out = `${dir}/never`;
  try {
    for (
      const [args, message] of [
        [["fixed-seq", "--out", out, "--cells", `${MAX_FIXED_SEQ_CELLS + 1}`], "at most"],
        [["fixed-seq", "--out", out, "--cells", "0"], "expected a positive integer"],
        [["detailed", "--out", out, "--mb", "0"], 'Invalid value for --mb: "0"'],
        [["detailed", "--out", out, "--users", "1.5"], "--users"],
        [["mixed", "--out", out, "--agentx", "-2"], "ambiguous"],
        [["mixed", "--out", out, "--agentx=-2"], "expected an integer >= 0"],
        [["agentx", "--out", out, "--seed", "x"], "--seed"],
        [["unknown", "--out", out], 'Invalid value "unknown" for <kind>'],
        [["fixed-seq"], "missing --out"],
        [["fixed-seq", "--out", " "], "missing --out"],
        [[], "missing <kind>"],
      ] as const
    ) {
      await assert.rejects(
        () => main([...args]),
        (e: unknown) => e instanceof UsageError && e.message.includes(message),
        args.join(" "),
      );
    }
    assert.equal(await Deno.stat(out).catch(() => null), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
