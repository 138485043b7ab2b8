// The split by segment's condition builder (docs/console.md, docs/journeys.md "Segment audience"):
// a segment built from attributes, a custom field and an event in nested AND/OR groups is saved as
// the engine's JSON, publishes, reads back the same after a reload, and the simulator sends a test
// contact down the branch the conditions choose.
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { seriousA11yViolations } from "./axe";
import { useConsole } from "./harness";
import { screenshot } from "./screenshot";

const eddy = useConsole();
const uuid = () => crypto.randomUUID();
const draft = async (flow: string) => (await eddy.api("GET", `/flows/${flow}`)).body.definition;
const panel = (page: Page) => page.getByRole("complementary", { name: "Edit node" });

/** A question, then a split by segment whose first segment ("VIP") is still a placeholder; each exit says where the contact went. */
async function makeFlow() {
  const [ask, split, vip, others] = [uuid(), uuid(), uuid(), uuid()];
  const replied = { category: uuid(), exit: uuid() };
  const segment = { category: uuid(), exit: uuid() };
  const rest = { category: uuid(), exit: uuid() };
  const say = (node: string, text: string) => ({ uuid: node, actions: [{ uuid: uuid(), type: "send_msg", text }], exits: [{ uuid: uuid(), destination_uuid: null }] });
  const nodes = [
    {
      uuid: ask,
      actions: [{ uuid: uuid(), type: "send_msg", text: "What brings you here?" }],
      router: { type: "switch", operand: "@input.text", cases: [], categories: [{ uuid: replied.category, name: "All Responses", exit_uuid: replied.exit }], default_category_uuid: replied.category, wait: { type: "msg" } },
      exits: [{ uuid: replied.exit, destination_uuid: split }],
    },
    {
      uuid: split,
      actions: [],
      router: {
        type: "segment_audience",
        result_name: "Segment",
        categories: [
          { uuid: segment.category, name: "VIP", exit_uuid: segment.exit },
          { uuid: rest.category, name: "Others", exit_uuid: rest.exit },
        ],
        segments: [{ category_uuid: segment.category, match: "all", conditions: [{ attribute: "name", operator: "is_not_empty" }] }],
        default_category_uuid: rest.category,
      },
      exits: [
        { uuid: segment.exit, destination_uuid: vip },
        { uuid: rest.exit, destination_uuid: others },
      ],
    },
    say(vip, "Welcome back, VIP"),
    say(others, "Hello there"),
  ];
  const ui = Object.fromEntries(nodes.map((n, i) => [n.uuid, { position: { left: 60 + (i % 2) * 420, top: 40 + Math.floor(i / 2) * 260 } }]));
  const definition = { uuid: uuid(), name: "Segments", spec_version: "14.4.0", language: "eng", type: "messaging", nodes, _ui: { nodes: ui } };
  expect((await eddy.api("POST", "/flows", { name: "Segments", type: "messaging", definition })).status).toBe(201);
  return definition.uuid;
}

const VIP_CONDITIONS = [
  { attribute: "phone", operator: "is_not_empty" },
  {
    match: "any",
    conditions: [
      { field: { key: "plan", name: "Plan" }, operator: "is", value: "gold" },
      { event: "cart_abandoned", performed: true, within: { amount: 2, unit: "days" }, conditions: [{ property: "total", operator: "greater_than", value: "50" }] },
    ],
  },
];
const SUMMARY = "VIP: Phone number is not empty AND (Plan is gold OR performed cart_abandoned in the last 2 days where total greater than 50)";

