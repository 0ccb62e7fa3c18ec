import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ALREADY_VISITED,
  errText,
  LEAVES_ROOT,
  LINK_INSIDE_ROOT,
  LINK_READ_THROUGH,
  listDir,
  NOT_REGULAR,
  NOT_UTF8,
  sortedListing,
  walkResults,
} from "./walk.ts";
import { pathTooLong } from "../../tests/_hostile.ts";

const noTimeline = () => false;

async function withTree(fn: (root: string, outside: string) => Promise<void>): Promise<void> {
  const base = await Deno.makeTempDir({ prefix: "inferguard_walk_" });
  try {
    await Deno.mkdir(`${base}/root`);
    await Deno.mkdir(`${base}/outside`);
    await fn(`${base}/root`, `${base}/outside`);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

async function write(path: string, text = "{}"): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text);
}

Deno.test("walk: depth-first, entries sorted by code unit, sizes and kinds", async () => {
  await withTree(async (root) => {
    for (const p of ["b.json", "a.json", "C.json", "dir/z.json", "dir/a.log", "a0/x.txt"]) {
      await write(`${root}/${p}`, "12345");
    }
    const { artifacts, issues } = await walkResults(root, { isTimeline: noTimeline });
    assert.deepEqual(issues, []);
    assert.deepEqual(artifacts.map((a) => a.path), [
      "C.json",
      "a.json",
      "a0/x.txt",
      "b.json",
      "dir/a.log",
      "dir/z.json",
    ]);
    assert.ok(artifacts.every((a) => a.size === 5));
    assert.equal(artifacts.find((a) => a.path === "dir/a.log")?.kind, "log");
    assert.equal(artifacts.find((a) => a.path === "b.json")?.kind, "json_other");
  });
});

Deno.test("walk: the output dir is skipped (by path and through a link)", async () => {
  await withTree(async (root) => {
    await write(`${root}/in.json`);
    await write(`${root}/inferguard_report/report.json`);
    await write(`${root}/inferguard_report/report.md`, "# r");
    const { artifacts } = await walkResults(root, {
      isTimeline: noTimeline,
      excludeDir: `${root}/inferguard_report`,
    });
    assert.deepEqual(artifacts.map((a) => a.path), ["in.json"]);
    await Deno.symlink(`${root}/inferguard_report`, `${root}/zz_link_to_out`);
    const again = await walkResults(root, {
      isTimeline: noTimeline,
      excludeDir: `${root}/inferguard_report`,
    });
    assert.deepEqual(again.artifacts.map((a) => a.path), ["in.json"]);
  });
});

Deno.test("walk: a symlink loop is detected and reported, not followed forever", async () => {
  await withTree(async (root) => {
    await write(`${root}/a/f.json`);
    await Deno.symlink(root, `${root}/a/loop`);
    await Deno.symlink(`${root}/a`, `${root}/a/self`);
    const { artifacts, issues } = await walkResults(root, { isTimeline: noTimeline });
    assert.deepEqual(artifacts.map((a) => a.path), ["a/f.json"]);
    assert.deepEqual(issues.map((i) => i.path).sort(), ["a/loop", "a/self"]);
    for (const i of issues) assert.match(i.message, /loop|already visited/i);
  });
});

Deno.test("walk: links leaving the root are reported and not followed", async () => {
  await withTree(async (root, outside) => {
    await write(`${outside}/secret.json`, '{"max_concurrency": 1}');
    await write(`${outside}/d/secret2.json`);
    await write(`${root}/ok.json`);
    await Deno.symlink(`${outside}/secret.json`, `${root}/file_link.json`);
    await Deno.symlink(`${outside}/d`, `${root}/dir_link`);
    await Deno.symlink("../outside", `${root}/relative_link`);
    const { artifacts, issues } = await walkResults(root, { isTimeline: noTimeline });
    assert.deepEqual(artifacts.map((a) => a.path), ["ok.json"]);
    assert.deepEqual(issues.map((i) => i.path), ["dir_link", "file_link.json", "relative_link"]);
    for (const i of issues) assert.match(i.message, /leaves the results root/);
  });
});

