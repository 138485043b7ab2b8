import { beforeAll, describe, expect, it } from "vitest";
import { call, unique } from "./helpers";

/** A Rwandan mobile number no other test uses. */
const phone = () => `+25078${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

let district: string;
let age: string;

beforeAll(async () => {
  district = `district_${unique()}`;
  age = `age_${unique()}`;
  expect((await call("POST", "/fields", { key: district, name: "District", type: "district" })).status).toBe(201);
  expect((await call("POST", "/fields", { key: age, name: "Age", type: "number" })).status).toBe(201);
});

describe("contacts", () => {
  it("creates, gets, updates partially and deletes a contact", async () => {
    const tel = phone();
    const group = await call("POST", "/groups", { name: `Mothers ${unique()}` });
    const created = await call("POST", "/contacts", {
      name: "Ana Uwase",
      language: "kin",
      timezone: "Africa/Kigali",
      urns: [`tel:0${tel.slice(4)}`, `whatsapp:${tel.slice(1)}`],
      country: "RW",
      fields: { [district]: "Gasabo", [age]: "31" },
      groups: [group.body.uuid],
    });
    expect(created.status).toBe(201);
    const contact = created.body;
    expect(contact).toMatchObject({
      name: "Ana Uwase",
      language: "kin",
      timezone: "Africa/Kigali",
      status: "active",
      urns: [`tel:${tel}`, `whatsapp:${tel.slice(1)}`],
      fields: { [district]: "Gasabo", [age]: 31 },
      groups: [{ uuid: group.body.uuid, name: group.body.name }],
    });

    expect((await call("GET", `/contacts/${contact.uuid}`)).body).toEqual(contact);

    const updated = await call("PATCH", `/contacts/${contact.uuid}`, { name: "Ana U.", fields: { [age]: null } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: "Ana U.", language: "kin", urns: contact.urns, fields: { [district]: "Gasabo" }, groups: contact.groups });
    expect(updated.body.fields).not.toHaveProperty(age);
    expect((await call("GET", `/groups/${group.body.uuid}`)).body.count).toBe(1);

    expect((await call("DELETE", `/contacts/${contact.uuid}`)).status).toBe(204);
    expect((await call("GET", `/contacts/${contact.uuid}`)).status).toBe(404);
    expect((await call("GET", `/contacts?urn=tel:${encodeURIComponent(tel)}`)).body.results).toEqual([]);
    expect((await call("GET", `/groups/${group.body.uuid}`)).body.count).toBe(0);
  });

  it("rejects bad input naming each field, and changes nothing", async () => {
    const name = `Nobody ${unique()}`;
    const res = await call("POST", "/contacts", {
      name,
      language: "english",
      timezone: "Africa/Atlantis",
      urns: ["tel:+250788", "fax:123"],
      fields: { nope_not_a_field: "x", [age]: "old" },
      groups: [crypto.randomUUID()],
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("validation_failed");
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["language", "timezone"]);
    expect((await call("GET", `/contacts?name=${encodeURIComponent(name)}`)).body.results).toEqual([]);

    // Zones the engine could not use later (an offset, a mis-cased name) are refused up front.
    for (const timezone of ["+05:00", "africa/kigali"]) {
      const zoned = await call("POST", "/contacts", { name, timezone });
      expect(zoned.status).toBe(400);
      expect(zoned.body.issues.map((i: { path: string }) => i.path)).toEqual(["timezone"]);
    }

    const second = await call("POST", "/contacts", { name, urns: ["tel:+250788", "fax:123"], fields: { nope_not_a_field: "x", [age]: "old" }, groups: [crypto.randomUUID()] });
    expect(second.status).toBe(400);
    expect(second.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([`fields.${age}`, "fields.nope_not_a_field", "groups.0", "urns.0", "urns.1"]);
    expect((await call("GET", `/contacts?name=${encodeURIComponent(name)}`)).body.results).toEqual([]);

    const ok = await call("POST", "/contacts", { name, urns: [`tel:${phone()}`] });
    const bad = await call("PATCH", `/contacts/${ok.body.uuid}`, { name: "Changed", urns: ["tel:oops"] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: "urns.0" })]);
    expect((await call("GET", `/contacts/${ok.body.uuid}`)).body).toMatchObject({ name, urns: ok.body.urns });
  });

  it("refuses a URN another contact has with 409, naming it, and changes nothing", async () => {
    const tel = phone();
    const first = await call("POST", "/contacts", { name: "First", urns: [`tel:${tel}`] });
    const second = await call("POST", "/contacts", { name: "Second", urns: ["mailto:second@example.org".replace("second", `second-${unique()}`)] });

    const clash = await call("POST", "/contacts", { name: "Third", urns: ["mailto:third@example.org", `tel:${tel}`] });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ error: "conflict", issues: [{ path: "urns.1", message: expect.stringContaining(first.body.uuid) }] });
    expect((await call("GET", "/contacts?urn=mailto:third@example.org")).body.results).toEqual([]);

    const steal = await call("PATCH", `/contacts/${second.body.uuid}`, { urns: [`tel:${tel}`] });
    expect(steal.status).toBe(409);
    expect((await call("GET", `/contacts/${second.body.uuid}`)).body.urns).toEqual(second.body.urns);

    // Two creates racing for one URN: one wins, the other gets a 409, never a 500.
    const racing = `tel:${phone()}`;
    const [x, y] = await Promise.all([call("POST", "/contacts", { name: "X", urns: [racing] }), call("POST", "/contacts", { name: "Y", urns: [racing] })]);
    expect([x.status, y.status].sort()).toEqual([201, 409]);

    // Re-saving a contact's own URN is no conflict.
    expect((await call("PATCH", `/contacts/${first.body.uuid}`, { urns: [`tel:${tel}`] })).status).toBe(200);
  });

  it("searches by URN, by name (prefix and contains), by field and by group, and pages with a cursor", async () => {
    const tag = unique();
    const tel = phone();
    const group = await call("POST", "/groups", { name: `Search ${tag}` });
    const made = [];
    for (const [i, name] of ["Zawadi Mukamana", "Jean Bosco", "Zainabu Ingabire"].entries()) {
      const res = await call("POST", "/contacts", {
        name: `${name} ${tag}`,
        urns: i === 0 ? [`tel:${tel}`] : [],
        fields: { [district]: i === 2 ? "Kicukiro" : "Gasabo", [age]: 20 + i },
        groups: i < 2 ? [group.body.uuid] : [],
      });
      expect(res.status).toBe(201);
      made.push(res.body);
    }

    const byUrn = await call("GET", `/contacts?urn=${encodeURIComponent(`tel:0${tel.slice(4)}`)}&country=RW`);
    expect(byUrn.body.results.map((c: { uuid: string }) => c.uuid)).toEqual([made[0].uuid]);
    expect((await call("GET", "/contacts?urn=tel:garbage")).body.issues[0].path).toBe("urn");

    const prefix = await call("GET", `/contacts?name=za`);
    const prefixNames = prefix.body.results.map((c: { name: string }) => c.name);
    expect(prefixNames).toEqual(expect.arrayContaining([`Zainabu Ingabire ${tag}`, `Zawadi Mukamana ${tag}`]));
    expect(prefixNames).not.toContain(`Jean Bosco ${tag}`);

    const contains = await call("GET", `/contacts?name=${tag}&name_match=contains`);
    expect(contains.body.results.map((c: { name: string }) => c.name)).toEqual([`Zainabu Ingabire ${tag}`, `Jean Bosco ${tag}`, `Zawadi Mukamana ${tag}`]);

    const byField = await call("GET", `/contacts?field.${district}=Gasabo&name=${tag}&name_match=contains`);
    expect(byField.body.results.map((c: { uuid: string }) => c.uuid)).toEqual([made[1].uuid, made[0].uuid]);
    const byNumber = await call("GET", `/contacts?field.${age}=22`);
    expect(byNumber.body.results.map((c: { uuid: string }) => c.uuid)).toEqual([made[2].uuid]);
    expect((await call("GET", "/contacts?field.no_such_field=1")).body.issues[0].path).toBe("field.no_such_field");

    const byGroup = await call("GET", `/contacts?group=${group.body.uuid}`);
    expect(byGroup.body.results.map((c: { uuid: string }) => c.uuid)).toEqual([made[1].uuid, made[0].uuid]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { results: { uuid: string }[]; next: string | null } } = await call("GET", `/contacts?name=${tag}&name_match=contains&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.body.results.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.results.map((c) => c.uuid));
      cursor = res.body.next;
    } while (cursor);
    expect(seen).toEqual([made[2].uuid, made[1].uuid, made[0].uuid]);
    expect((await call("GET", "/contacts?cursor=nonsense")).body.issues[0].path).toBe("cursor");
  });

  it("stores a contact with 100 URNs, more than D1 binds in one statement, in their order", async () => {
    const base = 10_000_000 + Math.floor(Math.random() * 80_000_000);
    const urns = Array.from({ length: 100 }, (_, i) => `ext:bulk-${base + i}`);
    const created = await call("POST", "/contacts", { name: "Many URNs", urns });
    expect(created.status).toBe(201);
    expect(created.body.urns).toEqual(urns);
    const again = await call("PATCH", `/contacts/${created.body.uuid}`, { urns: [...urns].reverse() });
    expect(again.status).toBe(200);
    expect(again.body.urns).toEqual([...urns].reverse());
    const other = await call("POST", "/contacts", { name: "Thief", urns: [urns[99]] });
    expect(other.status).toBe(409);
  });
});

