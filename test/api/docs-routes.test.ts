// docs/api.md's resource table must list exactly the routes of the OpenAPI document. Both are read
// as they are now, so a route added without its line in the table (or a line left after its route
// went) fails here.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import apiMd from "../../docs/api.md?raw";
import { ORIGIN } from "./helpers";

/** "GET/PATCH/DELETE /flows/{uuid}" and "GET /runs?contact=&flow=" in the table's cells, one operation each. */
function documentedOperations(markdown: string): string[] {
  const section = markdown.split(/^## Resources$/m)[1]?.split(/^##+ /m)[0] ?? "";
  const rows = section.split("\n").filter((line) => /^\|\s*[a-z]/.test(line) && !/^\|\s*resource\s*\|/.test(line));
  return rows.flatMap((row) =>
    [...row.matchAll(/`([^`]+)`/g)].flatMap(([, route]) => {
      const [methods, path] = route.split(" ");
      return methods.split("/").map((m) => `${m} ${path.split("?")[0]}`);
    }),
  );
}

describe("docs/api.md's resource table", () => {
  it("lists every route of the OpenAPI document, and only those", async () => {
    const doc = (await (await exports.default.fetch(`${ORIGIN}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const documented = documentedOperations(apiMd);

    expect(documented.length, "the table is found and has routes").toBeGreaterThan(10);
    expect(served.filter((op) => !documented.includes(op)), "served but missing from docs/api.md").toEqual([]);
    expect(documented.filter((op) => !served.includes(op)), "in docs/api.md but not served").toEqual([]);
  });
});
