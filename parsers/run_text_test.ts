import assert from "node:assert/strict";
import { parseCommandText } from "./run_text.ts";

Deno.test("command text: --start-users sets the concurrency; 0 or a 24-digit number does not", () => {
  const ok = parseCommandText("benchmark", "python bench.py --start-users 8 --max-concurrency 8");
  assert.equal(ok.drafts[0].identity.concurrency, 8);
  assert.deepEqual(ok.issues, []);
  for (const bad of ["0", "99999999999999999999999"]) {
    const r = parseCommandText("benchmark", `python bench.py --start-users=${bad}`);
    assert.equal(r.drafts[0].identity.concurrency, undefined, bad);
    assert.deepEqual(r.issues.map((i) => i.message), [
      `--start-users ${bad} is not a concurrency; not used`,
    ]);
    assert.equal(r.unreadable, false);
  }
});

Deno.test("command text: a server command with no offload flag says offload was off", () => {
  const off = parseCommandText("vllm", "vllm serve m --tensor-parallel-size 4");
  assert.equal(off.drafts[0].identity.offload_mode, "none");
  const on = parseCommandText("vllm", "vllm serve m --kv-offloading-backend native");
  assert.equal(on.drafts[0].identity.offload_mode, undefined);
  assert.equal(on.drafts[0].notes?.command_kv_offload, true);
});
