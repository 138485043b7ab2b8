import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, ORIGIN, unique } from "./helpers";

const AUTH_TOKEN = "twilio-secret-auth-token-0123456789";
const twilio = () => ({
  type: "twilio",
  name: `Twilio ${unique()}`,
  address: "+250788000111",
  config: { account_sid: "AC" + "0123456789abcdef".repeat(2), auth_token: AUTH_TOKEN },
  sends_per_second: 10,
});

describe("channels", () => {
  it("creates a channel and never returns its secrets, on create, get, list or update", async () => {
    const created = await call("POST", "/channels", twilio());
    expect(created.status).toBe(201);
    const uuid = created.body.uuid;
    expect(created.body).toMatchObject({
      type: "twilio",
      address: "+250788000111",
      config: { account_sid: "AC" + "0123456789abcdef".repeat(2) },
      secrets_set: ["auth_token"],
      sends_per_second: 10,
      base_url: null,
      webhooks: { receive: `${ORIGIN}/channels/${uuid}/receive`, status: `${ORIGIN}/channels/${uuid}/status` },
    });
    expect(created.body.config).not.toHaveProperty("auth_token");

    const got = await call("GET", `/channels/${uuid}`);
    const listed = await call("GET", "/channels");
    const renamed = await call("PATCH", `/channels/${uuid}`, { name: "Renamed", config: { messaging_service_sid: "MG" + "0".repeat(32) } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Renamed", secrets_set: ["auth_token"], config: { messaging_service_sid: "MG" + "0".repeat(32) } });
    for (const res of [created, got, listed, renamed]) expect(JSON.stringify(res.body)).not.toContain(AUTH_TOKEN);
    expect(listed.body.results.map((ch: { uuid: string }) => ch.uuid)).toContain(uuid);

    // The secret is kept (and usable by the channel) even though it never comes back.
    const stored = await env.DB.prepare("SELECT config FROM channels WHERE uuid = ?").bind(uuid).first<{ config: string }>();
    expect(JSON.parse(stored!.config).auth_token).toBe(AUTH_TOKEN);

    expect((await call("DELETE", `/channels/${uuid}`)).status).toBe(204);
    expect((await call("GET", `/channels/${uuid}`)).status).toBe(404);
  });

  it("checks the config against the provider's schema, naming the field", async () => {
    const body = twilio();
    const bad = await call("POST", "/channels", { ...body, config: { account_sid: "nope" } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["config.account_sid", "config.auth_token"]);
    expect((await call("GET", "/channels")).body.results.some((ch: { name: string }) => ch.name === body.name)).toBe(false);

    expect((await call("POST", "/channels", { ...body, type: "pigeon" })).body.issues[0].path).toBe("type");

    const created = await call("POST", "/channels", body);
    const patch = await call("PATCH", `/channels/${created.body.uuid}`, { config: { auth_token: null } });
    expect(patch.status).toBe(400);
    expect(patch.body.issues[0].path).toBe("config.auth_token");
    expect((await call("GET", `/channels/${created.body.uuid}`)).body.secrets_set).toEqual(["auth_token"]);
  });
});

describe("triggers", () => {
  it("creates keyword triggers that need keywords and a match type, lists, updates and deletes them", async () => {
    const flow = await call("POST", "/flows", { name: `Join ${unique()}`, type: "messaging" });
    const channel = await call("POST", "/channels", twilio());
    const word = `join${unique()}`;

    const missing = await call("POST", "/triggers", { type: "keyword", flow: flow.body.uuid });
    expect(missing.status).toBe(400);
    expect(missing.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["keywords", "match_type"]);
    const twoWords = await call("POST", "/triggers", { type: "keyword", flow: flow.body.uuid, keywords: ["two words"], match_type: "first_word" });
    expect(twoWords.body.issues[0].path).toBe("keywords.0");
    const noFlow = await call("POST", "/triggers", { type: "catch_all", flow: crypto.randomUUID() });
    expect(noFlow.body.issues[0].path).toBe("flow");

    const created = await call("POST", "/triggers", { type: "keyword", flow: flow.body.uuid, keywords: [word.toUpperCase()], match_type: "only_word", channel: channel.body.uuid });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: "keyword", keywords: [word], match_type: "only_word", channel: channel.body.uuid, flow: { uuid: flow.body.uuid, name: flow.body.name } });
    const uuid = created.body.uuid;

    // The same keyword for every channel would overlap with this one.
    const clash = await call("POST", "/triggers", { type: "keyword", flow: flow.body.uuid, keywords: ["other", word], match_type: "first_word" });
    expect(clash.status).toBe(409);
    expect(clash.body.issues).toEqual([expect.objectContaining({ path: "keywords.1" })]);

    expect((await call("GET", `/triggers?flow=${flow.body.uuid}`)).body.results.map((t: { uuid: string }) => t.uuid)).toEqual([uuid]);
    const updated = await call("PATCH", `/triggers/${uuid}`, { match_type: "first_word", keywords: [word, "start"] });
    expect(updated.body).toMatchObject({ match_type: "first_word", keywords: [word, "start"] });
    expect((await call("PATCH", `/triggers/${uuid}`, { keywords: [] })).status).toBe(400);

    // A channel or flow with triggers can't go; deleting a never-published flow takes its triggers along.
    expect((await call("DELETE", `/channels/${channel.body.uuid}`)).status).toBe(409);
    expect((await call("DELETE", `/triggers/${uuid}`)).status).toBe(204);
    expect((await call("GET", `/triggers/${uuid}`)).status).toBe(404);
    const event = await call("POST", "/triggers", { type: "event", flow: flow.body.uuid, event: "signed_up" });
    expect(event.body).toMatchObject({ type: "event", event: "signed_up", keywords: null });
    expect((await call("DELETE", `/flows/${flow.body.uuid}`)).status).toBe(204);
    expect((await call("GET", `/triggers/${event.body.uuid}`)).status).toBe(404);
  });
});

describe("messages and runs", () => {
  it("lists a contact's messages and runs, and a flow's runs, newest first", async () => {
    const contact = await call("POST", "/contacts", { name: "Timeline" });
    const flow = await call("POST", "/flows", { name: `Runs ${unique()}`, type: "messaging" });
    const c = contact.body.uuid;
    const f = flow.body.uuid;
    // Messages and runs are written by the contact's Durable Object; here they are put in place directly.
    await env.DB.batch([
      env.DB.prepare("INSERT INTO messages (uuid, contact_uuid, direction, text, status, created_on) VALUES (?, ?, 'in', 'hi', 'handled', '2026-11-21T10:00:00.000Z')").bind(crypto.randomUUID(), c),
      env.DB.prepare("INSERT INTO messages (uuid, contact_uuid, direction, text, status, created_on, quick_replies) VALUES (?, ?, 'out', 'How old are you?', 'sent', '2026-11-21T10:00:01.000Z', '[\"18\"]')").bind(crypto.randomUUID(), c),
      env.DB.prepare("INSERT INTO runs (uuid, contact_uuid, flow_uuid, flow_version, status, results, created_on) VALUES (?, ?, ?, 1, 'waiting', '{\"age\":{\"value\":\"31\"}}', '2026-11-21T10:00:00.000Z')").bind(crypto.randomUUID(), c, f),
    ]);

    const msgs = await call("GET", `/messages?contact=${c}`);
    expect(msgs.status).toBe(200);
    expect(msgs.body.results.map((m: { text: string; direction: string }) => [m.direction, m.text])).toEqual([["out", "How old are you?"], ["in", "hi"]]);
    expect(msgs.body.results[0].quick_replies).toEqual(["18"]);
    expect((await call("GET", `/messages?contact=${c}&direction=in&limit=1`)).body).toMatchObject({ results: [{ text: "hi" }], next: null });
    expect((await call("GET", "/messages")).body.issues[0].path).toBe("contact");

    const byContact = await call("GET", `/runs?contact=${c}`);
    expect(byContact.body.results).toEqual([expect.objectContaining({ flow: f, flow_version: 1, status: "waiting", results: { age: { value: "31" } } })]);
    expect((await call("GET", `/runs?flow=${f}`)).body.results).toHaveLength(1);
    expect((await call("GET", "/runs")).body.issues[0].path).toBe("contact");

    // Deleting the contact takes its messages and runs along.
    expect((await call("DELETE", `/contacts/${c}`)).status).toBe(204);
    expect((await call("GET", `/runs?flow=${f}`)).body.results).toEqual([]);
  });
});