describe("groups", () => {
  it("creates, lists, renames, adds and removes members, and deletes", async () => {
    const name = `Teachers ${unique()}`;
    const created = await call("POST", "/groups", { name });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, query: null, count: 0 });
    const uuid = created.body.uuid;
    expect((await call("POST", "/groups", { name: name.toUpperCase() })).status).toBe(409);
    expect((await call("GET", "/groups")).body.results.map((g: { uuid: string }) => g.uuid)).toContain(uuid);

    const a = await call("POST", "/contacts", { name: "A" });
    const b = await call("POST", "/contacts", { name: "B" });
    const missing = crypto.randomUUID();
    const bad = await call("POST", `/groups/${uuid}/members`, { contacts: [a.body.uuid, missing] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ path: "contacts.1", message: `no contact ${missing}` }]);
    expect((await call("GET", `/groups/${uuid}`)).body.count).toBe(0);

    const added = await call("POST", `/groups/${uuid}/members`, { contacts: [a.body.uuid, b.body.uuid, a.body.uuid] });
    expect(added.body.count).toBe(2);
    expect((await call("GET", `/contacts/${a.body.uuid}`)).body.groups).toEqual([{ uuid, name }]);

    expect((await call("DELETE", `/groups/${uuid}/members/${a.body.uuid}`)).status).toBe(204);
    expect((await call("GET", `/groups/${uuid}`)).body.count).toBe(1);
    expect((await call("DELETE", `/groups/${uuid}/members/${a.body.uuid}`)).status).toBe(404);

    const renamed = await call("PATCH", `/groups/${uuid}`, { name: `${name} (all)` });
    expect(renamed.body.name).toBe(`${name} (all)`);

    expect((await call("DELETE", `/groups/${uuid}`)).status).toBe(204);
    expect((await call("GET", `/groups/${uuid}`)).status).toBe(404);
    expect((await call("GET", `/contacts/${b.body.uuid}`)).body.groups).toEqual([]);
  });

  it("keeps smart groups' members to their query", async () => {
    const smart = await call("POST", "/groups", { name: `Smart ${unique()}`, query: `${district} = Gasabo` });
    const c = await call("POST", "/contacts", { name: "C" });
    expect((await call("POST", `/groups/${smart.body.uuid}/members`, { contacts: [c.body.uuid] })).status).toBe(409);
    const viaContact = await call("PATCH", `/contacts/${c.body.uuid}`, { groups: [smart.body.uuid] });
    expect(viaContact.status).toBe(400);
    expect(viaContact.body.issues[0].path).toBe("groups.0");
  });
});

