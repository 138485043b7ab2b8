// Segment queries compiled to SQL and run against D1, and the in-memory matcher agreeing with them.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { segment, type SegmentEnv } from "../../worker/segments/check";
import { compileSql } from "../../worker/segments/compile-sql";
import { matchContact, type SegmentContact } from "../../worker/segments/match";
import { SegmentError } from "../../worker/segments/parse";

// Other test files share the database: this run's rows carry a prefix in their UUIDs, names and
// URNs, made of digits that cannot spell "0788".
const run = Array.from({ length: 5 }, () => 1 + Math.floor(Math.random() * 6)).join("");
const farmers = `Farmers ${run}`;
const mothers = `Mothers ${run}`;

const contacts: Record<string, SegmentContact> = {
  ana: {
    uuid: `${run}-ana`,
    name: "Ana Uwase",
    language: "kin",
    status: "active",
    created_on: "2024-01-01T10:00:00.000Z",
    last_seen_on: "2024-03-01T08:00:00.000Z",
    fields: { age: 23, district: "Gasabo", dob: "2001-05-04T00:00:00.000Z", note: "Likes maize" },
    urns: [`tel:+250788${run}1`, `whatsapp:250788${run}1`],
    groups: [{ name: farmers }],
  },
  joanne: {
    uuid: `${run}-joanne`,
    name: "JOANNE",
    language: "eng",
    status: "active",
    created_on: "2023-12-31T23:30:00.000Z",
    last_seen_on: null,
    fields: { age: 17, district: "gasabo", dob: "2007-01-01T00:00:00.000Z" },
    urns: [`tel:+250788${run}2`],
    groups: [{ name: farmers }, { name: mothers }],
  },
  bob: {
    uuid: `${run}-bob`,
    name: "Bob",
    language: "eng",
    status: "blocked",
    created_on: "2024-01-02T00:00:00.000Z",
    last_seen_on: "2024-03-05T10:00:00.000Z",
    fields: { age: 40.5, district: "Kicukiro" },
    urns: [`mailto:bob${run}@example.com`, `telegram:${run}3`],
    groups: [],
  },
  nameless: {
    uuid: `${run}-nameless`,
    name: null,
    language: null,
    status: "stopped",
    created_on: "2024-02-01T00:00:00.000Z",
    last_seen_on: null,
    fields: {},
    urns: [],
    groups: [{ name: mothers }],
  },
  // values of the wrong JSON type for their fields, as a field type change leaves them
  legacy: {
    uuid: `${run}-legacy`,
    name: "Anne-Marie",
    language: "fra",
    status: "active",
    created_on: "2025-06-01T12:00:00.000Z",
    last_seen_on: null,
    fields: { age: "23", district: "", note: 42 },
    urns: [`tel:+250722${run}5`],
    groups: [],
  },
  odd: {
    uuid: `${run}-odd`,
    name: "100%_sure",
    language: "eng",
    status: "active",
    created_on: "2022-01-01T00:00:00.000Z",
    last_seen_on: null,
    fields: { dob: "2005-01-01T00:00:00.000Z" },
    urns: [],
    groups: [],
  },
};
const all = Object.keys(contacts);
const except = (...names: string[]) => all.filter((n) => !names.includes(n));

const segmentEnv: SegmentEnv = {
  fields: [
    { key: "age", name: "Age", type: "number" },
    { key: "district", name: "District", type: "district" },
    { key: "note", name: "Note", type: "text" },
    { key: "dob", name: "Date of birth", type: "datetime" },
  ],
  groups: [farmers, mothers, `Empty ${run}`],
  dateFormat: "DD-MM-YYYY",
};

