/**
 * Reading and parsing every discovered artifact, with bounded parallelism. Each file is read
 * once; JSON is parsed once and then recognised by its shape; big CSV/JSONL files are streamed.
 * @module
 */
import { guardDraftRanges } from "../ranges.ts";
import { isAbsolute } from "node:path";
import { kindFromJson, timelineMatcher } from "../sniff.ts";
import { type ArtifactKind, type ArtifactRef, overlongLine, type ParseResult } from "../types.ts";
import { type LoadedArtifact, PARSERS } from "../../parsers/mod.ts";
import {
  byteChunks,
  decodeText,
  kibOf,
  readTextSync,
  type SizedTextResult,
  textLines,
} from "./read.ts";
import {
  type DirListing,
  errText,
  sortedListing,
  type WalkedFile,
  type WalkIssue,
  type WalkResult,
  walkResults,
} from "./walk.ts";
import type { ScanInput, ScanMessage, ScanRequest } from "./scan_worker.ts";
import { SLICE_MS, timeSlicer } from "./event_loop.ts";
import { NumberPacker, PackedNumbers } from "../packed.ts";

/** Limits that keep one hostile file from exhausting memory. */
export interface LoadLimits {
  /** Largest JSON document read whole, in bytes. */
  maxJsonBytes: number;
  /** Longest line in a JSONL file, in bytes. */
  maxLineBytes: number;
  /** Largest small text file (status, command) read whole, in bytes. */
  maxTextBytes: number;
  /** Deepest nesting of arrays/objects accepted in a JSON document. */
  maxJsonDepth: number;
  /** Files read at once. */
  parallel: number;
}

/** Default limits (documented in the README). */
export const DEFAULT_LIMITS: LoadLimits = {
  maxJsonBytes: 256 * 1024 * 1024,
  maxLineBytes: 64 * 1024 * 1024,
  maxTextBytes: 1024 * 1024,
  maxJsonDepth: 1000,
  parallel: 8,
};

function unreadable(message: string, line: number | null = null): ParseResult {
  return { drafts: [], issues: [{ line, message }], unreadable: true };
}

/** Kinds parsed from one JSON document read whole (`json_other` is recognised by its content). */
const JSON_DOCUMENT_KINDS: readonly ArtifactKind[] = ["json_other", "eval_meta", "aiperf_profile"];

function isJsonDocument(kind: ArtifactKind): boolean {
  return JSON_DOCUMENT_KINDS.includes(kind);
}

/**
 * Whether the loader reads files of this kind whole, and so learns their size without a `stat`:
 * pass it to the walk as `sizeFromRead`.
 */
export function readsWhole(kind: ArtifactKind): boolean {
  return isJsonDocument(kind) || PARSERS[kind]?.input === "text";
}

/** The most bytes read whole for a kind that {@link readsWhole}. */
function wholeLimit(kind: ArtifactKind, limits: LoadLimits): number {
  if (isJsonDocument(kind) || kind === "aiperf_server_metrics") return limits.maxJsonBytes;
  return limits.maxTextBytes;
}

/**
 * Read and parse one artifact. Never throws: failures come back as an unreadable result. A
 * reference without a size (see {@link readsWhole}) gets the size of what was read.
 */
export async function loadArtifact(
  root: string,
  file: ArtifactRef | WalkedFile,
  limits: LoadLimits,
): Promise<LoadedArtifact> {
  const abs = `${root}/${file.path}`;
  if (readsWhole(file.kind)) {
    return await loadFromText(file, readTextSync(abs, wholeLimit(file.kind, limits)), abs, limits);
  }
  const ref: ArtifactRef = file.size === null ? { ...file, size: 0 } : file as ArtifactRef;
  try {
    const parser = PARSERS[ref.kind];
    if (!parser) return { ref, result: null };
    if (parser.input === "bytes") {
      return { ...(await parser.parse(byteChunks(abs), ref.path)), ref };
    }
    if (parser.input === "lines") {
      return { ...(await parser.parse(jsonLines(abs, limits.maxLineBytes), ref.path)), ref };
    }
    return { ref, result: null };
  } catch (e) {
    return { ref, result: unreadable(`Cannot read: ${errText(e)}`) };
  }
}

