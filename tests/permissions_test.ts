/**
 * Each command of `main.ts` gives up the permissions it does not need before it runs. A child
 * process granted everything calls `main()` and then reports what it still holds.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const NAMES = ["read", "write", "net", "env", "sys", "run", "ffi"] as const;
const MAIN_URL = new URL("../main.ts", import.meta.url).href;
const SAMPLE = fileURLToPath(new URL("../testdata/sample", import.meta.url));

/** Runs `main(args)` in a child with every permission and returns its exit code and what it holds. */
async function probe(args: string[]): Promise<{ code: number; held: string[] }> {
  const code = `
    const { main } = await import(${JSON.stringify(MAIN_URL)});
    const code = await main(${JSON.stringify(args)});
    const held = ${JSON.stringify(NAMES)}.filter((name) =>
      Deno.permissions.querySync({ name }).state === "granted"
    );
    console.log("PROBE " + JSON.stringify({ code, held }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const line = stdout.split("\n").find((l) => l.startsWith("PROBE "));
  assert.ok(line, `no probe line; stderr: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(line.slice("PROBE ".length));
}

Deno.test("the probe starts with every permission", async () => {
  const { code, held } = await probe(["no-such-command"]);
  assert.equal(code, 3);
  assert.deepEqual(held, [...NAMES]);
});

Deno.test("analyze keeps read, write and env, and still writes its reports", async () => {
  const out = await Deno.makeTempDir({ prefix: "inferguard_perm_" });
  try {
    const { code, held } = await probe([
      "analyze",
      SAMPLE,
      "--output-dir",
      out,
      "--quiet",
      "--fail-on",
      "never",
    ]);
    assert.equal(code, 0);
    assert.deepEqual(held, ["read", "write", "env"]);
    const report = JSON.parse(await Deno.readTextFile(`${out}/report.json`));
    assert.equal(report.run_summary.cells_total, 92);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("disagg keeps net and write (for --timeline), and cannot read files", async () => {
  const { code, held } = await probe(["disagg", "status", "--help"]);
  assert.equal(code, 0);
  assert.deepEqual(held, ["write", "net"]);
});

Deno.test("disagg gives up read after opening its timeline, before scraping", async () => {
  const dir = await Deno.makeTempDir({ prefix: "inferguard_perm_" });
  try {
    // Port 9 on loopback refuses at once: one critical endpoint_unreachable sample, exit 2.
    const { code, held } = await probe([
      "disagg",
      "status",
      "--prefill",
      "http://127.0.0.1:9",
      "--decode",
      "http://127.0.0.1:9",
      "--window",
      "0",
      "--json",
      "--timeline",
      `${dir}/t.jsonl`,
    ]);
    assert.equal(code, 2);
    assert.deepEqual(held, ["write", "net"]);
    assert.equal((await Deno.readTextFile(`${dir}/t.jsonl`)).split("\n").length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (const args of [["schema"], ["--version"], ["--help"]]) {
  Deno.test(`${args[0]} keeps nothing`, async () => {
    const { code, held } = await probe(args);
    assert.equal(code, 0);
    assert.deepEqual(held, []);
  });
}
