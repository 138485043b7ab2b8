// The journey elements in the editor (docs/journeys.md): added from the Add menu, edited in the
// side panel, summarised on the node, saved as the engine's JSON, and offered only where the
// engine runs them.
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { seriousA11yViolations } from "./axe";
import { useConsole } from "./harness";
import { screenshot } from "./screenshot";

const eddy = useConsole();
const uuid = () => crypto.randomUUID();

async function makeFlow(type = "messaging", name = `Journey ${type}`): Promise<string> {
  const node = { uuid: uuid(), actions: [{ uuid: uuid(), type: "send_msg", text: "Welcome to your trial" }], exits: [{ uuid: uuid(), destination_uuid: null }] };
  const definition = { uuid: uuid(), name, spec_version: "14.4.0", language: "eng", type, nodes: [node], _ui: { nodes: { [node.uuid]: { position: { left: 100, top: 60 } } } } };
  const res = await eddy.api("POST", "/flows", { name: definition.name, type, definition });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return definition.uuid;
}

async function open(page: Page, flow: string) {
  await page.goto(`/flows/${flow}`);
  await page.locator(".flow-node").first().waitFor();
}

const addNode = (page: Page, name: string) => page.getByRole("combobox", { name: "Add a node" }).selectOption({ label: name });
const saved = (page: Page) => page.getByRole("status").filter({ hasText: /^Saved$/ }).waitFor();
const draft = async (flow: string) => (await eddy.api("GET", `/flows/${flow}`)).body.definition;
const panel = (page: Page) => page.getByRole("complementary", { name: "Edit node" });

it("adds a pause for 3 days until 13:00, which is saved and still there after a reload", async () => {
  const flow = await makeFlow();
  const page = eddy.page;
  await open(page, flow);
  await addNode(page, "Pause");
  const side = panel(page);
  await side.getByRole("heading", { name: "Pause" }).waitFor();
  await side.getByLabel("For", { exact: true }).fill("3");
  expect(await side.getByLabel("Unit").inputValue()).toBe("days");
  await side.getByLabel("Then until (time of day, optional)").fill("13:00");
  const node = page.locator(".flow-node").filter({ hasText: "Pause" });
  await node.getByText("For 3 days, then until 13:00").waitFor();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page.locator(".editor"), "pause");
  await saved(page);

  await page.reload();
  await page.locator(".flow-node").filter({ hasText: "Pause" }).getByText("For 3 days, then until 13:00").waitFor();
  const paused = (await draft(flow)).nodes.find((n: any) => n.router?.wait?.type === "pause");
  expect(paused.router).toMatchObject({ type: "switch", operand: "", cases: [], categories: [{ name: "Completed" }] });
  expect(paused.router.wait).toEqual({ type: "pause", for: { amount: 3, unit: "days" }, then_until: "13:00", category_uuid: paused.router.categories[0].uuid });

  // A time of day that is not one is the engine's problem, shown on the node.
  await page.locator(".flow-node").filter({ hasText: "Pause" }).click();
  await panel(page).getByLabel("Then until (time of day, optional)").fill("25:00");
  await page.locator(".flow-node").filter({ hasText: "Pause" }).getByRole("alert").getByText(/time of day like 09:30/).waitFor();
});

it("waits for an event with a condition and a timeout, whose exit comes and goes with it", async () => {
  const flow = await makeFlow("messaging_background");
  const page = eddy.page;
  await open(page, flow);
  // A background flow gets every journey element, and no wait for a reply.
  const offered = await page.getByRole("combobox", { name: "Add a node" }).locator("option").allTextContents();
  expect(offered).toEqual(expect.arrayContaining(["Pause", "Wait for a date", "Wait for a profile change", "Wait for an event", "Split audience (A/B)"]));
  expect(offered).not.toContain("Wait for the response");
  await addNode(page, "Wait for an event");
  const side = panel(page);
  await side.getByLabel("Event name").fill("purchase");
  await side.getByRole("button", { name: "+ where" }).click();
  await side.getByLabel("Property 1").fill("amount");
  await side.getByLabel("Operator 1").selectOption({ label: "> (number)" });
  await side.getByLabel("Value 1").fill("10");
  await side.getByLabel("Give up after (empty: wait indefinitely)").fill("1");
  const node = page.locator(".flow-node").filter({ hasText: "Wait for an event" });
  await node.getByText("purchase where amount > 10, at most 1 day").waitFor();
  expect(await node.locator(".node-exit").allTextContents()).toEqual(["Occurred", "Timed Out"]);
  await saved(page);
  const waiting = (await draft(flow)).nodes.find((n: any) => n.router?.wait?.type === "event");
  expect(waiting.router.wait).toMatchObject({ event: "purchase", conditions: [{ property: "amount", operator: "greater_than", value: "10" }], timeout: { seconds: 86400 } });

  await side.getByLabel("Give up after (empty: wait indefinitely)").fill("");
  await node.getByText("purchase where amount > 10", { exact: true }).waitFor();
  expect(await node.locator(".node-exit").allTextContents()).toEqual(["Occurred"]);
});

