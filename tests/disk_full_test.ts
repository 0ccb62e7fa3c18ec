/**
 * A full disk while writing reports: the run exits 3 with a one-line message, no half-written
 * report or temporary file is left, and a previous report stays intact. The full disk is a
 * 64 KiB tmpfs, which needs the right to mount (root); where mounting is refused the test is
 * reported as ignored, with the reason, rather than passing without checking anything.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runCli } from "./_cli.ts";

const SAMPLE = fileURLToPath(new URL("../testdata/sample", import.meta.url));

async function run(cmd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  } catch (e) {
    return { code: -1, stderr: String(e) };
  }
}

const probe = await Deno.makeTempDir({ prefix: "inferguard_tmpfs_probe_" });
const canMount = (await run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe])).code === 0;
if (canMount) await run("umount", [probe]);
await Deno.remove(probe);

Deno.test({
  name: "disk full while writing reports: exit 3, one-line message, nothing half-written left",
  ignore: !canMount,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "inferguard_full_" });
    const out = `${dir}/out`;
    await Deno.mkdir(out);
    assert.equal((await run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", out])).code, 0);
    try {
      // A previous small report that must survive.
      await Deno.writeTextFile(`${out}/report.json`, '{"previous": true}\n');
      const r = await runCli([
        "analyze",
        SAMPLE,
        "--output-dir",
        out,
        "--generated-at",
        "2026-01-01T00:00:00Z",
        "--quiet",
      ]);
      assert.equal(r.code, 3, r.stderr);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^inferguard analyze: cannot write reports to ".*": /);
      assert.ok(!/\n\s+at /.test(r.stderr), "no stack trace");
      assert.equal(await Deno.readTextFile(`${out}/report.json`), '{"previous": true}\n');
      const left = [...Deno.readDirSync(out)].map((e) => e.name).filter((n) => n.endsWith(".tmp"));
      assert.deepEqual(left, [], "temporary files removed");
    } finally {
      await run("umount", [out]);
      await Deno.remove(dir, { recursive: true });
    }
  },
});
