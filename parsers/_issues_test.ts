import assert from "node:assert/strict";
import { IssueList, MAX_LISTED_ISSUES } from "./_issues.ts";

Deno.test("IssueList lists up to its cap and counts the rest in one closing issue", () => {
  const cases: {
    name: string;
    added: number;
    max?: number;
    listed: number;
    closing: string | null;
  }[] = [
    { name: "none", added: 0, listed: 0, closing: null },
    { name: "at the cap", added: MAX_LISTED_ISSUES, listed: MAX_LISTED_ISSUES, closing: null },
    {
      name: "over the cap",
      added: MAX_LISTED_ISSUES + 5,
      listed: MAX_LISTED_ISSUES,
      closing: "5 more issues not listed",
    },
    { name: "small cap", added: 3, max: 1, listed: 1, closing: "2 more issues not listed" },
  ];
  for (const c of cases) {
    const list = new IssueList(c.max);
    for (let i = 0; i < c.added; i++) list.add(i + 1, `bad row ${i + 1}`);
    const issues = list.close();
    assert.equal(issues, list.issues, c.name);
    const last = issues[issues.length - 1];
    assert.equal(issues.length, c.listed + (c.closing === null ? 0 : 1), c.name);
    if (c.closing !== null) assert.deepEqual(last, { line: null, message: c.closing }, c.name);
    if (c.listed > 0) assert.deepEqual(issues[0], { line: 1, message: "bad row 1" }, c.name);
    // Closing twice adds nothing.
    assert.equal(list.close().length, issues.length, c.name);
  }
});
