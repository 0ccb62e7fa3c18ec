/**
 * Reading one artifact as text, byte chunks or lines, read-only and bounded.
 * @module
 */
import { errText } from "./walk.ts";

/** Text of a file, or why it could not be read as text. */
export type TextResult = { ok: true; text: string } | { ok: false; message: string };

/** Reused: a decoder costs more to construct than most artifacts cost to decode. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decode bytes as text: a UTF-8 BOM is dropped, UTF-16 (with BOM) is decoded, and anything that
 * is not valid UTF-8 is an error rather than replacement characters in numbers.
 */
export function decodeText(bytes: Uint8Array): TextResult {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { ok: true, text: new TextDecoder("utf-16le").decode(bytes.subarray(2)) };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { ok: true, text: new TextDecoder("utf-16be").decode(bytes.subarray(2)) };
  }
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
    ? 3
    : 0;
  try {
    return {
      ok: true,
      text: strictUtf8.decode(start === 0 ? bytes : bytes.subarray(start)),
    };
  } catch {
    return { ok: false, message: "not valid UTF-8 text" };
  }
}

/** Text of a whole file and its size in bytes (known once the file was opened and read). */
export type SizedTextResult =
  | { ok: true; text: string; size: number }
  | { ok: false; message: string; size: number | null };

/** Bytes of a whole file (see {@link readBytesSync}), or why they could not be read. */
export type SizedBytesResult =
  | { ok: true; bytes: Uint8Array; size: number }
  | { ok: false; message: string; size: number | null };

/**
 * Reused by {@link readBytesSync}: most artifacts are a few KiB, and a fresh buffer per file (what
 * `Deno.readFileSync` allocates, after a `stat` of its own) costs more than the read itself when
 * there are tens of thousands of them.
 */
const scratch = new Uint8Array(256 * 1024);

/**
 * Read a whole file with one open and as few reads as its size needs, refusing files over
 * `maxBytes`; the size comes back too, so the caller needs no `stat`. Synchronous on purpose:
 * called for every small artifact, where per-call overhead dominates. The bytes of a small file
 * are a view of a reused buffer, valid only until the next call: copy or decode them at once.
 *
 * @example
 * ```ts
 * const r = readBytesSync("results/agg_x.json", 1 << 20);
 * if (r.ok) console.log(r.size);
 * ```
 */
export function readBytesSync(absPath: string, maxBytes: number): SizedBytesResult {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(absPath, { read: true });
  } catch (e) {
    return { ok: false, message: errText(e), size: null };
  }
  try {
    let filled = 0;
    while (filled < scratch.length) {
      const n = file.readSync(scratch.subarray(filled));
      if (n === null || n === 0) break;
      filled += n;
    }
    if (filled < scratch.length) {
      if (filled > maxBytes) return overLimit(filled, maxBytes);
      return { ok: true, bytes: scratch.subarray(0, filled), size: filled };
    }
    // Bigger than the scratch buffer: size it from the open file, then read the rest.
    const statSize = file.statSync().size;
    if (statSize > maxBytes) return overLimit(statSize, maxBytes);
    const chunks: Uint8Array[] = [scratch.slice(0, filled)];
    let size = filled;
    let buf = new Uint8Array(Math.max(statSize - filled, 0) + 1);
    for (;;) {
      const n = file.readSync(buf);
      if (n === null || n === 0) break;
      chunks.push(buf.subarray(0, n));
      size += n;
      // The file grows while we read it: keep going, but never past the limit.
      if (size > maxBytes) return overLimit(size, maxBytes);
      if (n === buf.length) buf = new Uint8Array(Math.max(buf.length, 64 * 1024));
      else buf = buf.subarray(n);
    }
    return { ok: true, bytes: chunks.length === 1 ? chunks[0] : concat(chunks, size), size };
  } catch (e) {
    return { ok: false, message: errText(e), size: null };
  } finally {
    file.close();
  }
}

/**
 * {@link readBytesSync}, decoded as text with {@link decodeText}.
 *
 * @example
 * ```ts
 * const r = readTextSync("results/agg_x.json", 1 << 20);
 * if (r.ok) console.log(r.size, r.text.length);
 * ```
 */
export function readTextSync(absPath: string, maxBytes: number): SizedTextResult {
  const r = readBytesSync(absPath, maxBytes);
  return r.ok ? { ...decodeText(r.bytes), size: r.size } : r;
}

