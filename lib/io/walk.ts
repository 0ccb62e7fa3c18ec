/**
 * One sorted walk of a results tree.
 * @module
 */
import { basename, dirname, join } from "node:path";
import { isParsedKind, kindFromName } from "../sniff.ts";
import { timeSlicer } from "./event_loop.ts";
import type { ArtifactIssue, ArtifactKind, ArtifactRef } from "../types.ts";

/** Options of {@link walkResults}. */
export interface WalkOptions {
  /**
   * Directories never to enter (report output dirs); missing ones are ignored. One that is a
   * symbolic link is left out as that link, by its path: the directory it points to is walked as
   * any other (a link `inferguard_report -> raw` must not hide `raw/`).
   */
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
  /**
   * The root's listing, when the caller has already read it ({@link listDir}); the walk then does
   * not list the root again.
   */
  rootListing?: DirListing;
  /** How a directory is listed (default {@link listDir}); tests stand in a directory that fails. */
  listDir?: (abs: string) => DirListing;
}

/** A discovered file; `size` is `null` when the loader will learn it by reading the file. */
export interface WalkedFile {
  path: string;
  kind: ArtifactKind;
  size: number | null;
}

/**
 * A path the walk could not enter, follow or open. `unreadable` tells apart what the walk could
 * not read (a directory it cannot list, a name that is not UTF-8, a FIFO or device named like an
 * artifact, a file or link target that cannot be looked at, a link to an artifact that is gone)
 * from what it skips by policy (a link leaving the root, a loop of links, a dangling link not
 * named like an artifact): in a strict run only the first are fatal. `kind` is the kind the name
 * gives an entry that is not a directory, where the walk knows it.
 */
export interface WalkIssue extends ArtifactIssue {
  unreadable: boolean;
  kind?: ArtifactKind;
  /**
   * `true` for an entry skipped for no fault of the input: a link to a directory of the tree that
   * the walk reads at its own path, or a link to an unknown file (one whose name inferguard does
   * not parse) outside the root or missing. Such an entry is listed among the skipped, and is no
   * finding.
   */
  benign?: true;
}

/** What the walk found: artifacts in sorted order, and paths it could not enter or follow. */
export interface WalkResult<F = ArtifactRef> {
  artifacts: F[];
  issues: WalkIssue[];
}

/** Bits of {@link DirListing.types}. */
const IS_FILE = 1, IS_DIR = 2, IS_LINK = 4;

/**
 * A directory's entries sorted by name (UTF-16 code units, as `<` compares strings), with the
 * kind of each: bits 1 (file), 2 (directory), 4 (symbolic link) of `types[i]`.
 */
export interface DirListing {
  names: string[];
  types: Uint8Array;
}

/**
 * List a directory, sorted by name. Throws what `Deno.readDirSync` throws.
 *
 * @example
 * ```ts
 * const { names, types } = listDir("results");
 * ```
 */
export function listDir(abs: string): DirListing {
  return sortedListing(Deno.readDirSync(abs));
}

/**
 * The {@link DirListing} of entries read with `Deno.readDirSync`.
 *
 * @example
 * ```ts
 * const listing = sortedListing([...Deno.readDirSync("results")]);
 * ```
 */
