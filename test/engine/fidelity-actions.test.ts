// Actions and parts goflow has that Eddy lacked or did differently (issue #12, point 9).
import { describe, expect, it } from "vitest";
import { assets, contact, engine, linearFlow, manual, ofType, types, u } from "./engine-support";

const F = "a8000000-0000-4000-8000-000000000000";

async function run(actions: unknown[], opts: { extra?: Record<string, unknown>; more?: Record<string, unknown>; mocks?: Record<string, any[]>; c?: any; trigger?: Record<string, unknown> } = {}) {
  const flow = linearFlow(F, "Actions", [{ actions }], opts.extra ?? {});
  const a = { ...assets(flow), ...(opts.more ?? {}) };
  return engine(opts.mocks ?? {}).start(a, { ...manual(flow, opts.c ?? contact()), ...(opts.trigger ?? {}) });
}

describe("call_resthook", () => {
  const hook = { uuid: u(1), type: "call_resthook", resthook: "new-order", result_name: "Order" };
  const resthooks = [{ slug: "new-order", subscribers: ["https://a.example.org/hook", "https://b.example.org/hook", "https://c.example.org/hook"] }];

  it("posts the run's summary to every subscriber; the result is the first failure", async () => {
    const { events, session } = await run([hook], {
      more: { resthooks },
      mocks: {
        "https://a.example.org/hook": [{ status: 200, body: '{"ok":1}' }],
        "https://b.example.org/hook": [{ status: 500, body: '{"ok":0}' }],
        "https://c.example.org/hook": [{ status: 200, body: '{"ok":2}' }],
      },
    });
    expect(types(events).filter((t) => t !== "run_started" && t !== "run_ended")).toEqual(["resthook_called", "webhook_called", "webhook_called", "webhook_called", "run_result_changed"]);
    const called = ofType(events, "resthook_called")[0];
    expect(called.resthook).toBe("new-order");
    expect(called.payload).toMatchObject({ contact: { uuid: u(5001), name: "Ben Haggerty", urn: "tel:+12065551212" }, flow: { uuid: F, name: "Actions" }, input: null });
    expect(ofType(events, "webhook_called")[0].request).toMatch(/^POST \/hook HTTP\/1.1/);
    expect(session.runs[0].results.order).toMatchObject({ value: "500", category: "Failure", input: "POST https://b.example.org/hook", extra: { ok: 0 } });
  });

  it("all succeed: the last call; a 410 (unsubscribed) is never the result", async () => {
    const { session } = await run([hook], {
      more: { resthooks },
      mocks: {
        "https://a.example.org/hook": [{ status: 200, body: '{"ok":1}' }],
        "https://b.example.org/hook": [{ status: 201, body: '{"ok":2}' }],
        "https://c.example.org/hook": [{ status: 410, body: "" }],
      },
    });
    expect(session.runs[0].results.order).toMatchObject({ value: "201", category: "Success", extra: { ok: 2 } });
  });
});

describe("request_optin", () => {
  it("logs an error and the run goes on", async () => {
    const { events, session } = await run([
      { uuid: u(1), type: "request_optin", optin: { uuid: u(77), name: "Newsletter" } },
      { uuid: u(2), type: "send_msg", text: "Still here" },
    ]);
    expect(ofType(events, "error")[0].text).toContain("request_optin");
    expect(ofType(events, "error")[0].code).toBe("unsupported");
    expect(ofType(events, "msg_created")).toHaveLength(1);
    expect(session.status).toBe("completed");
  });
});

