/**
 * Which measurement files of a tree hold the same bytes: the input of `planCopies`
 * (lib/copies.ts). Only the few files `copyCandidates` pairs up (equal size, records that sum
 * alike and, for three or more, equal records) are read again, in chunks, so a tree without copies costs no read at all and a copied
 * 1 GB CSV never has to be held in memory.
 * @module
 */
import { copyCandidates } from "../copies.ts";
import type { LoadedArtifact } from "../types.ts";

/** Bytes compared per read: enough for few reads, small enough to hold two of. */
const CHUNK = 1 << 20;

/** Fill `buf` from `file` as far as the file goes; the count filled. */
async function fill(file: Deno.FsFile, buf: Uint8Array): Promise<number> {
  let filled = 0;
  while (filled < buf.length) {
    const n = await file.read(buf.subarray(filled));
    if (n === null || n === 0) break;
    filled += n;
  }
  return filled;
}

/**
 * Whether two files hold the same bytes, read side by side (in chunks the size of `buffers`, two
 * equal buffers); `false` when either cannot be read (a file that changed or vanished since it
 * was parsed is no copy to rely on).
 *
 * @example
 * ```ts
 * await sameFileBytes("a/results.json", "b/results.json");
 * ```
 */
export async function sameFileBytes(
  a: string,
  b: string,
  buffers: [Uint8Array, Uint8Array] = [new Uint8Array(CHUNK), new Uint8Array(CHUNK)],
): Promise<boolean> {
  let fa: Deno.FsFile | null = null;
  let fb: Deno.FsFile | null = null;
  const [ba, bb] = buffers;
  try {
    fa = await Deno.open(a, { read: true });
    fb = await Deno.open(b, { read: true });
    for (;;) {
      const [na, nb] = await Promise.all([fill(fa, ba), fill(fb, bb)]);
      if (na !== nb) return false;
      for (let i = 0; i < na; i++) if (ba[i] !== bb[i]) return false;
      if (na < ba.length) return true;
    }
  } catch {
    return false;
  } finally {
    fa?.close();
    fb?.close();
  }
}

/**
 * Each measurement file of `loaded` that has a byte-identical twin, mapped to the path of the
 * first file (in `loaded`'s order) with its bytes; files without a twin are left out. Paths are
 * relative to `root`.
 *
 * @example
 * ```ts
 * const same = await sameBytesOf("results", loaded);
 * ```
 */
export async function sameBytesOf(
  root: string,
  loaded: readonly LoadedArtifact[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const sets = copyCandidates(loaded);
  if (sets.length === 0) return out;
  // Two buffers for every comparison of the run.
  const buffers: [Uint8Array, Uint8Array] = [new Uint8Array(CHUNK), new Uint8Array(CHUNK)];
  for (const set of sets) {
    // Each file joins the first earlier one it equals, or starts a set of its own.
    const firsts: string[] = [];
    for (const i of set) {
      const path = loaded[i].ref.path;
      let joined = false;
      for (const first of firsts) {
        if (await sameFileBytes(`${root}/${first}`, `${root}/${path}`, buffers)) {
          out.set(first, first);
          out.set(path, first);
          joined = true;
          break;
        }
      }
      if (!joined) firsts.push(path);
    }
  }
  return out;
}
