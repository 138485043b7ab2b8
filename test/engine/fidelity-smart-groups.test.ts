// Smart groups (issue #12, point 1): goflow re-evaluates the contact's query groups when a session
// starts and after every change to the contact, logging contact_groups_changed for what changed.
import { describe, expect, it } from "vitest";
import { Engine, replayServices } from "../../durable/engine";
import { cannedHttp } from "../../durable/engine/services";
import { matchesQuery } from "../../worker/segments/query-matcher";
import { assets, contact, linearFlow, manual, ofType, START, u } from "./engine-support";

const F = "aa000000-0000-4000-8000-000000000000";
const ADULTS = { uuid: u(9103), name: "Adults" };

const smartEngine = () => new Engine({ ...replayServices({ start: START, http: cannedHttp({}) }), matchesQuery });

async function run(actions: unknown[], c = contact()) {
  const flow = linearFlow(F, "Smart", [{ actions }]);
  return smartEngine().start(assets(flow), manual(flow, c));
}

describe("smart groups", () => {
  it("a contact who matches joins as the session starts, before the flow runs", async () => {
    const { events, session } = await run([], contact({ fields: { age: { text: "30", number: 30 } } }));
    expect(events[0]).toMatchObject({ type: "contact_groups_changed", groups_added: [ADULTS] });
    expect(session.contact.groups).toEqual([ADULTS]);
  });

  it("a contact who no longer matches leaves as the session starts", async () => {
    const { events, session } = await run([], contact({ groups: [ADULTS], fields: { age: { text: "12", number: 12 } } }));
    expect(events[0]).toMatchObject({ type: "contact_groups_changed", groups_removed: [ADULTS] });
    expect(session.contact.groups).toEqual([]);
  });

  it("a field change re-evaluates them, after its own event, both ways", async () => {
    const { events, session } = await run([
      { uuid: u(1), type: "set_contact_field", field: { key: "age", name: "Age" }, value: "21" },
      { uuid: u(2), type: "send_msg", text: "@(count(contact.groups))" },
      { uuid: u(3), type: "set_contact_field", field: { key: "age", name: "Age" }, value: "17" },
    ]);
    const changes = events.filter((e) => e.type === "contact_field_changed" || e.type === "contact_groups_changed").map((e) => e.type);
    expect(changes).toEqual(["contact_field_changed", "contact_groups_changed", "contact_field_changed", "contact_groups_changed"]);
    const groups = ofType(events, "contact_groups_changed");
    expect(groups[0].groups_added).toEqual([ADULTS]);
    expect(groups[1].groups_removed).toEqual([ADULTS]);
    expect(ofType(events, "msg_created")[0].msg.text).toBe("1");
    expect(session.contact.groups).toEqual([]);
  });

  it("a stopped contact is in no smart group", async () => {
    const { session } = await run([{ uuid: u(1), type: "set_contact_status", status: "stopped" }], contact({ fields: { age: { text: "30", number: 30 } } }));
    expect(session.contact.groups).toEqual([]);
  });

  it("without a matcher, memberships stay as given", async () => {
    const flow = linearFlow(F, "Smart", [{ actions: [] }]);
    const { events, session } = await new Engine(replayServices({ start: START, http: cannedHttp({}) })).start(assets(flow), manual(flow, contact({ groups: [ADULTS] })));
    expect(ofType(events, "contact_groups_changed")).toEqual([]);
    expect(session.contact.groups).toEqual([ADULTS]);
  });
});
