import assert from "node:assert/strict";
import { byteChunks, decodeText, readOptionFile, readTextSync, textLines } from "./read.ts";

const enc = new TextEncoder();

async function withFile(
  content: string | Uint8Array,
  fn: (path: string) => Promise<void>,
): Promise<void> {
  const path = await Deno.makeTempFile({ prefix: "inferguard_read_" });
  try {
    await Deno.writeFile(path, typeof content === "string" ? enc.encode(content) : content);
    await fn(path);
  } finally {
    await Deno.remove(path);
  }
}

async function lines(path: string, max = 1 << 20): Promise<(string | null)[]> {
  return await Array.fromAsync(textLines(path, max));
}

function utf16(text: string, bigEndian: boolean): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i + (bigEndian ? 0 : 1)] = c >> 8;
    out[2 + 2 * i + (bigEndian ? 1 : 0)] = c & 0xff;
  }
  return out;
}

Deno.test("decodeText: plain UTF-8, UTF-8 BOM dropped, non-ASCII kept", () => {
  assert.deepEqual(decodeText(enc.encode('{"a": 1}')), { ok: true, text: '{"a": 1}' });
  assert.deepEqual(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode("ü|x")])), {
    ok: true,
    text: "ü|x",
  });
  assert.deepEqual(decodeText(new Uint8Array()), { ok: true, text: "" });
});

Deno.test("decodeText: UTF-16 LE and BE with BOM", () => {
  const text = '{"model": "Kimi-K2.5 é"}';
  assert.deepEqual(decodeText(utf16(text, false)), { ok: true, text });
  assert.deepEqual(decodeText(utf16(text, true)), { ok: true, text });
});

Deno.test("decodeText: invalid UTF-8 is an error, never replacement characters", () => {
  for (const bad of [[0xc3, 0x28], [0x31, 0x80, 0x32], [0xed, 0xa0, 0x80], [0xf8, 0x88]]) {
    const r = decodeText(new Uint8Array(bad));
    assert.equal(r.ok, false, JSON.stringify(bad));
    if (!r.ok) assert.match(r.message, /UTF-8/);
  }
});

Deno.test("readTextSync: over the size limit or missing gives a message, not a throw", () => {
  const path = Deno.makeTempFileSync({ prefix: "inferguard_read_" });
  try {
    Deno.writeTextFileSync(path, "0123456789");
    assert.deepEqual(readTextSync(path, 100), { ok: true, text: "0123456789", size: 10 });
    const big = readTextSync(path, 5);
    assert.equal(big.ok, false);
    if (!big.ok) assert.match(big.message, /10 bytes/);
  } finally {
    Deno.removeSync(path);
  }
  const missing = readTextSync("/nonexistent/inferguard/x.json", 100);
  assert.deepEqual(missing, { ok: false, message: "not found", size: null });
});

