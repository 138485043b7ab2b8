import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { call } from "./helpers";

// The relay's outbound calls land here; anything else would be a test reaching the network.
const seen: { method: string; url: string; auth: string | null; body: string }[] = [];
const server = setupServer(
  http.all("https://hooks.example.org/echo", async ({ request }) => {
    seen.push({ method: request.method, url: request.url, auth: request.headers.get("authorization"), body: await request.text() });
    return HttpResponse.json({ ok: true, id: 42 }, { status: 201, headers: { "x-hook": "yes" } });
  }),
  http.get("https://hooks.example.org/big", () => HttpResponse.text("x".repeat(300 * 1024))),
  http.get("https://hooks.example.org/to-private", () => new HttpResponse(null, { status: 302, headers: { location: "http://10.1.2.3/admin" } })),
  http.post("https://hooks.example.org/see-other", () => new HttpResponse(null, { status: 303, headers: { location: "https://hooks.example.org/echo" } })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => (seen.length = 0));
afterAll(() => server.close());

describe("the simulator's webhook relay", () => {
  it("makes the flow's request from the Worker and answers with the provider's status, headers and body", async () => {
    const res = await call("POST", "/simulator/http", { method: "POST", url: "https://hooks.example.org/echo?a=1", headers: { authorization: "Token abc" }, body: '{"age":25}' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 201, body: '{"ok":true,"id":42}' });
    expect(res.body.headers["x-hook"]).toBe("yes");
    expect(seen).toEqual([{ method: "POST", url: "https://hooks.example.org/echo?a=1", auth: "Token abc", body: '{"age":25}' }]);
  });

  it("cuts a large answer at 256 KiB", async () => {
    const res = await call("POST", "/simulator/http", { method: "GET", url: "https://hooks.example.org/big" });
    expect(res.body.status).toBe(200);
    expect(res.body.body.length).toBe(256 * 1024);
  });

  it("follows a 303 as a GET, and refuses a redirect to a private address", async () => {
    const other = await call("POST", "/simulator/http", { method: "POST", url: "https://hooks.example.org/see-other", body: "{}" });
    expect(other.body.status).toBe(201);
    expect(seen.map((s) => s.method)).toEqual(["GET"]);
    const res = await call("POST", "/simulator/http", { method: "GET", url: "https://hooks.example.org/to-private" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ error: "refused: 10.1.2.3 is a private address" });
  });

  it("refuses loopback, private and local hosts with a 400 naming the url, calling nothing", async () => {
    for (const url of [
      "http://localhost:8787/api/v1/tokens",
      "http://127.0.0.1/",
      "http://2130706433/",
      "http://0x7f.1/",
      "http://[::1]/",
      "http://[::ffff:192.168.1.1]/",
      "http://169.254.169.254/latest/meta-data",
      "http://192.168.0.10/",
      "http://172.20.0.1/",
      "http://printer.local/",
      "http://intranet/",
    ]) {
      const res = await call("POST", "/simulator/http", { method: "GET", url });
      expect(res.status, url).toBe(400);
      expect(res.body.issues, url).toEqual([expect.objectContaining({ path: "url", message: expect.stringMatching(/^cannot be called from the simulator: /) })]);
    }
    expect(seen).toEqual([]);
  });

  it("names each wrong field", async () => {
    const res = await call("POST", "/simulator/http", { method: "TRACE", url: "ftp://hooks.example.org/", body: "x".repeat(70_000) });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["body", "method", "url"]);
  });
});