/**
 * Parse an artifact of a kind that {@link readsWhole} from the text already read (here or on the
 * reader thread). Never throws.
 */
async function loadFromText(
  file: ArtifactRef | WalkedFile,
  text: SizedTextResult,
  abs: string,
  limits: LoadLimits,
): Promise<LoadedArtifact> {
  let ref = sized(file, text.size ?? statSize(abs));
  try {
    if (!text.ok) return namedUnreadable(ref, `Cannot read: ${text.message}`);
    if (!isJsonDocument(ref.kind)) {
      const parser = PARSERS[ref.kind];
      if (!parser || parser.input !== "text") return { ref, result: null };
      return { ...(await parser.parse(text.text, ref.path)), ref };
    }
    const depth = jsonDepthOver(text.text, limits.maxJsonDepth);
    if (depth !== null) {
      return namedUnreadable(
        ref,
        `JSON nested deeper than ${limits.maxJsonDepth} levels (at byte ${depth}); not parsed`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text.text);
    } catch (e) {
      const { line, message } = jsonParseError(text.text, e);
      return namedUnreadable(ref, `Invalid JSON: ${message}`, line);
    }
    const kind: ArtifactKind = ref.kind === "json_other" ? kindFromJson(ref.path, value) : ref.kind;
    if (kind !== ref.kind) ref = { ...ref, kind };
    if (kind === "json_other") {
      const named = namedArtifact(ref.path);
      if (named !== null) {
        return {
          ref,
          result: unreadable(`Named like ${named.what} but the content has none of its fields`),
        };
      }
    }
    const parser = PARSERS[kind];
    if (!parser || parser.input !== "json") return { ref, result: null };
    return { ...(await parser.parse(value, ref.path)), ref };
  } catch (e) {
    return { ref, result: unreadable(`Cannot read: ${errText(e)}`) };
  }
}

/** The reference with its size: the walk's when it has one, else what reading found. */
function sized(file: ArtifactRef | WalkedFile, readSize: number): ArtifactRef {
  return file.size === null
    ? { path: file.path, kind: file.kind, size: readSize }
    : file as ArtifactRef;
}

/** Size of a file that could not be opened or read (0 when even `stat` fails). */
function statSize(abs: string): number {
  try {
    return Deno.statSync(abs).size;
  } catch {
    return 0;
  }
}

/**
 * Where JSON text first nests deeper than `max` arrays/objects (outside strings), or `null`.
 * One pass over the text; it keeps hostile documents away from any recursive code downstream.
 */
export function jsonDepthOver(text: string, max: number): number | null {
  // Nesting deeper than `max` needs more than `max` opening brackets: count them first with
  // native searches (almost every document stops here) before the character-by-character pass.
  if (text.length <= max || countOf(text, "{", max) + countOf(text, "[", max) <= max) return null;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return null;
}

/**
 * The line and message of a `JSON.parse` failure on `text`. V8 gives a position for most errors;
 * where it does not (an unexpected token, quoted with an excerpt of the file, or the end of the
 * input), {@link jsonErrorOffset} finds it, and the excerpt, which may run over several lines
 * and holds the file's content, is replaced by the position, line and column, as V8 words them
 * elsewhere. An end of input is placed just after the last character that is not white space.
 * The error path only: nothing here runs for a document that parses.
 *
 * @example
 * ```ts
 * jsonParseError('{\n"a": Infinity\n}', new SyntaxError(`Unexpected token 'I', "{…" is not valid JSON`));
 * // { line: 2, message: "Unexpected token 'I' in JSON at position 7 (line 2 column 6)" }
 * ```
 */
export function jsonParseError(text: string, e: unknown): { line: number | null; message: string } {
  const raw = e instanceof Error ? e.message : String(e);
  const at = /\bat position (\d+)/.exec(raw);
  if (at !== null) return { line: lineColumn(text, Number(at[1])).line, message: errText(e) };
  const found = jsonErrorOffset(text);
  if (found === null) return { line: null, message: errText(e) };
  const offset = found.end ? text.trimEnd().length : found.offset;
  const { line, column } = lineColumn(text, offset);
  const token = /^(Unexpected token '[\s\S]{1,2}'), [\s\S]* is not valid JSON$/.exec(raw);
  if (token === null) return { line, message: errText(e) };
  return {
    line,
    message: `${token[1]} in JSON at position ${offset} (line ${line} column ${column})`,
  };
}

