/**
 * The send's other end: a Twilio Messages API on loopback that counts what it is sent and, as
 * Twilio does, calls each message's StatusCallback back, signed: `sent`, then `delivered`.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ACCOUNT_SID, AUTH_TOKEN, signature } from "../webhook/twilio";

export interface CountingTwilio {
  baseUrl: string;
  /** Messages accepted, and how many distinct numbers they went to. */
  sent(): { messages: number; recipients: number };
  /** Requests that were not a well-formed send (wrong path or auth). */
  rejected(): number;
  /** Status callbacks made, answered 2xx, and answered otherwise or failed. */
  callbacks(): { made: number; answered: number; failed: number };
  close(): Promise<void>;
}

export async function countingTwilio(): Promise<CountingTwilio> {
  const path = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
  const auth = "Basic " + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64");
  const recipients = new Set<string>();
  let messages = 0;
  let rejected = 0;
  const callbacks = { made: 0, answered: 0, failed: 0 };
  const post = async (url: string, params: Record<string, string>) => {
    callbacks.made++;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature(url, params) },
        body: new URLSearchParams(params).toString(),
      });
      await res.arrayBuffer();
      res.ok ? callbacks.answered++ : callbacks.failed++;
    } catch {
      callbacks.failed++;
    }
  };
  /** Twilio's callbacks for a message it accepted, one after the other. */
  const callBack = async (form: URLSearchParams, sid: string) => {
    const url = form.get("StatusCallback");
    if (!url) return;
    const base = { MessageSid: sid, SmsSid: sid, AccountSid: ACCOUNT_SID, From: form.get("From") ?? "", To: form.get("To") ?? "", ApiVersion: "2010-04-01" };
    for (const status of ["sent", "delivered"]) await post(url, { ...base, MessageStatus: status, SmsStatus: status });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== path || req.headers.authorization !== auth) {
        rejected++;
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ code: 20404, message: "not found" }));
        return;
      }
      messages++;
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      recipients.add(form.get("To") ?? "");
      const sid = "SM" + randomBytes(16).toString("hex");
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ sid, status: "queued" }));
      void callBack(form, sid);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent: () => ({ messages, recipients: recipients.size }),
    rejected: () => rejected,
    callbacks: () => ({ ...callbacks }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
