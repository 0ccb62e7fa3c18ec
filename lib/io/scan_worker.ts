/**
 * The scanner thread of `scanAndLoad` (lib/io/load.ts): walks the results tree and posts the files
 * it finds in batches, in walk order, so that on a big tree the main thread reads and parses while
 * the directories are listed on a second core. When the main thread falls behind, the scanner
 * also reads files itself and sends their bytes along, so the reads are shared between the two
 * threads. Runs as a module worker.
 * @module
 */
import { globMatcher } from "../sniff.ts";
import type { ArtifactIssue, ArtifactKind } from "../types.ts";
import { errText, type WalkedFile, walkResults } from "./walk.ts";
import { readBytesSync } from "./read.ts";
import { SLICE_MS } from "./event_loop.ts";

/** What to walk: the walk's options, with the timeline glob as text. */
export interface ScanRequest {
  root: string;
  excludeDir: string[];
  timelineGlob: string;
  /** Kinds read whole, each with the most bytes read of one file (the walk leaves them unsized). */
  wholeKinds: [ArtifactKind, number][];
  /**
   * One 32-bit counter: how many of the files left to the main thread it has read so far. The
   * scanner reads a file itself while the main thread has `backlogFiles` or more still to read.
   */
  mainReads: SharedArrayBuffer;
  /**
   * Files the main thread may have waiting to be read before the scanner reads them itself: a few
   * batches, so it never runs dry between two messages (0: the scanner reads every file).
   */
  backlogFiles: number;
}

/**
 * Messages to the scanner: first the {@link ScanRequest}, then the buffers of batches whose
 * bytes were decoded, handed back so the scanner reuses them instead of allocating.
 */
export type ScanInput = ScanRequest | { recycle: ArrayBuffer };

/** Messages from the scanner: batches of files in walk order, then `done` (or `failed`). */
export type ScanMessage =
  | { type: "batch"; files: WalkedFile[]; read: ReadFiles }
  | { type: "done"; issues: ArtifactIssue[] }
  | { type: "failed"; message: string };

/**
 * The bytes of the files of a batch that the scanner read. File `i`'s bytes are
 * `bytes.subarray(spans[2i], spans[2i + 1])`, unless `spans[2i]` is -1: then it is in `own` (too
 * big for the batch buffer, so in a buffer of its own), in `failed` (with why and, when known,
 * its size), or it was left to the main thread to read.
 */
export interface ReadFiles {
  bytes: Uint8Array;
  spans: Int32Array;
  own: [number, Uint8Array][];
  failed: [number, string, number | null][];
}

/**
 * Bytes of a batch buffer; a batch is posted early when the next file does not fit. A file that
 * does not fit in an empty one goes in a buffer of its own.
 */
const BATCH_BYTES = 1 << 20;

/** Files per message: enough to keep messaging cheap, few enough to start parsing early. */
const BATCH_FILES = 128;

/** The worker's global scope, typed for what this module uses. */
const scope = globalThis as unknown as {
  onmessage: ((ev: MessageEvent<ScanInput>) => void) | null;
  postMessage(message: ScanMessage, transfer?: Transferable[]): void;
};

/** The buffers a batch message hands over (see {@link ReadFiles}). */
export function transfersOf(message: ScanMessage): ArrayBuffer[] {
  if (message.type !== "batch") return [];
  const { bytes, own } = message.read;
  return [bytes.buffer as ArrayBuffer, ...own.map(([, b]) => b.buffer as ArrayBuffer)];
}

/**
 * Walk as {@link ScanRequest} says, calling `post` with each batch and finally with `done`.
 * `spare` holds batch buffers handed back by the main thread. Exported for tests; the worker runs
 * it on the first message it gets.
 *
 * @example
 * ```ts
 * const mainReads = new SharedArrayBuffer(4);
 * await scan({
 *   root: "results",
 *   excludeDir: [],
 *   timelineGlob: "x",
 *   wholeKinds: [],
 *   mainReads,
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
  const mainReads = new Int32Array(req.mainReads);
  /** Files of read-whole kinds posted (or about to be) for the main thread to read. */
  let leftToMain = 0;
  let files: WalkedFile[] = [];
  let bytes = spare.pop() ?? new Uint8Array(BATCH_BYTES);
  let used = 0;
  let spans = new Int32Array(2 * BATCH_FILES);
  let own: ReadFiles["own"] = [];
  let failed: ReadFiles["failed"] = [];
  const flush = () => {
    post({ type: "batch", files, read: { bytes: bytes.subarray(0, used), spans, own, failed } });
    files = [];
    bytes = spare.pop() ?? new Uint8Array(BATCH_BYTES);
    used = 0;
    spans = new Int32Array(2 * BATCH_FILES);
    own = [];
    failed = [];
  };
  const walked = await walkResults(req.root, {
    excludeDir: req.excludeDir,
    isTimeline: globMatcher(req.timelineGlob),
    sizeFromRead: (kind) => whole.has(kind),
    // Turns of the event loop let handed-back buffers arrive while the walk goes on.
    pauseMs: SLICE_MS,
    // Each file is posted as it is found; the list would only hold them all a second time.
    collect: false,
    onFile: (file) => {
      const limit = whole.get(file.kind);
      let span = -1;
      let read = null;
      if (limit !== undefined) {
        if (leftToMain - Atomics.load(mainReads, 0) < req.backlogFiles) leftToMain++;
        else {
          read = readBytesSync(prefix + file.path, limit);
          if (read.ok && read.bytes.length <= bytes.length) {
            if (used + read.bytes.length > bytes.length) flush();
            // Valid only until the next read: copied into the batch at once.
            bytes.set(read.bytes, used);
            span = used;
            used += read.bytes.length;
          }
        }
      }
      const i = files.length;
      spans[2 * i] = span;
      spans[2 * i + 1] = used;
      if (read !== null && !read.ok) failed.push([i, read.message, read.size]);
      else if (read !== null && span === -1) own.push([i, read.bytes]);
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
