import { describe, expect, it } from "vitest";
import type { ContactJSON } from "../../durable/engine";
import { loadFlow } from "../../durable/engine/flow/load";
import { assets, contact, engine, manual, msgIn, ofType, texts, u } from "./engine-support";
import { JOURNEY, timedWaitFlow } from "./journeys-support";

const TIMED_OUT = u(823);

/** The journey flow with a timeout category ("Timed out", on to the "no date" node) when asked. */
function flow(wait: Record<string, unknown>, timeoutSeconds?: number) {
  const f = timedWaitFlow({ type: "profile_change", ...wait, ...(timeoutSeconds ? { timeout: { seconds: timeoutSeconds, category_uuid: TIMED_OUT } } : {}) });
  if (timeoutSeconds) {
    f.nodes[0].router!.categories.push({ uuid: TIMED_OUT, name: "Timed out", exit_uuid: u(832) });
    f.nodes[0].exits.push({ uuid: u(832), destination_uuid: f.nodes[2].uuid });
  }
  return f;
}

async function waitFor(wait: Record<string, unknown>, timeoutSeconds?: number, c: ContactJSON = contact({ fields: { plan: { text: "trial" } } })) {
  const e = engine();
  const a = assets(flow(wait, timeoutSeconds));
  const sprint = await e.start(a, manual({ uuid: JOURNEY, name: "Journey" }, c));
  return { e, a, c, sprint };
}

describe("wait for a profile change", () => {
  it("waits, then takes its exit when the watched field changes, with the new value as the result", async () => {
    const { e, a, c, sprint } = await waitFor({ field: { key: "plan", name: "Plan" } });
    expect(sprint.session.status).toBe("waiting");
    expect(ofType(sprint.events, "profile_change_wait")).toMatchObject([{ watching: "fields.plan" }]);
    expect(sprint.session.wait).toEqual({ type: "profile_change", watched: "trial" });

    const changed = await e.resume(a, sprint.session, { type: "profile_changed", contact: { ...c, fields: { plan: { text: "paid" } } } });
    expect(changed.session.status).toBe("completed");
    expect(ofType(changed.events, "run_result_changed")[0]).toMatchObject({ category: "Reached", value: "paid" });
  });

  it("waits on when something else changed, keeping the new contact", async () => {
    const { e, a, c, sprint } = await waitFor({ field: { key: "plan", name: "Plan" } });
    const other = await e.resume(a, sprint.session, { type: "profile_changed", contact: { ...c, name: "Ben H." } });
    expect(other.session.status).toBe("waiting");
    expect(other.events).toEqual([]);
    expect(other.session.contact.name).toBe("Ben H.");
  });

  it("watches an attribute or a URN scheme", async () => {
    const lang = await waitFor({ attribute: "language" });
    const moved = await lang.e.resume(lang.a, lang.sprint.session, { type: "profile_changed", contact: { ...lang.c, language: "spa" } });
    expect(texts(moved.events)).toEqual(["reached at spa"]);

    const tel = await waitFor({ attribute: "urn:tel" });
    const sameNumber = await tel.e.resume(tel.a, tel.sprint.session, { type: "profile_changed", contact: { ...tel.c, urns: ["tel:+12065551212?channel=" + u(9001)] } });
    expect(sameNumber.session.status).toBe("waiting");
    const newNumber = await tel.e.resume(tel.a, tel.sprint.session, { type: "profile_changed", contact: { ...tel.c, urns: ["tel:+12065550000"] } });
    expect(newNumber.session.status).toBe("completed");
  });

  it("times out on time_passed at its timeout, and not before", async () => {
    const { e, a, sprint } = await waitFor({ field: { key: "plan", name: "Plan" } }, 3600);
    const due = sprint.session.wait?.resumes_on;
    expect(due).toBe("2025-05-04T13:30:48.123456789Z");
    await expect(e.resume(a, sprint.session, { type: "time_passed", resumed_on: "2025-05-04T13:00:00Z" })).rejects.toThrow(`the wait times out at ${due}, not before`);
    const out = await e.resume(a, sprint.session, { type: "time_passed", resumed_on: due });
    expect(ofType(out.events, "run_result_changed")[0]).toMatchObject({ category: "Timed out" });
  });

  it("takes no message, and without a timeout no time_passed", async () => {
    const { e, a, sprint } = await waitFor({ field: { key: "plan", name: "Plan" } });
    await expect(e.resume(a, sprint.session, { type: "msg", msg: msgIn("hi") })).rejects.toThrow("a profile_change wait does not take a msg resume");
    await expect(e.resume(a, sprint.session, { type: "time_passed" })).rejects.toThrow("this wait for a profile change has no timeout");
  });

  it("loads in a background flow with one of field or attribute", () => {
    expect(loadFlow(flow({ field: { key: "plan", name: "Plan" } }, 60))).toMatchObject({ ok: true, problems: [] });
    const messages = (wait: Record<string, unknown>) => loadFlow(flow(wait)).problems.map((p) => p.message).join("\n");
    expect(messages({})).toContain(`a wait for a profile change needs one of "field" or "attribute"`);
    expect(messages({ attribute: "shoe_size" })).toContain("must be name, language, timezone, status or urn:<scheme>");
  });
});
