/**
 * The co-publish manifest grouped by directory, so that report.md lists every file without
 * repeating long directory paths and cell ids on every line.
 * @module
 */
import type { DiscoveredEntry } from "../lib/analyze.ts";
import { compareText } from "../lib/curves.ts";

/** The files of one directory. */
export interface DirectoryGroup {
  /** Directory relative to the input root, `""` for the root itself. */
  dir: string;
  /** The directory's files, sorted by name; `name` is the path after `dir/`. */
  files: { name: string; entry: DiscoveredEntry }[];
  /**
   * The cell more than half of its files belong to (`null`: more than half have no cell);
   * `undefined` when none does, and each file names its own.
   */
  cell: string | null | undefined;
}

/**
 * Group manifest entries by parent directory: directories sorted by path (byte order), files by
 * name. Linear in the entries apart from the sorts.
 *
 * @example
 * ```ts
 * groupByDirectory([{ path: "a/b.json", kind: "agg", size: 1, cell: null, parsed: true, issue: null }]);
 * // [{ dir: "a", files: [{ name: "b.json", entry }], cell: null }]
 * ```
 */
export function groupByDirectory(entries: readonly DiscoveredEntry[]): DirectoryGroup[] {
  const byDir = new Map<string, DirectoryGroup>();
  for (const entry of entries) {
    const slash = entry.path.lastIndexOf("/");
    const dir = slash < 0 ? "" : entry.path.slice(0, slash);
    const name = entry.path.slice(slash + 1);
    let group = byDir.get(dir);
    if (group === undefined) {
      group = { dir, files: [], cell: null };
      byDir.set(dir, group);
    }
    group.files.push({ name, entry });
  }
  const groups = [...byDir.values()].sort((a, b) => compareText(a.dir, b.dir));
  for (const g of groups) {
    g.files.sort((a, b) => compareText(a.name, b.name));
    g.cell = majorityCell(g.files.map((f) => f.entry.cell));
  }
  return groups;
}

function majorityCell(cells: readonly (string | null)[]): string | null | undefined {
  const counts = new Map<string | null, number>();
  for (const c of cells) counts.set(c, (counts.get(c) ?? 0) + 1);
  for (const [c, n] of counts) if (2 * n > cells.length) return c;
  return undefined;
}