Deno.test("walk: a link inside the root is followed once", async () => {
  await withTree(async (root) => {
    await write(`${root}/real/x.json`);
    await Deno.symlink(`${root}/real/x.json`, `${root}/alias.json`);
    const { artifacts } = await walkResults(root, { isTimeline: noTimeline });
    assert.deepEqual(artifacts.map((a) => a.path), ["alias.json", "real/x.json"]);
  });
});

Deno.test("walk: a broken link is reported with its path", async () => {
  await withTree(async (root) => {
    await write(`${root}/ok.json`);
    await Deno.symlink(`${root}/nowhere.json`, `${root}/broken.json`);
    const { artifacts, issues } = await walkResults(root, { isTimeline: noTimeline });
    assert.deepEqual(artifacts.map((a) => a.path), ["ok.json"]);
    // Named like an artifact: one that is missing, which a strict run does not let pass.
    assert.deepEqual(issues, [{
      path: "broken.json",
      line: null,
      message: "Broken symbolic link",
      unreadable: true,
      kind: "json_other",
    }]);
  });
});

Deno.test("walk: a loop of links is named as a loop, not as a broken link", async () => {
  await withTree(async (root) => {
    await write(`${root}/ok.json`);
    await Deno.symlink(`${root}/b.json`, `${root}/a.json`);
    await Deno.symlink(`${root}/a.json`, `${root}/b.json`);
    const { artifacts, issues } = await walkResults(root, { isTimeline: noTimeline });
    assert.deepEqual(artifacts.map((a) => a.path), ["ok.json"]);
    assert.deepEqual(issues.map((i) => [i.path, i.message]), [
      ["a.json", "Symbolic link loop; not followed"],
      ["b.json", "Symbolic link loop; not followed"],
    ]);
  });
});

/** Run a shell command in `dir` (test set-up the Deno API cannot do). */
async function sh(dir: string, script: string): Promise<void> {
  const { success, stderr } = await new Deno.Command("sh", { args: ["-c", script], cwd: dir })
    .output();
  assert.ok(success, new TextDecoder().decode(stderr));
}

Deno.test({
  name: "walk: a FIFO (or a link to one) is reported, never opened",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await withTree(async (root) => {
      await write(`${root}/ok.json`);
      // Opening a FIFO with no writer blocks forever; the walk must not try.
      await sh(
        root,
        "mkfifo agg_fifo.json app.sock server.log x_summary.csv && " +
          "ln -s agg_fifo.json link_to_fifo.json",
      );
      // app.sock and server.log: names inferguard does not parse, so no finding (unknown or
      // listing-only files never fail a run). An uploader summary is parsed: it is named.
      const { artifacts, issues } = await walkResults(root, { isTimeline: noTimeline });
      assert.deepEqual(artifacts.map((a) => a.path), ["ok.json"]);
      assert.deepEqual(issues.map((i) => [i.path, i.message]), [
        ["agg_fifo.json", NOT_REGULAR],
        ["link_to_fifo.json", NOT_REGULAR],
        ["x_summary.csv", NOT_REGULAR],
      ]);
    });
  },
});

Deno.test({
  name: "walk: a name that is not valid UTF-8 is reported as such, not as missing",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await withTree(async (root) => {
      await write(`${root}/ok.json`);
      await write(`${root}/ok_\uFFFD.json`); // a real U+FFFD in a name still opens
      await sh(
        root,
        `touch "$(printf 'bad_\\377.json')" "$(printf 'notes_\\377.txt')" && mkdir "$(printf 'dir_\\376')"`,
      );
      const { artifacts, issues } = await walkResults(root, { isTimeline: noTimeline });
      assert.deepEqual(artifacts.map((a) => a.path), ["ok.json", "ok_\uFFFD.json"]);
      assert.deepEqual(issues.map((i) => [i.path, i.message]), [
        ["bad_\uFFFD.json", NOT_UTF8],
        ["dir_\uFFFD", NOT_UTF8],
      ]);
    });
  },
});

