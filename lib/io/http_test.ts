import assert from "node:assert/strict";
import { fetchText, probeEndpoint, resolveMetricsTarget, scrapeMetrics } from "./http.ts";

type Handler = (req: Request) => Response | Promise<Response>;

/** Run `fn` against a loopback server; the server is always shut down. */
async function withServer(handler: Handler, fn: (base: string) => Promise<void>): Promise<void> {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => handler(req),
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

/** A handler that never answers until the client goes away. */
function hang(req: Request): Promise<Response> {
  return new Promise((resolve) => {
    req.signal.addEventListener("abort", () => resolve(new Response("late")));
  });
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test("resolveMetricsTarget: base URL gets /metrics, explicit paths are kept", () => {
  assert.deepEqual(resolveMetricsTarget("http://10.0.0.1:8000"), {
    base: "http://10.0.0.1:8000",
    metrics: "http://10.0.0.1:8000/metrics",
    explicit: false,
  });
  assert.deepEqual(resolveMetricsTarget("http://h:8081/prometheus/metrics"), {
    base: "http://h:8081",
    metrics: "http://h:8081/prometheus/metrics",
    explicit: true,
  });
  // Behind a gateway's path prefix, the probes and the fallback page stay under the prefix.
  for (const path of ["/trt/metrics", "/trt/metrics/", "/trt/prometheus/metrics"]) {
    assert.deepEqual(resolveMetricsTarget(`http://gw:8080${path}`), {
      base: "http://gw:8080/trt",
      metrics: `http://gw:8080${path}`,
      explicit: true,
    });
  }
  // A path that names no metrics page says nothing of a prefix.
  assert.equal(resolveMetricsTarget("http://h/custom/prom")?.base, "http://h");
  assert.equal(resolveMetricsTarget("ftp://h/x"), null);
  assert.equal(resolveMetricsTarget("not a url"), null);
  assert.equal(resolveMetricsTarget("http:///metrics"), null); // no host, not host "metrics"
  // User info stays on the base, for /metrics and for the probes.
  assert.deepEqual(resolveMetricsTarget("https://u:p%40ss@h:8443"), {
    base: "https://u:p%40ss@h:8443",
    metrics: "https://u:p%40ss@h:8443/metrics",
    explicit: false,
  });
  assert.equal(resolveMetricsTarget("http://token@h")?.base, "http://token@h");
});

Deno.test("fetchText: ok body, with invalid UTF-8 replaced", async () => {
  await withServer(
    (req) =>
      new URL(req.url).pathname === "/bad"
        ? new Response(new Uint8Array([0x61, 0x20, 0xff, 0xfe, 0x0a]))
        : new Response("up 1\n", { headers: { "content-type": "text/plain" } }),
    async (base) => {
      const ok = await fetchText(`${base}/metrics`, { timeoutMs: 2000 });
      assert.equal(ok.kind, "ok");
      if (ok.kind === "ok") {
        assert.deepEqual([ok.body, ok.replacedInvalidUtf8, ok.status], ["up 1\n", false, 200]);
      }
      const bad = await fetchText(`${base}/bad`, { timeoutMs: 2000 });
      assert.equal(bad.kind, "ok");
      if (bad.kind === "ok") {
        assert.deepEqual([bad.body, bad.replacedInvalidUtf8], ["a \ufffd\ufffd\n", true]);
      }
    },
  );
});

Deno.test("fetchText: connection refused is its own outcome", async () => {
  const port = freePort();
  const got = await fetchText(`http://127.0.0.1:${port}/metrics`, { timeoutMs: 2000 });
  assert.equal(got.kind, "refused");
});

Deno.test("fetchText: a server that never answers is abandoned at the timeout", async () => {
  await withServer(hang, async (base) => {
    const t0 = performance.now();
    const got = await fetchText(`${base}/metrics`, { timeoutMs: 300 });
    assert.deepEqual(got, { kind: "timeout", url: `${base}/metrics`, timeoutMs: 300 });
    assert.ok(performance.now() - t0 < 300 + 5000, "finished within timeout + generous slack");
  });
});

Deno.test("fetchText: the timeout also covers a body that stalls after the headers", async () => {
  await withServer((req) => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("vllm:num_requests_running 1\n"));
        req.signal.addEventListener("abort", () => c.close());
      },
    });
    return new Response(body);
  }, async (base) => {
    const got = await fetchText(`${base}/metrics`, { timeoutMs: 300 });
    assert.equal(got.kind, "timeout");
  });
});