export function sortedListing(entries: Iterable<Deno.DirEntry>): DirListing {
  // Names are sorted per kind with the default sort, then merged: the default sort compares code
  // units like `<`, and much faster than a comparator can (names of a campaign share long
  // prefixes; a root of 67,000 of them sorts in 50 ms, against 250 ms with a comparator), and
  // keeping names apart by kind spares a lookup table of every name.
  const byType: string[][] = [];
  for (const e of entries) {
    const t = (e.isFile ? IS_FILE : 0) | (e.isDirectory ? IS_DIR : 0) | (e.isSymlink ? IS_LINK : 0);
    (byType[t] ??= []).push(e.name);
  }
  const groups: { type: number; names: string[]; next: number }[] = [];
  byType.forEach((names, type) => groups.push({ type, names: names.sort(), next: 0 }));
  if (groups.length === 1) {
    const [{ type, names }] = groups;
    return { names, types: new Uint8Array(names.length).fill(type) };
  }
  const total = groups.reduce((n, g) => n + g.names.length, 0);
  const names = new Array<string>(total);
  const types = new Uint8Array(total);
  for (let i = 0; i < total; i++) {
    let best = -1;
    for (let g = 0; g < groups.length; g++) {
      const { names: list, next } = groups[g];
      if (next < list.length && (best < 0 || list[next] < groups[best].names[groups[best].next])) {
        best = g;
      }
    }
    const g = groups[best];
    names[i] = g.names[g.next++];
    types[i] = g.type;
  }
  return { names, types };
}

