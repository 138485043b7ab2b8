import { describe, expect, it } from "vitest";
import { assets, CHANNEL, contact, engine, ENV, linearFlow, manual, msgIn, ofType, types, u } from "./engine-support";

const F = "a0000000-0000-4000-8000-000000000000";
const HOOK = "https://example.org/lookup";

function run(actions: unknown[], opts: { msg?: string; mocks?: Record<string, any[]>; c?: ReturnType<typeof contact> } = {}) {
  const flow = linearFlow(F, "Actions", [{ actions }], {
    localization: { spa: { [u(1)]: { text: ["Hola @contact.first_name"] } } },
  });
  const t = opts.msg !== undefined ? { ...manual(flow, opts.c), type: "msg" as const, msg: msgIn(opts.msg) } : manual(flow, opts.c, { source: "api" });
  return engine(opts.mocks ?? {}).start(assets(flow), t);
}

const only = (events: any[], type: string) => {
  const found = ofType(events, type);
  expect(found, `one ${type} in ${types(events).join(", ")}`).toHaveLength(1);
  return found[0];
};

describe("each action and its event", () => {
  it("send_msg: text, attachments and quick replies rendered; channel and URN picked", async () => {
    const { events } = await run([
      {
        uuid: u(1),
        type: "send_msg",
        text: "Hello @contact.first_name from @globals.org_name (@trigger.params.source)",
        attachments: ["image/jpeg:https://example.org/@contact.id/a.jpg", "image/png:@fields.nickname"],
        quick_replies: ["Yes", "@fields.nickname", "No"],
      },
    ]);
    const e = only(events, "msg_created");
    expect(e.msg).toEqual({
      uuid: expect.any(String),
      urn: "tel:+12065551212",
      channel: { uuid: CHANNEL.uuid, name: "Android" },
      text: "Hello Ben from Eddy Health (api)",
      attachments: ["image/jpeg:https://example.org/1234/a.jpg"],
      quick_replies: [{ type: "text", text: "Yes" }, { type: "text", text: "No" }],
      locale: "eng-US",
    });
    // Empty attachments and quick replies are dropped with an error, as in goflow.
    expect(ofType(events, "error")).toHaveLength(2);
  });

  it("send_msg: the contact's channel affinity, all URNs, and a message with no destination", async () => {
    const c = contact({ urns: ["tel:+12065551212?channel=" + u(9002), "whatsapp:12065551313"] });
    const all = await run([{ uuid: u(1), type: "send_msg", text: "Hi", all_urns: true }], { c });
    expect(ofType(all.events, "msg_created").map((e) => [e.msg.urn, e.msg.channel.name])).toEqual([
      ["tel:+12065551212", "WhatsApp"],
      ["whatsapp:12065551313", "WhatsApp"],
    ]);
    const none = await run([{ uuid: u(1), type: "send_msg", text: "Hi" }], { c: contact({ urns: [] }) });
    expect(only(none.events, "msg_created").msg).toMatchObject({ text: "Hi", unsendable_reason: "no_destination" });
    expect(only(none.events, "msg_created").msg.urn).toBeUndefined();
  });

  it("send_broadcast: broadcast_created with every translation", async () => {
    const { events } = await run([
      { uuid: u(1), type: "send_broadcast", text: "Hi from @contact.first_name", urns: ["tel:+12065550000"], groups: [{ uuid: u(9102), name: "Testers" }] },
    ]);
    expect(only(events, "broadcast_created")).toMatchObject({
      translations: { eng: { text: "Hi from Ben" }, spa: { text: "Hola Ben" } },
      base_language: "eng",
      urns: ["tel:+12065550000"],
      groups: [{ uuid: u(9102), name: "Testers" }],
    });
  });

  it("send_email: email_sent", async () => {
    const { events } = await run([
      { uuid: u(1), type: "send_email", addresses: ["ops@example.org", "@fields.nickname"], subject: "New: @contact.name", body: "Age @fields.age" },
    ], { c: contact({ fields: { age: { text: "30", number: 30 } } }) });
    expect(only(events, "email_sent")).toMatchObject({ to: ["ops@example.org"], subject: "New: Ben Haggerty", body: "Age 30" });
  });

  it("contact changes: name, language, timezone, status, field, URN, channel", async () => {
    const { events, session } = await run([
      { uuid: u(1), type: "set_contact_name", name: "Bob @(upper(\"smith\"))" },
      { uuid: u(2), type: "set_contact_language", language: "spa" },
      { uuid: u(3), type: "set_contact_timezone", timezone: "Africa/Kigali" },
      { uuid: u(4), type: "set_contact_status", status: "stopped" },
      { uuid: u(5), type: "set_contact_field", field: { key: "nickname", name: "Nickname" }, value: "Bobby" },
      { uuid: u(6), type: "add_contact_urn", scheme: "tel", path: "(206) 555-3434" },
      { uuid: u(7), type: "set_contact_channel", channel: { uuid: u(9002), name: "WhatsApp" } },
      { uuid: u(8), type: "set_contact_timezone", timezone: "Mars/Olympus" },
    ]);
    expect(types(events)).toEqual([
      "run_started",
      "contact_name_changed",
      "contact_language_changed",
      "contact_timezone_changed",
      "contact_status_changed",
      "contact_field_changed",
      "contact_urns_changed",
      "contact_urns_changed",
      "error",
      "run_ended",
    ]);
    expect(only(events, "contact_name_changed").name).toBe("Bob SMITH");
    expect(only(events, "contact_language_changed").language).toBe("spa");
    expect(only(events, "contact_timezone_changed").timezone).toBe("Africa/Kigali");
    expect(only(events, "contact_status_changed").status).toBe("stopped");
    expect(only(events, "contact_field_changed")).toMatchObject({ field: { key: "nickname", name: "Nickname" }, value: { text: "Bobby" } });
    const [added, moved] = ofType(events, "contact_urns_changed");
    expect(added.urns).toEqual(["tel:+12065551212", "tel:+12065553434"]);
    expect(moved.urns).toEqual([`tel:+12065551212?channel=${u(9002)}`, `tel:+12065553434?channel=${u(9002)}`]);
    expect(only(events, "error").text).toMatch(/Mars\/Olympus/);
    expect(session.contact).toMatchObject({ name: "Bob SMITH", language: "spa", timezone: "Africa/Kigali", status: "stopped", fields: { nickname: { text: "Bobby" } } });
  });

  it("groups: added and removed; query groups are left alone", async () => {
    const { events, session } = await run([
      { uuid: u(1), type: "add_contact_groups", groups: [{ uuid: u(9102), name: "Testers" }, { name_match: "Regis@(\"tered\")" }, { uuid: u(9103), name: "Adults" }] },
      { uuid: u(2), type: "remove_contact_groups", groups: [{ uuid: u(9102), name: "Testers" }] },
    ]);
    const [add, remove] = ofType(events, "contact_groups_changed");
    expect(add.groups_added.map((g: any) => g.name)).toEqual(["Testers", "Registered"]);
    expect(remove.groups_removed).toEqual([{ uuid: u(9102), name: "Testers" }]);
    expect(only(events, "error").text).toMatch(/query based group 'Adults'/);
    expect(session.contact.groups!.map((g) => g.name)).toEqual(["Registered"]);
  });

  it("add_input_labels: labels the triggering message", async () => {
    const { events, session } = await run([{ uuid: u(1), type: "add_input_labels", labels: [{ uuid: u(9201), name: "Spam" }] }], { msg: "buy now" });
    expect(only(events, "input_labels_added")).toMatchObject({ input_uuid: session.input!.uuid, labels: [{ uuid: u(9201), name: "Spam" }] });
  });

  it("set_run_result and set_run_local", async () => {
    const { events, session } = await run([
      { uuid: u(1), type: "set_run_local", local: "count", value: "2", operation: "set" },
      { uuid: u(2), type: "set_run_local", local: "count", value: "3", operation: "increment" },
      { uuid: u(3), type: "set_run_result", name: "Favorite Color", value: "red x@locals.count", category: "Red" },
    ]);
    expect(only(events, "run_result_changed")).toMatchObject({ name: "Favorite Color", value: "red x5", category: "Red" });
    expect(session.runs[0].results.favorite_color).toMatchObject({ name: "Favorite Color", value: "red x5", category: "Red", node_uuid: session.runs[0].path[0].node_uuid });
    expect(session.runs[0].locals).toEqual({ count: "5" });
  });

  it("call_webhook: webhook_called, @webhook, and a result", async () => {
    const { events, session } = await run(
      [
        { uuid: u(1), type: "call_webhook", method: "GET", url: `${HOOK}?name=@contact.name`, headers: { Authorization: "Token @globals.org_name" }, result_name: "Lookup" },
        { uuid: u(2), type: "send_msg", text: "Status @webhook.status, plan @webhook.json.plan, @results.lookup.category" },
      ],
      { mocks: { [`${HOOK}?name=Ben%20Haggerty`]: [{ status: 200, body: '{"plan":"gold"}' }] } },
    );
    const hook = only(events, "webhook_called");
    expect(hook).toMatchObject({ url: `${HOOK}?name=Ben%20Haggerty`, status: "success", status_code: 200, elapsed_ms: 1000, retries: 0 });
    expect(hook.request).toContain("GET /lookup?name=Ben%20Haggerty HTTP/1.1\r\nHost: example.org\r\nAuthorization: Token Eddy Health\r\n");
    expect(only(events, "run_result_changed")).toMatchObject({ name: "Lookup", value: "200", category: "Success", input: `GET ${HOOK}?name=Ben%20Haggerty`, extra: { plan: "gold" } });
    expect(only(events, "msg_created").msg.text).toBe("Status 200, plan gold, Success");
    expect(session.runs[0].webhook).toMatchObject({ status: 200, json: { plan: "gold" } });
  });

  it("call_webhook: a connection error, and traces cut to 10000 characters", async () => {
    const failed = await run([{ uuid: u(1), type: "call_webhook", method: "GET", url: "https://nowhere.example/x", result_name: "R" }]);
    expect(only(failed.events, "webhook_called")).toMatchObject({ status: "connection_error", extraction: "none" });
    expect(only(failed.events, "webhook_called").status_code).toBeUndefined();
    expect(only(failed.events, "run_result_changed")).toMatchObject({ value: "0", category: "Failure" });

    const big = await run([{ uuid: u(1), type: "call_webhook", method: "GET", url: HOOK }], { mocks: { [HOOK]: [{ status: 200, body: "x".repeat(20_000) }] } });
    const response = only(big.events, "webhook_called").response as string;
    expect(response).toHaveLength(10_000);
    expect(response.endsWith("...")).toBe(true);
  });

  it("open_ticket: ticket_opened and @ticket", async () => {
    const { events, session } = await run([
      { uuid: u(1), type: "open_ticket", topic: { uuid: u(9301), name: "General" }, note: "Help @contact.first_name", result_name: "Ticket" },
      { uuid: u(2), type: "send_msg", text: "Ticket on @ticket.topic.name" },
    ]);
    const ticket = only(events, "ticket_opened").ticket;
    expect(ticket).toEqual({ uuid: expect.any(String), topic: { uuid: u(9301), name: "General" } });
    expect(only(events, "ticket_note_added")).toMatchObject({ ticket_uuid: ticket.uuid, note: "Help Ben" });
    expect(only(events, "run_result_changed")).toMatchObject({ name: "Ticket", value: ticket.uuid, category: "Success" });
    expect(only(events, "msg_created").msg.text).toBe("Ticket on General");
    expect(session.runs[0].ticket!.uuid).toBe(ticket.uuid);
  });

  it("start_session: session_triggered for the caller to carry out", async () => {
    const { events, session } = await run([
      { uuid: u(1), type: "set_run_result", name: "Score", value: "9" },
      { uuid: u(2), type: "start_session", flow: { uuid: u(4444), name: "Other" }, urns: ["tel:+1206555@(\"0001\")"], create_contact: false },
    ]);
    const e = only(events, "session_triggered");
    expect(e).toMatchObject({
      flow: { uuid: u(4444), name: "Other" },
      urns: ["tel:+12065550001"],
      run_summary: { uuid: session.runs[0].uuid, flow: { name: "Actions" }, contact: { uuid: contact().uuid }, status: "active", results: { score: { value: "9" } } },
      history: { parent_uuid: session.uuid, ancestors: 1, ancestors_since_input: 1 },
    });
  });

  it("stamps every event with a created_on from the clock and the step it happened at", async () => {
    const { events, session } = await run([{ uuid: u(1), type: "send_msg", text: "Hi" }]);
    for (const e of events) expect(e.created_on).toMatch(/^2025-05-04T12:3\d:\d\d\.123456789Z$/);
    expect(new Set(events.map((e) => e.created_on)).size).toBe(events.length);
    expect(only(events, "msg_created").step_uuid).toBe(session.runs[0].path[0].uuid);
    expect(session.runs[0].events!.map((e) => e.type)).toEqual(types(events));
    expect(session.environment).toEqual(ENV);
  });
});