/** 1-based line and column (in UTF-16 code units) of `offset` in `text`; lines end at `\n`. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * Where a JSON text first breaks the grammar (RFC 8259, as `JSON.parse` reads it): the offset of
 * the first character that cannot continue the document, or `end: true` when the text ends
 * before the document does; `null` when it is valid JSON. A small validator with an explicit
 * stack, run only after `JSON.parse` has failed, to say where.
 *
 * @example
 * ```ts
 * jsonErrorOffset('{"a": [1,]}'); // { offset: 9, end: false }
 * jsonErrorOffset('{"a": '); // { offset: 6, end: true }
 * ```
 */
export function jsonErrorOffset(text: string): { offset: number; end: boolean } | null {
  const n = text.length;
  const fail = (offset: number) => ({ offset, end: offset >= n });
  const isWs = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
  const isDigit = (c: number) => c >= 48 && c <= 57;
  const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
  // Open containers: 123 `{` or 91 `[`.
  const stack: number[] = [];
  // What comes next: a value, an object key, the colon after a key, or what follows a value.
  let want: "value" | "key" | "colon" | "after" = "value";
  // Whether the container just opened may close at once (`[]`, `{}`).
  let mayClose = false;
  let i = 0;
  /** Past the string whose opening quote is at `i`; a negative number is -(error offset + 1). */
  const string = (i: number): number => {
    for (let j = i + 1; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === 34) return j + 1;
      if (c < 32) return -(j + 1);
      if (c === 92) {
        const e = text.charCodeAt(++j);
        if (j >= n) return -(n + 1);
        if (e === 117) {
          for (let k = 1; k <= 4; k++) {
            if (j + k >= n) return -(n + 1);
            if (!isHex(text.charCodeAt(j + k))) return -(j + k + 1);
          }
          j += 4;
        } else if (!'"\\/bfnrt'.includes(text[j])) return -(j + 1);
      }
    }
    return -(n + 1);
  };
  /** Past the number starting at `i`, or -(error offset + 1). */
  const number = (i: number): number => {
    let j = i;
    if (text.charCodeAt(j) === 45) j++;
    if (j >= n) return -(n + 1);
    if (text.charCodeAt(j) === 48) j++;
    else if (isDigit(text.charCodeAt(j))) { while (j < n && isDigit(text.charCodeAt(j))) j++; }
    else return -(j + 1);
    if (j < n && text.charCodeAt(j) === 46) {
      j++;
      if (j >= n) return -(n + 1);
      if (!isDigit(text.charCodeAt(j))) return -(j + 1);
      while (j < n && isDigit(text.charCodeAt(j))) j++;
    }
    if (j < n && (text.charCodeAt(j) === 101 || text.charCodeAt(j) === 69)) {
      j++;
      if (j < n && (text.charCodeAt(j) === 43 || text.charCodeAt(j) === 45)) j++;
      if (j >= n) return -(n + 1);
      if (!isDigit(text.charCodeAt(j))) return -(j + 1);
      while (j < n && isDigit(text.charCodeAt(j))) j++;
    }
    return j;
  };
  for (;;) {
    while (i < n && isWs(text.charCodeAt(i))) i++;
    if (i >= n) return stack.length === 0 && want === "after" ? null : fail(n);
    const c = text.charCodeAt(i);
    if (want === "after" && stack.length === 0) return fail(i);
    if (mayClose && c === (stack[stack.length - 1] === 123 ? 125 : 93)) {
      stack.pop();
      mayClose = false;
      want = "after";
      i++;
      continue;
    }
    mayClose = false;
    if (want === "key") {
      if (c !== 34) return fail(i);
      const past = string(i);
      if (past < 0) return fail(-past - 1);
      i = past;
      want = "colon";
    } else if (want === "colon") {
      if (c !== 58) return fail(i);
      i++;
      want = "value";
    } else if (want === "after") {
      const top = stack[stack.length - 1];
      if (c === 44) {
        want = top === 123 ? "key" : "value";
        i++;
      } else if (c === (top === 123 ? 125 : 93)) {
        stack.pop();
        i++;
      } else return fail(i);
    } else if (c === 123 || c === 91) {
      stack.push(c);
      want = c === 123 ? "key" : "value";
      mayClose = true;
      i++;
    } else if (c === 34 || c === 45 || isDigit(c)) {
      const past = c === 34 ? string(i) : number(i);
      if (past < 0) return fail(-past - 1);
      i = past;
      want = "after";
    } else {
      const word = c === 116 ? "true" : c === 102 ? "false" : c === 110 ? "null" : null;
      if (word === null) return fail(i);
      for (let k = 0; k < word.length; k++, i++) {
        if (i >= n) return fail(n);
        if (text.charCodeAt(i) !== word.charCodeAt(k)) return fail(i);
      }
      want = "after";
    }
  }
}