it("builds a segment of a contact attribute AND (a field OR an event), saves, publishes and shows it again after a reload", async () => {
  expect((await eddy.api("POST", "/fields", { key: "plan", name: "Plan", type: "text" })).status).toBe(201);
  const flow = await makeFlow();
  const page = eddy.page;
  await page.goto(`/flows/${flow}`);
  const node = page.locator(".flow-node").filter({ hasText: "Split by segment" });
  await node.click();
  const side = panel(page);
  const box = (name: string) => side.getByRole("combobox", { name, exact: true });
  const text = (name: string) => side.getByRole("textbox", { name, exact: true });
  // The fields offered come from the API: wait for them, as a person waits for the list.
  await box("Condition 1.1").locator('option[value="field:plan"]').waitFor({ state: "attached" });

  await box("Condition 1.1").selectOption({ label: "Phone number" });
  await box("Condition 1.1 operator").selectOption({ label: "is not empty" });
  // A date attribute offers only date operators; a number field only number ones.
  await side.getByRole("button", { name: "Add a group to 1" }).click();
  await box("Match 1.2").selectOption({ label: "any of these (OR)" });
  await box("Condition 1.2.1").selectOption({ label: "Last contacted" });
  expect(await box("Condition 1.2.1 operator").locator("option").allTextContents()).toEqual([
    "is", "is not", "before", "until", "since", "after", "will be in", "will be within", "will be more than", "was within", "was more than", "was today", "is empty", "is not empty",
  ]);
  await box("Condition 1.2.1").selectOption({ label: "Plan" });
  expect(await box("Condition 1.2.1 operator").locator("option").allTextContents()).toEqual(["is", "is not", "contains", "starts with", "ends with", "is empty", "is not empty"]);
  await box("Condition 1.2.1 operator").selectOption({ label: "is" });
  await text("Condition 1.2.1 value").fill("gold");

  await side.getByRole("button", { name: "Add a condition to 1.2" }).click();
  await box("Condition 1.2.2").selectOption({ label: "an event…" });
  await text("Condition 1.2.2 event name").fill("cart_abandoned");
  await side.getByRole("spinbutton", { name: "Condition 1.2.2 in the last" }).fill("2");
  await box("Condition 1.2.2 window unit").selectOption("days");
  await side.getByRole("button", { name: "Add a property condition to condition 1.2.2" }).click();
  await text("Condition 1.2.2 property 1").fill("total");
  await box("Condition 1.2.2 property 1 operator").selectOption({ label: "greater than (number)" });
  await text("Condition 1.2.2 property 1 value").fill("50");

  await node.getByText(SUMMARY).waitFor();
  expect(await node.getByRole("alert").count()).toBe(0);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page.locator(".editor"), "segment-builder");

  // Saved: the draft holds the engine's JSON (written ~0.8 s after the last change).
  const segmentOf = async () => (await draft(flow)).nodes.find((n: any) => n.router?.type === "segment_audience").router.segments[0];
  await expect.poll(segmentOf, { timeout: 15_000 }).toMatchObject({ match: "all", conditions: VIP_CONDITIONS });
  const published = await eddy.api("POST", `/flows/${flow}/publish`);
  expect(published.status, JSON.stringify(published.body)).toBe(201);

  await page.reload();
  const again = page.locator(".flow-node").filter({ hasText: "Split by segment" });
  await again.getByText(SUMMARY).waitFor();
  await again.click();
  expect(await box("Condition 1.1").inputValue()).toBe("attribute:phone");
  expect(await box("Condition 1.1 operator").inputValue()).toBe("is_not_empty");
  expect(await box("Match 1.2").inputValue()).toBe("any");
  expect(await box("Condition 1.2.1").inputValue()).toBe("field:plan");
  expect(await text("Condition 1.2.1 value").inputValue()).toBe("gold");
  expect(await box("Condition 1.2.2").inputValue()).toBe("event");
  expect(await text("Condition 1.2.2 event name").inputValue()).toBe("cart_abandoned");
  expect(await side.getByRole("spinbutton", { name: "Condition 1.2.2 in the last" }).inputValue()).toBe("2");
  expect(await text("Condition 1.2.2 property 1 value").inputValue()).toBe("50");

  // Removing the event leaves the group with the field only; removing that too removes the group.
  await side.getByRole("button", { name: "Remove condition 1.2.2", exact: true }).click();
  await side.getByRole("button", { name: "Remove condition 1.2.1", exact: true }).click();
  await again.getByText("VIP: Phone number is not empty", { exact: true }).waitFor();
  await page.keyboard.press("Control+z");
  await page.keyboard.press("Control+z");
  await again.getByText(SUMMARY).waitFor();

  // The simulator: without the event the contact is no VIP; after a big abandoned cart it is.
  await page.getByRole("button", { name: "Simulate" }).click();
  const sim = page.getByRole("region", { name: "Simulator" });
  const chat = sim.getByRole("log", { name: "Conversation" });
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  await chat.getByText("What brings you here?").waitFor();
  await sim.getByLabel("Reply as the contact").fill("just looking");
  await sim.getByRole("button", { name: "Send", exact: true }).click();
  await chat.getByText("Hello there").waitFor();
  expect(await chat.getByText("Welcome back, VIP").count()).toBe(0);

  await sim.getByRole("button", { name: "Restart" }).click();
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  await chat.getByText("What brings you here?").waitFor();
  // Not at a wait for an event, the form is folded away.
  await sim.getByText("Send an event", { exact: true }).click();
  const event = sim.getByRole("form", { name: "Send an event" });
  await event.getByLabel("Event").fill("cart_abandoned");
  await event.getByLabel("Properties (JSON)").fill('{"total": 80}');
  await event.getByRole("button", { name: "Send the event" }).click();
  await chat.getByText(/^recorded: the flow's next step sees it/).waitFor();
  await sim.getByLabel("Reply as the contact").fill("back again");
  await sim.getByRole("button", { name: "Send", exact: true }).click();
  await chat.getByText("Welcome back, VIP").waitFor();
  expect(await chat.getByText("Hello there").count()).toBe(0);
  expect(await seriousA11yViolations(page)).toEqual([]);
});