beforeAll(async () => {
  const statements: D1PreparedStatement[] = [];
  const groupUuids = new Map<string, string>();
  for (const name of segmentEnv.groups) {
    groupUuids.set(name, crypto.randomUUID());
    statements.push(env.DB.prepare("INSERT INTO groups (uuid, name) VALUES (?, ?)").bind(groupUuids.get(name), name));
  }
  for (const c of Object.values(contacts)) {
    statements.push(
      env.DB.prepare("INSERT INTO contacts (uuid, name, language, status, fields, created_on, modified_on, last_seen_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").bind(
        c.uuid,
        c.name,
        c.language,
        c.status,
        JSON.stringify(c.fields),
        c.created_on,
        c.created_on,
        c.last_seen_on,
      ),
    );
    c.urns.forEach((urn, priority) => {
      const colon = urn.indexOf(":");
      statements.push(env.DB.prepare("INSERT INTO contact_urns (scheme, path, contact_uuid, priority) VALUES (?, ?, ?, ?)").bind(urn.slice(0, colon), urn.slice(colon + 1), c.uuid, priority));
    });
    for (const g of c.groups) statements.push(env.DB.prepare("INSERT INTO group_members (group_uuid, contact_uuid) VALUES (?, ?)").bind(groupUuids.get(g.name), c.uuid));
  }
  await env.DB.batch(statements);
});

/** The names of this run's contacts the query selects in D1. */
async function inD1(query: string, senv = segmentEnv): Promise<string[]> {
  const { where, params } = compileSql(segment(query, senv));
  const { results } = await env.DB.prepare(`SELECT uuid FROM contacts WHERE ${where} AND uuid LIKE ?${params.length + 1}`)
    .bind(...params, `${run}-%`)
    .all<{ uuid: string }>();
  return results.map((r) => r.uuid.slice(run.length + 1)).sort();
}

/** The names of the contacts the in-memory matcher selects. */
function inMemory(query: string, senv = segmentEnv): string[] {
  const tree = segment(query, senv);
  return all.filter((n) => matchContact(tree, contacts[n])).sort();
}

const cases: [query: string, expected: string[]][] = [
  // numbers
  ["age >= 18", ["ana", "bob"]],
  ["age > 40", ["bob"]],
  ["age = 40.5", ["bob"]],
  ["age < 18", ["joanne"]],
  ["age <= 17", ["joanne"]],
  ["age = 23", ["ana"]], // not legacy's "23", a text
  ["age != 23", except("ana")], // != is NOT =: contacts without a number age are in
  ["NOT age > 18", except("ana", "bob")],
  ["fields.age > 20", ["ana", "bob"]],
  // set and not set
  ['age = ""', ["nameless", "odd"]],
  ['age != ""', ["ana", "joanne", "bob", "legacy"]],
  ['district != ""', ["ana", "joanne", "bob"]],
  ['district = ""', ["nameless", "legacy", "odd"]],
  ['name = ""', ["nameless"]],
  ['last_seen_on = ""', except("ana", "bob")],
  ['note != ""', ["ana", "legacy"]],
  // text, case-insensitive
  ['district = "Gasabo"', ["ana", "joanne"]],
  ["district = GASABO", ["ana", "joanne"]],
  ['district != "Gasabo"', except("ana", "joanne")],
  ['age >= 18 AND district = "Gasabo"', ["ana"]],
  ['name ~ "ann"', ["joanne", "legacy"]],
  ["name = bob", ["bob"]],
  ['name != "bob"', except("bob")],
  ['name ~ "%_"', ["odd"]], // LIKE's wildcards are matched literally
  ["name ~ _", ["odd"]],
  ['note ~ "MAIZE"', ["ana"]],
  ["note = 42", []], // a number in a text field does not compare
  ['language = "eng"', ["joanne", "bob", "odd"]],
  ["language != eng", ["ana", "nameless", "legacy"]],
  ["status = blocked", ["bob"]],
  ["status != active", ["bob", "nameless"]],
  [`uuid = ${run}-bob`, ["bob"]],
  // URNs
  [`tel = +250788${run}1`, ["ana"]],
  [`tel != +250788${run}1`, except("ana")],
  ["urn ~ 0788", ["ana", "joanne"]],
  [`mailto = BOB${run}@EXAMPLE.COM`, ["bob"]],
  ['telegram != ""', ["bob"]],
  ['whatsapp = ""', except("ana")],
  ['urn = ""', ["nameless", "odd"]],
  // groups
  [`group = "${farmers}"`, ["ana", "joanne"]],
  [`group = "${mothers.toUpperCase()}"`, ["joanne", "nameless"]],
  [`group != "${farmers}"`, except("ana", "joanne")],
  [`group = "Empty ${run}"`, []],
  // dates, by day in UTC here
  ["created_on = 2024-01-01", ["ana"]],
  ["created_on != 2024-01-01", except("ana")],
  ["created_on > 2024-01-01", ["bob", "nameless", "legacy"]],
  ["created_on >= 2024-01-02", ["bob", "nameless", "legacy"]],
  ["created_on < 2024-01-01", ["joanne", "odd"]],
  ["created_on <= 2024-01-01", ["ana", "joanne", "odd"]],
  ["last_seen_on > 01-03-2024", ["bob"]], // DD-MM-YYYY
  ["dob < 01-01-2005", ["ana"]],
  ["dob = 2005-01-01", ["odd"]],
  ["dob >= 2005-01-01", ["joanne", "odd"]],
  // boolean structure
  [`(age > 30 OR group = "${mothers}") AND NOT status = stopped`, ["joanne", "bob"]],
  ['NOT (district = "" OR language = eng)', ["ana"]],
  ["age = 1 OR age = 2 OR name = bob", ["bob"]],
  // a value that looks like SQL is only a value
  [`name = "x'); DROP TABLE contacts; --"`, []],
];