/** How many times `ch` occurs in `text`, counting no further than `limit + 1`. */
function countOf(text: string, ch: string, limit: number): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1 && n <= limit; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * The artifact a JSON file's name promises, for names that are never anything else: what to call
 * it, and the kind of cell record it is (`null` for none: a collected `agg_bmk.json`, an eval
 * collection, a power sidecar, which names its concurrency and GPUs too on a multi-node run).
 */
function namedArtifact(
  path: string,
): { what: string; record: "agg" | "raw_result" | null } | null {
  const base = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (base.startsWith("agg_")) {
    const collected = base.startsWith("agg_bmk") || base.includes("eval");
    return { what: "an agg record (agg_*.json)", record: collected ? null : "agg" };
  }
  if (base.startsWith("power_validation")) {
    return { what: "a power validation sidecar", record: null };
  }
  if (/(^|_)concurrency_\d+_.*gpus_\d+/.test(base)) {
    const sidecar = /^(power_|gpu_metrics)/.test(base);
    return { what: "a multi-node raw result", record: sidecar ? null : "raw_result" };
  }
  if (base.startsWith("results_concurrency_")) {
    return { what: "a raw benchmark result", record: "raw_result" };
  }
  return null;
}

/**
 * A JSON file that could not be read or parsed. When its name says it is a cell's agg or raw
 * result (a file cut short by a failed upload), it keeps that kind and leaves an empty record:
 * its cell still exists, named by the file, with no usable primary record (a critical
 * `missing_required_artifact` unless another file of the cell has one), instead of vanishing
 * from the report.
 */
function namedUnreadable(ref: ArtifactRef, message: string, line: number | null = null) {
  const result = unreadable(message, line);
  const kind = ref.kind === "json_other" ? namedArtifact(ref.path)?.record ?? null : null;
  if (kind === null) return { ref, result };
  result.drafts.push({
    source_format: "unknown",
    priority: 0,
    identity: {},
    metrics: {},
    primary: false,
  });
  return { ref: { ...ref, kind }, result };
}

/** Lines of a text file; a line over the limit becomes a marker the parser reports. */
async function* jsonLines(abs: string, maxLineBytes: number): AsyncGenerator<string> {
  for await (const line of textLines(abs, maxLineBytes)) {
    yield line ?? overlongLine(maxLineBytes);
  }
}

/** The artifact with its drafts' impossible metrics left out, each with an issue (lib/ranges.ts). */
function inRange(loaded: LoadedArtifact): LoadedArtifact {
  if (loaded.result) guardDraftRanges(loaded.result);
  return loaded;
}

/** Packs the numbers of every draft loaded (see lib/packed.ts). */
const packer = new NumberPacker();

/**
 * Pack the metrics and extra percentiles of an artifact's drafts, in place: they are held until
 * the fold, and packed they take about half the memory and none of V8's tracing. Maps that cannot
 * be packed exactly stay as they are.
 */
function packDrafts(loaded: LoadedArtifact): LoadedArtifact {
  for (const d of loaded.result?.drafts ?? []) {
    if (!(d.metrics instanceof PackedNumbers)) d.metrics = packer.pack(d.metrics) ?? d.metrics;
    const extra = d.extra_percentiles;
    if (extra && !(extra instanceof PackedNumbers)) {
      d.extra_percentiles = packer.pack(extra) ?? extra;
    }
  }
  return loaded;
}

