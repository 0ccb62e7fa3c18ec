/**
 * The scanner thread of `scanAndLoad` (lib/io/load.ts): walks the results tree and posts the files
 * it finds in batches, in walk order, so that on a big tree the main thread reads and parses while
 * the directories are listed on a second core. When the main thread falls behind, the scanner
 * also reads files itself and sends their bytes along, so the reads are shared between the two
 * threads. Runs as a module worker.
 * @module
 */
import { timelineMatcher } from "../sniff.ts";
import type { ArtifactKind } from "../types.ts";
import { errText, type WalkedFile, type WalkIssue, walkResults } from "./walk.ts";
import { kibOf, readBytesSync } from "./read.ts";
import { SLICE_MS } from "./event_loop.ts";

/** What to walk: the walk's options, with the timeline glob as text. */
export interface ScanRequest {
  root: string;
  excludeDir: string[];
  timelineGlob: string;
  /** Kinds read whole, each with the most bytes read of one file (the walk leaves them unsized). */
  wholeKinds: [ArtifactKind, number][];
  /**
   * Two 32-bit counters the main thread keeps: how many of the files left to it it has read, and
   * how many KiB of the text read here it has parsed (each file rounded up to whole KiB).
   */
  progress: SharedArrayBuffer;
  /**
   * Files the main thread may have waiting to be read before the scanner reads them itself: a few
   * batches, so it never runs dry between two messages (0: the scanner reads every file it may).
   */
  backlogFiles: number;
  /**
   * The root's listing when the main thread has read it (see `DirListing` in walk.ts), with the
   * names joined by "/"; without it, the walk lists the root itself.
   */
  rootListing?: { names: string; types: Uint8Array };
}

/**
 * Messages to the scanner: first the {@link ScanRequest}, then the buffers of batches whose
 * bytes were decoded, handed back so the scanner reuses them instead of allocating.
 */
export type ScanInput = ScanRequest | { recycle: ArrayBuffer };

/** Messages from the scanner: batches of files in walk order, then `done` (or `failed`). */
export type ScanMessage =
  | { type: "batch"; files: WalkedFile[]; read: ReadFiles }
  | { type: "done"; issues: WalkIssue[] }
  | { type: "failed"; message: string };

/**
 * The bytes of the files of a batch that the scanner read. File `i`'s bytes are
 * `bytes.subarray(spans[2i], spans[2i + 1])`, unless `spans[2i]` is -1: then it is in `failed`
 * (with why and, when known, its size), or it was left to the main thread to read.
 */
export interface ReadFiles {
  bytes: Uint8Array;
  spans: Int32Array;
  failed: [number, string, number | null][];
}

/**
 * Bytes of a batch buffer; a batch is posted early when the next file does not fit. A bigger
 * file is left to the main thread, which reads it when it gets to it.
 */
const BATCH_BYTES = 1 << 20;

/**
 * KiB of text read here that the main thread may have waiting to be parsed before the scanner
 * stops reading ahead: a bound on the memory that texts in flight take, whatever the files.
 */
const AHEAD_KIB = 32 * 1024;

/** Files per message: enough to keep messaging cheap, few enough to start parsing early. */
const BATCH_FILES = 128;

/** The worker's global scope, typed for what this module uses. */
const scope = globalThis as unknown as {
  onmessage: ((ev: MessageEvent<ScanInput>) => void) | null;
  postMessage(message: ScanMessage, transfer?: Transferable[]): void;
};

/** The buffer a batch message hands over (see {@link ReadFiles}). */
function transfersOf(message: ScanMessage): ArrayBuffer[] {
  return message.type === "batch" ? [message.read.bytes.buffer as ArrayBuffer] : [];
}

