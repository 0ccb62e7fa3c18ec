/**
 * The reader thread of {@link startLoading} (lib/io/load.ts): reads batches of whole files and
 * posts their text back, so the main thread walks the tree and parses while files are read.
 * Runs as a module worker; it only reads.
 * @module
 */
import { readTextSync, type SizedTextResult } from "./read.ts";

/** A batch of files to read whole: absolute paths and the byte limit of each. */
export interface ReadBatch {
  id: number;
  paths: string[];
  maxBytes: number[];
}

/** The texts of one {@link ReadBatch}, in its order. */
export interface ReadBatchResult {
  id: number;
  results: SizedTextResult[];
}

/** The worker's global scope, typed for what this module uses. */
const scope = globalThis as unknown as {
  onmessage: ((ev: MessageEvent<ReadBatch>) => void) | null;
  postMessage(message: ReadBatchResult): void;
};

scope.onmessage = (ev) => {
  const { id, paths, maxBytes } = ev.data;
  scope.postMessage({ id, results: paths.map((p, i) => readTextSync(p, maxBytes[i])) });
};
