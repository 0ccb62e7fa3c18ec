/**
 * Reading and parsing every discovered artifact, with bounded parallelism. Each file is read
 * once; JSON is parsed once and then recognised by its shape; big CSV/JSONL files are streamed.
 * @module
 */
import { kindFromJson } from "../sniff.ts";
import { type ArtifactKind, type ArtifactRef, overlongLine, type ParseResult } from "../types.ts";
import { type LoadedArtifact, PARSERS } from "../../parsers/mod.ts";
import { byteChunks, readTextSync, type SizedTextResult, textLines } from "./read.ts";
import { errText, type WalkedFile } from "./walk.ts";
import type { ReadBatch, ReadBatchResult } from "./read_worker.ts";
import { SLICE_MS, timeSlicer } from "./event_loop.ts";

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

function unreadable(message: string): ParseResult {
  return { drafts: [], issues: [{ line: null, message }], unreadable: true };
}

/** Kinds parsed from one JSON document read whole (`json_other` is recognised by its content). */
function isJsonDocument(kind: ArtifactKind): boolean {
  return kind === "json_other" || kind === "eval_meta" || kind === "aiperf_profile";
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
    if (!text.ok) return { ref, result: unreadable(`Cannot read: ${text.message}`) };
    if (!isJsonDocument(ref.kind)) {
      const parser = PARSERS[ref.kind];
      if (!parser || parser.input !== "text") return { ref, result: null };
      return { ...(await parser.parse(text.text, ref.path)), ref };
    }
    const depth = jsonDepthOver(text.text, limits.maxJsonDepth);
    if (depth !== null) {
      return {
        ref,
        result: unreadable(
          `JSON nested deeper than ${limits.maxJsonDepth} levels (at byte ${depth}); not parsed`,
        ),
      };
    }
    let value: unknown;
    try {
      value = JSON.parse(text.text);
    } catch (e) {
      return { ref, result: unreadable(`Invalid JSON: ${errText(e)}`) };
    }
    const kind: ArtifactKind = ref.kind === "json_other" ? kindFromJson(ref.path, value) : ref.kind;
    if (kind !== ref.kind) ref = { ...ref, kind };
    if (kind === "json_other") {
      const named = kindNamedBy(ref.path);
      if (named !== null) {
        return {
          ref,
          result: unreadable(`Named like ${named} but the content has none of its fields`),
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

/** How many times `ch` occurs in `text`, counting no further than `limit + 1`. */
function countOf(text: string, ch: string, limit: number): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1 && n <= limit; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/** The artifact a JSON file's name promises, for names that are never anything else. */
function kindNamedBy(path: string): string | null {
  const base = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (base.startsWith("agg_")) return "an agg record (agg_*.json)";
  if (base.startsWith("power_validation")) return "a power validation sidecar";
  if (/(^|_)concurrency_\d+_.*gpus_\d+/.test(base)) return "a multi-node raw result";
  if (base.startsWith("results_concurrency_")) return "a raw benchmark result";
  return null;
}

/** Lines of a text file; a line over the limit becomes a marker the parser reports. */
async function* jsonLines(abs: string, maxLineBytes: number): AsyncGenerator<string> {
  for await (const line of textLines(abs, maxLineBytes)) {
    yield line ?? overlongLine(maxLineBytes);
  }
}

/**
 * Load every artifact with at most `limits.parallel` files open at once; the result is in the
 * same order as `refs`.
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
      out[i] = await loadArtifact(root, refs[i], limits);
      const turn = pause();
      if (turn) await turn;
    }
  }
  await Promise.all(Array.from({ length: Math.min(limits.parallel, refs.length) }, worker));
  return out;
}

/** Files per message to the reader thread; a tree with fewer never starts the thread. */
const READ_BATCH_FILES = 256;

/**
 * Where the reader thread's module is: beside this module when running from source or from the
 * compiled binary (`deno compile --include lib/io/read_worker.ts`), and `read_worker.js` beside
 * the chunk when running from `deno task bundle`'s output.
 */
export function readerUrl(): URL {
  const ext = import.meta.url.endsWith(".js") ? "js" : "ts";
  return new URL(`./read_worker.${ext}`, import.meta.url);
}

/** Options of {@link startLoading}. */
export interface LoadingOptions {
  /** The reader thread's module ({@link readerUrl}); `null` reads on the calling thread. */
  readerUrl?: URL | null;
}

/** Artifacts being loaded as a walk finds them (see {@link startLoading}). */
export interface Loading {
  /** Queue one discovered file. */
  add(file: ArtifactRef | WalkedFile): void;
  /** Load what is left and return every loaded artifact (in no particular order). */
  finish(): Promise<LoadedArtifact[]>;
  /** Stop the reader thread without loading the rest (after a failed walk). */
  cancel(): void;
  /** How many files the reader thread has read so far (0 when it never ran or failed). */
  readonly threadReads: number;
}

/**
 * Load artifacts while the tree is still being walked. Files read whole go to a reader thread in
 * batches and are parsed here as their text comes back (the walk pauses now and then to let that
 * happen), so reading overlaps walking and parsing on a second core; streamed kinds (CSV, JSONL)
 * are loaded at {@link Loading.finish} like {@link loadAll} does. When the thread cannot start or
 * fails, its outstanding files are read on this thread instead: the result is the same either way.
 *
 * @example
 * ```ts
 * const loading = startLoading("results", DEFAULT_LIMITS, { readerUrl: readerUrl() });
 * await walkResults("results", { isTimeline: () => false, onFile: (f) => loading.add(f) });
 * const loaded = await loading.finish();
 * ```
 */
export function startLoading(
  root: string,
  limits: LoadLimits = DEFAULT_LIMITS,
  opts: LoadingOptions = {},
): Loading {
  type File = ArtifactRef | WalkedFile;
  const loaded: LoadedArtifact[] = [];
  const streamed: File[] = [];
  const inflight = new Map<number, File[]>();
  // Files waiting to be parsed here, with their text when the reader thread sent it.
  const queue: { file: File; text: SizedTextResult | null }[] = [];
  let queueHead = 0;
  let pumping: Promise<void> | null = null;
  let batch: File[] = [];
  let reader: Worker | null = null;
  let broken = !opts.readerUrl;
  let nextId = 0;
  let threadReads = 0;
  let drained: (() => void) | null = null;
  const abs = (f: File) => `${root}/${f.path}`;

  // Parse what is queued, a time slice at a time, so signals and the reader's messages are
  // handled in between.
  const pump = async () => {
    const pause = timeSlicer(SLICE_MS);
    while (queueHead < queue.length) {
      const { file, text } = queue[queueHead];
      queue[queueHead++] = undefined as never;
      const path = abs(file);
      loaded.push(
        await loadFromText(
          file,
          text ?? readTextSync(path, wholeLimit(file.kind, limits)),
          path,
          limits,
        ),
      );
      const turn = pause();
      if (turn) await turn;
    }
    queue.length = 0;
    queueHead = 0;
    pumping = null;
  };
  const enqueue = (file: File, text: SizedTextResult | null) => {
    queue.push({ file, text });
    pumping ??= pump();
  };
  const settleIfDrained = () => {
    if (inflight.size === 0 && drained) {
      drained();
      drained = null;
    }
  };
  const fail = () => {
    broken = true;
    reader?.terminate();
    reader = null;
    for (const files of inflight.values()) for (const f of files) enqueue(f, null);
    inflight.clear();
    settleIfDrained();
  };
  const onResult = (ev: MessageEvent<ReadBatchResult>) => {
    const files = inflight.get(ev.data.id);
    if (!files) return;
    inflight.delete(ev.data.id);
    const { results } = ev.data;
    threadReads += files.length;
    for (let i = 0; i < files.length; i++) enqueue(files[i], results[i]);
    settleIfDrained();
  };
  const send = (final: boolean) => {
    const files = batch;
    batch = [];
    if (files.length === 0) return;
    // A small tree (one partial batch) is not worth a thread.
    if (broken || (final && reader === null)) {
      for (const f of files) enqueue(f, null);
      return;
    }
    if (reader === null) {
      try {
        reader = new Worker(opts.readerUrl!, { type: "module", name: "inferguard-reader" });
      } catch {
        broken = true;
        for (const f of files) enqueue(f, null);
        return;
      }
      reader.onmessage = onResult;
      reader.onerror = (e) => {
        e.preventDefault();
        fail();
      };
      reader.onmessageerror = fail;
    }
    const id = nextId++;
    inflight.set(id, files);
    const message: ReadBatch = {
      id,
      paths: files.map(abs),
      maxBytes: files.map((f) => wholeLimit(f.kind, limits)),
    };
    reader.postMessage(message);
  };

  return {
    add(file) {
      if (!readsWhole(file.kind)) {
        streamed.push(file);
        return;
      }
      batch.push(file);
      if (batch.length >= READ_BATCH_FILES) send(false);
    },
    async finish() {
      send(true);
      if (inflight.size > 0) await new Promise<void>((resolve) => (drained = resolve));
      reader?.terminate();
      reader = null;
      while (pumping) await pumping;
      for (const l of await loadAll(root, streamed, limits)) loaded.push(l);
      return loaded;
    },
    cancel() {
      reader?.terminate();
      reader = null;
      broken = true;
    },
    get threadReads() {
      return threadReads;
    },
  };
}