it("waits for a date field and for a profile change", async () => {
  expect((await eddy.api("POST", "/fields", { key: "due_date", name: "Due date", type: "datetime" })).status).toBe(201);
  const flow = await makeFlow();
  const page = eddy.page;
  await open(page, flow);
  await addNode(page, "Wait for a date");
  const side = panel(page);
  await side.getByLabel("Date field").fill("Due date");
  await side.getByLabel("By").fill("3");
  await side.getByLabel("At (time of day, optional)").fill("09:00");
  const dated = page.locator(".flow-node").filter({ hasText: "Wait for a date" });
  await dated.getByText("3 days before Due date at 09:00").waitFor();
  expect(await dated.locator(".node-exit").allTextContents()).toEqual(["Reached", "No Date"]);
  await side.getByLabel("When").selectOption("on");
  await dated.getByText("On Due date at 09:00").waitFor();
  expect(await side.getByLabel("By").count()).toBe(0);

  await addNode(page, "Wait for a profile change");
  await panel(page).getByLabel("Until this changes").selectOption({ label: "the language" });
  await page.locator(".flow-node").filter({ hasText: "Wait for a profile change" }).getByText("Until the language changes").waitFor();
  await saved(page);
  const nodes = (await draft(flow)).nodes;
  expect(nodes.find((n: any) => n.router?.wait?.type === "date").router.wait).toMatchObject({ field: { key: "due_date", name: "Due date" }, relative: "on", time: "09:00" });
  expect(nodes.find((n: any) => n.router?.wait?.type === "profile_change").router.wait).toMatchObject({ attribute: "language" });
  expect(await page.getByRole("button", { name: /problem/ }).textContent()).toBe("No problems");

});

it("adds the do-not-contact and flow-variable actions; a variable the flow does not declare is a problem on the node until the settings declare it", async () => {
  const flow = await makeFlow();
  const page = eddy.page;
  await open(page, flow);
  await addNode(page, "Update do-not-contact");
  await panel(page).getByRole("checkbox", { name: "email addresses" }).uncheck();
  await page.locator(".flow-node").getByText("add phone addresses to do-not-contact").waitFor();

  await addNode(page, "Update flow variables");
  await panel(page).getByLabel("Variable 1").fill("vip");
  await panel(page).getByLabel("To 1").fill("@(true)");
  const node = page.locator(".flow-node").filter({ hasText: "@vars.vip = @(true)" });
  await node.getByRole("alert").getByText(/vip/).waitFor();
  // Declared in the flow's settings, the problem goes.
  await page.getByRole("button", { name: "Settings" }).click();
  const settings = page.getByRole("complementary", { name: "Flow settings" });
  await settings.getByRole("button", { name: "+ variable" }).click();
  await settings.getByLabel("Name 1").fill("vip");
  await settings.getByLabel("Type 1").selectOption("boolean");
  await settings.getByLabel("Default 1").fill("false");
  await node.getByRole("alert").waitFor({ state: "detached" });
  await saved(page);
  expect((await draft(flow)).variables).toEqual([{ name: "vip", type: "boolean", default: "false" }]);
  const actions = (await draft(flow)).nodes.flatMap((n: any) => n.actions);
  expect(actions).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ type: "update_do_not_contact", operation: "add", kinds: ["phone"] }),
      expect.objectContaining({ type: "update_variables", updates: [{ variable: "vip", value: "@(true)" }] }),
    ]),
  );
});

