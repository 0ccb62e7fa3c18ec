import assert from "node:assert/strict";
import { scanFloor } from "./phases.ts";

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