describe("open_ticket", () => {
  const users = [{ email: "agent@example.org", name: "Agent" }];
  it("evaluates the assignee, sets @locals._new_ticket and lists the ticket in @contact.tickets; the note is its own event", async () => {
    const { events, session } = await run(
      [
        { uuid: u(1), type: "open_ticket", note: "Help @contact.first_name", assignee: { email_match: "@trigger.params.agent" } },
        { uuid: u(2), type: "send_msg", text: "@locals._new_ticket|@(count(contact.tickets))|@contact.tickets.0.assignee.email" },
      ],
      { more: { users }, trigger: { params: { agent: "AGENT@example.org" } } },
    );
    const ticket = ofType(events, "ticket_opened")[0].ticket;
    expect(ticket.assignee).toEqual({ email: "agent@example.org", name: "Agent" });
    expect(ofType(events, "ticket_note_added")[0]).toMatchObject({ ticket_uuid: ticket.uuid, note: "Help Ben" });
    expect(ofType(events, "msg_created")[0].msg.text).toBe(`${ticket.uuid}|1|agent@example.org`);
    expect(session.runs[0].locals?._new_ticket).toBe(ticket.uuid);
  });

  it("an unknown user is an error and the ticket opens unassigned", async () => {
    const { events } = await run([{ uuid: u(1), type: "open_ticket", assignee: { email: "nobody@example.org", name: "Nobody" } }], { more: { users } });
    expect(ofType(events, "error")[0].text).toBe("no such user: nobody@example.org");
    expect(ofType(events, "ticket_opened")[0].ticket.assignee).toBeUndefined();
  });

  it("a batch start opens no ticket", async () => {
    const { events } = await run([{ uuid: u(1), type: "open_ticket", note: "x" }], { trigger: { batch: true } });
    expect(types(events)).not.toContain("ticket_opened");
    expect(ofType(events, "error")).toHaveLength(1);
  });
});

describe("send_email", () => {
  it("is localized, its subject one line, and an empty body sends nothing", async () => {
    const email = { uuid: u(1), type: "send_email", addresses: ["ops@example.org"], subject: "New\tsignup:\n@contact.name", body: "Hello" };
    const localization = { spa: { [u(1)]: { subject: ["Nuevo:\n@contact.name"], body: ["Hola"] } } };
    const eng = await run([email], { extra: { localization } });
    expect(ofType(eng.events, "email_sent")[0]).toMatchObject({ subject: "New signup: Ben Haggerty", body: "Hello" });
    const spa = await run([email], { extra: { localization }, c: contact({ language: "spa" }) });
    expect(ofType(spa.events, "email_sent")[0]).toMatchObject({ subject: "Nuevo: Ben Haggerty", body: "Hola" });
    const empty = await run([{ ...email, body: "@fields.nickname" }]);
    expect(types(empty.events)).not.toContain("email_sent");
    expect(ofType(empty.events, "error").map((e) => e.text)).toContain("email body evaluated to empty string, skipping");
  });
});

describe("send_broadcast and start_session", () => {
  it("send_broadcast keeps its WhatsApp template", async () => {
    const { events } = await run([
      { uuid: u(1), type: "send_broadcast", text: "Hi", urns: ["whatsapp:12065550000"], template: { uuid: u(88), name: "welcome" }, template_variables: ["@contact.first_name"] },
    ]);
    expect(ofType(events, "broadcast_created")[0]).toMatchObject({ template: { uuid: u(88), name: "welcome" }, template_variables: ["Ben"] });
  });

  it("start_session quotes values in its query and adds no empty exclusions", async () => {
    const { events } = await run(
      [{ uuid: u(1), type: "start_session", flow: { uuid: F, name: "Actions" }, contact_query: "nickname = @fields.nickname", exclusions: {} }],
      { c: contact({ fields: { nickname: { text: 'Big "B"' } } }) },
    );
    const e = ofType(events, "session_triggered")[0];
    expect(e.contact_query).toBe('nickname = "Big \\"B\\""');
    expect(e.exclusions).toBeUndefined();
  });
});

describe("add_contact_urn", () => {
  it("rejects an invalid URN and finds a duplicate after normalisation", async () => {
    const c = contact({ urns: ["tel:+1 206-555-1212"] });
    const { events, session } = await run(
      [
        { uuid: u(1), type: "add_contact_urn", scheme: "email", path: "not an email" },
        { uuid: u(2), type: "add_contact_urn", scheme: "tel", path: "(206) 555-1212" },
      ],
      { c },
    );
    expect(ofType(events, "error").map((e) => e.text)).toEqual(["'email:not an email' is not a valid URN, skipping"]);
    expect(types(events)).not.toContain("contact_urns_changed");
    expect(session.contact.urns).toEqual(["tel:+1 206-555-1212"]);
  });
});