/**
 * {@link readTextSync} for a path given on the command line. A directory is refused; a pipe or a
 * device (`--thresholds <(…)`, `/dev/stdin`) is read asynchronously, so the thread stays free and
 * a signal still ends the run while a FIFO waits for its writer.
 *
 * @example
 * ```ts
 * const r = await readOptionFile("thresholds.json", 1 << 20);
 * if (!r.ok) console.error(r.message);
 * ```
 */
export async function readOptionFile(path: string, maxBytes: number): Promise<SizedTextResult> {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (e) {
    return { ok: false, message: errText(e), size: null };
  }
  if (info.isDirectory) return { ok: false, message: "is a directory", size: null };
  if (info.isFile) return readTextSync(path, maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of byteChunks(path)) {
      size += chunk.length;
      // A pipe has no size to state: only that it went past the limit.
      if (size > maxBytes) {
        return {
          ok: false,
          message: `more than ${maxBytes} bytes, over the limit for this kind`,
          size: null,
        };
      }
      chunks.push(chunk.slice()); // the chunk's buffer is reused for the next read
    }
  } catch (e) {
    return { ok: false, message: errText(e), size: null };
  }
  return { ...decodeText(concat(chunks, size)), size };
}

/**
 * Bytes rounded up to whole KiB: how the scanner thread and the main thread count the text in
 * flight between them (see `ScanRequest.progress`), in a 32-bit counter that cannot overflow.
 */
export function kibOf(bytes: number): number {
  return Math.ceil(bytes / 1024);
}

function overLimit(size: number, maxBytes: number): SizedBytesResult & { ok: false } {
  return {
    ok: false,
    message: `file is ${size} bytes, over the ${maxBytes}-byte limit for this kind`,
    size,
  };
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/**
 * Bytes read per chunk by {@link byteChunks}: each read is an asynchronous call and a turn of the
 * event loop, and with the 64 KiB chunks of `file.readable` a 200 MB CSV took 10–20 % longer.
 */
const CHUNK_BYTES = 1 << 20;

/**
 * Chunk buffers of finished {@link byteChunks} streams, reused by the next ones: files streamed
 * one after another (or a few at once) then take no fresh memory each, which is slow to come by
 * and, for buffers this size, only returned when V8 next collects.
 */
const spareChunks: Uint8Array[] = [];

/** Spare chunk buffers kept: as many as streams usually run at once. */
const MAX_SPARE_CHUNKS = 8;

/**
 * Byte chunks of a file, streamed (the file is opened read-only and always closed). One buffer is
 * reused: a chunk is valid until the next one is requested, so copy what must outlive it.
 */
export async function* byteChunks(absPath: string): AsyncGenerator<Uint8Array> {
  using file = await Deno.open(absPath, { read: true });
  const buf = spareChunks.pop() ?? new Uint8Array(CHUNK_BYTES);
  try {
    for (;;) {
      const n = await file.read(buf);
      if (n === null) return;
      yield buf.subarray(0, n);
    }
  } finally {
    if (spareChunks.length < MAX_SPARE_CHUNKS) spareChunks.push(buf);
  }
}

/**
 * Lines of a file as text, streamed: `\n`, `\r\n` and lone `\r` end a line, a BOM is dropped, and a
 * line longer than `maxLineBytes` is cut and yielded as `null` so the caller can count it.
 */
export async function* textLines(
  absPath: string,
  maxLineBytes: number,
): AsyncGenerator<string | null> {
  const decoder = new TextDecoder("utf-8");
  let carry = "";
  let overflow = false;
  let first = true;
  let skipLf = false;
  for await (const chunk of byteChunks(absPath)) {
    let text = decoder.decode(chunk, { stream: true });
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (skipLf && text.charCodeAt(0) === 10) text = text.slice(1);
    skipLf = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const piece = text.slice(start, i);
      if (overflow || carry.length + piece.length > maxLineBytes) {
        yield null;
      } else {
        yield carry + piece;
      }
      carry = "";
      overflow = false;
      if (c === 13 && i + 1 === text.length) skipLf = true;
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    if (!overflow) {
      carry += text.slice(start);
      if (carry.length > maxLineBytes) {
        overflow = true;
        carry = "";
      }
    }
  }
  const tail = carry + decoder.decode();
  if (overflow || tail.length > maxLineBytes) yield null;
  else if (tail.length > 0) yield tail;
}