it("decides a segment written as a query in the simulator, as the contact's object does", async () => {
  const [split, ours, others] = [uuid(), uuid(), uuid()];
  const [segment, viber, rest] = [{ category: uuid(), exit: uuid() }, { category: uuid(), exit: uuid() }, { category: uuid(), exit: uuid() }];
  const say = (node: string, text: string) => ({ uuid: node, actions: [{ uuid: uuid(), type: "send_msg", text }], exits: [{ uuid: uuid(), destination_uuid: null }] });
  const nodes = [
    {
      uuid: split,
      actions: [],
      router: {
        type: "segment_audience",
        categories: [
          { uuid: segment.category, name: "Aminas", exit_uuid: segment.exit },
          { uuid: viber.category, name: "Viber", exit_uuid: viber.exit },
          { uuid: rest.category, name: "Others", exit_uuid: rest.exit },
        ],
        segments: [
          { category_uuid: segment.category, match: "all", conditions: [{ query: 'name = "Amina" AND language = "fra"' }] },
          // A URN scheme the builder's list does not name, made through the API: shown as itself.
          { category_uuid: viber.category, match: "all", conditions: [{ attribute: "urn:viber", operator: "is_not_empty" }] },
        ],
        default_category_uuid: rest.category,
      },
      exits: [
        { uuid: segment.exit, destination_uuid: ours },
        { uuid: viber.exit, destination_uuid: null },
        { uuid: rest.exit, destination_uuid: others },
      ],
    },
    say(ours, "Bonjour Amina"),
    say(others, "Hello stranger"),
  ];
  const definition = { uuid: uuid(), name: "Query segment", spec_version: "14.4.0", language: "eng", type: "messaging", nodes };
  expect((await eddy.api("POST", "/flows", { name: definition.name, type: "messaging", definition })).status).toBe(201);
  const page = eddy.page;
  await page.goto(`/flows/${definition.uuid}`);
  await page.locator(".flow-node").first().waitFor();
  await page.locator(".flow-node").filter({ hasText: "Split by segment" }).click();
  expect(await panel(page).getByRole("combobox", { name: "Segment 1 made of" }).inputValue()).toBe("query");
  expect(await panel(page).getByRole("textbox", { name: "Segment query 1" }).inputValue()).toBe('name = "Amina" AND language = "fra"');
  const scheme = panel(page).getByRole("combobox", { name: "Condition 2.1", exact: true });
  expect(await scheme.inputValue()).toBe("attribute:urn:viber");
  expect(await scheme.locator("option:checked").textContent()).toBe("urn:viber");

  await page.getByRole("button", { name: "Simulate" }).click();
  const sim = page.getByRole("region", { name: "Simulator" });
  const chat = sim.getByRole("log", { name: "Conversation" });
  await sim.getByLabel("Name", { exact: true }).fill("Amina");
  await sim.getByLabel("Language (ISO 639-3)").fill("fra");
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  await chat.getByText("Bonjour Amina").waitFor();
  await sim.getByRole("button", { name: "Restart" }).click();
  await sim.getByLabel("Language (ISO 639-3)").fill("eng");
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  await chat.getByText("Hello stranger").waitFor();
});
