// goflow's default country is that of the channel the contact's preferred URN is on, else the
// environment's (issue #12, point 3): it sets message locales, reads local phone numbers and
// normalises new URNs.
import { describe, expect, it } from "vitest";
import { assets, contact, engine, linearFlow, msgIn, ofType, u } from "./engine-support";

const F = "a2000000-0000-4000-8000-000000000000";
const US = { uuid: u(9011), name: "US Twilio", address: "+12025550111", schemes: ["tel"], roles: ["send", "receive"], country: "US" };

const flow = linearFlow(F, "Country", [
  {
    actions: [
      { uuid: u(1), type: "send_msg", text: "Hi" },
      { uuid: u(2), type: "add_contact_urn", scheme: "tel", path: "204-444-3333" },
    ],
    router: {
      type: "switch",
      operand: "@input.text",
      cases: [{ uuid: u(11), type: "has_phone", arguments: [], category_uuid: u(21) }],
      categories: [
        { uuid: u(21), name: "Phone", exit_uuid: u(31) },
        { uuid: u(22), name: "Other", exit_uuid: u(32) },
      ],
      default_category_uuid: u(22),
      result_name: "Number",
    },
    exits: [{ uuid: u(31) }, { uuid: u(32) }],
  },
]);

async function run(urn: string, environment: Record<string, unknown>) {
  const a = assets(flow);
  a.channels = [...(a.channels ?? []), US];
  const c = contact({ urns: [urn] });
  const trigger = { type: "msg" as const, flow: { uuid: F, name: "Country" }, contact: c, environment, msg: msgIn("718-456-7890"), triggered_on: "2025-05-04T12:30:00Z" };
  return engine().start(a, trigger);
}

describe("the default country", () => {
  it("comes from the channel of the contact's preferred URN", async () => {
    const { events, session } = await run(`tel:+12065551212?channel=${US.uuid}`, { allowed_languages: ["eng"] });
    expect(ofType(events, "msg_created")[0].msg.locale).toBe("eng-US");
    expect(session.contact.urns).toEqual([`tel:+12065551212?channel=${US.uuid}`, "tel:+12044443333"]);
    expect(session.runs[0].results.number).toMatchObject({ value: "+17184567890", category: "Phone" });
  });

  it("else is the environment's", async () => {
    const { events, session } = await run("tel:+12065551212", { allowed_languages: ["eng"], default_country: "US" });
    expect(ofType(events, "msg_created")[0].msg.locale).toBe("eng-US");
    expect(session.contact.urns).toEqual(["tel:+12065551212", "tel:+12044443333"]);
  });

  it("without either, local numbers are not phone numbers and the locale has no country", async () => {
    const { events, session } = await run("tel:+12065551212", { allowed_languages: ["eng"] });
    expect(ofType(events, "msg_created")[0].msg.locale).toBe("eng");
    expect(session.runs[0].results.number).toMatchObject({ category: "Other" });
  });
});
