import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, MAX_IMPORT_BYTES } from "../../worker/api/body";
import { apiToken, ORIGIN, unique } from "./helpers";

/** A body of `bytes` bytes, valid JSON (a contact with a long name), sent whole or as a stream with no length. */
function contactBody(bytes: number, name: string): string {
  const head = JSON.stringify({ name, urns: [`tel:+25078${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`], fields: {} }).slice(0, -1);
  return `${head}, "pad": "${"x".repeat(Math.max(0, bytes - head.length - 11))}"}`;
}

function streamed(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + 65536));
      at += 65536;
    },
  });
}

async function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${await apiToken()}`, "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as { error: string; message: string } };
}

const named = async (name: string) => (await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE name = ?").bind(name).first<{ n: number }>())!.n;

describe("API body size", () => {
  it("refuses a body past the cap with a 413 JSON error and stores nothing, whether its length is declared or streamed", async () => {
    const name = `Big ${unique()}`;
    for (const body of [contactBody(MAX_BODY_BYTES + 1, name), streamed(contactBody(MAX_BODY_BYTES + 1, name))]) {
      const r = await post("/api/v1/contacts", body);
      expect(r.status).toBe(413);
      expect(r.body.error).toBe("too_large");
      expect(r.body.message).toContain(String(MAX_BODY_BYTES));
    }
    expect(await named(name)).toBe(0);
  });

  it("takes a body just under the cap (the unknown field is refused by the schema, not the size)", async () => {
    const r = await post("/api/v1/contacts", contactBody(MAX_BODY_BYTES - 100, `Near ${unique()}`));
    expect(r.status).toBe(400);
    expect(r.body.error).toBe("validation_failed");
  });

  it("gives an import its own, larger cap", async () => {
    const big = JSON.stringify({ version: "13", flows: [], pad: "x".repeat(MAX_BODY_BYTES) });
    expect((await post("/api/v1/flows/import", big)).status).not.toBe(413);
    const r = await post("/api/v1/flows/import", streamed(JSON.stringify({ version: "13", flows: [], pad: "x".repeat(MAX_IMPORT_BYTES) })));
    expect(r.status).toBe(413);
  });

  it("caps sign-in bodies too", async () => {
    const r = await post("/auth/login", streamed(JSON.stringify({ email: "a@b.c", password: "x".repeat(MAX_BODY_BYTES) })), { "x-requested-with": "fetch" });
    expect(r.status).toBe(413);
  });
});
