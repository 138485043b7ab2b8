/** Twilio's side of the conversation: signed inbound webhooks, and a Messages API that takes the replies. */
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export const ACCOUNT_SID = "AC" + randomBytes(16).toString("hex");
export const AUTH_TOKEN = randomBytes(16).toString("hex");
/** Twilio's magic test number: the channel's own address. */
export const CHANNEL_NUMBER = "+15005550006";

/** X-Twilio-Signature: base64 HMAC-SHA1 (key: the auth token) of the URL, then each parameter sorted by name, name and value. */
export function signature(url: string, params: Record<string, string>, authToken = AUTH_TOKEN): string {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join("");
  return createHmac("sha1", authToken).update(data).digest("base64");
}

/** An inbound SMS as Twilio posts it. */
export function inboundSms(from: string, body: string, sid: string): Record<string, string> {
  return {
    ToCountry: "US",
    ToState: "CA",
    SmsMessageSid: sid,
    NumMedia: "0",
    ToCity: "",
    FromZip: "",
    SmsSid: sid,
    FromState: "",
    SmsStatus: "received",
    FromCity: "",
    Body: body,
    FromCountry: "RW",
    To: CHANNEL_NUMBER,
    ToZip: "",
    NumSegments: "1",
    MessageSid: sid,
    AccountSid: ACCOUNT_SID,
    From: from,
    ApiVersion: "2010-04-01",
  };
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString()));
    req.on("error", reject);
  });

export interface MockTwilio {
  baseUrl: string;
  /** Resolves with the time (performance.now()) the reply `body` to `to` reached the API. */
  expect(to: string, body: string, timeoutMs: number): Promise<number>;
  /** Replies nobody waited for (a wrong text, a duplicate): each is a failure of the run. */
  unexpected: string[];
  close(): Promise<void>;
}

/** `POST /2010-04-01/Accounts/{sid}/Messages.json` with Basic auth, answered 201 with a fresh sid. */
export async function mockTwilio(): Promise<MockTwilio> {
  const waiting = new Map<string, (at: number) => void>();
  const unexpected: string[] = [];
  const path = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
  const auth = "Basic " + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64");

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const at = performance.now();
    if (req.method !== "POST" || req.url !== path || req.headers.authorization !== auth) {
      unexpected.push(`${req.method} ${req.url} (auth ${req.headers.authorization === auth ? "ok" : "wrong"})`);
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ code: 20404, message: "not found" }));
      return;
    }
    const form = new URLSearchParams(body);
    const key = `${form.get("To")}\n${form.get("Body")}`;
    const done = waiting.get(key);
    if (done) {
      waiting.delete(key);
      done(at);
    } else unexpected.push(`To ${form.get("To")}: ${JSON.stringify(form.get("Body"))}`);
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ sid: "SM" + randomBytes(16).toString("hex"), status: "queued" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    unexpected,
    expect(to, body, timeoutMs) {
      const key = `${to}\n${body}`;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(key);
          const got = unexpected.filter((u) => u.startsWith(`To ${to}:`));
          reject(new Error(`no reply ${JSON.stringify(body)} to ${to} within ${timeoutMs} ms${got.length ? `; it got ${got.join(", ")}` : ""}`));
        }, timeoutMs);
        waiting.set(key, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
