import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { apiToken, call, ORIGIN, unique } from "./helpers";

/** A raw request: any body, any content type (or none). */
async function send(method: string, path: string, body: BodyInit | undefined, contentType: string | null) {
  const headers: Record<string, string> = { authorization: `Bearer ${await apiToken()}` };
  if (contentType) headers["content-type"] = contentType;
  const res = await exports.default.fetch(`${ORIGIN}/api/v1${path}`, { method, headers, body });
  return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as { error: string; message: string; issues?: { path: string; message: string }[] } };
}

async function rows(table: string): Promise<number> {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
}

/** The tables a body could write to: counted before and after each refused request. */
const counted = ["contacts", "contact_urns", "fields", "groups", "flows", "triggers", "api_tokens"];
const snapshot = async () => Object.fromEntries(await Promise.all(counted.map(async (t) => [t, await rows(t)])));

const json = JSON.stringify({ name: "Ana", urns: ["tel:+250788123123"], key: "k", type: "text" });
const notJson: [string, BodyInit | undefined, string | null][] = [
  ["text/plain", json, "text/plain;charset=UTF-8"],
  ["a form", "name=Ana&key=k", "application/x-www-form-urlencoded"],
  // Bytes, since fetch gives a string body text/plain.
  ["no content type", new TextEncoder().encode(json), null],
  ["multipart", "--x\r\ncontent-disposition: form-data; name=\"name\"\r\n\r\nAna\r\n--x--\r\n", "multipart/form-data; boundary=x"],
  ["XML", "<contact><name>Ana</name></contact>", "application/xml"],
];

let field: string;
let group: string;
let contact: string;

beforeAll(async () => {
  field = `f_${unique()}`;
  expect((await call("POST", "/fields", { key: field, name: "Before", type: "text" })).status).toBe(201);
  group = (await call("POST", "/groups", { name: `Group ${unique()}` })).body.uuid;
  contact = (await call("POST", "/contacts", { name: "Existing", urns: [`tel:+25078${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`] })).body.uuid;
});