/** `p`, or a failure after `ms`: a read that waits forever fails the test instead of hanging it. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

Deno.test({
  name: "readOptionFile: files and pipes are read, a directory is refused",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = Deno.makeTempDirSync({ prefix: "inferguard_read_" });
    try {
      Deno.writeTextFileSync(`${dir}/t.json`, "{}");
      assert.deepEqual(await readOptionFile(`${dir}/t.json`, 100), {
        ok: true,
        text: "{}",
        size: 2,
      });
      // A FIFO (what `--thresholds <(…)` passes) is read once its writer has written.
      const fifo = `${dir}/fifo`;
      assert.ok((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
      const writer = new Deno.Command("sh", { args: ["-c", `printf '{"a": 1}' > '${fifo}'`] })
        .spawn();
      assert.deepEqual(await within(readOptionFile(fifo, 100), 10_000, "FIFO read"), {
        ok: true,
        text: '{"a": 1}',
        size: 8,
      });
      assert.ok((await writer.status).success);
      const big = new Deno.Command("sh", { args: ["-c", `head -c 300 /dev/zero > '${fifo}'`] })
        .spawn();
      const over = await within(readOptionFile(fifo, 100), 10_000, "FIFO over the limit");
      assert.deepEqual(over, {
        ok: false,
        message: "more than 100 bytes, over the limit for this kind",
        size: null,
      });
      await big.status;
      assert.deepEqual(await readOptionFile(dir, 100), {
        ok: false,
        message: "is a directory",
        size: null,
      });
      assert.deepEqual(await readOptionFile(`${dir}/missing.json`, 100), {
        ok: false,
        message: "not found",
        size: null,
      });
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("readTextSync: small and multi-buffer files come back whole, with their size", async () => {
  await withFile('\ufeff{"a": 1}', (path) => {
    assert.deepEqual(readTextSync(path, 100), { ok: true, text: '{"a": 1}', size: 11 });
    return Promise.resolve();
  });
  await withFile("", (path) => {
    assert.deepEqual(readTextSync(path, 100), { ok: true, text: "", size: 0 });
    return Promise.resolve();
  });
  // Larger than the reused 256 KiB buffer, with a multi-byte character across its edge.
  for (const n of [256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 3 * 256 * 1024 + 7]) {
    const text = "x".repeat(256 * 1024 - 1) + "é" +
      "y".repeat(n - 256 * 1024 - 1 > 0 ? n - 256 * 1024 - 1 : 0);
    const bytes = enc.encode(text);
    await withFile(bytes, (path) => {
      const r = readTextSync(path, 1 << 22);
      assert.equal(r.ok, true, `size ${bytes.length}`);
      if (r.ok) {
        assert.equal(r.size, bytes.length);
        assert.equal(r.text, text);
      }
      return Promise.resolve();
    });
  }
});

Deno.test("readTextSync: over the limit, not UTF-8, or missing gives a message and what size is known", async () => {
  await withFile("0123456789", (path) => {
    const r = readTextSync(path, 5);
    assert.deepEqual(r, {
      ok: false,
      message: "file is 10 bytes, over the 5-byte limit for this kind",
      size: 10,
    });
    return Promise.resolve();
  });
  await withFile(new Uint8Array(300 * 1024).fill(0x61), (path) => {
    const r = readTextSync(path, 280 * 1024);
    assert.equal(r.ok, false);
    assert.equal(r.size, 300 * 1024);
    if (!r.ok) assert.match(r.message, /307200 bytes, over the 286720-byte limit/);
    return Promise.resolve();
  });
  await withFile(new Uint8Array([0x7b, 0xff, 0x7d]), (path) => {
    assert.deepEqual(readTextSync(path, 100), {
      ok: false,
      message: "not valid UTF-8 text",
      size: 3,
    });
    return Promise.resolve();
  });
  assert.deepEqual(readTextSync("/nonexistent/inferguard/x.json", 100), {
    ok: false,
    message: "not found",
    size: null,
  });
});

Deno.test("textLines: LF, CRLF, lone CR, empty lines, BOM, no final newline", async () => {
  await withFile("\ufeffa\r\nb\rc\n\nd\r\n\re", async (path) => {
    assert.deepEqual(await lines(path), ["a", "b", "c", "", "d", "", "e"]);
  });
  await withFile("x\ny\n", async (path) => assert.deepEqual(await lines(path), ["x", "y"]));
  await withFile("only", async (path) => assert.deepEqual(await lines(path), ["only"]));
  await withFile("", async (path) => assert.deepEqual(await lines(path), []));
});

Deno.test("byteChunks: every byte of a file over several chunks, in order, then the end", async () => {
  const bytes = new Uint8Array(2 * (1 << 20) + 12345);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
  await withFile(bytes, async (path) => {
    // Each chunk is compared while it is valid (until the next one is requested).
    const lengths: number[] = [];
    let at = 0;
    for await (const c of byteChunks(path)) {
      assert.deepEqual(c, bytes.subarray(at, at + c.length), `chunk at byte ${at}`);
      lengths.push(c.length);
      at += c.length;
    }
    assert.deepEqual(lengths, [1 << 20, 1 << 20, 12345]);
  });
  await withFile(new Uint8Array(0), async (path) => {
    for await (const _ of byteChunks(path)) assert.fail("an empty file has no chunk");
  });
});

Deno.test("byteChunks: streams one after another and side by side never share a buffer", async () => {
  const a = new Uint8Array(3 * (1 << 20)).fill(0xaa);
  const b = new Uint8Array(3 * (1 << 20)).fill(0xbb);
  await withFile(a, async (pa) => {
    await withFile(b, async (pb) => {
      // One after another (the second reuses the first's buffer): still every byte. This also
      // leaves a spare buffer, which the two streams below must not both take.
      for (const [path, byte] of [[pa, 0xaa], [pb, 0xbb]] as const) {
        let total = 0;
        for await (const c of byteChunks(path)) {
          assert.ok(c.every((x) => x === byte));
          total += c.length;
        }
        assert.equal(total, 3 * (1 << 20));
      }
      // Side by side: chunks taken alternately from two open streams keep their own bytes.
      const ia = byteChunks(pa)[Symbol.asyncIterator]();
      const ib = byteChunks(pb)[Symbol.asyncIterator]();
      for (;;) {
        const [ra, rb] = [await ia.next(), await ib.next()];
        if (ra.done || rb.done) {
          assert.ok(ra.done && rb.done);
          break;
        }
        assert.ok(ra.value.every((x) => x === 0xaa), "a chunk of the first file changed");
        assert.ok(rb.value.every((x) => x === 0xbb), "a chunk of the second file changed");
      }
    });
  });
});

/** Size of the first chunk byteChunks yields for a big file (the reader's chunk size). */
async function chunkSize(): Promise<number> {
  let size = 0;
  await withFile(new Uint8Array(1 << 20), async (path) => {
    for await (const c of byteChunks(path)) {
      size = c.length;
      break;
    }
  });
  return size;
}

