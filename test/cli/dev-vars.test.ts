// npm start's first API token (scripts/dev-vars.mjs): written once, never the example's placeholder.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureDevVars, PLACEHOLDER } from "../../scripts/dev-vars.mjs";

const root = join(import.meta.dirname, "..", "..");
const tokenIn = (path: string) => readFileSync(path, "utf8").match(/^EDDY_API_TOKEN=(.*)$/m)?.[1];
const freshDir = () => mkdtempSync(join(tmpdir(), "eddy-dev-vars-"));

describe("npm start's .dev.vars", () => {
  it("is written on first start with a random token and secrets key only its owner can read, and left alone after", () => {
    const dir = freshDir();
    const path = ensureDevVars(dir);
    expect(path).toBe(join(dir, ".dev.vars"));
    const token = tokenIn(path!);
    expect(token).toMatch(/^eddy_dev_[0-9a-f]{64}$/);
    expect(statSync(path!).mode & 0o077).toBe(0);

    const key = readFileSync(path!, "utf8").match(/^EDDY_SECRETS_KEY=(.*)$/m)?.[1];
    expect(Buffer.from(key!, "base64")).toHaveLength(32);

    expect(ensureDevVars(dir)).toBeNull();
    expect(tokenIn(path!)).toBe(token);
    expect(readFileSync(path!, "utf8")).toContain(`EDDY_SECRETS_KEY=${key}\n`);
    expect(tokenIn(ensureDevVars(freshDir())!)).not.toBe(token);
  });

  it("replaces the example's placeholder (copied by hand) and keeps the file's other lines", () => {
    const dir = freshDir();
    writeFileSync(join(dir, ".dev.vars"), readFileSync(join(root, ".dev.vars.example"), "utf8") + "OTHER=1\n");
    const path = ensureDevVars(dir);
    expect(path).toBe(join(dir, ".dev.vars"));
    expect(tokenIn(path!)).toMatch(/^eddy_dev_/);
    expect(readFileSync(path!, "utf8")).toContain("OTHER=1\n");
    expect(readFileSync(path!, "utf8")).not.toContain(PLACEHOLDER);
  });

  it("adds a token to a file that has none", () => {
    const dir = freshDir();
    writeFileSync(join(dir, ".dev.vars"), "OTHER=1");
    expect(tokenIn(ensureDevVars(dir)!)).toMatch(/^eddy_dev_/);
  });

  // test/api/auth-placeholder.test.ts checks that the Worker refuses the example's value.
  it("knows the example file's placeholder", () => {
    expect(tokenIn(join(root, ".dev.vars.example"))).toBe(PLACEHOLDER);
  });
});
