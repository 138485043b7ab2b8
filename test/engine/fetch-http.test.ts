import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchHttp } from "../../durable/engine";

const server = setupServer(
  http.post("https://hooks.example.org/big", () => HttpResponse.text("x".repeat(300_000))),
  http.get("https://hooks.example.org/slow", async () => {
    await new Promise((r) => setTimeout(r, 500));
    return HttpResponse.text("late");
  }),
  http.get("https://hooks.example.org/echo", ({ request }) => HttpResponse.json({ method: request.method }, { headers: { "X-Seen": "1" } })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

describe("the engine's real HTTP client for flow webhooks", () => {
  it("returns the status, headers and body", async () => {
    const res = await fetchHttp()({ method: "GET", url: "https://hooks.example.org/echo", headers: {}, body: "" });
    expect(res).toMatchObject({ status: 200, body: '{"method":"GET"}' });
    expect("headers" in res && res.headers["x-seen"]).toBe("1");
  });

  it("cuts a response larger than its cap", async () => {
    const res = await fetchHttp(10_000, 1024)({ method: "POST", url: "https://hooks.example.org/big", headers: {}, body: "{}" });
    expect("body" in res && res.body.length).toBe(1024);
  });

  it("gives up on a webhook slower than its time limit", async () => {
    const res = await fetchHttp(100)({ method: "GET", url: "https://hooks.example.org/slow", headers: {}, body: "" });
    expect(res).toHaveProperty("error");
  });
});