Deno.test("textLines: CRLF and a multi-byte character split across chunk boundaries", async () => {
  const n = await chunkSize();
  assert.ok(n > 16, `chunk size ${n}`);
  // Chunk 1 ends with "\r", chunk 2 starts with "\n"; "é" (2 bytes) straddles the next boundary;
  // a lone "\r" ends chunk 3 followed by a normal character.
  const first = "a".repeat(n - 1) + "\r";
  const second = "\n" + "b".repeat(n - 2);
  const third = "é" + "c".repeat(n - 3) + "\r";
  const tail = "d\r\nlast";
  const bytes = enc.encode(first + second + third + tail);
  assert.equal(enc.encode(first).length, n);
  assert.equal(enc.encode(first + second).length, 2 * n - 1);
  await withFile(bytes, async (path) => {
    assert.deepEqual(await lines(path, 4 * n), [
      "a".repeat(n - 1),
      "b".repeat(n - 2) + "é" + "c".repeat(n - 3),
      "d",
      "last",
    ]);
  });
});

Deno.test("textLines: many short CRLF lines across many chunks come back exactly", async () => {
  const want = Array.from({ length: 40000 }, (_, i) => `line ${i} ${"x".repeat(i % 13)}`);
  await withFile(want.join("\r\n") + "\r\n", async (path) => {
    assert.deepEqual(await lines(path), want);
  });
});

Deno.test("textLines: a line spanning chunks and over the limit yields null, the rest continues", async () => {
  const n = await chunkSize();
  const long = "z".repeat(2 * n + 5);
  await withFile(`ok\n${long}\nafter\n`, async (path) => {
    assert.deepEqual(await lines(path, n), ["ok", null, "after"]);
  });
  // Unterminated over-limit final line.
  await withFile(`ok\n${long}`, async (path) => {
    assert.deepEqual(await lines(path, n), ["ok", null]);
  });
});

Deno.test("textLines yields null for an over-limit line that ends inside one chunk", async () => {
  const path = await Deno.makeTempFile({ prefix: "inferguard_bug_" });
  try {
    await Deno.writeTextFile(path, `short\n${"x".repeat(100)}\nend\n`);
    const got = await Array.fromAsync(textLines(path, 10));
    assert.deepEqual(got, ["short", null, "end"]);
  } finally {
    await Deno.remove(path);
  }
});
