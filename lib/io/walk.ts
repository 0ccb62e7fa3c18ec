/**
 * One sorted walk of a results tree.
 * @module
 */
import { kindFromName } from "../sniff.ts";
import type { ArtifactIssue, ArtifactRef } from "../types.ts";

/** Options of {@link walkResults}. */
export interface WalkOptions {
  /** Absolute path of a directory never to enter (the report output dir). */
  excludeDir?: string | null;
  /** Timeline glob matcher on relative paths. */
  isTimeline: (relPath: string) => boolean;
}

/** What the walk found: artifacts in sorted order, and paths it could not enter or follow. */
export interface WalkResult {
  artifacts: ArtifactRef[];
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
export async function walkResults(root: string, opts: WalkOptions): Promise<WalkResult> {
  const realRoot = await Deno.realPath(root);
  const exclude = opts.excludeDir ? await realPathOrNull(opts.excludeDir) : null;
  const artifacts: ArtifactRef[] = [];
  const issues: ArtifactIssue[] = [];
  const visited = new Set<string>([realRoot]);
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot + "/");

  async function visit(absDir: string, relDir: string): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(absDir));
    } catch (e) {
      issues.push({
        path: relDir || ".",
        line: null,
        message: `Cannot read directory: ${errText(e)}`,
      });
      return;
    }
    entries.sort((a, b) => compareNames(a.name, b.name));
    for (const entry of entries) {
      const abs = `${absDir}/${entry.name}`;
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory;
      let isFile = entry.isFile;
      let real = abs;
      if (entry.isSymlink) {
        const target = await realPathOrNull(abs);
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
          const st = await Deno.stat(target);
          isDir = st.isDirectory;
          isFile = st.isFile;
        } catch (e) {
          issues.push({ path: rel, line: null, message: `Cannot stat link target: ${errText(e)}` });
          continue;
        }
      }
      if (isDir) {
        if (exclude !== null && (real === exclude || abs === exclude)) continue;
        if (!entry.isSymlink) real = (await realPathOrNull(abs)) ?? abs;
        if (visited.has(real)) {
          issues.push({
            path: rel,
            line: null,
            message: "Directory already visited (link loop); not followed",
          });
          continue;
        }
        visited.add(real);
        await visit(abs, rel);
      } else if (isFile) {
        let size = 0;
        try {
          size = (await Deno.stat(abs)).size;
        } catch (e) {
          issues.push({ path: rel, line: null, message: `Cannot stat file: ${errText(e)}` });
          continue;
        }
        artifacts.push({ path: rel, kind: kindFromName(rel, opts.isTimeline), size });
      }
    }
  }

  await visit(realRoot, "");
  return { artifacts, issues };
}

async function realPathOrNull(p: string): Promise<string | null> {
  try {
    return await Deno.realPath(p);
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
