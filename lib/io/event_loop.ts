/**
 * Turns of the event loop in the middle of long synchronous work (the walk, reading and parsing
 * thousands of files), so signal handlers, timers and messages from the reader thread run on
 * time while the work itself stays on the cheap synchronous path.
 * @module
 */

/**
 * Resolve after one turn of the event loop: pending messages, I/O and signal handlers run first.
 * A message to ourselves over a fresh `MessageChannel` takes about 0.1 ms; `setTimeout(0)` is
 * clamped to milliseconds once timers nest.
 *
 * @example
 * ```ts
 * await nextTurn();
 * ```
 */
export function nextTurn(): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    port1.onmessage = () => {
      port1.close();
      port2.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/**
 * A function to call between units of synchronous work: it gives the event loop a turn when more
 * than `budgetMs` have passed since the last one, and otherwise returns at once (`null`, so the
 * caller only awaits when there is something to wait for).
 *
 * @example
 * ```ts
 * const pause = timeSlicer(20);
 * for (const file of files) {
 *   parse(file);
 *   const turn = pause();
 *   if (turn) await turn;
 * }
 * ```
 */
export function timeSlicer(budgetMs: number): () => Promise<void> | null {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < budgetMs) return null;
    return nextTurn().then(() => {
      last = performance.now();
    });
  };
}

/** Synchronous work between two turns of the event loop, in milliseconds. */
export const SLICE_MS = 20;