/**
 * Walk `root` once, depth first, entries sorted by name. Symbolic links are followed only when
 * they resolve inside the root, and every directory is entered at most once (loops detected). A
 * link to a directory of the tree is read at the end, and only when the walk did not reach that
 * directory at its own path (it lies under a directory that cannot be listed).
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
  const excluded = new Set<string>(); // real paths of excluded directories
  const excludedLinks = new Set<string>(); // excluded links, by their parent's real path + name
  for (const dir of [opts.excludeDir ?? []].flat()) {
    if (isLink(dir)) {
      const parent = resolveLink(dirname(dir));
      if (typeof parent === "string") excludedLinks.add(join(parent, basename(dir)));
    } else {
      const real = resolveLink(dir);
      if (typeof real === "string") excluded.add(real);
    }
  }
  const artifacts: WalkedFile[] = [];
  const collect = opts.collect ?? true;
  const sizeFromRead = opts.sizeFromRead ?? (() => false);
  const pause = opts.pauseMs !== undefined ? timeSlicer(opts.pauseMs) : null;
  const issues: WalkIssue[] = [];
  const visited = new Set<string>([realRoot]);
  // An excluded directory, or one under it (reached through a link): never input.
  const isExcluded = (real: string) => {
    if (excluded.has(real)) return true;
    for (const e of excluded) if (real.startsWith(`${e}/`)) return true;
    return false;
  };
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot + "/");
  // Named like a file whose records inferguard parses (a FIFO `server.log` is only listed).
  const recognised = (rel: string) => isParsedKind(kindFromName(rel, opts.isTimeline));
  // An issue; `named` when the entry is not a directory: its kind is kept where the name is one
  // inferguard parses (a strict run weighs a timeline or a plain JSON file by it).
  const report = (rel: string, message: string, unreadable: boolean, named = false) => {
    const kind = named ? kindFromName(rel, opts.isTimeline) : null;
    issues.push(
      kind !== null && isParsedKind(kind)
        ? { path: rel, line: null, message, unreadable, kind }
        : { path: rel, line: null, message, unreadable },
    );
  };
  // A link to an unknown file that is not followed: listed among the skipped, no finding (unknown
  // files never fail a run).
  const skipUnknown = (rel: string, message: string) => {
    issues.push({ path: rel, line: null, message, unreadable: false, benign: true });
  };
  // Depth-first, entries sorted by name, a directory's contents at its place in the order; an
  // explicit stack of frames so deep trees cannot overflow the call stack. `real` is the
  // directory's resolved path (links inside the root are resolved once, where they are met).
  interface Frame {
    abs: string;
    real: string;
    rel: string;
    names: string[];
    types: Uint8Array;
    next: number;
  }
  const open = (abs: string, real: string, rel: string, listed?: DirListing): Frame | null => {
    try {
      const { names, types } = listed ?? list(abs);
      return { abs, real, rel, names, types, next: 0 };
    } catch (e) {
      report(rel || ".", `Cannot read directory: ${errText(e)}`, true);
      return null;
    }
  };
  const stack: Frame[] = [];
  const list = opts.listDir ?? listDir;
  const top = open(realRoot, realRoot, "", opts.rootListing);
  if (top) stack.push(top);
  // Links to directories of the tree, met in walk order, and which link each followed one was.
  let linked: { abs: string; real: string; rel: string }[] = [];
  const followedBy = new Map<string, string>();
  for (;;) {
    await walkStack();
    // A linked directory the walk read at its own path is not read again. One it could not reach
    // there (under a directory it cannot list) is read through the first link to it, as the
    // target's own path cannot be.
    const links = linked;
    linked = [];
    const toFollow: Frame[] = [];
    for (const l of links) {
      if (visited.has(l.real)) {
        const via = followedBy.get(l.real);
        issues.push({
          path: l.rel,
          line: null,
          message: via === undefined ? LINK_INSIDE_ROOT : `${LINK_READ_THROUGH} "${via}")`,
          unreadable: false,
          benign: true,
        });
        continue;
      }
      visited.add(l.real);
      followedBy.set(l.real, l.rel);
      const child = open(l.abs, l.real, l.rel);
      if (child) toFollow.push(child);
    }
    if (toFollow.length === 0) break;
    for (let i = toFollow.length - 1; i >= 0; i--) stack.push(toFollow[i]);
  }
  return { artifacts, issues };

  async function walkStack(): Promise<void> {
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.next >= frame.names.length) {
        stack.pop();
        continue;
      }
      const i = frame.next++;
      const name = frame.names[i];
      const type = frame.types[i];
      const abs = `${frame.abs}/${name}`;
      const rel = frame.rel ? `${frame.rel}/${name}` : name;
      let isDir = (type & IS_DIR) !== 0;
      let isFile = (type & IS_FILE) !== 0;
      let real = `${frame.real}/${name}`;
      let size: number | null = null;
      // Deno lists a name that is not valid UTF-8 with U+FFFD in place of the bad bytes, and that
      // name then opens nothing: say why, rather than a bare "not found" later.
      if (name.includes("\uFFFD") && !exists(abs)) {
        // A directory may hold results, and a file named like one inferguard reads is worth a
        // finding; any other file is not (unknown files never fail a run).
        if (type & IS_DIR) report(rel, NOT_UTF8, true);
        else if (recognised(rel)) report(rel, NOT_UTF8, true, true);
        continue;
      }
      if (type & IS_LINK) {
        if (excludedLinks.has(real)) continue;
        const target = resolveLink(abs);
        if (typeof target !== "string") {
          // A loop is not followed by policy. A dangling link named like an artifact stands for
          // one that is missing; any other dangling link is no more than an unknown file. A link
          // that cannot be resolved at all may hide a directory of results.
          const { problem, cause } = target;
          // A name that says it was a file inferguard does not read (`plot.png`, `notes.txt`);
          // any other (`latest`, `run.1`) may have been a directory of results.
          if (cause === "broken" && unknownFileName(rel)) {
            skipUnknown(rel, problem);
          } else {report(
              rel,
              problem,
              cause === "broken" ? recognised(rel) : cause === "other",
              true,
            );}
          continue;
        }
        if (!inside(target)) {
          // A file outside that no name of inferguard's would parse (a plot, a README) is an
          // unknown file; a directory, or a file named like an artifact, may be missing results.
          if (unknownFileName(rel) && isFileAt(target)) skipUnknown(rel, LEAVES_ROOT);
          else report(rel, LEAVES_ROOT, false, true);
          continue;
        }
        real = target;
        try {
          const st = Deno.statSync(target);
          isDir = st.isDirectory;
          isFile = st.isFile;
          size = st.size;
        } catch (e) {
          report(rel, `Cannot stat link target: ${errText(e)}`, true, true);
          continue;
        }
      }
      if (isDir) {
        if (isExcluded(real)) continue;
        if ((type & IS_LINK) !== 0 && !`${frame.real}/`.startsWith(`${real}/`)) {
          // A link to a directory of the tree that is not above it (`latest -> run_3`): decided once
          // the tree is walked, so that the directory is read at its own path wherever it sorts
          // (its cells keep their ids, and no directory is called a loop for being reached through
          // a link first).
          linked.push({ abs, real, rel });
          continue;
        }
        if (visited.has(real)) {
          report(rel, ALREADY_VISITED, false);
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
            // Unknown files never fail a run; one named like an artifact cannot be read.
            report(rel, `Cannot stat file: ${errText(e)}`, isParsedKind(kind), true);
            continue;
          }
        }
        const file = { path: rel, kind, size };
        if (collect) artifacts.push(file);
        opts.onFile?.(file);
      } else if (recognised(rel)) {
        // A FIFO would block the read forever, a device may never end: never opened, and named
        // when its name is one inferguard reads (a socket of some other program is no finding).
        report(rel, NOT_REGULAR, true, true);
      }
    }
  }
}

/** Issue message for an entry that is neither a regular file nor a directory. */
export const NOT_REGULAR = "Not a regular file (a FIFO, socket or device); not read";
/** Issue message for a name that is not valid UTF-8. */
export const NOT_UTF8 = "File name is not valid UTF-8; it cannot be opened";
/** Issue message for a symbolic link that resolves outside the results root (a policy skip). */
export const LEAVES_ROOT = "Symbolic link leaves the results root; not followed";
/**
 * Issue message for a link to a directory of the tree other than one above it (a policy skip
 * that is no finding: the directory is read at its own path).
 */