/**
 * Load every artifact with at most `limits.parallel` files open at once; the result is in the
 * same order as `refs`. Drafts come back with their numbers packed.
 */
export async function loadAll(
  root: string,
  refs: readonly (ArtifactRef | WalkedFile)[],
  limits: LoadLimits = DEFAULT_LIMITS,
): Promise<LoadedArtifact[]> {
  const out = new Array<LoadedArtifact>(refs.length);
  let next = 0;
  const pause = timeSlicer(SLICE_MS);
  async function worker(): Promise<void> {
    while (next < refs.length) {
      const i = next++;
      out[i] = packDrafts(inRange(await loadArtifact(root, refs[i], limits)));
      const turn = pause();
      if (turn) await turn;
    }
  }
  await Promise.all(Array.from({ length: Math.min(limits.parallel, refs.length) }, worker));
  return out;
}

/**
 * Where the scanner thread's module is: beside this module when running from source or from the
 * compiled binary (`deno compile --include lib/io/scan_worker.ts`), and `scan_worker.js` beside
 * the chunk when running from `deno task bundle`'s output.
 */
export function scannerUrl(): URL {
  const ext = import.meta.url.endsWith(".js") ? "js" : "ts";
  return new URL(`./scan_worker.${ext}`, import.meta.url);
}

/** Artifacts being loaded as a walk finds them (see {@link startLoading}). */
export interface Loading {
  /**
   * Queue one discovered file, with its text when it was already read (and then, optionally, a
   * function to call once that text is parsed).
   */
  add(file: ArtifactRef | WalkedFile, text?: SizedTextResult, parsed?: () => void): void;
  /** Load what is left and return every loaded artifact (in no particular order). */
  finish(): Promise<LoadedArtifact[]>;
}

/**
 * Load artifacts while the tree is still being walked: files read whole are parsed a time slice
 * at a time (the event loop gets a turn in between, for signals and for messages from the
 * scanner thread); streamed kinds (CSV, JSONL) are loaded at {@link Loading.finish}, as
 * {@link loadAll} does.
 *
 * @example
 * ```ts
 * const loading = startLoading("results");
 * await walkResults("results", { isTimeline: () => false, onFile: (f) => loading.add(f) });
 * const loaded = await loading.finish();
 * ```
 */
export function startLoading(
  root: string,
  limits: LoadLimits = DEFAULT_LIMITS,
  onRead?: () => void,
): Loading {
  type File = ArtifactRef | WalkedFile;
  const loaded: LoadedArtifact[] = [];
  const streamed: File[] = [];
  const queue: {
    file: File;
    text: SizedTextResult | undefined;
    parsed: (() => void) | undefined;
  }[] = [];
  let head = 0;
  let pumping: Promise<void> | null = null;
  const pump = async () => {
    const pause = timeSlicer(SLICE_MS);
    while (head < queue.length) {
      const { file, text, parsed } = queue[head];
      queue[head++] = undefined as never;
      const path = `${root}/${file.path}`;
      let read = text;
      if (read === undefined) {
        read = readTextSync(path, wholeLimit(file.kind, limits));
        onRead?.();
      }
      loaded.push(packDrafts(inRange(await loadFromText(file, read, path, limits))));
      parsed?.();
      const turn = pause();
      if (turn) await turn;
    }
    queue.length = 0;
    head = 0;
    pumping = null;
  };
  return {
    add(file, text, parsed) {
      if (!readsWhole(file.kind)) {
        streamed.push(file);
        return;
      }
      queue.push({ file, text, parsed });
      pumping ??= pump();
    },
    async finish() {
      while (pumping) await pumping;
      for (const l of await loadAll(root, streamed, limits)) loaded.push(l);
      return loaded;
    },
  };
}

