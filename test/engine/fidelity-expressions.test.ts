// goflow skips an action whose template fails to evaluate: the error is logged and nothing changes
// (issue #12, point 2). Before, Eddy applied the empty rendering and, for instance, wiped the name.
import { describe, expect, it } from "vitest";
import { assets, contact, engine, linearFlow, manual, msgIn, ofType, types, u } from "./engine-support";

const F = "a1000000-0000-4000-8000-000000000000";
const BAD = "@(1 / 0)";

async function run(actions: unknown[], msg?: string) {
  const flow = linearFlow(F, "Failing", [{ actions }]);
  const c = contact({ timezone: "Africa/Kigali", groups: [{ uuid: u(9102), name: "Testers" }] });
  const t = msg !== undefined ? { ...manual(flow, c), type: "msg" as const, msg: msgIn(msg) } : manual(flow, c);
  return engine().start(assets(flow), t);
}

describe("a template that fails to evaluate skips the action", () => {
  it("contact name, language and timezone stay as they were", async () => {
    const { events, session } = await run([
      { uuid: u(1), type: "set_contact_name", name: `Bob ${BAD}` },
      { uuid: u(2), type: "set_contact_language", language: BAD },
      { uuid: u(3), type: "set_contact_timezone", timezone: BAD },
    ]);
    expect(types(events).filter((t) => t.startsWith("contact_"))).toEqual([]);
    expect(ofType(events, "error")).toHaveLength(3);
    expect(session.contact).toMatchObject({ name: "Ben Haggerty", language: "eng", timezone: "Africa/Kigali" });
  });

  it("run results and locals are not written", async () => {
    const { events, session } = await run([
      { uuid: u(1), type: "set_run_local", local: "count", value: "3", operation: "set" },
      { uuid: u(2), type: "set_run_local", local: "count", value: BAD, operation: "set" },
      { uuid: u(3), type: "set_run_local", local: "count", value: BAD, operation: "increment" },
      { uuid: u(4), type: "set_run_result", name: "Score", value: BAD, category: "High" },
    ]);
    expect(ofType(events, "run_result_changed")).toEqual([]);
    expect(session.runs[0].results).toEqual({});
    expect(session.runs[0].locals).toEqual({ count: "3" });
    expect(ofType(events, "error").map((e) => e.text)).toHaveLength(3);
  });

  it("groups and labels matched by a failing name are skipped, with no 'no such group' either", async () => {
    const { events, session } = await run(
      [
        { uuid: u(1), type: "add_contact_groups", groups: [{ name_match: `Test${BAD}` }] },
        { uuid: u(2), type: "remove_contact_groups", groups: [{ name_match: `Test${BAD}` }] },
        { uuid: u(3), type: "add_input_labels", labels: [{ name_match: `Sp${BAD}` }] },
      ],
      "hi",
    );
    expect(types(events)).not.toContain("contact_groups_changed");
    expect(types(events)).not.toContain("input_labels_added");
    expect(ofType(events, "error")).toHaveLength(3);
    expect(ofType(events, "error").every((e) => !String(e.text).startsWith("no such"))).toBe(true);
    expect(session.contact.groups).toEqual([{ uuid: u(9102), name: "Testers" }]);
  });
});