describe("smart groups", () => {
  it("refuses a query that does not check, naming where, and changes nothing", async () => {
    const name = `Smart ${unique()}`;
    const bad = await call("POST", "/groups", { name, query: "nosuchfield = 3" });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe("invalid_query");
    expect(bad.body.issues[0].path).toBe("query");
    expect(bad.body.message).toContain("nosuchfield");
    expect((await call("GET", "/groups")).body.results.map((g: { name: string }) => g.name)).not.toContain(name);

    const good = await call("POST", "/groups", { name, query: `${age} > 18` });
    expect(good.status).toBe(201);
    const changed = await call("PATCH", `/groups/${good.body.uuid}`, { query: `${age} > eighteen` });
    expect(changed.status).toBe(422);
    expect((await call("GET", `/groups/${good.body.uuid}`)).body.query).toBe(`${age} > 18`);
  });
});

describe("fields", () => {
  it("creates, lists, updates and deletes a field, and deleting clears contacts' values", async () => {
    const key = `nickname_${unique()}`;
    const created = await call("POST", "/fields", { key, name: "Nickname", type: "text" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key, name: "Nickname", type: "text" });
    expect((await call("POST", "/fields", { key, name: "Again", type: "text" })).status).toBe(409);
    expect((await call("GET", "/fields")).body.results.map((f: { key: string }) => f.key)).toContain(key);

    const bad = await call("POST", "/fields", { key: "Has Spaces", name: "", type: "colour" });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["key", "name", "type"]);

    expect((await call("PATCH", `/fields/${key}`, { name: "Nick" })).body).toMatchObject({ key, name: "Nick", type: "text" });

    const contact = await call("POST", "/contacts", { name: "Nicky", fields: { [key]: "Nix" } });
    expect(contact.body.fields[key]).toBe("Nix");
    expect((await call("DELETE", `/fields/${key}`)).status).toBe(204);
    expect((await call("GET", `/fields/${key}`)).status).toBe(404);
    expect((await call("GET", `/contacts/${contact.body.uuid}`)).body.fields).not.toHaveProperty(key);
  });
});
