// Stopping a contact removes it from all its groups (issue #12, point 5), as goflow does.
import { describe, expect, it } from "vitest";
import { assets, contact, engine, linearFlow, manual, ofType, types, u } from "./engine-support";

const F = "a4000000-0000-4000-8000-000000000000";
const GROUPS = [
  { uuid: u(9102), name: "Testers" },
  { uuid: "90000000-0000-4000-8000-000000000001", name: "Registered" },
];

async function run(status: string) {
  const flow = linearFlow(F, "Status", [{ actions: [{ uuid: u(1), type: "set_contact_status", status }] }]);
  return engine().start(assets(flow), manual(flow, contact({ groups: GROUPS })));
}

describe("set_contact_status", () => {
  it("stopped: the contact leaves every group, logged after the status change", async () => {
    const { events, session } = await run("stopped");
    expect(types(events).filter((t) => t.startsWith("contact_"))).toEqual(["contact_status_changed", "contact_groups_changed"]);
    expect(ofType(events, "contact_groups_changed")[0].groups_removed).toEqual(GROUPS);
    expect(session.contact.groups).toEqual([]);
  });
});
