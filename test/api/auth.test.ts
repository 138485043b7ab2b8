import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiToken, ENV_TOKEN, fetchWithEnvToken, ORIGIN } from "./helpers";

const get = (path: string, token?: string) =>
  exports.default.fetch(ORIGIN + "/api/v1" + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("API auth", () => {
  it("answers 401 JSON without a token, with a malformed header and with an unknown token", async () => {
    for (const res of [
      await get("/tokens"),
      await exports.default.fetch(ORIGIN + "/api/v1/tokens", { headers: { authorization: "Basic abc" } }),
      await get("/tokens", "eddy_not-a-real-token"),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(await res.json()).toMatchObject({ error: "unauthorized" });
    }
  });

  it("accepts EDDY_API_TOKEN, and refuses it when the env has none", async () => {
    const ok = await fetchWithEnvToken("/api/v1/tokens", { headers: { authorization: `Bearer ${ENV_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toHaveProperty("results");
    expect((await get("/tokens", ENV_TOKEN)).status).toBe(401);
  });

  it("creates a token that works, lists it without the token, and deletes it so it stops working", async () => {
    const created = await fetchWithEnvToken("/api/v1/tokens", {
      method: "POST",
      headers: { authorization: `Bearer ${ENV_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "console" }),
    });
    expect(created.status).toBe(201);
    const { uuid, token, prefix } = (await created.json()) as { uuid: string; token: string; prefix: string };
    expect(token).toMatch(/^eddy_[\w-]{40,}$/);
    expect(token.startsWith(prefix)).toBe(true);

    // fetchWithEnvToken waits for the request's waitUntil work, where last_used_on is written.
    expect((await fetchWithEnvToken("/api/v1/flows", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const list = await get("/tokens", token);
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(token);
    const listed = (JSON.parse(text) as { results: Record<string, unknown>[] }).results.find((t) => t.uuid === uuid);
    expect(listed).toMatchObject({ name: "console", prefix, last_used_on: expect.stringMatching(/^\d{4}-/) });
    expect(listed).not.toHaveProperty("token");
    expect(listed).not.toHaveProperty("hash");

    const del = await exports.default.fetch(`${ORIGIN}/api/v1/tokens/${uuid}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
    expect(del.status).toBe(204);
    const after = await get("/tokens", token);
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: "unauthorized" });
  });

  it("rejects a token with no name, naming the field", async () => {
    const res = await fetchWithEnvToken("/api/v1/tokens", {
      method: "POST",
      headers: { authorization: `Bearer ${ENV_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "validation_failed", issues: [{ path: "name" }] });
  });

  it("answers a body that is not JSON with a 400 JSON error", async () => {
    const res = await fetchWithEnvToken("/api/v1/tokens", {
      method: "POST",
      headers: { authorization: `Bearer ${ENV_TOKEN}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "bad_request" });
  });

  it("answers an unknown API route with a JSON 404 once authenticated", async () => {
    const res = await fetchWithEnvToken("/api/v1/nope", { headers: { authorization: `Bearer ${ENV_TOKEN}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "not_found" });
  });

  it("serves the OpenAPI document without a token", async () => {
    const res = await get("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, any>> };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/tokens"].post.requestBody.content["application/json"].schema.properties).toHaveProperty("name");
    expect(doc.paths["/tokens/{uuid}"].delete.responses).toHaveProperty("204");
  });
});

describe("token roles", () => {
  const create = async (body: unknown) => {
    const res = await fetchWithEnvToken("/api/v1/tokens", {
      method: "POST",
      headers: { authorization: `Bearer ${ENV_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const as = (token: string, method: string, path: string, body?: unknown) =>
    exports.default
      .fetch(ORIGIN + "/api/v1" + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      .then(async (res) => ({ status: res.status, body: (await res.json().catch(() => null)) as any }));
  const flow = { name: "token roles", type: "messaging" };

  it("a token made without a role is an admin, as every token was before roles; so is EDDY_API_TOKEN", async () => {
    const made = await create({ name: "old style" });
    expect(made).toMatchObject({ status: 201, body: { role: "admin" } });
    expect((await as(made.body.token, "GET", "/me")).body).toEqual({ kind: "token", uuid: null, email: null, role: "admin" });
    expect((await as(made.body.token, "GET", "/tokens")).status).toBe(200);
    const me = await fetchWithEnvToken("/api/v1/me", { headers: { authorization: `Bearer ${ENV_TOKEN}` } });
    expect(await me.json()).toMatchObject({ kind: "token", role: "admin" });
  });

  it("a viewer token reads but changes nothing; an editor token changes flows but not tokens; both are listed with their role", async () => {
    const viewer = (await create({ name: "dashboard", role: "viewer" })).body;
    const editor = (await create({ name: "deploy script", role: "editor" })).body;
    expect(viewer.role).toBe("viewer");
    expect((await as(viewer.token, "GET", "/me")).body).toMatchObject({ kind: "token", role: "viewer" });
    expect((await as(viewer.token, "GET", "/flows")).status).toBe(200);
    expect(await as(viewer.token, "POST", "/flows", flow)).toEqual({ status: 403, body: { error: "forbidden", message: "this needs the editor role; you are a viewer" } });
    expect(await as(viewer.token, "GET", "/tokens")).toMatchObject({ status: 403, body: { message: "this needs the admin role; you are a viewer" } });

    expect((await as(editor.token, "POST", "/flows", flow)).status).toBe(201);
    expect(await as(editor.token, "POST", "/tokens", { name: "escalate", role: "admin" })).toMatchObject({ status: 403, body: { message: "this needs the admin role; you are an editor" } });
    expect((await as(editor.token, "POST", "/channels", {})).status).toBe(403);
    expect((await as(editor.token, "GET", "/environment")).status).toBe(200);
    expect(await as(editor.token, "PATCH", "/environment", { timezone: "Africa/Kigali" })).toMatchObject({ status: 403, body: { message: "this needs the admin role; you are an editor" } });

    const listed = (await as(await apiToken(), "GET", "/tokens")).body;
    expect(listed.results).toEqual(
      expect.arrayContaining([expect.objectContaining({ uuid: viewer.uuid, role: "viewer" }), expect.objectContaining({ uuid: editor.uuid, role: "editor" })]),
    );
  });

  it("refuses an unknown role, naming the field, and makes no token", async () => {
    const before = (await as(await apiToken(), "GET", "/tokens")).body.results.length;
    expect(await create({ name: "owner", role: "owner" })).toMatchObject({ status: 400, body: { error: "validation_failed", issues: [{ path: "role" }] } });
    expect((await as(await apiToken(), "GET", "/tokens")).body.results.length).toBe(before);
  });
});
