// The simulator's session as the contact's object would run it: the test contact's profile changed
// while the flow waits (a wait for a profile change takes its exit, later steps read the new values),
// and the workspace environment (GET /environment) reading and writing dates.
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { seriousA11yViolations } from "./axe";
import { useConsole } from "./harness";

const eddy = useConsole();
const uuid = () => crypto.randomUUID();
const say = (text: string, next: string | null = null) => ({ uuid: uuid(), actions: [{ uuid: uuid(), type: "send_msg", text }], exits: [{ uuid: uuid(), destination_uuid: next }] });

async function makeFlow(name: string, nodes: unknown[], publish = false): Promise<string> {
  const definition = { uuid: uuid(), name, spec_version: "14.4.0", language: "eng", type: "messaging", nodes };
  const made = await eddy.api("POST", "/flows", { name, type: "messaging", definition });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  if (publish) expect((await eddy.api("POST", `/flows/${definition.uuid}/publish`)).status).toBe(201);
  return definition.uuid;
}

async function simulate(page: Page, flow: string) {
  await page.goto(`/flows/${flow}`);
  await page.locator(".flow-node").first().waitFor();
  await page.getByRole("button", { name: "Simulate" }).click();
  const sim = page.getByRole("region", { name: "Simulator" });
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  return { sim, chat: sim.getByRole("log", { name: "Conversation" }) };
}

it("changes the test contact's profile mid-session: a wait for a profile change takes its exit, and later steps read the new values", async () => {
  expect((await eddy.api("POST", "/fields", { key: "city", name: "City", type: "text" })).status).toBe(201);
  const after = say("Now in @fields.city, @contact.name (@contact.language)");
  const changed = { category: uuid(), exit: uuid() };
  const waits = {
    uuid: uuid(),
    actions: [{ uuid: uuid(), type: "send_msg", text: "Hello @contact.name, where do you live?" }],
    router: {
      type: "switch",
      operand: "",
      cases: [],
      categories: [{ uuid: changed.category, name: "Changed", exit_uuid: changed.exit }],
      default_category_uuid: changed.category,
      wait: { type: "profile_change", field: { key: "city", name: "City" }, category_uuid: changed.category },
    },
    exits: [{ uuid: changed.exit, destination_uuid: after.uuid }],
  };
  const flow = await makeFlow("Moving", [waits, after]);
  const page = eddy.page;
  const { sim, chat } = await simulate(page, flow);
  await chat.getByText("Hello Test Contact, where do you live?").waitFor();

  await sim.getByText("Change the contact's profile").click();
  const form = sim.getByRole("form", { name: "Change the contact's profile" });
  expect(await form.getByLabel("Name").inputValue()).toBe("Test Contact");
  // Not what the wait watches: it keeps waiting, the change kept.
  await form.getByLabel("Name").fill("Amina");
  await form.getByLabel("Language (ISO 639-3)").fill("fra");
  await form.getByRole("button", { name: "Save the profile" }).click();
  await chat.getByText("not the change the wait is for: still waiting").waitFor();
  expect(await form.getByLabel("Name").inputValue()).toBe("Amina");
  expect(await seriousA11yViolations(page)).toEqual([]);

  await form.getByLabel(/^City/).fill("Kigali");
  await form.getByRole("button", { name: "Save the profile" }).click();
  await chat.getByText("Now in Kigali, Amina (fra)").waitFor();
  await chat.getByText("the session ended: completed").waitFor();
});

it("reads and writes dates in the workspace environment's format, as the real run does", async () => {
  const changed = await eddy.api("PATCH", "/environment", { date_format: "DD-MM-YYYY" });
  expect(changed.status, JSON.stringify(changed.body)).toBe(200);
  expect((await eddy.api("POST", "/fields", { key: "due", name: "Due", type: "text" })).status).toBe(201);
  // "07-05-2025" is the 7th of May in DD-MM-YYYY (the 5th of July in MM-DD-YYYY); dates are written back in the format.
  const template = '@(format_date(date("07-05-2025"), "D MMMM YYYY")) / @(format_date(date_from_parts(2025, 12, 25)))';
  const tell = say("Due: @fields.due");
  const set = { uuid: uuid(), actions: [{ uuid: uuid(), type: "set_contact_field", field: { key: "due", name: "Due" }, value: template }], exits: [{ uuid: uuid(), destination_uuid: tell.uuid }] };
  const flow = await makeFlow("Dates", [set, tell], true);

  // The real run, through a contact's object: the field it sets lands in D1 shortly after.
  const contact = (await eddy.api("POST", "/contacts", { name: "Real", urns: ["tel:+250788000321"] })).body.uuid;
  const started = await eddy.api("POST", `/flows/${flow}/start`, { contacts: [contact] });
  expect(started.status, JSON.stringify(started.body)).toBeLessThan(300);
  const real = async () => (await eddy.api("GET", `/contacts/${contact}`)).body.fields?.due;
  await expect.poll(real, { timeout: 30_000 }).toBeTruthy();
  const value = await real();
  expect(value).toBe("7 May 2025 / 25-12-2025");

  const { chat } = await simulate(eddy.page, flow);
  await chat.getByText(`Due: ${value}`, { exact: true }).waitFor();
});
