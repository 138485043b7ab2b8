import { describe, expect, it } from "vitest";
import { loadFlow } from "../../durable/engine/flow/load";
import type { CannedResponse } from "../../durable/engine";
import { assets, contact, engine, manual, ofType, texts, u } from "./engine-support";

const FLOW = "e3000000-0000-4000-8000-000000000000";
const ref = { uuid: FLOW, name: "Call API" };
const URL_ = "https://api.example.com/orders";
const KINDS = ["2xx", "4xx", "5xx", "No response"];

/** A call, then a split on its result's category: each branch says which it took and the variables. */
function flow(call: Record<string, unknown>) {
  const categories = [...KINDS, "Other"].map((name, i) => ({ uuid: u(950 + i), name, exit_uuid: u(960 + i) }));
  return {
    uuid: FLOW,
    name: "Call API",
    spec_version: "14.4.0",
    language: "eng",
    type: "messaging",
    variables: [
      { name: "total", type: "decimal", default: "0" },
      { name: "status", type: "text" },
      { name: "paid", type: "boolean" },
    ],
    nodes: [
      {
        uuid: u(940),
        actions: [{ uuid: u(941), type: "call_api", method: "POST", url: URL_, result_name: "API", ...call }],
        router: {
          type: "switch",
          operand: "@results.api.category",
          cases: KINDS.map((k, i) => ({ uuid: u(970 + i), type: "has_only_text", arguments: [k], category_uuid: u(950 + i) })),
          categories,
          default_category_uuid: u(954),
        },
        exits: categories.map((c) => ({ uuid: c.exit_uuid, destination_uuid: u(980) })),
      },
      { uuid: u(980), actions: [{ uuid: u(981), type: "send_msg", text: "@results.api.category @results.api total=@vars.total status=@vars.status paid=@vars.paid" }], exits: [{ uuid: u(982) }] },
    ],
  };
}

async function call(action: Record<string, unknown>, responses: CannedResponse[]) {
  const sprint = await engine({ [URL_]: responses }).start(assets(flow(action)), manual(ref, contact({ urns: ["tel:+12065551212", "mailto:ben@example.org"] })));
  return { sprint, said: texts(sprint.events)[0], errors: ofType(sprint.events, "error").map((e) => e.text), request: ofType(sprint.events, "webhook_called")[0]?.request as string };
}

const ORDER = JSON.stringify({ data: { total: 42.5, status: "shipped", paid: true, items: [{ sku: "A" }], lines: 2 } });

describe("call API", () => {
  it("sends a JSON body with its headers and saves response fields into variables by path", async () => {
    const { said, errors, request } = await call(
      {
        headers: { Authorization: "Bearer @globals.org_name" },
        body_type: "json",
        body: '{"email": "@(urn_parts(contact.urns[1]).path)", "name": @(json(contact.name))}',
        response_variables: [
          { path: "data.total", variable: "total" },
          { path: "$.data.items[0].sku", variable: "status" },
          { path: "data.paid", variable: "paid" },
        ],
      },
      [{ status: 201, body: ORDER }],
    );
    expect(errors).toEqual([]);
    expect(request).toContain("POST /orders HTTP/1.1");
    expect(request).toContain("Authorization: Bearer Eddy Health");
    expect(request).toContain("Content-Type: application/json");
    expect(request).toContain('{"email": "ben@example.org", "name": "Ben Haggerty"}');
    expect(said).toBe("2xx 201 total=42.5 status=A paid=true");
  });

  it("sends a form body, URL-encoded", async () => {
    const { request } = await call({ method: "PUT", body_type: "form", form: [{ name: "full name", value: "@contact.name" }, { name: "plan", value: "a&b" }] }, [{ status: 200, body: "{}" }]);
    expect(request).toContain("PUT /orders HTTP/1.1");
    expect(request).toContain("Content-Type: application/x-www-form-urlencoded");
    expect(request).toContain("full%20name=Ben%20Haggerty&plan=a%26b");
  });

  it("branches on 4xx, 5xx and no response, saving nothing from them", async () => {
    const mapped = { method: "DELETE", response_variables: [{ path: "data.total", variable: "total" }] };
    expect((await call(mapped, [{ status: 404, body: ORDER }])).said).toBe("4xx 404 total=0 status= paid=");
    expect((await call(mapped, [{ status: 503, body: ORDER }])).said).toBe("5xx 503 total=0 status= paid=");
    expect((await call(mapped, [{ error: "connection refused" }])).said).toBe("No response 0 total=0 status= paid=");
    expect((await call({ method: "GET" }, [{ status: 302, body: "" }])).said).toBe("Other 302 total=0 status= paid=");
  });

  it("says so when a path points at an object or an array, or at nothing, or at a value of the wrong type", async () => {
    const { said, errors } = await call(
      {
        method: "GET",
        response_variables: [
          { path: "data.items", variable: "status" },
          { path: "data", variable: "status" },
          { path: "data.missing", variable: "total" },
          { path: "data.status", variable: "paid" },
          { path: "data.lines", variable: "total" },
        ],
      },
      [{ status: 200, body: ORDER }],
    );
    expect(errors).toEqual([
      `call_api: the response's "data.items" is an array, not a value: variable "status" not set`,
      `call_api: the response's "data" is an object, not a value: variable "status" not set`,
      `call_api: the response has nothing at "data.missing": variable "total" not set`,
      `call_api: the response's "data.status": variable "paid" is boolean, text "shipped" is not true or false: not set`,
    ]);
    expect(said).toBe("2xx 200 total=2 status= paid=");
  });

  it("keeps goflow's webhook limits: no call to a private address, nor a body that is not JSON", async () => {
    const blocked = await call({ url: "http://10.0.0.1/x" }, [{ status: 200, body: "{}" }]);
    expect(blocked.errors).toEqual(["webhook to 10.0.0.1 not allowed: it is a private address"]);
    expect(blocked.said).toBe("No response 0 total=0 status= paid=");
    const bad = await call({ body_type: "json", body: "{name: @contact.name}" }, [{ status: 200, body: "{}" }]);
    expect(bad.errors).toEqual(["call_api: the body is not JSON once evaluated: not sent ({name: Ben Haggerty})"]);
    expect(bad.request).toBeUndefined();
    expect(bad.said).toBe("No response 0 total=0 status= paid=");
  });

  it("is checked when the flow loads, naming the node and the action", () => {
    const problems = (action: Record<string, unknown>) => loadFlow(flow(action)).problems.map((p) => p.message.replace(`node ${u(940)}, action ${u(941)} (call_api): `, ""));
    expect(problems({ body_type: "json", body: "{}" })).toEqual([]);
    expect(problems({ body_type: "json" })).toEqual([`a JSON body needs "body"`]);
    expect(problems({ method: "GET", body_type: "form", form: [] })).toEqual(["a GET request has no body"]);
    expect(problems({ body: "{}" })).toEqual([`"body" goes with body_type "json"`]);
    expect(problems({ response_variables: [{ path: "a..b", variable: "total" }, { path: "x", variable: "nope" }] })).toEqual([
      `the flow declares no variable "nope"`,
      `"a..b" is not a path like data.items[0].total`,
    ]);
    expect(problems({ method: "HEAD" })[0]).toContain(`method Invalid option: expected one of "GET"|"POST"|"PUT"|"PATCH"|"DELETE"`);
  });
});
