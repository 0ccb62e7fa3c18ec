/**
 * Atomic report writes: a temporary file in the same directory, flushed, then renamed over the
 * target, so a reader sees the old report or the new one, never half of one.
 * @module
 */
/** Size and SHA-256 of written content (`null` when it was not asked for). */
export interface WrittenFile {
  path: string;
  size: number;
  sha256: string | null;
}

/** Temporary files being written right now, removed by {@link removePendingWrites} on a signal. */
const pending = new Set<string>();

/** Remove temporary files of writes still in progress (synchronous: safe in a signal handler). */
export function removePendingWrites(): void {
  for (const tmp of pending) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // Already renamed or removed.
    }
  }
  pending.clear();
}

/**
 * SHA-256 of bytes as lower-case hex. Web Crypto, built in: `node:crypto` would add about 45 ms to
 * every start just to be imported.
 */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** Options of {@link writeAtomic}. */
export interface WriteOptions {
  /**
   * Return the SHA-256 of the content (default `true`). It is computed over the encoded text, so
   * pieces are joined first: leave it off for content too big to hold at once (report.json,
   * whose hash the report cannot carry anyway).
   */
  sha256?: boolean;
}

/**
 * Write `content` (a string, or pieces of one) to `dir/name` atomically, creating `dir` if
 * needed. Pieces are encoded straight into reused buffers, each written as it fills, so without
 * `sha256` the whole text never has to exist at once, as a string or as bytes.
 *
 * @example
 * ```ts
 * await writeAtomic("out", "report.json", "{}\n");
 * ```
 */
export async function writeAtomic(
  dir: string,
  name: string,
  content: string | Iterable<string>,
  opts: WriteOptions = {},
): Promise<WrittenFile> {
  return commitWrites([await writeTemp(dir, name, content, opts)])[0];
}

/** A file written and flushed under a temporary name, waiting for {@link commitWrites}. */
export interface PendingWrite {
  written: WrittenFile;
  tmp: string;
  target: string;
}

/**
 * Rename written temporary files over their targets, one after the other without yielding, so
 * that a signal (handled between turns of the event loop) cannot fall between them and leave a
 * new file beside an old one. A target that is a directory, which no rename can replace, fails
 * the whole commit before anything is renamed. (A reader that looks between the two renames, or
 * a rename that fails after another succeeded for another reason, can still see a mixed pair.) A
 * failure removes the temporary files not yet renamed and throws.
 *
 * @example
 * ```ts
 * commitWrites([await writeTemp("out", "a.md", "a"), await writeTemp("out", "b.json", "{}")]);
 * ```
 */
export function commitWrites(writes: readonly PendingWrite[]): WrittenFile[] {
  const out: WrittenFile[] = [];
  try {
    for (const w of writes) {
      let isDirectory = false;
      try {
        isDirectory = Deno.lstatSync(w.target).isDirectory;
      } catch {
        // No target yet (or none that can be looked at): the rename says what is wrong.
      }
      if (isDirectory) {
        throw new Deno.errors.IsADirectory(`Cannot replace the directory "${w.target}"`);
      }
    }
    for (const w of writes) {
      Deno.renameSync(w.tmp, w.target);
      pending.delete(w.tmp);
      out.push(w.written);
    }
  } catch (e) {
    discardWrites(writes);
    throw e;
  }
  return out;
}

