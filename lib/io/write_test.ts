import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sha256Hex, writeAtomic } from "./write.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "inferguard_write_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("sha256Hex matches node:crypto and a known vector", () => {
  assert.equal(
    sha256Hex(new TextEncoder().encode("abc")),
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

Deno.test("writeAtomic rejects when the directory cannot be created (parent is a file)", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/file`, "x");
    await assert.rejects(() => writeAtomic(`${dir}/file/out`, "report.json", "{}\n"));
    assert.equal(await Deno.readTextFile(`${dir}/file`), "x");
  });
});