export const LINK_INSIDE_ROOT =
  "Symbolic link to a directory of the results tree; not followed (read at its own path)";
/**
 * Start of the issue message for a second link to a directory of the tree that the walk could not
 * reach at its own path and read through another link (named after it).
 */
export const LINK_READ_THROUGH =
  "Symbolic link to a directory of the results tree; not followed (read through";
/** Issue message for a directory reached a second time through links (a policy skip). */
export const ALREADY_VISITED = "Directory already visited (link loop); not followed";

function isLink(p: string): boolean {
  try {
    return Deno.lstatSync(p.replace(/\/+$/, "") || "/").isSymlink;
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    Deno.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Why a link has no resolved path: a loop of links, a missing target, or an error. */
type LinkProblem = { problem: string; cause: "loop" | "broken" | "other" };

/** Whether `p` is a regular file (following links); `false` when it cannot be looked at. */
function isFileAt(p: string): boolean {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
}

/**
 * Whether a name says it is a file inferguard never reads: a plot, a log, an archive, or text
 * (`.txt`, `.md`; not `status.txt` or a `*_command.txt`, which a harness writes). Its kind from the
 * name alone decides, never a dot in a directory-like name (`run.1`).
 */
function unknownFileName(rel: string): boolean {
  const kind = kindFromName(rel, () => false);
  return kind === "plot" || kind === "log" || kind === "archive" ||
    (kind === "other" && /\.(txt|md|rst)$/i.test(rel));
}

/** A link's resolved path, or why it has none (dangling, or a loop of links). */
function resolveLink(p: string): string | LinkProblem {
  try {
    return Deno.realPathSync(p);
  } catch (e) {
    if (e instanceof Deno.errors.FilesystemLoop) {
      return { problem: "Symbolic link loop; not followed", cause: "loop" };
    }
    if (e instanceof Deno.errors.NotFound) {
      return { problem: "Broken symbolic link", cause: "broken" };
    }
    return { problem: `Cannot resolve symbolic link: ${errText(e)}`, cause: "other" };
  }
}

/** A one-line description of an error. */
export function errText(e: unknown): string {
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.NotFound) return "not found";
  const first = e instanceof Error ? e.message.split("\n")[0] : String(e);
  // Deno appends the operation and the absolute path ("…(os error 36): readdir '/abs/…'"). Every
  // caller names the path itself, relative to the results root, so the machine path is dropped:
  // it would make the report depend on where the results sit.
  return first.replace(/(\(os error \d+\)): [a-z_]+ '.*$/, "$1");
}