/**
 * Walk as {@link ScanRequest} says, calling `post` with each batch and finally with `done`.
 * `spare` holds batch buffers handed back by the main thread. Exported for tests; the worker runs
 * it on the first message it gets.
 *
 * @example
 * ```ts
 * const progress = new SharedArrayBuffer(8);
 * await scan({
 *   root: "results",
 *   excludeDir: [],
 *   timelineGlob: "x",
 *   wholeKinds: [],
 *   progress,
 *   backlogFiles: 384,
 * }, console.log);
 * ```
 */
export async function scan(
  req: ScanRequest,
  post: (message: ScanMessage) => void,
  spare: Uint8Array[] = [],
): Promise<void> {
  const whole = new Map(req.wholeKinds);
  const prefix = `${req.root}/`;
  const progress = new Int32Array(req.progress);
  /** Files of read-whole kinds posted (or about to be) for the main thread to read. */
  let leftToMain = 0;
  /** KiB of text read here and posted (or about to be). */
  let readKib = 0;
  let files: WalkedFile[] = [];
  let bytes = spare.pop() ?? new Uint8Array(BATCH_BYTES);
  let used = 0;
  let spans = new Int32Array(2 * BATCH_FILES);
  let failed: ReadFiles["failed"] = [];
  const flush = () => {
    post({ type: "batch", files, read: { bytes: bytes.subarray(0, used), spans, failed } });
    files = [];
    bytes = spare.pop() ?? new Uint8Array(BATCH_BYTES);
    used = 0;
    spans = new Int32Array(2 * BATCH_FILES);
    failed = [];
  };
  // Read here when the main thread has enough files of its own to read, and the text already
  // sent and not yet parsed is within bounds.
  const readHere = () =>
    leftToMain - Atomics.load(progress, 0) >= req.backlogFiles &&
    readKib - Atomics.load(progress, 1) < AHEAD_KIB;
  const walked = await walkResults(req.root, {
    excludeDir: req.excludeDir,
    isTimeline: timelineMatcher(req.timelineGlob),
    sizeFromRead: (kind) => whole.has(kind),
    // Turns of the event loop let handed-back buffers arrive while the walk goes on.
    pauseMs: SLICE_MS,
    // Each file is posted as it is found; the list would only hold them all a second time.
    collect: false,
    rootListing: req.rootListing && {
      names: req.rootListing.types.length === 0 ? [] : req.rootListing.names.split("/"),
      types: req.rootListing.types,
    },
    onFile: (file) => {
      const limit = whole.get(file.kind);
      let span = -1;
      let failure: [string, number | null] | null = null;
      if (limit !== undefined) {
        const read = readHere()
          ? readBytesSync(prefix + file.path, Math.min(limit, BATCH_BYTES))
          : null;
        if (read?.ok) {
          if (used + read.bytes.length > bytes.length) flush();
          // Valid only until the next read: copied into the batch at once.
          bytes.set(read.bytes, used);
          span = used;
          used += read.bytes.length;
          readKib += kibOf(read.bytes.length);
        } else if (read && !(read.size !== null && read.size > BATCH_BYTES)) {
          failure = [read.message, read.size];
        } else {
          // Not read here, or too big to carry (then its limit may still allow it): the main
          // thread reads it.
          leftToMain++;
        }
      }
      const i = files.length;
      spans[2 * i] = span;
      spans[2 * i + 1] = used;
      if (failure) failed.push([i, ...failure]);
      files.push(file);
      if (files.length >= BATCH_FILES) flush();
    },
  });
  if (files.length > 0) flush();
  post({ type: "done", issues: walked.issues });
}

// Only as a worker: importing `scan` elsewhere (tests) must not take over the global handler.
if ("WorkerGlobalScope" in globalThis) {
  const spare: Uint8Array[] = [];
  let started = false;
  scope.onmessage = (ev) => {
    const input = ev.data;
    if ("recycle" in input) {
      spare.push(new Uint8Array(input.recycle));
      return;
    }
    if (started) return;
    started = true;
    scan(input, (m) => scope.postMessage(m, transfersOf(m)), spare).catch((e) =>
      scope.postMessage({ type: "failed", message: errText(e) })
    );
  };
}