it("splits by segment: segments written as queries, each with its exit, everyone else the last", async () => {
  const flow = await makeFlow();
  const page = eddy.page;
  await open(page, flow);
  await addNode(page, "Split by segment");
  const side = panel(page);
  await side.getByLabel("Exit 1").fill("Adults");
  await side.getByLabel("Segment 1 made of").selectOption({ label: "a segment query" });
  await side.getByLabel("Segment query 1").fill("age >= 18");
  await side.getByRole("button", { name: "+ segment" }).click();
  await side.getByLabel("Exit 2").fill("Gold");
  await side.getByLabel("Segment 2 made of").selectOption({ label: "a segment query" });
  await side.getByLabel("Segment query 2").fill('plan = "gold"');
  const node = page.locator(".flow-node").filter({ hasText: "Split by segment" });
  await node.getByText('Adults: age >= 18 · Gold: plan = "gold"').waitFor();
  expect(await node.locator(".node-exit").allTextContents()).toEqual(["Adults", "Gold", "Others"]);
  await saved(page);
  const split = (await draft(flow)).nodes.find((n: any) => n.router?.type === "segment_audience");
  expect(split.router.segments).toMatchObject([{ match: "all", conditions: [{ query: "age >= 18" }] }, { match: "all", conditions: [{ query: 'plan = "gold"' }] }]);
});

