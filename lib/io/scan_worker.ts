/**
 * The scanner thread of `scanAndLoad` (lib/io/load.ts): walks the results tree and posts the files
 * it finds in batches, in walk order, so that on a big tree the main thread reads and parses while
 * the directories are listed on a second core. Runs as a module worker; it only lists directories.
 * @module
 */
import { globMatcher } from "../sniff.ts";
import type { ArtifactIssue, ArtifactKind } from "../types.ts";
import { errText, type WalkedFile, walkResults } from "./walk.ts";

/** What to walk: the walk's options, with the timeline glob as text. */
export interface ScanRequest {
  root: string;
  excludeDir: string[];
  timelineGlob: string;
  /** Kinds the main thread reads whole (so the walk leaves them unsized). */
  wholeKinds: ArtifactKind[];
}

/** Messages from the scanner: batches of files in walk order, then `done` (or `failed`). */
export type ScanMessage =
  | { type: "batch"; files: WalkedFile[] }
  | { type: "done"; issues: ArtifactIssue[] }
  | { type: "failed"; message: string };

/** Files per message: enough to keep messaging cheap, few enough to start parsing early. */
const BATCH_FILES = 256;

/** The worker's global scope, typed for what this module uses. */
const scope = globalThis as unknown as {
  onmessage: ((ev: MessageEvent<ScanRequest>) => void) | null;
  postMessage(message: ScanMessage): void;
};

/**
 * Walk as {@link ScanRequest} says, calling `post` with each batch and finally with `done`.
 * Exported for tests; the worker runs it on the first message it gets.
 *
 * @example
 * ```ts
 * await scan({ root: "results", excludeDir: [], timelineGlob: "x", wholeKinds: [] }, console.log);
 * ```
 */
export async function scan(req: ScanRequest, post: (message: ScanMessage) => void): Promise<void> {
  const whole = new Set(req.wholeKinds);
  let files: WalkedFile[] = [];
  const walked = await walkResults(req.root, {
    excludeDir: req.excludeDir,
    isTimeline: globMatcher(req.timelineGlob),
    sizeFromRead: (kind) => whole.has(kind),
    onFile: (file) => {
      files.push(file);
      if (files.length >= BATCH_FILES) {
        post({ type: "batch", files });
        files = [];
      }
    },
  });
  if (files.length > 0) post({ type: "batch", files });
  post({ type: "done", issues: walked.issues });
}

// Only as a worker: importing `scan` elsewhere (tests) must not take over the global handler.
if ("WorkerGlobalScope" in globalThis) {
  scope.onmessage = (ev) => {
    scope.onmessage = null;
    scan(ev.data, (m) => scope.postMessage(m)).catch((e) =>
      scope.postMessage({ type: "failed", message: errText(e) })
    );
  };
}
