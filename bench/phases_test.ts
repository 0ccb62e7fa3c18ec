import assert from "node:assert/strict";
import { UsageError } from "../lib/io/cli_args.ts";
import { main, scanFloor } from "./phases.ts";

Deno.test("scanFloor: lists every directory and counts the JSON files it could parse", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.mkdirSync(`${dir}/a/b`, { recursive: true });
    Deno.mkdirSync(`${dir}/c`);
    Deno.writeTextFileSync(`${dir}/top.json`, '{"x": 1}');
    Deno.writeTextFileSync(`${dir}/a/b/deep.json`, "[1, 2, 3]");
    Deno.writeTextFileSync(`${dir}/a/notes.log`, "not JSON, not read");
    Deno.writeTextFileSync(`${dir}/c/broken.json`, "{not json");
    Deno.symlinkSync(`${dir}/a`, `${dir}/c/link`);
    // root, a, a/b, c; the link is not followed and broken.json is skipped.
    assert.deepEqual(scanFloor(dir), { dirs: 4, files: 2, bytes: 8 + 9 });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("scanFloor: a root that cannot be listed counts nothing", () => {
  assert.deepEqual(scanFloor("/nonexistent-inferguard-floor"), { dirs: 0, files: 0, bytes: 0 });
});

Deno.test("phases main: a bad command line is a usage error, before anything runs", async () => {
  const file = await Deno.makeTempFile();
  try {
    for (
      const [args, message] of [
        [[], "missing <results_dir>"],
        [["--bogus"], "Unknown option '--bogus'"],
        [["a", "b"], 'Unexpected argument "b"'],
        [[file], `Results directory "${file}" does not exist or is not a directory`],
      ] as const
    ) {
      await assert.rejects(
        () => main([...args]),
        (e: unknown) => e instanceof UsageError && e.message.includes(message),
        args.join(" "),
      );
    }
  } finally {
    await Deno.remove(file);
  }
});
