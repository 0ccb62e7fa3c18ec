/**
 * A run's request accounting (AgentX v1.0 aggregates, aiperf exports: `notes.request_accounting`),
 * read as the counts its success rate rests on.
 * @module
 */

/** Requests as a run's accounting counts them. */
export interface AccountedRequests {
  /** Records profiled (the run's successful requests). */
  profiled: number;
  /** Records that failed while profiling (warm-up records are not failures). */
  failed: number;
  /** Warm-up records left out of both; `null` when the accounting does not say. */
  warmup: number | null;
}

/**
 * The profiled, failed and warm-up counts of a request accounting, or `null` when it does not
 * give the profiled records and the failures (dropped minus warm-up, else error-dropped). The
 * success rate these give is profiled ÷ (profiled + failed).
 *
 * @example
 * ```ts
 * accountedRequests({ records_profiled: 906, records_dropped_total: 712, records_warmup_dropped: 711 });
 * // { profiled: 906, failed: 1, warmup: 711 }
 * ```
 */
export function accountedRequests(requestAccounting: unknown): AccountedRequests | null {
  if (requestAccounting === null || typeof requestAccounting !== "object") return null;
  const acc = requestAccounting as Record<string, unknown>;
  const profiled = acc.records_profiled;
  if (typeof profiled !== "number") return null;
  const dropped = acc.records_dropped_total;
  const warmup = typeof acc.records_warmup_dropped === "number" ? acc.records_warmup_dropped : null;
  const failed = typeof dropped === "number" && warmup !== null && dropped >= warmup
    ? dropped - warmup
    : typeof acc.records_error_dropped === "number"
    ? acc.records_error_dropped
    : null;
  return failed === null ? null : { profiled, failed, warmup };
}
