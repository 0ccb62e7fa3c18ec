import assert from "node:assert/strict";
import { captureConsole } from "../tests/_console.ts";
import { asCpuProfile, main, summarize } from "./profile_summary.ts";

const frame = (functionName: string) => ({ functionName, url: "file:///r/m.ts", lineNumber: 0 });

/** main(a) → f, b → (leaf), sampled f, b, b at 10 µs each. */
const PROFILE = {
  nodes: [
    { id: 1, callFrame: frame("main"), children: [2, 3] },
    { id: 2, callFrame: frame("f") },
    { id: 3, callFrame: frame("b") },
  ],
  samples: [2, 3, 3],
  timeDeltas: [0, 10, 10, 10],
  startTime: 0,
  endTime: 40,
};

Deno.test("summarize: self and total time per function", () => {
  const rows = new Map(summarize(asCpuProfile(PROFILE), "/r/").map((r) => [r.name, r]));
  assert.deepEqual(rows.get("main m.ts:1"), { name: "main m.ts:1", selfUs: 0, totalUs: 30 });
  assert.equal(rows.get("b m.ts:1")?.selfUs, 20);
});

Deno.test("summarize: a parent chain that loops ends", () => {
  const looped = {
    ...PROFILE,
    nodes: [
      { id: 1, callFrame: frame("a"), children: [2] },
      { id: 2, callFrame: frame("b"), children: [1] },
    ],
    samples: [1, 2],
  };
  const rows = summarize(asCpuProfile(looped));
  assert.deepEqual(rows.map((r) => r.name).sort(), ["a /r/m.ts:1", "b /r/m.ts:1"]);
});

Deno.test("asCpuProfile: says what is missing", () => {
  for (
    const [value, problem] of [
      [null, "no nodes array"],
      [[], "no nodes array"],
      [{ ...PROFILE, nodes: [{ id: "1", callFrame: frame("x") }] }, "a node without"],
      [{ ...PROFILE, nodes: [{ id: 1, callFrame: frame("x"), children: ["2"] }] }, "a node"],
      [{ ...PROFILE, samples: undefined }, "no samples"],
      [{ ...PROFILE, timeDeltas: "0,1" }, "no timeDeltas"],
      [{ ...PROFILE, endTime: "40" }, "no numeric startTime"],
    ] as const
  ) {
    assert.throws(
      () => asCpuProfile(value),
      (e: unknown) => e instanceof Error && e.message.includes(problem),
      JSON.stringify(value),
    );
  }
});

Deno.test("main: names each profile it cannot read and summarises the others", async () => {
  const dir = await Deno.makeTempDir({ prefix: "inferguard_prof_" });
  try {
    await Deno.writeTextFile(`${dir}/good.cpuprofile`, JSON.stringify(PROFILE));
    await Deno.writeTextFile(`${dir}/text.cpuprofile`, "not\njson");
    const { value: code, logged, errors } = await captureConsole(() =>
      main([`${dir}/missing`, `${dir}/text.cpuprofile`, `${dir}/good.cpuprofile`])
    );
    assert.equal(code, 1);
    assert.deepEqual(errors, [
      `error: cannot summarise "${dir}/missing": not found`,
      `error: cannot summarise "${dir}/text.cpuprofile": not JSON (Unexpected token 'o', "not json" is not valid JSON)`,
    ]);
    assert.ok(logged.some((l) => l.startsWith(`### ${dir}/good.cpuprofile`)));
    const again = await captureConsole(() => main(["--top", "1", `${dir}/good.cpuprofile`]));
    assert.equal(again.value, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
