/**
 * Atomic report writes: a temporary file in the same directory, flushed, then renamed over the
 * target, so a reader sees the old report or the new one, never half of one.
 * @module
 */
import { createHash } from "node:crypto";

/** Size and SHA-256 of written content. */
export interface WrittenFile {
  path: string;
  size: number;
  sha256: string;
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

/** SHA-256 of bytes as lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Write `content` (a string, or pieces of one) to `dir/name` atomically, creating `dir` if
 * needed. Pieces are encoded, hashed and written as they come, so the whole text never has to
 * exist at once.
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
): Promise<WrittenFile> {
  await Deno.mkdir(dir, { recursive: true });
  const target = `${dir}/${name}`;
  const tmp = `${dir}/.${name}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const hash = createHash("sha256");
  const encoder = new TextEncoder();
  let size = 0;
  pending.add(tmp);
  try {
    using file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o644 });
    const writeAll = async (bytes: Uint8Array) => {
      let off = 0;
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
    };
    let buffered: string[] = [];
    let bufferedLength = 0;
    const flush = async () => {
      if (bufferedLength === 0) return;
      const bytes = encoder.encode(buffered.join(""));
      buffered = [];
      bufferedLength = 0;
      hash.update(bytes);
      size += bytes.length;
      await writeAll(bytes);
    };
    for (const piece of typeof content === "string" ? [content] : content) {
      buffered.push(piece);
      bufferedLength += piece.length;
      if (bufferedLength >= WRITE_CHUNK_CHARS) await flush();
    }
    await flush();
    await file.sync();
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    pending.delete(tmp);
    throw e;
  }
  try {
    await Deno.rename(tmp, target);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  } finally {
    pending.delete(tmp);
  }
  return { path: name, size, sha256: hash.digest("hex") };
}

/** Characters gathered before one write (about 1 MiB). */
const WRITE_CHUNK_CHARS = 1 << 20;
