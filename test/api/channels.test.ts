import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../worker/index";
import { postTwilio, TWILIO_SID, TWILIO_TOKEN, twilioChannel, twilioSms } from "../contact/support";
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

    // The secret is kept, sealed (docs/channels.md, "Secrets at rest"), though it never comes back.
    const stored = await env.DB.prepare("SELECT config FROM channels WHERE uuid = ?").bind(uuid).first<{ config: string }>();
    expect(stored!.config).not.toContain(AUTH_TOKEN);
    expect(JSON.parse(stored!.config)).toMatchObject({ account_sid: "AC" + "0123456789abcdef".repeat(2), $sealed: { v: 1, keys: ["auth_token"] } });

    expect((await call("DELETE", `/channels/${uuid}`)).status).toBe(204);
    expect((await call("GET", `/channels/${uuid}`)).status).toBe(404);
  });

  it("never returns a base URL's user and password, on create, get, list or update", async () => {
    const created = await call("POST", "/channels", { ...twilio(), base_url: "http://proxyuser:proxy-pa55word@proxy.example:8080/twilio" });
    expect(created.status).toBe(201);
    const uuid = created.body.uuid;
    const got = await call("GET", `/channels/${uuid}`);
    const listed = await call("GET", "/channels");
    const patched = await call("PATCH", `/channels/${uuid}`, { name: "Proxied" });
    const moved = await call("PATCH", `/channels/${uuid}`, { base_url: "https://other:s3cret-two@proxy2.example/" });
    for (const [route, res] of Object.entries({ created, got, listed, patched, moved })) {
      expect(res.status, route).toBe(route === "created" ? 201 : 200);
      expect(JSON.stringify(res.body), route).not.toMatch(/proxy-pa55word|s3cret-two|proxyuser|other:/);
    }
    expect(created.body.base_url).toBe("http://proxy.example:8080/twilio");
    expect(listed.body.results.find((c: { uuid: string }) => c.uuid === uuid).base_url).toBe("http://proxy.example:8080/twilio");
    expect(moved.body.base_url).toBe("https://proxy2.example/");
    // Kept whole for sending through the proxy.
    const row = await env.DB.prepare("SELECT base_url FROM channels WHERE uuid = ?").bind(uuid).first<{ base_url: string }>();
    expect(row!.base_url).toBe("https://other:s3cret-two@proxy2.example/");
  });

  it("keeps secrets sealed in D1, opens them to verify a webhook, and reseals them when the config changes", async () => {
    const ch = await twilioChannel();
    const sealed = async () => JSON.parse((await env.DB.prepare("SELECT config FROM channels WHERE uuid = ?").bind(ch.uuid).first<{ config: string }>())!.config);
    const first = await sealed();
    expect(JSON.stringify(first)).not.toContain(TWILIO_TOKEN);

    // Twilio's signature is checked with the auth token: accepted only if it was opened.
    expect((await postTwilio(ch.uuid, twilioSms(ch, "+250788555001", "hello"))).status).toBe(200);
    expect((await postTwilio(ch.uuid, twilioSms(ch, "+250788555001", "hello"), { signature: "d3Jvbmc=" })).status).toBe(403);

    // A config change through PATCH: the secret kept, sealed again (a new ciphertext), still usable.
    expect((await call("PATCH", `/channels/${ch.uuid}`, { config: { messaging_service_sid: "MG" + "1".repeat(32) } })).body.secrets_set).toEqual(["auth_token"]);
    const second = await sealed();
    expect(JSON.stringify(second)).not.toContain(TWILIO_TOKEN);
    expect(second.$sealed.data).not.toBe(first.$sealed.data);
    expect((await postTwilio(ch.uuid, twilioSms(ch, "+250788555001", "again"))).status).toBe(200);

    // A sealed value copied onto another channel does not open there (it is bound to its channel).
    const other = await twilioChannel();
    await env.DB.prepare("UPDATE channels SET config = ? WHERE uuid = ?").bind(JSON.stringify(second), other.uuid).run();
    expect((await postTwilio(other.uuid, twilioSms(other, "+250788555002", "hi"))).status).toBe(500);
    // The other channels go on working: the unreadable one is left out of the contacts' assets.
    expect((await postTwilio(ch.uuid, twilioSms(ch, "+250788555001", "still here"))).status).toBe(200);
    await env.DB.prepare("DELETE FROM channels WHERE uuid = ?").bind(other.uuid).run();
  });

  it("reads channels written before secrets were sealed, and the cron tick seals them", async () => {
    const ch = await twilioChannel();
    // As an older Eddy stored it: the auth token in plain text.
    const plain = JSON.stringify({ account_sid: TWILIO_SID, auth_token: TWILIO_TOKEN });
    await env.DB.prepare("UPDATE channels SET config = ? WHERE uuid = ?").bind(plain, ch.uuid).run();
    expect((await call("GET", `/channels/${ch.uuid}`)).body).toMatchObject({ secrets_set: ["auth_token"], config: { account_sid: expect.any(String) } });
    expect((await postTwilio(ch.uuid, twilioSms(ch, "+250788555003", "hello"))).status).toBe(200);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const stored = (await env.DB.prepare("SELECT config FROM channels WHERE uuid = ?").bind(ch.uuid).first<{ config: string }>())!.config;
    expect(stored).not.toContain(TWILIO_TOKEN);
    expect(JSON.parse(stored).$sealed.keys).toEqual(["auth_token"]);
    expect((await call("GET", `/channels/${ch.uuid}`)).body.secrets_set).toEqual(["auth_token"]);
    expect((await postTwilio(ch.uuid, twilioSms(ch, "+250788555003", "again"))).status).toBe(200);
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