describe("segments in D1 and in memory", () => {
  it.each(cases)("%s", async (query, expected) => {
    expect(await inD1(query)).toEqual([...expected].sort());
    expect(inMemory(query)).toEqual([...expected].sort());
  });

  it("compares dates by day in the environment's timezone", async () => {
    // 2024-01-01 in Kigali (UTC+2) is 2023-12-31T22:00Z to 2024-01-01T22:00Z: Joanne's 23:30Z is in it
    const kigali = { ...segmentEnv, timezone: "Africa/Kigali" };
    expect(await inD1("created_on = 2024-01-01", kigali)).toEqual(["ana", "joanne"]);
    expect(inMemory("created_on = 2024-01-01", kigali)).toEqual(["ana", "joanne"]);
    expect(await inD1("created_on < 2024-01-01", kigali)).toEqual(["odd"]);
  });

  it("runs the deepest and widest queries the language allows within SQLite's expression depth", async () => {
    const wide = Array.from({ length: 60 }, (_, i) => `name = "n${i}"`).join(" OR ");
    // ten NOTs cancel out; NOT and its parenthesis are two of the 20 levels allowed
    const query = "NOT (".repeat(10) + `age > 30 OR ${wide}` + ")".repeat(10);
    expect(await inD1(query)).toEqual(["bob"]);
    expect(inMemory(query)).toEqual(["bob"]);
  });

  it("binds every value, and a value used twice once", () => {
    const { where, params } = compileSql(segment('age > 18 AND age < 30 AND name = "ann" AND group != "Farmers ' + run + '"', segmentEnv));
    expect(params).toEqual(["$.age", 18, 30, "ann", `farmers ${run}`]);
    expect(where).not.toMatch(/ann|18|30|age|farmers/i);
  });

  it("rejects a query that needs more parameters than D1 binds, pointing at the condition", async () => {
    // the field's path is one parameter and each number another; with this test's own UUID filter,
    // 98 numbers make D1's 100
    const ors = (n: number) => Array.from({ length: n }, (_, i) => `age = ${i + 1000}`).join(" OR ");
    expect(await inD1(ors(98))).toEqual([]);
    const query = ors(100);
    try {
      compileSql(segment(query, segmentEnv));
      throw new Error("no error");
    } catch (e) {
      if (!(e instanceof SegmentError)) throw e;
      expect(e.message).toBe("the query needs more than 100 values, the most one query can use; split it or put the contacts in a group");
      expect(query.slice(e.start, e.end)).toBe("age = 1099");
    }
    // a caller that binds its own parameters lowers the limit
    expect(() => compileSql(segment(ors(99), segmentEnv), { maxParams: 99 })).toThrow(SegmentError);
  });
});