/** Options of {@link scanAndLoad}. */
export interface ScanOptions {
  /** Directories never to enter (report output dirs). */
  excludeDir: readonly string[];
  /** Glob of timeline files (relative to the root); they are listed, not loaded. */
  timelineGlob: string;
  limits?: LoadLimits;
  /** The scanner thread's module ({@link scannerUrl}); `null` does everything on this thread. */
  scannerUrl?: URL | null;
  /**
   * Files this thread may have waiting to be read before the scanner thread reads them itself
   * (default {@link SCANNER_BACKLOG_FILES}; 0 leaves every read to the scanner).
   */
  backlogFiles?: number;
}

/** What {@link scanAndLoad} found and loaded. */
export interface Scanned {
  walked: WalkResult<WalkedFile>;
  /** Every artifact except timelines, in no particular order. */
  loaded: LoadedArtifact[];
  /** Whether the scanner thread did the walk and the reads. */
  threaded: boolean;
}

/**
 * Files this thread may have waiting to be read before the scanner thread reads them itself: a
 * few of its batches, so this thread never runs dry between two messages.
 */
const SCANNER_BACKLOG_FILES = 384;

/** A tree with fewer entries than this (counted by a quick look) is scanned on this thread. */
const THREAD_MIN_ENTRIES = 512;

/**
 * Walk a results tree and load every artifact. On a big tree a scanner thread walks
 * (lib/io/scan_worker.ts) while this thread reads and parses the files it sends; when this thread
 * falls behind, the scanner reads files too and sends their bytes. A small tree, or a thread that
 * cannot start or fails, is done here with {@link walkResults} and {@link startLoading}. Every
 * way gives the same walk and the same artifacts.
 *
 * @example
 * ```ts
 * const { walked, loaded } = await scanAndLoad("results", {
 *   excludeDir: [],
 *   timelineGlob: "**\/inferguard_timeline.jsonl",
 *   scannerUrl: scannerUrl(),
 * });
 * ```
 */
export async function scanAndLoad(given: string, opts: ScanOptions): Promise<Scanned> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const root = absolutePath(given);
  // The root is listed once, here: its size decides on the thread, and the walk (here or there)
  // starts from this listing. An unreadable root is left to the walk, which reports it.
  let entries: Deno.DirEntry[] | null = null;
  try {
    entries = [...Deno.readDirSync(root)];
  } catch {
    // Reported by the walk.
  }
  const worker = entries && opts.scannerUrl && mayLoad(opts.scannerUrl) &&
      countEntries(root, entries, THREAD_MIN_ENTRIES) >= THREAD_MIN_ENTRIES
    ? startScanner(opts.scannerUrl)
    : null;
  // Sorted while the thread starts.
  let rootListing = entries ? sortedListing(entries) : undefined;
  entries = null;
  if (worker) {
    // The listing goes to the thread and is not kept here (a big root's is megabytes); should
    // the thread fail, the walk below lists the root again.
    const sent = rootListing!;
    rootListing = undefined;
    const threaded = await scanOnThread(worker, root, opts, limits, sent);
    if (threaded) return { ...threaded, threaded: true };
  }
  const isTimeline = timelineMatcher(opts.timelineGlob);
  const loading = startLoading(root, limits);
  const walked = await walkResults(root, {
    excludeDir: opts.excludeDir,
    isTimeline,
    sizeFromRead: readsWhole,
    onFile: (f) => {
      if (f.kind !== "timeline") loading.add(f);
    },
    pauseMs: SLICE_MS,
    rootListing,
  });
  return { walked, loaded: await loading.finish(), threaded: false };
}

/**
 * The path made absolute, for every file-system call of the scan: Deno resolves a relative path
 * against the working directory (one `getcwd` call) each time it checks the permission to open
 * it, tens of thousands of times on a big tree. Paths in the results stay relative to the root,
 * so nothing shown changes. The path as given when the working directory is gone (`Deno.cwd`
 * throws; it needs no permission).
 */
export function absolutePath(path: string): string {
  if (isAbsolute(path)) return path;
  try {
    // Joined, not normalised: `link/..` must mean what it means to the file system.
    return `${Deno.cwd()}/${path}`;
  } catch {
    return path;
  }
}

/**
 * Whether a worker may load its module: with read permission scoped to the results (`deno run
 * --allow-read=<dir>`) it may not, and trying would only print an error before the fallback.
 */
