import { describe, expect, it } from "vitest";
import { assets, contact, engine, linearFlow, manual, ofType, texts, u } from "./engine-support";

const PARENT = "e4000000-0000-4000-8000-000000000000";
const CHILD = "e5000000-0000-4000-8000-000000000000";
const childFlow = linearFlow(CHILD, "Onboarding", [{ actions: [{ uuid: u(811), type: "send_msg", text: "plan=@vars.plan seats=@vars.seats by=@vars.referrer" }] }], {
  type: "messaging_background",
  variables: [
    { name: "plan", type: "text", default: "free" },
    { name: "seats", type: "integer", default: "1" },
    { name: "referrer", type: "text" },
  ],
});
const parent = (actions: unknown[]) =>
  linearFlow(PARENT, "Referral", [{ actions }], {
    variables: [
      { name: "friend", type: "text", default: "@fields.nickname" },
      { name: "boss", type: "text", default: "Boss@Example.org" },
      { name: "seats", type: "integer", default: "3" },
    ],
  });

async function run(actions: unknown[], over = {}) {
  return engine().start(assets(parent(actions), childFlow), manual({ uuid: PARENT, name: "Referral" }, contact({ fields: { nickname: { text: "0788 123 123" } }, ...over })));
}

describe("add to flow", () => {
  it("enter_flow passes values to the child's variables, checked against their types", async () => {
    const sprint = await run([{ uuid: u(801), type: "enter_flow", flow: { uuid: CHILD, name: "Onboarding" }, variables: { plan: "gold", seats: "@(vars.seats * 2)", referrer: "@contact.first_name" } }]);
    expect(texts(sprint.events)).toEqual(["plan=gold seats=6 by=Ben"]);
    expect(sprint.session.runs[1].variables).toEqual({ plan: "gold", seats: 6, referrer: "Ben" });
  });

  it("a value of the wrong type or for an undeclared variable is an error, and the child's default applies", async () => {
    const sprint = await run([{ uuid: u(801), type: "enter_flow", flow: { uuid: CHILD, name: "Onboarding" }, variables: { seats: "many", colour: "red" } }]);
    expect(texts(sprint.events)).toEqual(["plan=free seats=1 by="]);
    expect(ofType(sprint.events, "error").map((e) => e.text)).toEqual([
      `a value was passed for "colour", which flow 'Onboarding' does not declare: ignored`,
      `the value passed for "seats": variable "seats" is integer, text "many" is not a whole number: not set`,
    ]);
  });

  it("start_session adds another participant by a phone number or an email from a variable or field, with values for its variables", async () => {
    const sprint = await run([
      {
        uuid: u(802),
        type: "start_session",
        flow: { uuid: CHILD, name: "Onboarding" },
        participant: { phone: "@vars.friend", email: "@vars.boss" },
        variables: { referrer: "@contact.name", seats: "@vars.seats" },
      },
    ], { fields: { nickname: { text: "(206) 555-1313" } } });
    const [triggered] = ofType(sprint.events, "session_triggered");
    expect(triggered.urns).toEqual(["tel:+12065551313", "mailto:boss@example.org"]);
    expect(triggered._variables).toEqual({ referrer: "Ben Haggerty", seats: 3 });
    expect(triggered.create_contact).toBeUndefined();
  });

  it("a participant that is not a phone number or an address is an error and nobody is started", async () => {
    const sprint = await run([{ uuid: u(802), type: "start_session", flow: { uuid: CHILD, name: "Onboarding" }, participant: { phone: "call me", email: "@fields.nickname" } }], {
      fields: { nickname: { text: "not an address" } },
    });
    expect(ofType(sprint.events, "session_triggered")).toEqual([]);
    expect(ofType(sprint.events, "error").map((e) => e.text)).toEqual([
      `start_session: the participant's phone "call me" is not a phone number: nobody added`,
      `start_session: the participant's email "not an address" is not an email address: nobody added`,
    ]);
  });

  it("the started session takes the values from its trigger's variables", async () => {
    const e = engine();
    const sprint = await e.start(assets(childFlow), { ...manual({ uuid: CHILD, name: "Onboarding" }), variables: { referrer: "Ben", seats: 4 } });
    expect(texts(sprint.events)).toEqual(["plan=free seats=4 by=Ben"]);
  });
});
