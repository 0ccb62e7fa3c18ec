/**
 * HTTP scraping for `disagg status`: real per-request timeouts (headers and body), a body size
 * cap, bounded same-host redirects followed by hand, and every failure as a discriminated union
 * (never a thrown error).
 * @module
 */
import type { Probes } from "../../live/identify.ts";

/** Default cap on a response body: 16 MiB. */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
/** Default number of redirects followed. */
export const DEFAULT_MAX_REDIRECTS = 3;

/** Outcome of one GET. */
export type FetchOutcome =
  | {
    kind: "ok";
    url: string;
    status: number;
    contentType: string | null;
    body: string;
    bytes: number;
    /** True when invalid UTF-8 was decoded with U+FFFD replacement characters. */
    replacedInvalidUtf8: boolean;
  }
  | { kind: "refused"; url: string; message: string }
  | { kind: "timeout"; url: string; timeoutMs: number }
  | { kind: "network_error"; url: string; message: string }
  | { kind: "http_status"; url: string; status: number }
  | { kind: "empty_body"; url: string; status: number }
  | { kind: "body_too_large"; url: string; limitBytes: number }
  | { kind: "redirect_refused"; url: string; location: string; message: string }
  | { kind: "too_many_redirects"; url: string; maxRedirects: number }
  | { kind: "invalid_url"; url: string; message: string };

/** Options of one GET. */
export interface FetchOptions {
  /** Whole-request timeout (connect, headers and body), milliseconds. */
  timeoutMs: number;
  /** Body size cap in bytes (default 16 MiB). */
  maxBytes?: number;
  /** Redirects followed, same host only (default 3). */
  maxRedirects?: number;
}

/** Where to scrape: the base URL and the metrics URL. */
export interface MetricsTarget {
  base: string;
  metrics: string;
  /** True when the input already named a path. */
  explicit: boolean;
}

/**
 * Resolve `--prefill`/`--decode`: a base URL (`http://host:port`) gets `/metrics`; a URL with a
 * path is used as is, and when that path ends in `/metrics` (or `/prometheus/metrics`), what comes
 * before it is the base of the probes and of the `/prometheus/metrics` fallback. Returns `null`
 * for anything that is not an http(s) URL.
 *
 * @example
 * ```ts
 * resolveMetricsTarget("http://10.0.0.1:8000")?.metrics; // "http://10.0.0.1:8000/metrics"
 * ```
 */
export function resolveMetricsTarget(input: string): MetricsTarget | null {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  // "http:///metrics" parses with "metrics" as the host: a URL with no host is refused instead.
  if (/^[a-z]+:\/\/\//i.test(input.trim())) return null;
  // The origin with the user info kept: credentials go to /metrics and to the probes alike.
  const auth = url.username || url.password
    ? `${url.username}${url.password ? `:${url.password}` : ""}@`
    : "";
  const origin = `${url.protocol}//${auth}${url.host}`;
  if (url.pathname === "/" || url.pathname === "") {
    return { base: origin, metrics: `${origin}/metrics${url.search}`, explicit: false };
  }
  // An engine behind a path prefix (a gateway's `/trt/metrics`, or TRT-LLM's own
  // `/trt/prometheus/metrics`): its fallback page and its probes are under the same prefix
  // (`/trt/prometheus/metrics`, `/trt/v1/models`), not at the host root.
  const prefix = /^(.*?)(?:\/prometheus)?\/metrics\/?$/.exec(url.pathname)?.[1] ?? "";
  return { base: origin + prefix, metrics: url.href, explicit: true };
}

class TimeoutSignal {
  readonly controller = new AbortController();
  #timer: ReturnType<typeof setTimeout>;
  #fired = false;
  readonly fired: Promise<void>;
  constructor(ms: number) {
    let resolve!: () => void;
    this.fired = new Promise<void>((r) => (resolve = r));
    this.#timer = setTimeout(() => {
      this.#fired = true;
      this.controller.abort(new DOMException("Request timed out", "TimeoutError"));
      resolve();
    }, ms);
  }
  get timedOut(): boolean {
    return this.#fired;
  }
  clear(): void {
    clearTimeout(this.#timer);
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    const c = cause instanceof Error ? `: ${cause.message}` : "";
    return `${err.message}${c}`;
  }
  return String(err);
}

async function readCapped(
  res: Response,
  maxBytes: number,
  timeout: TimeoutSignal,
): Promise<{ bytes: Uint8Array } | { tooLarge: true } | { timedOut: true }> {
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    return { tooLarge: true };
  }
  if (!res.body) return { bytes: new Uint8Array(0) };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const timedOut = timeout.fired.then(() => "timeout" as const);
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), timedOut]);
      if (next === "timeout") {
        await reader.cancel().catch(() => {});
        return { timedOut: true };
      }
      if (next.done) break;
      total += next.value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return { tooLarge: true };
      }
      chunks.push(next.value);
    }
  } catch (err) {
    if (timeout.timedOut) return { timedOut: true };
    throw err;
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    bytes.set(c, off);
    off += c.byteLength;
  }
  return { bytes };
}

function decodeUtf8(bytes: Uint8Array): { text: string; replaced: boolean } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), replaced: false };
  } catch {
    return { text: new TextDecoder("utf-8").decode(bytes), replaced: true };
  }
}

/**
 * GET a URL as text within `timeoutMs` (covering redirects, headers and body), capped at
 * `maxBytes`, following at most `maxRedirects` same-host redirects. Never throws.
 */
