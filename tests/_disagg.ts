/**
 * Helpers of the `disagg status` tests: loopback fake engines (127.0.0.1 only) serving pages, the
 * real captures of `testdata/metrics/`, and an in-process run of the command.
 * @module
 */
import { runDisagg } from "../lib/io/disagg_main.ts";

const PAGES = new URL("../testdata/metrics/", import.meta.url);

/** A real `/metrics` capture of `testdata/metrics/` (byte-identical copies of realdata's). */
export const readPage = (name: string): Promise<string> => Deno.readTextFile(new URL(name, PAGES));

/** Serves `page(n)` on `/metrics` (n = 1-based scrape count); other paths answer `other(path)` or 404. */
export interface FakeEngine extends AsyncDisposable {
  base: string;
  scrapes: () => number;
}

export function fakeEngine(
  page: (n: number, req: Request) => Response | Promise<Response>,
  other?: (path: string) => Response | null,
): FakeEngine {
  let n = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/metrics") return page(++n, req);
    return other?.(path) ?? new Response("not found", { status: 404 });
  });
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    scrapes: () => n,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** A `text/plain` response, as engines serve `/metrics`. */
export const text = (body: string): Response =>
  new Response(body, { headers: { "content-type": "text/plain" } });

/** What one in-process run of `disagg` printed, and its exit code. */
export interface Run {
  code: number;
  stdout: string[];
  stderr: string[];
}

/** Runs `inferguard disagg <args>` in this process, collecting its lines. */
export async function run(args: string[]): Promise<Run> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runDisagg(args, {
    stdout: (l) => void stdout.push(l),
    stderr: (l) => stderr.push(l),
  });
  return { code, stdout, stderr };
}

/** A loopback port nothing listens on (a connection to it is refused). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}