describe("field values", () => {
  it("are typed every way their text reads, and cleared by empty text", async () => {
    const flow = linearFlow(F, "Fields", [
      {
        actions: [
          { uuid: u(1), type: "set_contact_field", field: { key: "age", name: "Age" }, value: " 42 " },
          { uuid: u(2), type: "set_contact_field", field: { key: "birthday", name: "Birthday" }, value: "24-12-1990" },
          { uuid: u(3), type: "set_contact_field", field: { key: "nickname", name: "Nickname" }, value: "" },
          { uuid: u(4), type: "set_contact_field", field: { key: "nope", name: "Nope" }, value: "x" },
          { uuid: u(5), type: "send_msg", text: "@fields.age / @(fields.age + 1) / @(format_date(fields.birthday)) / @(fields.nickname)" },
        ],
      },
    ]);
    const a = assets(flow);
    a.fields!.push({ key: "birthday", name: "Birthday", type: "datetime" });
    const { events, session } = await engine().start(a, manual(flow, contact({ fields: { nickname: { text: "Benny" } } })));
    const changes = ofType(events, "contact_field_changed");
    expect(changes.map((c) => [c.field.key, c.value])).toEqual([
      ["age", { text: "42", number: 42 }],
      ["birthday", { text: "24-12-1990", datetime: expect.stringMatching(/^1990-12-24T00:00:00(\.0+)?(Z|\+00:00)$/) }],
      ["nickname", null],
    ]);
    expect(ofType(events, "error")[0].text).toBe("no such field: nope");
    expect(ofType(events, "msg_created")[0].msg.text).toBe("42 / 43 / 24-12-1990 / ");
    expect(session.contact.fields!.nickname).toBeNull();
  });
});
