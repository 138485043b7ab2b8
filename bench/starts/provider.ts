/** The send's other end: a Twilio Messages API on loopback that counts what it is sent. */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ACCOUNT_SID, AUTH_TOKEN } from "../webhook/twilio";

export interface CountingTwilio {
  baseUrl: string;
  /** Messages accepted, and how many distinct numbers they went to. */
  sent(): { messages: number; recipients: number };
  /** Requests that were not a well-formed send (wrong path or auth). */
  rejected(): number;
  close(): Promise<void>;
}

export async function countingTwilio(): Promise<CountingTwilio> {
  const path = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
  const auth = "Basic " + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64");
  const recipients = new Set<string>();
  let messages = 0;
  let rejected = 0;
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
      recipients.add(new URLSearchParams(Buffer.concat(chunks).toString()).get("To") ?? "");
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ sid: "SM" + randomBytes(16).toString("hex"), status: "queued" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent: () => ({ messages, recipients: recipients.size }),
    rejected: () => rejected,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
