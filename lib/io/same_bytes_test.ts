import assert from "node:assert/strict";
import { sameBytesOf, sameFileBytes } from "./same_bytes.ts";
import type { ArtifactKind, LoadedArtifact } from "../types.ts";

import { withTemp } from "../../tests/_hostile.ts";

const withDir = (fn: (dir: string) => Promise<void>) => withTemp("same_bytes", fn);

Deno.test("sameFileBytes: equal bytes, a difference anywhere, another length, a missing file", () =>
  withDir(async (dir) => {
    // Over two chunks of the comparison (1 MiB each), so the chunked loop is exercised.
    const big = new Uint8Array(2.5 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    await Deno.writeFile(`${dir}/a`, big);
    await Deno.writeFile(`${dir}/b`, big);
    assert.equal(await sameFileBytes(`${dir}/a`, `${dir}/b`), true);
    for (const at of [0, 1024 * 1024 - 1, 1024 * 1024, big.length - 1]) {
      const other = big.slice();
      other[at] ^= 1;
      await Deno.writeFile(`${dir}/c`, other);
      assert.equal(await sameFileBytes(`${dir}/a`, `${dir}/c`), false, `byte ${at}`);
    }
    await Deno.writeFile(`${dir}/d`, big.subarray(0, big.length - 1));
    assert.equal(await sameFileBytes(`${dir}/a`, `${dir}/d`), false);
    assert.equal(await sameFileBytes(`${dir}/d`, `${dir}/a`), false);
    // Exactly one chunk long, and empty.
    await Deno.writeFile(`${dir}/e`, big.subarray(0, 1024 * 1024));
    await Deno.writeFile(`${dir}/f`, big.subarray(0, 1024 * 1024));
    assert.equal(await sameFileBytes(`${dir}/e`, `${dir}/f`), true);
    await Deno.writeFile(`${dir}/g`, new Uint8Array(0));
    assert.equal(await sameFileBytes(`${dir}/g`, `${dir}/g`), true);
    assert.equal(await sameFileBytes(`${dir}/a`, `${dir}/missing`), false);
  }));

/** A parsed raw result at `path` holding `text`, with one record of `ttft`. */
async function written(dir: string, path: string, text: string, ttft: number) {
  await Deno.mkdir(`${dir}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
  await Deno.writeTextFile(`${dir}/${path}`, text);
  const kind: ArtifactKind = "raw_result";
  const l: LoadedArtifact = {
    ref: { path, kind, size: new TextEncoder().encode(text).length },
    result: {
      drafts: [{
        source_format: "inferencex-static",
        priority: 20,
        primary: true,
        identity: {},
        metrics: { p99_ttft: ttft },
      }],
      issues: [],
      unreadable: false,
    },
  };
  return l;
}

Deno.test("sameBytesOf: candidates are compared byte for byte, each set named by its first file", () =>
  withDir(async (dir) => {
    const loaded = [
      await written(dir, "a/r.json", '{"p99_ttft_ms": 500}', 0.5),
      // Same size and the same record, other bytes (a space moved): no copy.
      await written(dir, "b/r.json", '{"p99_ttft_ms":500} ', 0.5),
      await written(dir, "c/r.json", '{"p99_ttft_ms": 500}', 0.5),
      await written(dir, "d/r.json", '{"p99_ttft_ms":500} ', 0.5),
      await written(dir, "e/r.json", '{"p99_ttft_ms": 700}', 0.7),
    ];
    assert.deepEqual(
      Object.fromEntries(await sameBytesOf(dir, loaded)),
      {
        "a/r.json": "a/r.json",
        "c/r.json": "a/r.json",
        "b/r.json": "b/r.json",
        "d/r.json": "b/r.json",
      },
    );
    // A file that vanished since it was parsed is no copy.
    await Deno.remove(`${dir}/c/r.json`);
    await Deno.remove(`${dir}/d/r.json`);
    assert.deepEqual(Object.fromEntries(await sameBytesOf(dir, loaded)), {});
  }));
