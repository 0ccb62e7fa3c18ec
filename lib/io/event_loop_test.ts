import assert from "node:assert/strict";
import { nextTurn, timeSlicer } from "./event_loop.ts";

Deno.test("nextTurn lets an already-queued message run first, and leaves nothing open", async () => {
  const seen: string[] = [];
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = () => seen.push("message");
  port2.postMessage(null);
  await nextTurn();
  seen.push("after turn");
  port1.close();
  port2.close();
  assert.deepEqual(seen, ["message", "after turn"]);
  // Deno's test sanitizers fail this test if nextTurn leaked a port or an op.
});

Deno.test("timeSlicer yields only once the budget is spent", async () => {
  const pause = timeSlicer(50);
  assert.equal(pause(), null, "no turn right after creation");
  const start = performance.now();
  while (performance.now() - start < 60) {
    // Busy: synchronous work longer than the budget.
  }
  const turn = pause();
  assert.ok(turn instanceof Promise, "a turn is due after 60 ms of work");
  await turn;
  assert.equal(pause(), null, "the budget starts again after the turn");
  const always = timeSlicer(0);
  const t = always();
  assert.ok(t instanceof Promise);
  await t;
});
