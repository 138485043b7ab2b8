// Webhooks as goflow calls them (issue #12, point 7): no call to an invalid URL or a blocked host
// (an error instead), request and kept-response sizes limited, and `@webhook` reading as the call
// when the answer was not JSON.
import { describe, expect, it } from "vitest";
import { assets, contact, engine, linearFlow, manual, ofType, texts, types, u } from "./engine-support";

const F = "a6000000-0000-4000-8000-000000000000";

async function call(url: string, mocks: Record<string, any[]> = {}, body?: string) {
  const flow = linearFlow(F, "Hook", [
    {
      actions: [
        { uuid: u(1), type: "call_webhook", method: "POST", url, headers: {}, ...(body !== undefined ? { body } : {}), result_name: "Call" },
        { uuid: u(2), type: "send_msg", text: "@webhook|@webhook.status" },
      ],
    },
  ]);
  return engine(mocks).start(assets(flow), manual(flow, contact()));
}

describe("call_webhook", () => {
  it.each([
    ["http://127.0.0.1:8787/api", "127.0.0.1"],
    ["http://localhost/x", "localhost"],
    ["http://10.1.2.3/x", "10.1.2.3"],
    ["http://192.168.0.1/x", "192.168.0.1"],
    ["http://172.20.0.1/x", "172.20.0.1"],
    ["http://169.254.169.254/latest/meta-data", "169.254.169.254"],
    ["http://[::1]/x", "[::1]"],
    ["http://[::ffff:127.0.0.1]/x", "[::ffff:7f00:1]"],
    ["http://2130706433/x", "127.0.0.1"],
    ["https://api.twilio.com/2010-04-01/Accounts", "api.twilio.com"],
    ["https://graph.facebook.com/v19.0/me/messages", "graph.facebook.com"],
  ])("makes no call to a blocked host: %s", async (url, host) => {
    const { events, session } = await call(url, { [url]: [{ status: 200, body: "{}" }] });
    expect(types(events)).not.toContain("webhook_called");
    expect(ofType(events, "error")[0].text).toContain(`webhook to ${host} not allowed`);
    expect(session.runs[0].results).toEqual({});
  });

  it("makes no call when the URL evaluates to something invalid", async () => {
    const { events } = await call("@fields.nickname");
    expect(types(events)).not.toContain("webhook_called");
    expect(ofType(events, "error")[0].text).toBe("'' is not a valid URL");
  });

  it("sends no request body over 256 KiB", async () => {
    const url = "https://example.org/big";
    const { events } = await call(url, { [url]: [{ status: 200, body: "{}" }] }, '@(repeat("x", 10000))'.repeat(26) + '@(repeat("x", 2145))');
    expect(types(events)).not.toContain("webhook_called");
    expect(ofType(events, "error")[0].text).toContain("262145 bytes, at most 262144");
  });

  it("keeps no response over 10,000 bytes in the run or as extra: a warning instead", async () => {
    const url = "https://example.org/large";
    const big = JSON.stringify({ data: "y".repeat(10_000) });
    const { events, session } = await call(url, { [url]: [{ status: 200, body: big }] });
    expect(types(events)).toEqual(expect.arrayContaining(["webhook_called", "warning", "run_result_changed"]));
    expect(ofType(events, "run_result_changed")[0].extra).toBeUndefined();
    expect(session.runs[0].results.call.extra).toBeUndefined();
    expect(session.runs[0].webhook?.json).toBeNull();
  });

  it("@webhook reads as the call when the answer is not JSON, and as the JSON when it is", async () => {
    const url = "https://example.org/plain";
    const plain = await call(url, { [url]: [{ status: 200, body: "OK" }] });
    expect(texts(plain.events)).toEqual([`POST ${url}|200`]);
    const json = await call(url, { [url]: [{ status: 201, body: '{"id":7}' }] });
    expect(texts(json.events)[0]).not.toContain("POST");
  });
});
