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
 * Write `content` to `dir/name` atomically, creating `dir` if needed.
 *
 * @example
 * ```ts
 * await writeAtomic("out", "report.json", "{}\n");
 * ```
 */
export async function writeAtomic(
  dir: string,
  name: string,
  content: string,
): Promise<WrittenFile> {
  await Deno.mkdir(dir, { recursive: true });
  const bytes = new TextEncoder().encode(content);
  const target = `${dir}/${name}`;
  const tmp = `${dir}/.${name}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  pending.add(tmp);
  try {
    using file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o644 });
    let off = 0;
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
    await file.sync();
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
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
  return { path: name, size: bytes.length, sha256: sha256Hex(bytes) };
}