describe("a body that is not JSON", () => {
  it("is refused with 415 naming its content type on every route that takes a body, and changes nothing", async () => {
    const doc = (await (await exports.default.fetch(`${ORIGIN}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const withBody = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).filter(([, op]) => op.requestBody).map(([method]) => [method.toUpperCase(), path] as const));
    expect(withBody.length).toBeGreaterThan(15);
    const before = await snapshot();
    for (const [method, template] of withBody) {
      const path = template.replace("{key}", field).replace("{uuid}", crypto.randomUUID()).replace(/\{\w+\}/g, "x");
      for (const [what, body, type] of notJson) {
        const res = await send(method, path, body, type);
        expect(res.status, `${method} ${template} with ${what}`).toBe(415);
        expect(res.body.error).toBe("unsupported_media_type");
        expect(res.body.message).toContain(type ? type.split(";")[0] : "without a content type");
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it("is refused when it is not UTF-8, not JSON or empty (400)", async () => {
    const before = await snapshot();
    const badUtf8 = new Uint8Array([...new TextEncoder().encode('{"name": "Ana'), 0xff, 0xfe, ...new TextEncoder().encode('"}')]);
    const a = await send("POST", "/contacts", badUtf8, "application/json");
    expect(a).toMatchObject({ status: 400, body: { error: "bad_request", message: "the body is not valid UTF-8" } });
    expect((await send("POST", "/contacts", "{name: Ana}", "application/json")).body).toMatchObject({ error: "bad_request", message: expect.stringContaining("not JSON") });
    expect((await send("POST", "/contacts", "", "application/json")).status).toBe(400);
    expect((await send("PATCH", `/contacts/${contact}`, badUtf8, "application/json")).status).toBe(400);
    expect(await snapshot()).toEqual(before);
    expect((await call("GET", `/contacts/${contact}`)).body.name).toBe("Existing");
  });
});

describe("an empty PATCH", () => {
  it("answers 400 on every resource, not 500, and changes nothing", async () => {
    const flow = (await call("POST", "/flows", { name: `Flow ${unique()}`, type: "messaging" })).body.uuid;
    for (const path of [`/fields/${field}`, `/groups/${group}`, `/contacts/${contact}`, `/flows/${flow}`]) {
      const res = await call("PATCH", path, {});
      expect(res.status, path).toBe(400);
      expect(res.body).toMatchObject({ error: "validation_failed", message: expect.stringContaining("changes nothing") });
    }
    expect((await call("GET", `/fields/${field}`)).body.name).toBe("Before");
  });
});

describe("text that cannot be stored", () => {
  it("refuses NUL characters, control characters in names and unpaired surrogates, naming the field", async () => {
    const before = await snapshot();
    const nul = await call("POST", "/contacts", { name: "\u0000\u0000\u0000" });
    expect(nul).toMatchObject({ status: 400, body: { error: "validation_failed", issues: [{ path: "name" }] } });
    const deep = await call("POST", "/contacts", { fields: { [field]: "a\u0000b" } });
    expect(deep.body.issues).toEqual([{ path: `fields.${field}`, message: expect.stringContaining("NUL") }]);
    // JSON.stringify would escape a lone surrogate as \ud800, which JSON.parse turns back into one.
    const lone = await send("POST", "/groups", '{"name": "Half \\ud83d"}', "application/json");
    expect(lone).toMatchObject({ status: 400, body: { issues: [{ path: "name" }] } });
    for (const name of ["Two\nlines", "Tab\there", "Bell\u0007", "Line\u2028separator"]) {
      expect((await call("POST", "/groups", { name })).body.issues, JSON.stringify(name)).toEqual([{ path: "name", message: expect.stringContaining("control characters") }]);
      expect((await call("POST", "/fields", { key: `f_${unique()}`, name, type: "text" })).status).toBe(400);
      expect((await call("PATCH", `/contacts/${contact}`, { name })).status).toBe(400);
      expect((await call("POST", "/flows", { name, type: "messaging" })).body.issues).toEqual([{ path: "name", message: expect.stringContaining("control characters") }]);
    }
    expect(await snapshot()).toEqual(before);
    // An emoji (a surrogate pair) is text like any other.
    expect((await call("PATCH", `/contacts/${contact}`, { name: "Existing 🙂" })).body.name).toBe("Existing 🙂");
    expect((await call("PATCH", `/contacts/${contact}`, { name: "Existing" })).status).toBe(200);
  });
});

describe("contacts, fields and sends", () => {
  it("refuses tel:0788 without a country, as docs/api.md says", async () => {
    const before = await snapshot();
    const res = await call("POST", "/contacts", { urns: ["tel:0788"] });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ path: "urns.0", message: expect.stringContaining("is not a valid phone number") }]);
    expect(await snapshot()).toEqual(before);
    // Real short codes still work.
    const short = `tel:${1000 + Math.floor(Math.random() * 8999)}`;
    const ok = await call("POST", "/contacts", { urns: [short] });
    expect(ok.status).toBe(201);
    await call("DELETE", `/contacts/${ok.body.uuid}`);
  });

  it("refuses a field whose key goflow reserves", async () => {
    const before = await snapshot();
    for (const key of ["name", "language", "uuid", "created_on", "groups", "tel", "whatsapp", "mailto"]) {
      const res = await call("POST", "/fields", { key, name: "Reserved", type: "text" });
      expect(res.status, key).toBe(400);
      expect(res.body.issues).toEqual([{ path: "key", message: expect.stringContaining("reserved") }]);
    }
    // Nor through a flow export's fields.
    const flow = { uuid: crypto.randomUUID(), name: "Imported", type: "messaging", spec_version: "14.3.0", language: "eng", nodes: [] };
    const imported = await call("POST", "/flows/import", { version: "13", flows: [flow], fields: [{ key: "name", name: "Name", type: "text" }], groups: [] });
    expect(imported.status).toBe(400);
    expect(imported.body.issues).toEqual([{ path: "fields.0.key", message: expect.stringContaining("reserved") }]);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses POST /messages/send with no text and no attachments", async () => {
    for (const body of [{ contact }, { contact, text: "" }, { contact, text: "  \n " }, { contact, attachments: [] }]) {
      const res = await call("POST", "/messages/send", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.issues).toEqual([expect.objectContaining({ path: "text" })]);
    }
    const messages = await env.DB.prepare("SELECT count(*) AS n FROM messages WHERE contact_uuid = ?").bind(contact).first<{ n: number }>();
    expect(messages!.n).toBe(0);
  });
});