it("simulates a pause: the virtual clock ends it, and the flow goes on", async () => {
  const [welcome, paused, ends] = [uuid(), uuid(), uuid()];
  const completed = { category: uuid(), exit: uuid() };
  const nodes = [
    { uuid: welcome, actions: [{ uuid: uuid(), type: "send_msg", text: "Welcome to your trial" }], exits: [{ uuid: uuid(), destination_uuid: paused }] },
    {
      uuid: paused,
      actions: [],
      router: {
        type: "switch",
        operand: "",
        cases: [],
        categories: [{ uuid: completed.category, name: "Completed", exit_uuid: completed.exit }],
        default_category_uuid: completed.category,
        wait: { type: "pause", for: { amount: 3, unit: "days" }, category_uuid: completed.category },
      },
      exits: [{ uuid: completed.exit, destination_uuid: ends }],
    },
    { uuid: ends, actions: [{ uuid: uuid(), type: "send_msg", text: "Your trial ends soon" }], exits: [{ uuid: uuid(), destination_uuid: null }] },
  ];
  const definition = { uuid: uuid(), name: "Trial", spec_version: "14.4.0", language: "eng", type: "messaging_background", nodes };
  expect((await eddy.api("POST", "/flows", { name: "Trial", type: definition.type, definition })).status).toBe(201);

  const page = eddy.page;
  await open(page, definition.uuid);
  await page.locator(".flow-node").filter({ hasText: "Pause" }).getByText("For 3 days").waitFor();
  await page.getByRole("button", { name: "Simulate" }).click();
  const sim = page.getByRole("region", { name: "Simulator" });
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  const chat = sim.getByRole("log", { name: "Conversation" });
  await chat.getByText("Welcome to your trial").waitFor();
  await chat.getByText(/^paused until /).waitFor();
  expect(await chat.getByText("Your trial ends soon").count()).toBe(0);
  await sim.getByRole("button", { name: /^End the wait \(due in 3 d/ }).click();
  await chat.getByText("Your trial ends soon").waitFor();
  await chat.getByText("the session ended: completed").waitFor();
});

it("simulates a wait for an event: another event leaves it waiting, the awaited one takes its exit", async () => {
  const [waits, thanks] = [uuid(), uuid()];
  const occurred = { category: uuid(), exit: uuid() };
  const nodes = [
    {
      uuid: waits,
      actions: [{ uuid: uuid(), type: "send_msg", text: "You left something in your cart" }],
      router: {
        type: "switch",
        operand: "",
        cases: [],
        result_name: "Bought",
        categories: [{ uuid: occurred.category, name: "Occurred", exit_uuid: occurred.exit }],
        default_category_uuid: occurred.category,
        wait: { type: "event", event: "purchase", conditions: [{ property: "amount", operator: "greater_than", value: "10" }], category_uuid: occurred.category },
      },
      exits: [{ uuid: occurred.exit, destination_uuid: thanks }],
    },
    { uuid: thanks, actions: [{ uuid: uuid(), type: "send_msg", text: "Thanks for your purchase of @results.bought.extra.amount" }], exits: [{ uuid: uuid(), destination_uuid: null }] },
  ];
  const definition = { uuid: uuid(), name: "Cart", spec_version: "14.4.0", language: "eng", type: "messaging_background", nodes };
  expect((await eddy.api("POST", "/flows", { name: "Cart", type: definition.type, definition })).status).toBe(201);

  const page = eddy.page;
  await open(page, definition.uuid);
  await page.getByRole("button", { name: "Simulate" }).click();
  const sim = page.getByRole("region", { name: "Simulator" });
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  const chat = sim.getByRole("log", { name: "Conversation" });
  await chat.getByText("You left something in your cart").waitFor();
  const form = sim.getByRole("form", { name: "Send an event" });
  await form.getByLabel("Event").fill("purchase");
  await form.getByLabel("Properties (JSON)").fill('{"amount": 5}');
  await form.getByRole("button", { name: "Send the event" }).click();
  await chat.getByText("not the event the wait is for: still waiting").waitFor();
  await form.getByLabel("Properties (JSON)").fill('{"amount": 25}');
  await form.getByRole("button", { name: "Send the event" }).click();
  await chat.getByText("Thanks for your purchase of 25").waitFor();
  await chat.getByText("the session ended: completed").waitFor();
});

it("calls an API and splits on the kind of answer, saving a response value into a flow variable", async () => {
  const flow = await makeFlow();
  const page = eddy.page;
  await open(page, flow);
  await addNode(page, "Call an API");
  const side = panel(page);
  await side.getByRole("textbox", { name: "URL" }).click();
  await page.keyboard.type("https://shop.example.com/api/orders");
  await side.getByRole("button", { name: "+ save from the response" }).click();
  await side.getByLabel("Path 1").fill("order.total");
  await side.getByLabel("Variable 1").fill("total");
  const node = page.locator(".flow-node").filter({ hasText: "Call an API" });
  await node.getByText("GET https://shop.example.com/api/orders → @vars.total").waitFor();
  expect(await node.locator(".node-exit").allTextContents()).toEqual(["2xx", "4xx", "5xx", "No response", "Other"]);
  await saved(page);
  const called = (await draft(flow)).nodes.find((n: any) => n.actions[0]?.type === "call_api");
  expect(called.actions[0]).toMatchObject({ method: "GET", url: "https://shop.example.com/api/orders", response_variables: [{ path: "order.total", variable: "total" }] });
  expect(called.router.operand).toBe("@results.result.category");
});

it("starts another participant in a flow, passing values to its variables", async () => {
  const referral = await makeFlow("messaging", "Referral");
  const flow = await makeFlow();
  const page = eddy.page;
  await open(page, flow);
  await addNode(page, "Start others in a flow");
  const side = panel(page);
  // The flows offered come from the API: wait for them, as a person waits for the suggestions.
  await side.locator('datalist option[value="Referral"]').waitFor({ state: "attached" });
  await side.getByLabel(/^Flow/).fill("Referral");
  await side.getByLabel(/^Flow/).blur();
  await side.getByRole("textbox", { name: "Another participant's phone" }).click();
  await page.keyboard.type("@vars.friend_phone");
  await side.getByRole("button", { name: "+ variable" }).click();
  await side.getByLabel("Variable 1 name").fill("referrer");
  await side.getByLabel("Variable 1 value").fill("@contact.name");
  await page.locator(".flow-node").getByText("start @vars.friend_phone in Referral").waitFor();
  await saved(page);
  const action = (await draft(flow)).nodes.flatMap((n: any) => n.actions).find((a: any) => a.type === "start_session");
  expect(action).toMatchObject({ flow: { uuid: referral }, participant: { phone: "@vars.friend_phone" }, variables: { referrer: "@contact.name" } });
});
