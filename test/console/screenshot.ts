import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { ROOT } from "./processes";

/**
 * A screenshot for docs/console.md, written to docs/console/<name>.png: the viewport (or one
 * element), at a scale that keeps the file small enough for the repository.
 */
export async function screenshot(target: Page | Locator, name: string): Promise<string> {
  const dir = join(ROOT, "docs", "console");
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await target.screenshot({ path, scale: "css", animations: "disabled", type: "png" });
  return path;
}