Deno.test("fetchText: a 50 MB body is cut off at the cap (streamed and with content-length)", async () => {
  const chunk = new Uint8Array(1024 * 1024).fill(0x61);
  await withServer((req) => {
    if (new URL(req.url).pathname === "/declared") {
      return new Response(new Uint8Array(50 * 1024 * 1024));
    }
    let sent = 0;
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent >= 50) return c.close();
          sent++;
          c.enqueue(chunk);
        },
      }),
    );
  }, async (base) => {
    const streamed = await fetchText(`${base}/metrics`, { timeoutMs: 10_000 });
    assert.deepEqual(streamed, {
      kind: "body_too_large",
      url: `${base}/metrics`,
      limitBytes: 16 * 1024 * 1024,
    });
    const declared = await fetchText(`${base}/declared`, { timeoutMs: 10_000, maxBytes: 1024 });
    assert.equal(declared.kind, "body_too_large");
  });
});

Deno.test("fetchText: HTTP status and empty body outcomes", async () => {
  await withServer((req) => {
    const p = new URL(req.url).pathname;
    if (p === "/empty") return new Response("");
    if (p === "/boom") return new Response("err", { status: 500 });
    return new Response("nope", { status: 404 });
  }, async (base) => {
    assert.deepEqual(await fetchText(`${base}/metrics`, { timeoutMs: 2000 }), {
      kind: "http_status",
      url: `${base}/metrics`,
      status: 404,
    });
    assert.equal((await fetchText(`${base}/boom`, { timeoutMs: 2000 })).kind, "http_status");
    assert.equal((await fetchText(`${base}/empty`, { timeoutMs: 2000 })).kind, "empty_body");
  });
});

Deno.test("fetchText: redirects are followed on the same host, at most 3, never to another host", async () => {
  await withServer((req) => {
    const u = new URL(req.url);
    const m = /^\/hop(\d+)$/.exec(u.pathname);
    if (m) {
      const n = Number(m[1]);
      return new Response(null, {
        status: 302,
        headers: { location: n > 1 ? `/hop${n - 1}` : "/metrics" },
      });
    }
    if (u.pathname === "/file") {
      return new Response(null, { status: 302, headers: { location: "file:///etc/passwd" } });
    }
    if (u.pathname === "/away") {
      return new Response(null, {
        status: 301,
        headers: { location: "http://192.0.2.1:9/metrics" },
      });
    }
    return new Response("ok 1\n");
  }, async (base) => {
    const three = await fetchText(`${base}/hop3`, { timeoutMs: 2000 });
    assert.equal(three.kind, "ok");
    if (three.kind === "ok") assert.equal(three.url, `${base}/metrics`);
    assert.equal((await fetchText(`${base}/hop4`, { timeoutMs: 2000 })).kind, "too_many_redirects");
    const away = await fetchText(`${base}/away`, { timeoutMs: 2000 });
    assert.equal(away.kind, "redirect_refused");
    if (away.kind === "redirect_refused") {
      assert.equal(away.location, "http://192.0.2.1:9/metrics");
      assert.equal(away.message, "Redirect to another host (192.0.2.1:9) refused");
    }
    const file = await fetchText(`${base}/file`, { timeoutMs: 2000 });
    assert.equal(file.kind, "redirect_refused");
    if (file.kind === "redirect_refused") {
      assert.equal(file.message, "Redirect to another host (file:) refused");
    }
  });
});

Deno.test("scrapeMetrics: JSON at /metrics falls back to /prometheus/metrics (TensorRT-LLM)", async () => {
  await withServer((req) => {
    const p = new URL(req.url).pathname;
    if (p === "/metrics") return Response.json([{ numActiveRequests: 1 }]);
    if (p === "/prometheus/metrics") return new Response("trtllm_request_success_total 2\n");
    return new Response("", { status: 404 });
  }, async (base) => {
    const got = await scrapeMetrics(resolveMetricsTarget(base)!, { timeoutMs: 2000 });
    assert.deepEqual([got.jsonAtMetrics, got.fallbackUsed, got.outcome.kind], [true, true, "ok"]);
    if (got.outcome.kind === "ok") {
      assert.equal(got.outcome.body, "trtllm_request_success_total 2\n");
    }
  });
  await withServer(
    (req) =>
      new URL(req.url).pathname === "/metrics"
        ? Response.json({ a: 1 })
        : new Response("", { status: 404 }),
    async (base) => {
      const got = await scrapeMetrics(resolveMetricsTarget(base)!, { timeoutMs: 2000 });
      assert.deepEqual([got.jsonAtMetrics, got.fallbackUsed], [true, false]);
    },
  );
});

Deno.test("probeEndpoint: owned_by, version and SGLang server info; failures are null", async () => {
  await withServer((req) => {
    const p = new URL(req.url).pathname;
    if (p === "/v1/models") return Response.json({ data: [{ id: "m", owned_by: "sglang" }] });
    if (p === "/get_server_info") {
      return Response.json({ disaggregation_mode: "prefill", version: "0.5.0" });
    }
    return new Response("", { status: 404 });
  }, async (base) => {
    assert.deepEqual(await probeEndpoint(base, { timeoutMs: 2000 }), {
      modelsOwnedBy: "sglang",
      modelId: "m",
      version: null,
      serverInfo: { disaggregation_mode: "prefill", version: "0.5.0" },
    });
  });
});
