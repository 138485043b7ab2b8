import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

function conformance(...args: string[]) {
  const r = spawnSync("npm", ["run", "--silent", "conformance", "--", ...args], { cwd: root, encoding: "utf8" });
  const lines = r.stdout.trim().split("\n");
  return { status: r.status, lines, last: lines[lines.length - 1], stderr: r.stderr };
}

describe("npm run conformance -- excellent", () => {
  it("passes every row of the table copied from the spec (test/fixtures)", () => {
    const r = conformance("excellent", "test/fixtures/excellent-examples.json");
    expect(r.last).toBe("322 passed, 0 failed");
    expect(r.lines).toHaveLength(1);
    expect(r.status).toBe(0);
  });

  it("reports a failing row with what it expected and got, and exits 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "eddy-conformance-"));
    const file = join(dir, "table.json");
    writeFileSync(
      file,
      JSON.stringify({
        environment: { timezone: "UTC", date_format: "YYYY-MM-DD", time_format: "tt:mm", now: "2020-01-02T03:04:05Z" },
        context: { contact: { __default__: "Bob", name: "Bob" } },
        examples: [
          { template: "Hi @contact", expected: "Hi Bob" },
          { template: "@(today())", expected: "2020-01-02" },
          { template: "@(1 / 0)", expected: "ERROR" },
          { template: "@(upper(contact.name))", expected: "bob" },
          { template: '@(has_district("Gasabo", "Kigali").match)', expected: "Rwanda > Kigali City > Gasabo" },
        ],
      }),
    );
    const r = conformance("excellent", file);
    expect(r.lines).toEqual(['FAIL @(upper(contact.name))  expected: "bob"  got: "BOB"', "4 passed, 1 failed"]);
    expect(r.status).toBe(1);
  });

  it("explains itself and refuses bad usage", () => {
    const help = conformance("--help");
    expect(help.status).toBe(0);
    expect(help.lines.join("\n")).toContain("Rwanda");
    expect(conformance("excellent").status).toBe(2);
  });
});
