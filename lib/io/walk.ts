/**
 * One sorted walk of a results tree.
 * @module
 */
import { kindFromName } from "../sniff.ts";
import { timeSlicer } from "./event_loop.ts";
import type { ArtifactIssue, ArtifactKind, ArtifactRef } from "../types.ts";

/** Options of {@link walkResults}. */
export interface WalkOptions {
  /** Directories never to enter (report output dirs); missing ones are ignored. */
  excludeDir?: string | readonly string[] | null;
  /** Timeline glob matcher on relative paths. */
  isTimeline: (relPath: string) => boolean;
  /**
   * Kinds the loader reads whole and sizes itself (see `readsWhole` in load.ts): their files are
   * not `stat`ed here and come back with `size: null`. By default every file is `stat`ed.
   */
  sizeFromRead?: (kind: ArtifactKind) => boolean;
  /** Called with each file as it is found (in walk order), before the walk returns. */
  onFile?: (file: WalkedFile) => void;
  /**
   * Whether the result lists the files found (default `true`). A caller that takes each file
   * from `onFile` passes `false`, so a walk of 100,000 files does not hold them all twice.
   */
  collect?: boolean;
  /**
   * Give the event loop a turn after this many milliseconds of walking (default: never), so work
   * queued by `onFile` (texts coming back from a reader thread) and signals are handled while the
   * walk goes on.
   */
  pauseMs?: number;
}

/** A discovered file; `size` is `null` when the loader will learn it by reading the file. */
export interface WalkedFile {
  path: string;
  kind: ArtifactKind;
  size: number | null;
}

/** What the walk found: artifacts in sorted order, and paths it could not enter or follow. */
export interface WalkResult<F = ArtifactRef> {
  artifacts: F[];
  issues: ArtifactIssue[];
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Walk `root` once, depth first, entries sorted by name. Symbolic links are followed only when
 * they resolve inside the root, and every directory is entered at most once (loops detected).
 *
 * @example
 * ```ts
 * const { artifacts } = await walkResults("/data/run", { isTimeline: () => false });
 * ```
 */
export function walkResults(
  root: string,
  opts: WalkOptions & { sizeFromRead: (kind: ArtifactKind) => boolean },
): Promise<WalkResult<WalkedFile>>;
export function walkResults(root: string, opts: WalkOptions): Promise<WalkResult>;
export async function walkResults(
  root: string,
  opts: WalkOptions,
): Promise<WalkResult<WalkedFile>> {
  // Synchronous file-system calls: one walk of tens of thousands of entries is dominated by
  // per-call overhead, which the async ops multiply; nothing else runs while we walk.
  const realRoot = Deno.realPathSync(root);
  const excluded = new Set(
    [opts.excludeDir ?? []].flat().map(realPathOrNull).filter((p): p is string => p !== null),
  );
  const artifacts: WalkedFile[] = [];
  const collect = opts.collect ?? true;
  const sizeFromRead = opts.sizeFromRead ?? (() => false);
  const pause = opts.pauseMs !== undefined ? timeSlicer(opts.pauseMs) : null;
  const issues: ArtifactIssue[] = [];
  const visited = new Set<string>([realRoot]);
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot + "/");
  // Depth-first, entries sorted by name, a directory's contents at its place in the order; an
  // explicit stack of frames so deep trees cannot overflow the call stack. `real` is the
  // directory's resolved path (links inside the root are resolved once, where they are met).
  interface Frame {
    abs: string;
    real: string;
    rel: string;
    entries: Deno.DirEntry[];
    next: number;
  }
  const open = (abs: string, real: string, rel: string): Frame | null => {
    try {
      const entries = [...Deno.readDirSync(abs)].sort((a, b) => compareNames(a.name, b.name));
      return { abs, real, rel, entries, next: 0 };
    } catch (e) {
      issues.push({
        path: rel || ".",
        line: null,
        message: `Cannot read directory: ${errText(e)}`,
      });
      return null;
    }
  };
  const stack: Frame[] = [];
  const top = open(realRoot, realRoot, "");
  if (top) stack.push(top);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next >= frame.entries.length) {
      stack.pop();
      continue;
    }
    const entry = frame.entries[frame.next++];
    const abs = `${frame.abs}/${entry.name}`;
    const rel = frame.rel ? `${frame.rel}/${entry.name}` : entry.name;
    let isDir = entry.isDirectory;
    let isFile = entry.isFile;
    let real = `${frame.real}/${entry.name}`;
    let size: number | null = null;
    if (entry.isSymlink) {
      const target = realPathOrNull(abs);
      if (target === null) {
        issues.push({ path: rel, line: null, message: "Broken symbolic link" });
        continue;
      }
      if (!inside(target)) {
        issues.push({
          path: rel,
          line: null,
          message: "Symbolic link leaves the results root; not followed",
        });
        continue;
      }
      real = target;
      try {
        const st = Deno.statSync(target);
        isDir = st.isDirectory;
        isFile = st.isFile;
        size = st.size;
      } catch (e) {
        issues.push({ path: rel, line: null, message: `Cannot stat link target: ${errText(e)}` });
        continue;
      }
    }
    if (isDir) {
      if (excluded.has(real)) continue;
      if (visited.has(real)) {
        issues.push({
          path: rel,
          line: null,
          message: "Directory already visited (link loop); not followed",
        });
        continue;
      }
      visited.add(real);
      const child = open(abs, real, rel);
      if (child) stack.push(child);
      const turn = pause?.();
      if (turn) await turn;
    } else if (isFile) {
      const kind = kindFromName(rel, opts.isTimeline);
      if (size === null && !sizeFromRead(kind)) {
        try {
          size = Deno.statSync(abs).size;
        } catch (e) {
          issues.push({ path: rel, line: null, message: `Cannot stat file: ${errText(e)}` });
          continue;
        }
      }
      const file = { path: rel, kind, size };
      if (collect) artifacts.push(file);
      opts.onFile?.(file);
    }
  }
  return { artifacts, issues };
}

function realPathOrNull(p: string): string | null {
  try {
    return Deno.realPathSync(p);
  } catch {
    return null;
  }
}

/** A one-line description of an error. */
export function errText(e: unknown): string {
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.NotFound) return "not found";
  return e instanceof Error ? e.message.split("\n")[0] : String(e);
}
