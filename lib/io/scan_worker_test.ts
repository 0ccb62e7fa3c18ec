import assert from "node:assert/strict";
import { scan, type ScanMessage } from "./scan_worker.ts";
import { listDir } from "./walk.ts";

/** Run the scanner's walk on this thread and collect what it posts. */
async function scanned(
  root: string,
  backlogFiles: number,
  progress = new SharedArrayBuffer(8),
  limit = 4 << 20,
  rootListing?: { names: string; types: Uint8Array },
) {
  const batches: Extract<ScanMessage, { type: "batch" }>[] = [];
  let done = false;
  await scan(
    {
      root,
      excludeDir: [],
      timelineGlob: "**/inferguard_timeline.jsonl",
      wholeKinds: [["json_other", limit]],
      progress,
      backlogFiles,
      rootListing,
    },
    (m) => {
      if (m.type === "batch") batches.push(m);
      else if (m.type === "done") done = true;
      else assert.fail(m.message);
    },
  );
  assert.ok(done);
  const files = batches.flatMap((b) =>
    b.files.map((f, i) => {
      const start = b.read.spans[2 * i];
      const failed = b.read.failed.find(([j]) => j === i);
      return {
        path: f.path,
        read: start === -1 ? null : b.read.bytes.subarray(start, b.read.spans[2 * i + 1]).length,
        failed: failed ? [failed[1], failed[2]] : null,
      };
    })
  );
  return files;
}

Deno.test("scan: the scanner reads only while the main thread is behind, and bounds what is in flight", async () => {
  const root = await Deno.makeTempDir({ prefix: "inferguard_scan_" });
  try {
    const mib = (n: number) => `{"pad": "${"x".repeat(n * (1 << 20) - 11)}"}`; // exactly n MiB
    for (let i = 0; i < 40; i++) {
      await Deno.writeTextFile(`${root}/doc_${String(i).padStart(2, "0")}.json`, mib(1));
    }
    await Deno.writeTextFile(`${root}/huge.json`, mib(2)); // over a batch buffer: left to main
    await Deno.writeTextFile(`${root}/small.json`, "{}");

    // Main thread keeping up (a large backlog allowance): nothing is read here.
    const idle = await scanned(root, 1000);
    assert.equal(idle.length, 42);
    assert.ok(idle.every((f) => f.read === null && f.failed === null));

    // Main thread stuck (nothing read, nothing parsed): the scanner reads 1 MiB files until
    // 32 MiB are in flight, then leaves the rest to the main thread; the 2 MiB file is never
    // carried.
    const stuck = await scanned(root, 0);
    const read = stuck.filter((f) => f.read !== null);
    assert.equal(read.length, 32);
    assert.ok(read.every((f) => f.path.startsWith("doc_") && f.read === (1 << 20)));
    assert.equal(stuck.find((f) => f.path === "huge.json")?.read, null);
    assert.ok(stuck.every((f) => f.failed === null));

    // Main thread parsing as fast as it gets texts: everything that fits is read here.
    const progress = new SharedArrayBuffer(8);
    new Int32Array(progress)[1] = 1 << 30;
    const fast = await scanned(root, 0, progress);
    assert.equal(fast.filter((f) => f.read !== null).length, 41);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("scan: a file over its limit is reported in its batch with its size; one over a batch buffer is left to the main thread", async () => {
  const root = await Deno.makeTempDir({ prefix: "inferguard_scan_" });
  try {
    await Deno.writeTextFile(`${root}/a.json`, "{}");
    await Deno.writeTextFile(`${root}/b.json`, `{"x": "${"y".repeat(191)}"}`); // 200 bytes
    await Deno.writeTextFile(`${root}/c.json`, `{"x": "${"y".repeat(2 << 20)}"}`);
    const files = await scanned(root, 0, new SharedArrayBuffer(8), 100);
    assert.deepEqual(files, [
      { path: "a.json", read: 2, failed: null },
      {
        path: "b.json",
        read: null,
        failed: ["file is 200 bytes, over the 100-byte limit for this kind", 200],
      },
      // Over the limit too, but the main thread reads it and says so: the scanner only carries
      // files that fit in a batch buffer.
      { path: "c.json", read: null, failed: null },
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("scan: the root listing sent by the main thread is walked as sent", async () => {
  const root = await Deno.makeTempDir({ prefix: "inferguard_scan_" });
  try {
    await Deno.mkdir(`${root}/a`);
    await Deno.mkdir(`${root}/c`);
    for (const p of ["b.json", "a/x.json", "c/y.json"]) {
      await Deno.writeTextFile(`${root}/${p}`, "{}");
    }
    const paths = async (listing?: { names: string; types: Uint8Array }) =>
      (await scanned(root, 0, new SharedArrayBuffer(8), 4 << 20, listing)).map((f) => f.path);
    const { names, types } = listDir(root);
    assert.deepEqual(await paths(), ["a/x.json", "b.json", "c/y.json"]);
    assert.deepEqual(await paths({ names: names.join("/"), types }), [
      "a/x.json",
      "b.json",
      "c/y.json",
    ]);
    // Only "c" sent: only "c" walked. An empty listing walks nothing.
    assert.deepEqual(await paths({ names: "c", types: types.subarray(2) }), ["c/y.json"]);
    assert.deepEqual(await paths({ names: "", types: new Uint8Array(0) }), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