function mayLoad(url: URL): boolean {
  if (url.protocol !== "file:") return true;
  try {
    return Deno.permissions.querySync({ name: "read", path: url }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Entries in the tree (the root's already listed), counted breadth first without following
 * links, stopping at `max`.
 */
function countEntries(root: string, rootEntries: Deno.DirEntry[], max: number): number {
  let seen = 0;
  const dirs: string[] = [];
  const count = (dir: string, entries: Iterable<Deno.DirEntry>) => {
    for (const e of entries) {
      if (++seen >= max) return;
      if (e.isDirectory) dirs.push(`${dir}/${e.name}`);
    }
  };
  count(root, rootEntries);
  for (let i = 0; i < dirs.length && seen < max; i++) {
    try {
      count(dirs[i], Deno.readDirSync(dirs[i]));
    } catch {
      // Unreadable here: the walk will report it.
    }
  }
  return seen;
}

/** The scanner thread, started; `null` when it cannot start. */
function startScanner(url: URL): Worker | null {
  try {
    return new Worker(url, { type: "module", name: "inferguard-scanner" });
  } catch {
    return null;
  }
}

/** The scan on the scanner thread; `null` when the thread fails. */
async function scanOnThread(
  worker: Worker,
  root: string,
  opts: ScanOptions,
  limits: LoadLimits,
  rootListing: DirListing | null,
): Promise<Omit<Scanned, "threaded"> | null> {
  const artifacts: WalkedFile[] = [];
  const kindNames = new Map<ArtifactKind, ArtifactKind>();
  // Files this thread has read itself, and KiB of the scanner's texts it has parsed (see
  // ScanRequest.progress).
  const progress = new SharedArrayBuffer(8);
  const counters = new Int32Array(progress);
  const loading = startLoading(root, limits, () => Atomics.add(counters, 0, 1));
  const issues = await new Promise<WalkIssue[] | null>((resolve) => {
    worker.onmessage = (ev: MessageEvent<ScanMessage>) => {
      const m = ev.data;
      if (m.type === "done") return resolve(m.issues);
      if (m.type === "failed") return resolve(null);
      const { bytes, spans, failed } = m.read;
      const failures = new Map<number, SizedTextResult>();
      for (const [i, message, size] of failed) failures.set(i, { ok: false, message, size });
      for (let i = 0; i < m.files.length; i++) {
        const file = m.files[i];
        // Each message brings its own copy of every kind's name: one is kept, not one per file
        // (100,000 files hold several MB of them).
        file.kind = kindNames.get(file.kind) ?? (kindNames.set(file.kind, file.kind), file.kind);
        artifacts.push(file);
        if (file.kind === "timeline") continue;
        const start = spans[2 * i];
        if (start === -1) loading.add(file, failures.get(i));
        else {
          const span = bytes.subarray(start, spans[2 * i + 1]);
          const kib = kibOf(span.length);
          loading.add(
            file,
            { ...decodeText(span), size: span.length },
            () => Atomics.add(counters, 1, kib),
          );
        }
      }
      // Every text is decoded: the buffer goes back to the scanner for its next batch.
      const recycle: ScanInput = { recycle: bytes.buffer as ArrayBuffer };
      worker.postMessage(recycle, [recycle.recycle]);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      resolve(null);
    };
    worker.onmessageerror = () => resolve(null);
    const kinds = [...JSON_DOCUMENT_KINDS, ...Object.keys(PARSERS) as ArtifactKind[]];
    const request: ScanRequest = {
      root,
      excludeDir: [...opts.excludeDir],
      timelineGlob: opts.timelineGlob,
      wholeKinds: kinds.filter(readsWhole).map((k) => [k, wholeLimit(k, limits)]),
      progress,
      backlogFiles: opts.backlogFiles ?? SCANNER_BACKLOG_FILES,
      // One string is copied far faster than tens of thousands of them; no name contains "/".
      rootListing: { names: rootListing!.names.join("/"), types: rootListing!.types },
    };
    worker.postMessage(request);
    // Copied to the thread: not kept alive here by the handlers that share this scope.
    rootListing = null;
  });
  worker.terminate();
  const loaded = await loading.finish();
  if (issues === null) return null;
  return { walked: { artifacts, issues }, loaded };
}