Deno.test("walk: names with spaces, newlines, '|' and non-ASCII come back verbatim", async () => {
  await withTree(async (root) => {
    const names = [
      "with space.json",
      "new\nline.json",
      "pi|pe.json",
      "ünï 模型.json",
      "dir é/x.json",
    ];
    for (const n of names) await write(`${root}/${n}`);
    const { artifacts, issues } = await walkResults(root, { isTimeline: noTimeline });
    assert.deepEqual(issues, []);
    assert.deepEqual(
      artifacts.map((a) => a.path),
      [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  });
});

Deno.test("walk: the timeline matcher sees relative paths", async () => {
  await withTree(async (root) => {
    await write(`${root}/cell/live.jsonl`, "");
    await write(`${root}/cell/other.jsonl`, "");
    const seen: string[] = [];
    const { artifacts } = await walkResults(root, {
      isTimeline: (p) => {
        seen.push(p);
        return p === "cell/live.jsonl";
      },
    });
    assert.equal(artifacts.find((a) => a.path === "cell/live.jsonl")?.kind, "timeline");
    assert.notEqual(artifacts.find((a) => a.path === "cell/other.jsonl")?.kind, "timeline");
    assert.ok(seen.every((p) => !p.startsWith("/")));
  });
});

Deno.test("sortedListing: names sorted by code unit as `<` compares them, each with its kind", () => {
  const kinds = [
    { isFile: true, isDirectory: false, isSymlink: false },
    { isFile: false, isDirectory: true, isSymlink: false },
    { isFile: false, isDirectory: false, isSymlink: true },
    { isFile: false, isDirectory: false, isSymlink: false }, // a socket, a fifo
  ];
  // Names sharing prefixes, in every kind, so that the per-kind lists interleave.
  const name = fc.oneof(
    fc.string({ minLength: 1, maxLength: 6, unit: "grapheme" }),
    fc.constantFrom("a", "a.b", "a-b", "a0", "ab", "B", "ä", "z", "模型").chain((p) =>
      fc.string({ maxLength: 3 }).map((s) => p + s)
    ),
  );
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(name, fc.nat(3)), { selector: ([n]) => n, maxLength: 60 }),
      (entries) => {
        const dirEntries = entries.map(([n, k]) => ({ name: n, ...kinds[k] }));
        const { names, types } = sortedListing(dirEntries);
        const expected = [...dirEntries].sort((a, b) =>
          a.name < b.name ? -1 : a.name > b.name ? 1 : 0
        );
        assert.deepEqual(names, expected.map((e) => e.name));
        assert.deepEqual(
          [...types],
          expected.map((e) => (e.isFile ? 1 : 0) | (e.isDirectory ? 2 : 0) | (e.isSymlink ? 4 : 0)),
        );
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("walk: a root listing given by the caller is walked instead of listing the root again", async () => {
  await withTree(async (root) => {
    for (const p of ["b.json", "a/x.json", "c/y.json"]) await write(`${root}/${p}`);
    await Deno.symlink(`${root}/b.json`, `${root}/link.json`);
    const listing = listDir(root);
    assert.deepEqual(listing.names, ["a", "b.json", "c", "link.json"]);
    const plain = await walkResults(root, { isTimeline: noTimeline });
    assert.deepEqual(
      await walkResults(root, { isTimeline: noTimeline, rootListing: listing }),
      plain,
    );
    assert.deepEqual(plain.artifacts.map((a) => a.path), [
      "a/x.json",
      "b.json",
      "c/y.json",
      "link.json",
    ]);
    // The listing is what the walk goes by: an entry left out of it is not visited.
    const without = {
      names: ["a", "b.json", "link.json"],
      types: listing.types.filter((_, i) => i !== 2),
    };
    const partial = await walkResults(root, { isTimeline: noTimeline, rootListing: without });
    assert.deepEqual(partial.artifacts.map((a) => a.path), ["a/x.json", "b.json", "link.json"]);
  });
});

Deno.test("errText: one line, without the absolute path Deno appends", () => {
  let caught: unknown;
  try {
    Deno.readDirSync(`/${"d".repeat(300)}`).next();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error && caught.message.includes("readdir '/ddd"), String(caught));
  assert.match(errText(caught), /^File name too long \(os error \d+\)$/);
  assert.equal(
    errText(new Error("Too many levels of symbolic links (os error 40): realpath 'a' -> 'b'")),
    "Too many levels of symbolic links (os error 40)",
  );
  assert.equal(
    errText(new Error("Unexpected end of JSON input\nat …")),
    "Unexpected end of JSON input",
  );
  assert.equal(errText(new Deno.errors.NotFound("x")), "not found");
  assert.equal(errText("plain"), "plain");
});

Deno.test("walk: a link that sorts before its target leaves the target read at its own path", async () => {
  await withTree(async (root) => {
    await write(`${root}/results/agg_x_conc4.json`);
    await write(`${root}/results/deeper/y.json`);
    await Deno.symlink("results", `${root}/a_latest`);
    await Deno.symlink("results/deeper", `${root}/deep_link`);
    const { artifacts, issues } = await walkResults(root, { isTimeline: noTimeline });
    assert.deepEqual(artifacts.map((a) => a.path), [
      "results/agg_x_conc4.json",
      "results/deeper/y.json",
    ]);
    assert.deepEqual(issues.map((i) => [i.path, i.message, i.benign]), [
      ["a_latest", LINK_INSIDE_ROOT, true],
      ["deep_link", LINK_INSIDE_ROOT, true],
    ]);
  });
});

Deno.test("walk: an excluded dir that is a link leaves out the link, not the directory it names", async () => {
  await withTree(async (root) => {
    await write(`${root}/raw/x.json`);
    await write(`${root}/reports/report.json`);
    await Deno.symlink("raw", `${root}/inferguard_report`);
    const links = await walkResults(root, {
      isTimeline: noTimeline,
      excludeDir: [`${root}/inferguard_report`, `${root}/reports/`],
    });
    assert.deepEqual(links.artifacts.map((a) => a.path), ["raw/x.json"]);
    assert.deepEqual(links.issues, []);
  });
});

Deno.test({
  name: "walk: what could not be read is marked unreadable; what policy skips is not",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await withTree(async (root, outside) => {
      await write(`${root}/ok.json`);
      await write(`${outside}/agg_out.json`);
      await write(`${root}/sub/x.json`);
      // Could not be read: a FIFO named like an artifact, a name that is not UTF-8 (a file named
      // like an artifact and a directory), a directory that cannot be listed, a link to an
      // artifact that is gone.
      await sh(
        root,
        `mkfifo agg_fifo_conc6.json && touch "$(printf 'agg_\\376_conc5.json')" && ` +
          `mkdir "$(printf 'dir_\\377')" && ln -s nowhere.json results_gone.json`,
      );
      const deep = await pathTooLong(root, "deep", "agg_deep_conc8.json");
      // Skipped by policy: a link leaving the root, loops of links, a directory met twice, and
      // a dangling link not named like anything inferguard reads.
      await Deno.symlink(`${outside}/agg_out.json`, `${root}/agg_leaves.json`);
      await Deno.symlink(`${root}/loop_b`, `${root}/loop_a`);
      await Deno.symlink(`${root}/loop_a`, `${root}/loop_b`);
      await Deno.symlink(`${root}/sub`, `${root}/sub_again`);
      await Deno.symlink("..", `${root}/sub/up`);
      await Deno.symlink("nowhere", `${root}/latest`);
      const { artifacts, issues } = await walkResults(root, { isTimeline: noTimeline });
      assert.deepEqual(artifacts.map((a) => a.path), ["ok.json", "sub/x.json"]);
      const byPath = Object.fromEntries(issues.map(({ path, ...rest }) => [path, rest]));
      const loop = "Symbolic link loop; not followed";
      assert.deepEqual(byPath, {
        "agg_\uFFFD_conc5.json": {
          line: null,
          message: NOT_UTF8,
          unreadable: true,
          kind: "json_other",
        },
        "agg_fifo_conc6.json": {
          line: null,
          message: NOT_REGULAR,
          unreadable: true,
          kind: "json_other",
        },
        "agg_leaves.json": {
          line: null,
          message: LEAVES_ROOT,
          unreadable: false,
          kind: "json_other",
        },
        [deep]: byPath[deep],
        "dir_\uFFFD": { line: null, message: NOT_UTF8, unreadable: true },
        "latest": { line: null, message: "Broken symbolic link", unreadable: false },
        "loop_a": { line: null, message: loop, unreadable: false },
        "loop_b": { line: null, message: loop, unreadable: false },
        "results_gone.json": {
          line: null,
          message: "Broken symbolic link",
          unreadable: true,
          kind: "json_other",
        },
        // A link to a directory of the tree is no problem: it is read at its own path.
        "sub_again": { line: null, message: LINK_INSIDE_ROOT, unreadable: false, benign: true },
        // A link above itself is a loop.
        "sub/up": { line: null, message: ALREADY_VISITED, unreadable: false },
      });
      assert.match(byPath[deep]?.message ?? "missing", /^Cannot read directory: /);
      assert.equal(byPath[deep]?.unreadable, true);
      assert.equal(byPath[deep] && "kind" in byPath[deep], false, "a directory has no kind");
    });
  },
});

Deno.test("walk: a link to a directory the walk cannot reach at its own path is followed", async () => {
  await withTree(async (root) => {
    // `locked` cannot be listed (as a directory of mode 711 for another user), so `sub` under it
    // is reached only through the links: the first reads it, the second does not read it twice.
    await write(`${root}/locked/sub/x.json`);
    await Deno.symlink("locked/sub", `${root}/link_a`);
    await Deno.symlink("locked/sub", `${root}/link_b`);
    // A link into an excluded directory (the output dir) is never read.
    await write(`${root}/out/old/report.json`);
    await Deno.symlink("out/old", `${root}/link_out`);
    const { artifacts, issues } = await walkResults(root, {
      isTimeline: noTimeline,
      excludeDir: `${root}/out`,
      listDir: (abs) => {
        if (abs.endsWith("/locked")) throw new Deno.errors.PermissionDenied("denied");
        return listDir(abs);
      },
    });
    assert.deepEqual(artifacts.map((a) => a.path), ["link_a/x.json"]);
    assert.deepEqual(issues.map((i) => [i.path, i.message, i.benign]), [
      ["locked", "Cannot read directory: permission denied", undefined],
      ["link_b", `${LINK_READ_THROUGH} "link_a")`, true],
    ]);
  });
});

Deno.test("walk: a link to an unknown file outside the root, or a dangling one, is skipped without a finding", async () => {
  await withTree(async (root, outside) => {
    await write(`${root}/ok.json`);
    await write(`${outside}/notes.txt`, "notes");
    await write(`${outside}/agg_out.json`);
    await Deno.mkdir(`${outside}/run_7`);
    await Deno.symlink(`${outside}/notes.txt`, `${root}/README_link.txt`);
    await Deno.symlink("/nonexistent/plot.png", `${root}/plot.png`);
    // Still findings: a file named like an artifact, a directory, a dangling name without an
    // extension (it may have been a directory of results).
    await Deno.symlink(`${outside}/agg_out.json`, `${root}/agg_leaves.json`);
    await Deno.symlink(`${outside}/run_7`, `${root}/run_7`);
    await Deno.symlink("nowhere", `${root}/latest`);
    await Deno.symlink("nowhere", `${root}/run.1`);
    await Deno.symlink(`${outside}/notes.txt`, `${root}/status.txt`);
    const { issues } = await walkResults(root, { isTimeline: noTimeline });
    const benign = Object.fromEntries(issues.map((i) => [i.path, i.benign === true]));
    assert.deepEqual(benign, {
      "README_link.txt": true,
      "agg_leaves.json": false,
      "latest": false,
      "plot.png": true,
      "run.1": false,
      "run_7": false,
      "status.txt": false,
    });
  });
});
