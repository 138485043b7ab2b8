// A webhook body past what the channel's provider ever sends: 413, nothing stored, whether its
// length is declared (refused before it is read) or it is streamed without one.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ORIGIN } from "../contact/support";
import { channels, stored } from "./signed";

function streamed(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode("x".repeat(65536));
  let left = bytes;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      controller.enqueue(left >= chunk.length ? chunk : chunk.subarray(0, left));
      left -= chunk.length;
    },
  });
}

describe("webhook body size", () => {
  let twilio: string;
  beforeAll(async () => {
    twilio = await channels.twilio();
  });

  it("refuses a streamed body past 4 MB with 413 and stores nothing", async () => {
    const before = await stored();
    const res = await exports.default.fetch(`${ORIGIN}/channels/${twilio}/receive`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "x" },
      body: streamed(5 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe("too_large");
    expect(await stored()).toEqual(before);
  });

  it("reads a streamed body under the limit as usual (here: its bad signature is the answer)", async () => {
    const res = await exports.default.fetch(`${ORIGIN}/channels/${twilio}/receive`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "x" },
      body: streamed(1024),
    });
    expect(res.status).toBe(403);
  });
});
