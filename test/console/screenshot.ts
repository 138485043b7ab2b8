import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { ROOT } from "./processes";

/**
 * A screenshot for docs/console.md: the viewport (or one element), at a scale that keeps the file
 * small. Written to docs/console/<name>.png when EDDY_SCREENSHOTS=1 (`npm run screenshots`), else
 * to a temporary folder, so that running the tests leaves the working tree as it was.
 */
export async function screenshot(target: Page | Locator, name: string): Promise<string> {
  const dir = process.env.EDDY_SCREENSHOTS === "1" ? join(ROOT, "docs", "console") : join(tmpdir(), "eddy-console-screenshots");
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await target.screenshot({ path, scale: "css", animations: "disabled", type: "png" });
  return path;
}
