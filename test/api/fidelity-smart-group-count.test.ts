// Issue #12 point 1: an imported (or created) smart group counts and lists the active contacts its
// query matches, as goflow's query groups hold them (each contact's object stores its memberships).
import { describe, expect, it } from "vitest";
import { call, unique } from "./helpers";

describe("smart groups through the API", () => {
  it("an imported smart group counts and lists the active contacts its query matches", async () => {
    const key = `city_${unique().replace(/[^a-z0-9]/g, "")}`;
    const city = `Town${unique()}`;
    const groupUuid = crypto.randomUUID();
    const imported = await call("POST", "/flows/import", {
      version: "13",
      fields: [{ key, name: `City ${key}`, type: "text" }],
      groups: [{ uuid: groupUuid, name: `In ${city}`, query: `${key} = "${city}"` }],
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);

    const make = (name: string, value: string, status = "active") => call("POST", "/contacts", { name, status, fields: { [key]: value } });
    const a = await make("Ann", city);
    const b = await make("Bob", city);
    await make("Cat", "Elsewhere");
    await make("Dan", city, "stopped");
    expect(a.status, JSON.stringify(a.body)).toBe(201);

    const group = await call("GET", `/groups/${groupUuid}`);
    expect(group.body).toMatchObject({ query: `${key} = "${city}"`, count: 2 });
    const listed = await call("GET", "/groups");
    expect(listed.body.results.find((g: { uuid: string }) => g.uuid === groupUuid).count).toBe(2);
    const members = await call("GET", `/contacts?group=${groupUuid}`);
    expect(members.body.results.map((c: { uuid: string }) => c.uuid).sort()).toEqual([a.body.uuid, b.body.uuid].sort());

    // The count follows the contacts as they change.
    await call("PATCH", `/contacts/${a.body.uuid}`, { fields: { [key]: "Elsewhere" } });
    expect((await call("GET", `/groups/${groupUuid}`)).body.count).toBe(1);
  });

  it("a manual group still counts its stored members", async () => {
    const g = await call("POST", "/groups", { name: `Manual ${unique()}` });
    const c = await call("POST", "/contacts", { name: "Eve", groups: [g.body.uuid] });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    expect((await call("GET", `/groups/${g.body.uuid}`)).body.count).toBe(1);
    expect((await call("GET", `/contacts?group=${g.body.uuid}`)).body.results.map((x: { uuid: string }) => x.uuid)).toEqual([c.body.uuid]);
  });

  it("reads the dates in a smart group's query in the workspace's date format", async () => {
    const key = `joined_${unique().replace(/[^a-z0-9]/g, "")}`;
    await call("POST", "/fields", { key, name: `Joined ${key}`, type: "datetime" });
    await call("PATCH", "/environment", { date_format: "DD-MM-YYYY" });
    try {
      const group = await call("POST", "/groups", { name: `Joined ${unique()}`, query: `${key} = 18-01-2013` });
      expect(group.status, JSON.stringify(group.body)).toBe(201);
      await call("POST", "/contacts", { name: "Flo", fields: { [key]: "2013-01-18T10:00:00Z" } });
      expect((await call("GET", `/groups/${group.body.uuid}`)).body.count).toBe(1);
    } finally {
      await call("PATCH", "/environment", { date_format: "YYYY-MM-DD" });
    }
  });
});
