import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  commitWrites,
  discardWrites,
  removePendingWrites,
  sha256Hex,
  writeAtomic,
  writeTemp,
} from "./write.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "inferguard_write_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("sha256Hex matches node:crypto and a known vector", async () => {
  assert.equal(
    await sha256Hex(new TextEncoder().encode("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("writeAtomic creates the directory, writes bytes, returns size and sha256", async () => {
  await withDir(async (dir) => {
    const content = "héllo | report\n";
    const w = await writeAtomic(`${dir}/a/b`, "report.md", content);
    const bytes = await Deno.readFile(`${dir}/a/b/report.md`);
    assert.equal(new TextDecoder().decode(bytes), content);
    assert.deepEqual(w, {
      path: "report.md",
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
    assert.equal(w.size, 16, "size counts bytes, not characters");
  });
});

Deno.test("writeAtomic replaces an existing target and leaves no temp file", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/report.json`, "old old old old old\n");
    const w = await writeAtomic(dir, "report.json", "{}\n");
    assert.equal(await Deno.readTextFile(`${dir}/report.json`), "{}\n");
    assert.equal(w.size, 3);
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
    assert.deepEqual(names, ["report.json"]);
  });
});

Deno.test("writeAtomic fails cleanly when the target is a directory, leaving no temp file", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/report.json`);
    await assert.rejects(() => writeAtomic(dir, "report.json", "{}\n"));
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
    assert.deepEqual(names, ["report.json"]);
  });
});

Deno.test("commitWrites: a target that is a directory fails the commit before any rename", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/report.md`, "old md\n");
    await Deno.mkdir(`${dir}/report.json`);
    const writes = [
      await writeTemp(dir, "report.md", "new md\n"),
      await writeTemp(dir, "report.json", "{}\n"),
    ];
    assert.throws(() => commitWrites(writes), /Cannot replace the directory ".*report\.json"/);
    // The old report.md is still there: no new file beside an old one, and no temp file left.
    assert.equal(await Deno.readTextFile(`${dir}/report.md`), "old md\n");
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.deepEqual(names, ["report.json", "report.md"]);
  });
});

Deno.test("writeAtomic rejects when the directory cannot be created (parent is a file)", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/file`, "x");
    await assert.rejects(() => writeAtomic(`${dir}/file/out`, "report.json", "{}\n"));
    assert.equal(await Deno.readTextFile(`${dir}/file`), "x");
  });
});

/** Pieces of about `totalChars` characters, with multi-byte characters (and surrogate pairs). */
function* mixedPieces(totalChars: number, seed: number): Generator<string> {
  const alphabet = ["a", "{\n  ", "é", "×", "—", "😀", "模型", '"', "0.123456789"];
  let n = 0;
  let x = seed;
  while (n < totalChars) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const len = x % 5000;
    let piece = "";
    for (let i = 0; i < len; i++) piece += alphabet[(x + i * 7) % alphabet.length];
    n += piece.length;
    yield piece;
  }
}

Deno.test("writeAtomic: pieces over several buffers, characters split across buffer ends", async () => {
  await withDir(async (dir) => {
    // 3.5 MiB and 9 MiB of text: several buffer switches, and (for the larger) early write-backs.
    for (const chars of [3_500_000, 9_500_000]) {
      const expected = new TextEncoder().encode([...mixedPieces(chars, chars)].join(""));
      const w = await writeAtomic(dir, "big.json", mixedPieces(chars, chars));
      const bytes = await Deno.readFile(`${dir}/big.json`);
      assert.equal(bytes.length, expected.length);
      assert.ok(bytes.every((b, i) => b === expected[i]), "bytes equal TextEncoder's");
      assert.equal(w.size, expected.length);
      assert.equal(w.sha256, await sha256Hex(expected));
    }
    // One string far larger than a buffer, ending in a surrogate pair.
    const text = "模".repeat(1_000_000) + "😀";
    const w = await writeAtomic(dir, "one.md", text);
    assert.equal(await Deno.readTextFile(`${dir}/one.md`), text);
    assert.equal(w.sha256, await sha256Hex(new TextEncoder().encode(text)));
  });
});

Deno.test("writeAtomic: empty content and empty pieces give an empty file", async () => {
  await withDir(async (dir) => {
    const w = await writeAtomic(dir, "empty.json", ["", "", ""]);
    assert.equal(w.size, 0);
    assert.equal(w.sha256, await sha256Hex(new Uint8Array()));
    assert.equal((await Deno.readFile(`${dir}/empty.json`)).length, 0);
  });
});

Deno.test("writeAtomic: content that fails midway leaves the old report and no temp file", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/report.json`, "old\n");
    function* failing(): Generator<string> {
      yield* mixedPieces(10_000_000, 7); // several buffers written (and early write-backs) first
      throw new Error("render failed");
    }
    await assert.rejects(() => writeAtomic(dir, "report.json", failing()), /render failed/);
    assert.equal(await Deno.readTextFile(`${dir}/report.json`), "old\n");
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
    assert.deepEqual(names, ["report.json"]);
  });
});

Deno.test("writeAtomic: concurrent writes do not share buffers", async () => {
  await withDir(async (dir) => {
    const names = ["a.json", "b.json", "c.json"];
    const results = await Promise.all(
      names.map((n, i) => writeAtomic(dir, n, mixedPieces(2_500_000, i + 1))),
    );
    for (const [i, n] of names.entries()) {
      const expected = new TextEncoder().encode([...mixedPieces(2_500_000, i + 1)].join(""));
      assert.equal(results[i].sha256, await sha256Hex(expected));
      assert.equal(await sha256Hex(await Deno.readFile(`${dir}/${n}`)), results[i].sha256);
    }
  });
});

Deno.test("writeTemp + commitWrites: both reports change together, or neither does", async () => {
  await withDir(async (dir) => {
    const names = async () => (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    await Deno.writeTextFile(`${dir}/report.md`, "old md\n");
    await Deno.writeTextFile(`${dir}/report.json`, "old json\n");
    // Written and flushed, but not yet in place: the old pair is still what a reader sees.
    const md = await writeTemp(dir, "report.md", "new md\n");
    const json = await writeTemp(dir, "report.json", ["new ", "json\n"], { sha256: false });
    assert.equal(await Deno.readTextFile(`${dir}/report.md`), "old md\n");
    assert.equal(await Deno.readTextFile(`${dir}/report.json`), "old json\n");
    assert.equal((await names()).length, 4, "two reports and two temporary files");
    assert.deepEqual(commitWrites([md, json]), [
      { path: "report.md", size: 7, sha256: createHash("sha256").update("new md\n").digest("hex") },
      { path: "report.json", size: 9, sha256: null },
    ]);
    assert.equal(await Deno.readTextFile(`${dir}/report.md`), "new md\n");
    assert.equal(await Deno.readTextFile(`${dir}/report.json`), "new json\n");
    assert.deepEqual(await names(), ["report.json", "report.md"]);
    // Discarded (a later write failed), or interrupted by a signal: the old pair stays.
    const a = await writeTemp(dir, "report.md", "third md\n");
    discardWrites([a]);
    const b = await writeTemp(dir, "report.json", "third json\n");
    removePendingWrites();
    assert.deepEqual(await names(), ["report.json", "report.md"]);
    assert.equal(await Deno.readTextFile(`${dir}/report.md`), "new md\n");
    assert.throws(() => commitWrites([b]), "a removed temporary file cannot be committed");
  });
});
