import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ORIGIN } from "./helpers";

describe("the OpenAPI document", () => {
  it("lists every route with its body and response shapes", async () => {
    const res = await exports.default.fetch(`${ORIGIN}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, any>> };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers[0].url).toBe(`${ORIGIN}/api/v1`);

    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    // Routes are added issue by issue: the document must hold at least these, each fully described below.
    expect(operations).toEqual(
      expect.arrayContaining([
        "GET /openapi.json",
        "POST /flows", "GET /flows", "POST /flows/import", "GET /flows/{uuid}", "PATCH /flows/{uuid}", "DELETE /flows/{uuid}",
        "POST /flows/{uuid}/validate", "POST /flows/{uuid}/publish", "GET /flows/{uuid}/versions", "GET /flows/{uuid}/versions/{version}",
        "POST /contacts", "GET /contacts", "GET /contacts/{uuid}", "PATCH /contacts/{uuid}", "DELETE /contacts/{uuid}",
        "POST /fields", "GET /fields", "GET /fields/{key}", "PATCH /fields/{key}", "DELETE /fields/{key}",
        "POST /groups", "GET /groups", "GET /groups/{uuid}", "PATCH /groups/{uuid}", "DELETE /groups/{uuid}",
        "POST /groups/{uuid}/members", "DELETE /groups/{uuid}/members/{contact}",
        "POST /channels", "GET /channels", "GET /channels/{uuid}", "PATCH /channels/{uuid}", "DELETE /channels/{uuid}",
        "POST /triggers", "GET /triggers", "GET /triggers/{uuid}", "PATCH /triggers/{uuid}", "DELETE /triggers/{uuid}",
        "GET /messages", "GET /runs",
        "POST /tokens", "GET /tokens", "DELETE /tokens/{uuid}",
        "POST /events", "GET /contacts/{uuid}/events", "POST /messages/send", "POST /flows/{uuid}/start",
        "POST /starts", "GET /starts", "GET /starts/{uuid}", "POST /starts/{uuid}/cancel",
        "POST /schedules", "GET /schedules", "GET /schedules/{uuid}", "PATCH /schedules/{uuid}", "DELETE /schedules/{uuid}",
        "POST /schedules/{uuid}/pause", "POST /schedules/{uuid}/resume",
        "POST /flows/{uuid}/versions/{version}/restore", "POST /audiences/count", "POST /simulator/http",
      ]),
    );

    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary, `${method} ${path} has a summary`).toBeTruthy();
        const success = Object.keys(op.responses).find((s) => s.startsWith("2"));
        expect(success, `${method} ${path} documents its success`).toBeDefined();
        if (["post", "patch"].includes(method) && !/\/(validate|publish|cancel|pause|resume|restore|refresh|deprecate)$/.test(path))
          expect(op.requestBody?.content["application/json"].schema, `${method} ${path} has a body schema`).toBeDefined();
      }
    }

    const createContact = doc.paths["/contacts"].post;
    expect(Object.keys(createContact.requestBody.content["application/json"].schema.properties)).toEqual(
      expect.arrayContaining(["name", "urns", "fields", "groups", "language", "timezone"]),
    );
    expect(createContact.responses["201"].content["application/json"].schema.properties).toHaveProperty("urns");
    expect(createContact.responses).toHaveProperty("400");
    expect(doc.paths["/contacts"].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["urn", "name", "limit", "cursor"]));
    expect(doc.paths["/flows/{uuid}/publish"].post.parameters).toEqual([
      expect.objectContaining({ name: "uuid", in: "path", required: true }),
      expect.objectContaining({ name: "draft_revision", in: "query", required: false }),
    ]);
    // Each channel type's config schema is in the document.
    expect(JSON.stringify(doc.paths["/channels"].post.requestBody)).toContain("account_sid");
    expect(doc.paths["/openapi.json"].get.security).toEqual([]);
  });
});
