import { describe, expect, it } from "vitest";
import { EngineError } from "../../durable/engine";
import { assets, contact, engine, EXAMPLE, manual, msgIn, ofType, REGISTERED, texts, types } from "./engine-support";

const HOOK = "https://example.org/hooks/age";

describe("the example flow (a question with a timeout, a webhook split, a translation)", () => {
  it("asks, takes the answer, calls the webhook, sets the field, adds the group and ends", async () => {
    const e = engine({ [HOOK]: [{ status: 200, body: '{"code": "AB12"}', headers: { "Content-Type": "application/json" } }] });
    const first = await e.start(assets(), manual(EXAMPLE));

    expect(types(first.events)).toEqual(["run_started", "msg_created", "msg_wait"]);
    const [asked] = ofType(first.events, "msg_created");
    expect(asked.msg).toMatchObject({
      urn: "tel:+12065551212",
      channel: { name: "Android" },
      text: "Hi Ben, how old are you?",
      quick_replies: [{ type: "text", text: "18" }, { type: "text", text: "30" }],
    });
    expect(asked.step_uuid).toBe(first.session.runs[0].path[0].uuid);
    expect(first.session.status).toBe("waiting");
    expect(first.session.runs[0].status).toBe("waiting");
    expect(first.session.wait).toMatchObject({ type: "msg", timeout_seconds: 3600 });
    // The flow expires a day (1440 minutes) after it starts waiting.
    expect(first.session.wait!.expires_on).toMatch(/^2025-05-05T12:30:4\d\.123456789Z$/);
    expect(ofType(first.events, "msg_wait")[0]).toMatchObject({ timeout_seconds: 3600, expires_on: first.session.wait!.expires_on });

    const second = await e.resume(assets(), first.session, { type: "msg", msg: msgIn("I am 25") });
    // The resume logs the message on the run, not among the sprint's events (goflow).
    expect(ofType(second.session.runs[0].events ?? [], "msg_received")[0].msg.text).toBe("I am 25");
    expect(types(second.events)).toEqual([
      "run_result_changed",
      "contact_field_changed",
      "webhook_called",
      "msg_created",
      "contact_groups_changed",
      "run_ended",
    ]);
    expect(ofType(second.events, "run_result_changed")[0]).toMatchObject({ name: "Age", value: "25", category: "Valid", input: "I am 25" });
    expect(ofType(second.events, "contact_field_changed")[0]).toMatchObject({ field: { key: "age", name: "Age" }, value: { text: "25", number: 25 } });

    const hook = ofType(second.events, "webhook_called")[0];
    expect(hook).toMatchObject({ url: HOOK, status: "success", status_code: 200, retries: 0, extraction: "valid" });
    expect(hook.request).toMatch(/^POST \/hooks\/age HTTP\/1\.1\r\nHost: example\.org\r\n/);
    expect(hook.request).toContain('"age":"25"');
    expect(hook.response).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n\{"code": "AB12"\}$/);

    expect(texts(second.events)).toEqual(["Thanks! Your code is AB12"]);
    expect(ofType(second.events, "contact_groups_changed")[0].groups_added).toEqual([REGISTERED]);
    expect(ofType(second.events, "run_ended")[0]).toMatchObject({ status: "completed", flow: { name: "Age Check-in" } });

    const s = second.session;
    expect(s.status).toBe("completed");
    expect(s.wait).toBeUndefined();
    expect(s.runs[0]).toMatchObject({ status: "completed", results: { age: { name: "Age", value: "25", category: "Valid", input: "I am 25" } } });
    expect(s.runs[0].exited_on).toBeTruthy();
    expect(s.runs[0].path.map((p) => p.node_uuid)).toEqual([
      "10000000-0000-4000-8000-00000000000a",
      "20000000-0000-4000-8000-00000000000b",
      "30000000-0000-4000-8000-00000000000c",
    ]);
    expect(s.runs[0].path.every((p) => p.exit_uuid)).toBe(true);
    expect(s.contact.fields!.age).toEqual({ text: "25", number: 25 });
    expect(s.contact.groups).toEqual([REGISTERED]);
    // The session is plain JSON.
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it("takes the Failure exit and ends when the webhook fails", async () => {
    const e = engine({ [HOOK]: [{ status: 503, body: "down" }] });
    const first = await e.start(assets(), manual(EXAMPLE));
    const second = await e.resume(assets(), first.session, { type: "msg", msg: msgIn("40") });
    expect(ofType(second.events, "webhook_called")[0]).toMatchObject({ status: "response_error", status_code: 503, extraction: "invalid" });
    expect(texts(second.events)).toEqual([]);
    expect(second.session.status).toBe("completed");
    expect(second.session.contact.groups).toEqual([]);
  });

  it("asks again when the answer isn't a number", async () => {
    const e = engine();
    const first = await e.start(assets(), manual(EXAMPLE));
    const second = await e.resume(assets(), first.session, { type: "msg", msg: msgIn("no idea") });
    expect(ofType(second.events, "run_result_changed")[0]).toMatchObject({ value: "no idea", category: "Other" });
    expect(texts(second.events)).toEqual(["Hi Ben, how old are you?"]);
    expect(second.session.status).toBe("waiting");
    expect(second.session.runs[0].path).toHaveLength(2);
  });

  it("takes the timeout category on wait_timeout", async () => {
    const e = engine();
    const first = await e.start(assets(), manual(EXAMPLE));
    const second = await e.resume(assets(), first.session, { type: "wait_timeout" });
    expect(types(second.events)).toEqual(["wait_timed_out", "run_result_changed", "msg_created", "run_ended"]);
    expect(ofType(second.events, "run_result_changed")[0]).toMatchObject({ name: "Age", value: "", category: "No Response" });
    expect(texts(second.events)).toEqual(["No problem, we'll ask again tomorrow."]);
    expect(second.session.status).toBe("completed");
    expect(second.session.runs[0].results.age.category).toBe("No Response");
  });

  it("expires the run on wait_expiration", async () => {
    const e = engine();
    const first = await e.start(assets(), manual(EXAMPLE));
    const second = await e.resume(assets(), first.session, { type: "wait_expiration" });
    expect(types(second.events)).toEqual(["run_ended"]);
    expect(ofType(second.events, "run_ended")[0].status).toBe("expired");
    expect(second.session.runs[0]).toMatchObject({ status: "expired" });
    expect(second.session.runs[0].exited_on).toBeTruthy();
    expect(second.session.status).toBe("completed");
    expect(second.session.wait).toBeUndefined();
  });

  it("speaks Spanish to a Spanish contact, category names included", async () => {
    const e = engine();
    const first = await e.start(assets(), manual(EXAMPLE, contact({ language: "spa" })));
    expect(ofType(first.events, "msg_created")[0].msg).toMatchObject({ text: "Hola Ben, ¿cuántos años tienes?", quick_replies: [{ type: "text", text: "18" }, { type: "text", text: "30" }], locale: "spa-US" });
    const second = await e.resume(assets(), first.session, { type: "wait_timeout" });
    expect(ofType(second.events, "run_result_changed")[0]).toMatchObject({ category: "No Response", category_localized: "Sin respuesta" });
  });

  it("keeps to the flow's language when the contact's isn't allowed", async () => {
    const e = engine();
    const t = { ...manual(EXAMPLE, contact({ language: "spa" })), environment: { allowed_languages: ["eng"] } };
    const first = await e.start(assets(), t);
    expect(texts(first.events)).toEqual(["Hi Ben, how old are you?"]);
  });

  it("lets the triggering message answer the first wait, as goflow does", async () => {
    const e = engine({ [HOOK]: [{ status: 200, body: '{"code": "X"}' }] });
    const t = { ...manual(EXAMPLE), type: "msg" as const, msg: msgIn("33"), keyword_match: { type: "first_word" as const, keyword: "age" } };
    const sprint = await e.start(assets(), t);
    expect(types(sprint.events)).not.toContain("msg_wait");
    expect(ofType(sprint.events, "run_result_changed")[0]).toMatchObject({ value: "33", category: "Valid", input: "33" });
    expect(sprint.session.input).toMatchObject({ type: "msg", text: "33" });
    expect(sprint.session.status).toBe("completed");
  });

  it("refuses bad input and changes nothing", async () => {
    const e = engine();
    const first = await e.start(assets(), manual(EXAMPLE));
    const copy = structuredClone(first.session);
    const done = await e.resume(assets(), first.session, { type: "wait_expiration" });
    await expect(e.resume(assets(), done.session, { type: "msg", msg: msgIn("hi") })).rejects.toThrow(EngineError);
    await expect(e.start(assets(), manual({ uuid: "00000000-0000-4000-8000-00000000dead", name: "Gone" }))).rejects.toThrow(/no such flow/);
    expect(first.session).toEqual(copy);
  });
});