/** Remove the temporary files of writes that will not be committed. */
export function discardWrites(writes: readonly PendingWrite[]): void {
  for (const w of writes) {
    if (!pending.delete(w.tmp)) continue;
    try {
      Deno.removeSync(w.tmp);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Write `content` to a temporary file beside `dir/name` and flush it, as {@link writeAtomic}
 * does, without renaming it: {@link commitWrites} puts it in place, {@link discardWrites} (or a
 * signal, through {@link removePendingWrites}) removes it.
 */
export async function writeTemp(
  dir: string,
  name: string,
  content: string | Iterable<string>,
  opts: WriteOptions = {},
): Promise<PendingWrite> {
  let digest: Promise<string> | null = null;
  if (opts.sha256 ?? true) {
    const text = typeof content === "string" ? content : [...content].join("");
    digest = sha256Hex(encoder.encode(text));
    // Awaited at the end; a write that fails first must not leave it unhandled.
    digest.catch(() => {});
    content = text;
  }
  await Deno.mkdir(dir, { recursive: true });
  const target = `${dir}/${name}`;
  const tmp = `${dir}/.${name}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  let size = 0;
  pending.add(tmp);
  try {
    using file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o644 });
    // Two buffers: while one is written (an async write runs on another thread), the next
    // pieces are rendered and encoded into the other, so writing overlaps producing.
    const buffers = spareBuffers.pop() ?? [
      new Uint8Array(WRITE_BUFFER_BYTES),
      new Uint8Array(WRITE_BUFFER_BYTES),
    ];
    let buffer = buffers[0];
    let used = 0;
    let writing: Promise<void> = Promise.resolve();
    const writeBack = earlyWriteBack(tmp);
    const writeAll = async (bytes: Uint8Array) => {
      let off = 0;
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
    };
    const flush = async () => {
      const bytes = buffer.subarray(0, used);
      size += used;
      await writing; // the other buffer is free again, and writes stay in order
      writing = writeAll(bytes);
      // Its failure is seen by the next `await writing`; until then it must not count as
      // unhandled.
      writing.catch(() => {});
      writeBack.written(used);
      buffer = buffer === buffers[0] ? buffers[1] : buffers[0];
      used = 0;
    };
    try {
      for (const piece of typeof content === "string" ? [content] : content) {
        let rest = piece;
        for (;;) {
          // encodeInto stops before a character that does not fit (never splitting one), so a
          // partly encoded piece is finished after a flush.
          const { read, written } = encoder.encodeInto(rest, buffer.subarray(used));
          used += written;
          if (read === rest.length) break;
          await flush();
          rest = rest.slice(read);
        }
      }
      if (used > 0) await flush();
      await writing;
    } finally {
      // Let a write still running finish before the file is closed (and, on error, removed).
      await writing.catch(() => {});
      await writeBack.close();
      spareBuffers.push(buffers);
    }
    await file.sync();
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    pending.delete(tmp);
    throw e;
  }
  let sha256: string | null;
  try {
    sha256 = digest === null ? null : await digest;
  } catch (e) {
    discardWrites([{ written: { path: name, size, sha256: null }, tmp, target }]);
    throw e;
  }
  return { written: { path: name, size, sha256 }, tmp, target };
}

/**
 * Early write-back of a file being written: each time another {@link WRITE_BACK_EVERY_BYTES}
 * have been written, start flushing the file to disk through a second handle, while the writes
 * go on. Otherwise the kernel holds every page until the final sync, which then waits for all of
 * them. Best effort: the final sync still runs and reports any write-back error, so a failed
 * early one is ignored, and only one runs at a time.
 */
function earlyWriteBack(path: string): { written(bytes: number): void; close(): Promise<void> } {
  let handle: Deno.FsFile | null = null;
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  let sinceLast = 0;
  const run = async () => {
    try {
      handle ??= await Deno.open(path, { write: true });
      await handle.syncData();
    } catch {
      // Best effort (see above).
    } finally {
      busy = false;
    }
  };
  return {
    written(bytes) {
      sinceLast += bytes;
      if (sinceLast < WRITE_BACK_EVERY_BYTES || busy) return;
      sinceLast = 0;
      busy = true;
      running = run();
    },
    async close() {
      await running;
      handle?.close();
    },
  };
}

const encoder = new TextEncoder();

/**
 * Bytes encoded before one hash update and write (1 MiB): large enough that the per-call costs
 * vanish, small enough to stay in cache between encoding, hashing and writing.
 */
const WRITE_BUFFER_BYTES = 1 << 20;

/**
 * Buffer pairs of finished writes, reused by the next: fresh memory is slow to come by (on some
 * virtual machines each new page costs a trip to the host), memory already touched is not.
 */
const spareBuffers: Uint8Array[][] = [];

/** Bytes written between early write-backs (8 MiB): a large report gets several, a small none. */
const WRITE_BACK_EVERY_BYTES = 8 << 20;