export async function fetchText(url: string, options: FetchOptions): Promise<FetchOutcome> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let current: URL;
  try {
    current = new URL(url);
  } catch (err) {
    return { kind: "invalid_url", url, message: describe(err) };
  }
  const origin = current;
  const timeout = new TimeoutSignal(options.timeoutMs);
  try {
    for (let hop = 0;; hop++) {
      let res: Response;
      try {
        res = await fetch(current, {
          redirect: "manual",
          signal: timeout.controller.signal,
          headers: {
            accept: "text/plain;version=0.0.4, application/openmetrics-text;q=0.5, */*;q=0.1",
          },
        });
      } catch (err) {
        if (timeout.timedOut) {
          return { kind: "timeout", url: current.href, timeoutMs: options.timeoutMs };
        }
        const message = describe(err);
        if (/refused/i.test(message)) return { kind: "refused", url: current.href, message };
        return { kind: "network_error", url: current.href, message };
      }
      if (res.status >= 300 && res.status < 400 && res.headers.has("location")) {
        await res.body?.cancel().catch(() => {});
        const location = res.headers.get("location") ?? "";
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          return {
            kind: "redirect_refused",
            url: current.href,
            location,
            message: "Invalid redirect location",
          };
        }
        if (next.host !== origin.host || next.protocol !== origin.protocol) {
          return {
            kind: "redirect_refused",
            url: current.href,
            location: next.href,
            message: next.host !== origin.host
              ? `Redirect to another host (${next.host || next.protocol}) refused`
              : `Redirect from ${origin.protocol} to ${next.protocol} refused`,
          };
        }
        if (hop >= maxRedirects) {
          return { kind: "too_many_redirects", url: current.href, maxRedirects };
        }
        current = next;
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        await res.body?.cancel().catch(() => {});
        return { kind: "http_status", url: current.href, status: res.status };
      }
      let read;
      try {
        read = await readCapped(res, maxBytes, timeout);
      } catch (err) {
        if (timeout.timedOut) {
          return { kind: "timeout", url: current.href, timeoutMs: options.timeoutMs };
        }
        return { kind: "network_error", url: current.href, message: describe(err) };
      }
      if ("timedOut" in read) {
        return { kind: "timeout", url: current.href, timeoutMs: options.timeoutMs };
      }
      if ("tooLarge" in read) {
        return { kind: "body_too_large", url: current.href, limitBytes: maxBytes };
      }
      if (read.bytes.byteLength === 0) {
        return { kind: "empty_body", url: current.href, status: res.status };
      }
      const { text, replaced } = decodeUtf8(read.bytes);
      return {
        kind: "ok",
        url: current.href,
        status: res.status,
        contentType: res.headers.get("content-type"),
        body: text,
        bytes: read.bytes.byteLength,
        replacedInvalidUtf8: replaced,
      };
    }
  } finally {
    timeout.clear();
  }
}

/** Result of scraping an endpoint's metrics (with the TensorRT-LLM JSON fallback). */
export interface MetricsScrape {
  target: MetricsTarget;
  /** Outcome of the URL whose body is used (the fallback when it was taken). */
  outcome: FetchOutcome;
  /** True when `/metrics` returned JSON (and the fallback was tried). */
  jsonAtMetrics: boolean;
  /** True when the Prometheus text came from `/prometheus/metrics`. */
  fallbackUsed: boolean;
}

/** Whether a body looks like JSON rather than Prometheus text. */
export function looksLikeJson(body: string): boolean {
  const t = body.trimStart();
  return t.startsWith("{") || t.startsWith("[");
}

/** Scrape the metrics of one endpoint; JSON at `/metrics` retries `<base>/prometheus/metrics`. */
export async function scrapeMetrics(
  target: MetricsTarget,
  options: FetchOptions,
): Promise<MetricsScrape> {
  const first = await fetchText(target.metrics, options);
  if (first.kind !== "ok" || !looksLikeJson(first.body)) {
    return { target, outcome: first, jsonAtMetrics: false, fallbackUsed: false };
  }
  const fallback = await fetchText(`${target.base}/prometheus/metrics`, options);
  if (fallback.kind === "ok" && !looksLikeJson(fallback.body)) {
    return { target, outcome: fallback, jsonAtMetrics: true, fallbackUsed: true };
  }
  return { target, outcome: first, jsonAtMetrics: true, fallbackUsed: false };
}

async function getJson(url: string, options: FetchOptions): Promise<unknown> {
  const res = await fetchText(url, {
    ...options,
    maxBytes: Math.min(options.maxBytes ?? 1 << 20, 1 << 20),
  });
  if (res.kind !== "ok") return null;
  try {
    return JSON.parse(res.body);
  } catch {
    return null;
  }
}

/** Cheap identification probes: `/v1/models`, `/version`, SGLang `/get_server_info`. Never throws. */
export async function probeEndpoint(base: string, options: FetchOptions): Promise<Probes> {
  const [models, version, info] = await Promise.all([
    getJson(`${base}/v1/models`, options),
    getJson(`${base}/version`, options),
    getJson(`${base}/get_server_info`, options),
  ]);
  const first = (models as { data?: unknown[] } | null)?.data?.[0] as
    | { owned_by?: unknown; id?: unknown }
    | undefined;
  const v = (version as { version?: unknown } | null)?.version;
  const isObject = info !== null && typeof info === "object" && !Array.isArray(info);
  return {
    modelsOwnedBy: typeof first?.owned_by === "string" ? first.owned_by : null,
    modelId: typeof first?.id === "string" ? first.id : null,
    version: typeof v === "string" ? v : null,
    serverInfo: isObject ? info as Record<string, unknown> : null,
  };
}
