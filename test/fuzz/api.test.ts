// Property-based: API bodies, valid by construction, broken in a known way, or arbitrary (any JSON,
// any bytes, any content type). Every answer is 2xx for a valid body and a 4xx JSON error
// otherwise; a 4xx changes no row; no request takes more than a second.
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import { apiToken, call, ORIGIN, unique } from "../api/helpers";
import { expectAnswer, type Case, printable, RUNS } from "./support";

type Body = { type: string | null; bytes: Uint8Array };
const asJson = (v: unknown): Body => ({ type: "application/json", bytes: new TextEncoder().encode(JSON.stringify(v)) });

async function send(method: string, path: string, body: Body): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${await apiToken()}` };
  if (body.type) headers["content-type"] = body.type;
  return exports.default.fetch(`${ORIGIN}/api/v1${path}`, { method, headers, body: body.bytes });
}

const tables = ["contacts", "contact_urns", "fields", "groups", "group_members"];
async function rows(): Promise<Record<string, number>> {
  const counts = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT count(*) AS n FROM ${t}`)));
  return Object.fromEntries(tables.map((t, i) => [t, (counts[i].results[0] as { n: number }).n]));
}

/** The counts, and the row a PATCH targets as it is stored (a refused PATCH must leave it as it was). */
const rowsAnd = (sql: string, id: () => string) => async () => ({ ...(await rows()), target: JSON.stringify(await env.DB.prepare(sql).bind(id()).first()) });

/** Bodies no route takes: other content types, bytes that are not UTF-8 or not JSON, JSON of any shape. */
const arbitraryBody: fc.Arbitrary<Body> = fc.oneof(
  fc.tuple(fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", null), fc.jsonValue()).map(([type, v]) => ({ type, bytes: new TextEncoder().encode(JSON.stringify(v)) })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ type: "application/json", bytes })),
  fc.jsonValue().map(asJson),
  fc.dictionary(fc.constantFrom("name", "urns", "fields", "groups", "key", "type", "query", "language", "status", "extra"), fc.oneof(fc.jsonValue(), fc.string({ unit: "binary" }))).map(asJson),
);

const phone = fc.stringMatching(/^\d{7}$/).map((d) => `tel:+25078${d}`);
const tag = () => unique();

describe("API fuzz", () => {
  let contact: string;
  let field: string;
  let group: string;
  beforeAll(async () => {
    contact = (await call("POST", "/contacts", { name: "Fuzzed" })).body.uuid;
    field = `fz_${tag()}`;
    await call("POST", "/fields", { key: field, name: "Fuzz", type: "text" });
    group = (await call("POST", "/groups", { name: `Fuzz ${tag()}` })).body.uuid;
  });

  const cases = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>): fc.Arbitrary<Case<Body>> =>
    fc.oneof(
      valid.map((v) => ({ expect: "2xx" as const, input: asJson(v) })),
      hostile.map((v) => ({ expect: "4xx" as const, input: asJson(v) })),
      arbitraryBody.map((input) => ({ expect: "any" as const, input })),
    );

  it("POST /contacts", async () => {
    const valid = fc.record({ name: printable(128).map((s) => s.replace(/[\n\t]/g, " ")), urns: fc.array(phone, { maxLength: 3 }) }, { requiredKeys: [] });
    const hostile = fc.oneof(
      fc.constantFrom({ urns: ["tel:0788"] }, { urns: ["abc"] }, { urns: ["whatsapp:"] }, { name: "\u0000" }, { name: "a\nb" }, { name: "x".repeat(129) }, { fields: { name: "x" } }, { language: "english" }),
      fc.string({ minLength: 1 }).map((k) => ({ [`x${k}`]: 1 })),
    );
    await fc.assert(fc.asyncProperty(cases(valid, hostile), (c) => expectAnswer(c, () => send("POST", "/contacts", c.input), rows)), { numRuns: RUNS });
  });

  it("PATCH /contacts/{uuid}", async () => {
    const valid = fc.record({ name: printable(128).map((s) => s.replace(/[\n\t]/g, " ")), fields: fc.record({ [field]: printable(640) }) }, { requiredKeys: [] }).filter((b) => Object.keys(b).length > 0);
    const hostile = fc.constantFrom({}, { name: "\u0000" }, { urns: ["tel:0788"] }, { fields: { nope_not_a_field: "x" } }, { status: "gone" });
    await fc.assert(fc.asyncProperty(cases(valid, hostile), (c) => expectAnswer(c, () => send("PATCH", `/contacts/${contact}`, c.input), rowsAnd("SELECT * FROM contacts WHERE uuid = ?", () => contact))), { numRuns: RUNS });
  });

  it("POST /fields and PATCH /fields/{key}", async () => {
    const valid = fc.record({ key: fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/).map((k) => `f${k}_${tag()}`), name: printable(64).filter((s) => s.trim().length > 0).map((s) => s.replace(/[\n\t]/g, " ")), type: fc.constantFrom("text", "number", "datetime") });
    const hostile = fc.oneof(fc.constantFrom("name", "language", "uuid", "tel", "groups").map((key) => ({ key, name: "Reserved", type: "text" })), fc.constantFrom({ key: "Bad Key", name: "x", type: "text" }, { key: "ok_key", name: "", type: "text" }, { key: "ok_key", name: "x", type: "colour" }));
    await fc.assert(fc.asyncProperty(cases(valid, hostile), (c) => expectAnswer(c, () => send("POST", "/fields", c.input), rows)), { numRuns: RUNS });
    const update = fc.record({ name: printable(64).filter((s) => s.trim().length > 0).map((s) => s.replace(/[\n\t]/g, " ")) });
    await fc.assert(fc.asyncProperty(cases(update, fc.constantFrom({}, { name: "" }, { name: "a\u0000" }, { key: "other" })), (c) => expectAnswer(c, () => send("PATCH", `/fields/${field}`, c.input), rowsAnd("SELECT * FROM fields WHERE key = ?", () => field))), { numRuns: RUNS });
  });

  it("POST /groups and PATCH /groups/{uuid}", async () => {
    const name = printable(40).map((s) => `G ${tag()} ${s.replace(/[\n\t]/g, " ")}`);
    const hostile = fc.constantFrom({}, { name: "" }, { name: "a\nb" }, { name: "\u0000" }, { name: "x".repeat(65) }, { name: "ok", extra: 1 });
    await fc.assert(fc.asyncProperty(cases(fc.record({ name }), hostile), (c) => expectAnswer(c, () => send("POST", "/groups", c.input), rows)), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(cases(fc.record({ name }), hostile), (c) => expectAnswer(c, () => send("PATCH", `/groups/${group}`, c.input), rowsAnd("SELECT * FROM groups WHERE uuid = ?", () => group))), { numRuns: RUNS });
  });
});
