// Issue #12 "Imports": the workspace environment (date and time formats, time zone, default country,
// allowed languages, redaction) is an API setting, and the sessions the contact objects start use
// it: "1/18/2013 2:30pm" from a real RapidPro flow reads as a date once the format is MM-DD-YYYY.
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { call, unique } from "./helpers";

const DEFAULTS = { date_format: "YYYY-MM-DD", time_format: "tt:mm", timezone: "UTC", default_country: null, allowed_languages: [], redaction_policy: "none" };

/** A published flow that saves the date it reads from RapidPro's text, then the contact's language and the locale of a message. */
async function dateFlow() {
  const uuid = crypto.randomUUID();
  const definition = {
    uuid, name: `Dates ${unique()}`, spec_version: "14.4.2", language: "eng", type: "messaging",
    nodes: [{
      uuid: crypto.randomUUID(),
      actions: [
        { uuid: crypto.randomUUID(), type: "set_run_result", name: "When", value: '@(datetime("1/18/2013 2:30pm"))', category: "" },
        { uuid: crypto.randomUUID(), type: "set_run_result", name: "Day", value: "@(format_date(today()))", category: "" },
      ],
      exits: [{ uuid: crypto.randomUUID() }],
    }],
  };
  expect((await call("POST", "/flows", { uuid, name: definition.name, type: "messaging", definition })).status).toBe(201);
  expect((await call("POST", `/flows/${uuid}/publish`)).status).toBe(201);
  return uuid;
}

async function resultsAfterStart(flow: string): Promise<Record<string, { value: string } | undefined>> {
  const contact = (await call("POST", "/contacts", { name: "Dee" })).body.uuid as string;
  const started = await call("POST", `/flows/${flow}/start`, { contacts: [contact] });
  expect(started.body.results[0], JSON.stringify(started.body)).toMatchObject({ status: "started" });
  const row = await env.DB.prepare("SELECT results FROM runs WHERE contact_uuid = ?").bind(contact).first<{ results: string }>();
  return JSON.parse(row!.results);
}

describe("GET/PATCH /environment", () => {
  afterAll(async () => {
    await call("PATCH", "/environment", { ...DEFAULTS, default_country: null });
  });

  it("has goflow's defaults until set, and changes only what is given", async () => {
    expect((await call("GET", "/environment")).body).toMatchObject(DEFAULTS);
    const r = await call("PATCH", "/environment", { date_format: "MM-DD-YYYY", default_country: "us", allowed_languages: ["eng", "fra"] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ ...DEFAULTS, date_format: "MM-DD-YYYY", default_country: "US", allowed_languages: ["eng", "fra"], modified_on: expect.any(String) });
    const again = await call("PATCH", "/environment", { timezone: "Africa/Kigali" });
    expect(again.body).toMatchObject({ date_format: "MM-DD-YYYY", timezone: "Africa/Kigali", default_country: "US" });
  });

  it("refuses bad values naming each, and changes nothing", async () => {
    const before = (await call("GET", "/environment")).body;
    const r = await call("PATCH", "/environment", { date_format: "D/M/Y", time_format: "HH:mm", timezone: "Mars/Base", default_country: "XX", allowed_languages: ["english"], colour: "red" });
    expect(r.status).toBe(400);
    const paths = (r.body.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["date_format", "time_format", "timezone", "default_country", "allowed_languages.0"]));
    expect((await call("GET", "/environment")).body).toEqual(before);
  });

  it("sessions started after a change read dates in the workspace's format and write them so", async () => {
    const flow = await dateFlow();
    await call("PATCH", "/environment", { date_format: "YYYY-MM-DD", timezone: "UTC" });
    const iso = await resultsAfterStart(flow);
    expect(iso.when).toBeUndefined(); // not a date in YYYY-MM-DD's order: the template fails, nothing is saved
    expect(iso.day!.value).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    await call("PATCH", "/environment", { date_format: "MM-DD-YYYY" });
    const us = await resultsAfterStart(flow);
    expect(us.when!.value).toBe("2013-01-18T14:30:00.000000Z");
    expect(us.day!.value).toMatch(/^\d{2}-\d{2}-\d{4}$/);
  });
});
