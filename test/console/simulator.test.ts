// The simulator in the browser, as a person tests a flow: a test contact, a reply, a mocked
// webhook, the path lit on the canvas, the timeout fired by the virtual clock, a transcript.
import { readFileSync } from "node:fs";
import type { Locator, Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { seriousA11yViolations } from "./axe";
import { useConsole } from "./harness";
import { screenshot } from "./screenshot";

const eddy = useConsole();

// Asks the age (timeout 1 h: "No problem, we'll ask again tomorrow."), saves it, calls a webhook
// (https://example.org/hooks/age) and thanks with the webhook's code.
const EXAMPLE = JSON.parse(readFileSync(new URL("../api/fixtures/example-flow.json", import.meta.url), "utf8"));
let flow: string;

beforeAll(async () => {
  expect((await eddy.api("POST", "/fields", { key: "age", name: "Age", type: "number" })).status).toBe(201);
  expect((await eddy.api("POST", "/groups", { name: "Registered" })).status).toBe(201);
  const definition = { ...EXAMPLE, uuid: crypto.randomUUID() };
  const created = await eddy.api("POST", "/flows", { name: "Age check-in", type: "messaging", definition });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  flow = created.body.uuid;
});

async function openSimulator(page: Page): Promise<Locator> {
  await page.goto(`/flows/${flow}`);
  await page.locator(".flow-node").first().waitFor();
  await page.getByRole("button", { name: "Simulate" }).click();
  const sim = page.getByRole("region", { name: "Simulator" });
  await sim.waitFor();
  return sim;
}

const conversation = (sim: Locator) => sim.getByRole("log", { name: "Conversation" });

it("chats with the draft as a test contact, with a mocked webhook, and lights the path on the canvas", async () => {
  const { page } = eddy;
  const sim = await openSimulator(page);
  await sim.getByLabel("Name", { exact: true }).fill("Ana Uwase");
  await sim.getByRole("button", { name: "Add a mock" }).click();
  await sim.getByLabel("URL").fill("https://example.org/hooks/age");
  await sim.getByLabel("Body").fill('{"code": "AB12"}');
  expect(await seriousA11yViolations(page)).toEqual([]);
  await sim.getByRole("button", { name: "Start the simulation" }).click();

  const chat = conversation(sim);
  await chat.getByText("Hi Ana, how old are you?").waitFor();
  // The question's quick replies are buttons; one answers.
  await sim.getByRole("group", { name: "Quick replies" }).getByRole("button", { name: "30" }).waitFor();
  await sim.getByLabel("Reply as the contact").fill("25");
  await sim.getByRole("button", { name: "Send" }).click();
  await chat.getByText("Thanks! Your code is AB12").waitFor();
  expect(await chat.getByText("webhook POST https://example.org/hooks/age → 200").count()).toBe(1);

  // Ask, save and call, thank: three nodes lit, the unanswered branch not.
  await page.locator(".flow-node.lit").nth(2).waitFor();
  expect(await page.locator(".flow-node.lit").count()).toBe(3);
  expect(await page.locator('[data-node-uuid="40000000-0000-4000-8000-00000000000d"].lit').count()).toBe(0);

  await screenshot(page, "simulator");
  expect(await seriousA11yViolations(page)).toEqual([]);

  await sim.getByRole("tab", { name: /^Events/ }).click();
  await sim.getByRole("list", { name: "Events" }).getByText("webhook_called").waitFor();
  await sim.getByRole("tab", { name: "Context" }).click();
  const context = sim.getByRole("list", { name: "Context" });
  await context.getByRole("button", { name: "▸ age" }).click();
  expect(await context.getByText('"25"').count()).toBeGreaterThan(0);
  await context.getByRole("button", { name: "▸ webhook" }).click();
  await context.getByRole("button", { name: "▸ json" }).click();
  await context.getByText('"AB12"').waitFor();
  await sim.getByLabel("Evaluate a template").fill("@results.age.category for @contact.first_name, @(webhook.json.code)");
  await sim.getByRole("button", { name: "Evaluate", exact: true }).click();
  expect(await sim.locator("output").textContent()).toBe("Valid for Ana, AB12");

  // The transcript, as text.
  const [download] = await Promise.all([page.waitForEvent("download"), sim.getByRole("button", { name: "download text" }).click()]);
  const text = readFileSync((await download.path())!, "utf8");
  expect(text).toContain("Contact: Ana Uwase <tel:+250788000001>");
  expect(text).toMatch(/FLOW: Hi Ana, how old are you\? \[18 \| 30\]\n.*CONTACT: 25\n/);
  expect(text).toContain("FLOW: Thanks! Your code is AB12");
});

it("fires the wait's timeout from the virtual clock, skipping ahead fires it on the way, and expiring ends the run", async () => {
  const { page } = eddy;
  const sim = await openSimulator(page);
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  const chat = conversation(sim);
  await chat.getByText(/how old are you\?/).waitFor();

  await sim.getByRole("button", { name: "Fire the timeout (due in 1 h)" }).click();
  await chat.getByText("No problem, we'll ask again tomorrow.").waitFor();
  expect(await chat.getByText("no reply: the wait timed out").count()).toBe(1);
  expect(await chat.getByText("the session ended: completed").count()).toBe(1);
  expect(await sim.getByRole("button", { name: /^Fire the timeout/ }).isDisabled()).toBe(true);
  await page.locator('[data-node-uuid="40000000-0000-4000-8000-00000000000d"].lit').waitFor();

  await sim.getByRole("button", { name: "Restart" }).click();
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  await chat.getByText(/how old are you\?/).waitFor();
  await sim.getByRole("spinbutton", { name: "Skip ahead hours" }).fill("3");
  await sim.getByRole("button", { name: "Skip", exact: true }).click();
  await chat.getByText("No problem, we'll ask again tomorrow.").waitFor();
  expect(await chat.getByText(/^skipped ahead 3 h/).count()).toBe(1);

  // Expiring the wait ends the run without taking the timeout's branch.
  await sim.getByRole("button", { name: "Restart" }).click();
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  await chat.getByText(/how old are you\?/).waitFor();
  await sim.getByRole("button", { name: /^Expire \(in 2[34] h/ }).click();
  await chat.getByText("Age check-in expired").waitFor();
  expect(await chat.getByText("No problem, we'll ask again tomorrow.").count()).toBe(0);
});

it("starts with a message from the contact, which answers the flow's first wait", async () => {
  const sim = await openSimulator(eddy.page);
  await sim.getByLabel(/^First message from the contact/).fill("30");
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  const chat = conversation(sim);
  await chat.getByText("Thanks! Your code is AB12").waitFor();
  const lines = await chat.locator(".sim-line").allTextContents();
  expect(lines.slice(0, 2)).toEqual(["30", "Hi Ana, how old are you?"]);
  // The setup is kept per flow: the next tests start without a message again.
  await sim.getByRole("button", { name: "Restart" }).click();
  await sim.getByLabel(/^First message from the contact/).fill("");
});

it("simulates a published version instead of the draft", async () => {
  expect((await eddy.api("POST", `/flows/${flow}/publish`)).status).toBe(201);
  const current = (await eddy.api("GET", `/flows/${flow}`)).body;
  const draft = structuredClone(current.definition);
  draft.nodes[0].actions[0].text = "Draft wording: your age?";
  expect((await eddy.api("PATCH", `/flows/${flow}`, { definition: draft, draft_revision: current.draft_revision })).status).toBe(200);

  const sim = await openSimulator(eddy.page);
  await sim.getByLabel("Run").selectOption("1");
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  await conversation(sim).getByText("Hi Ana, how old are you?").waitFor();
  await sim.getByRole("button", { name: "Restart" }).click();
  await sim.getByLabel("Run").selectOption("draft");
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  await conversation(sim).getByText("Draft wording: your age?").waitFor();
});

it("refuses a test contact URN that is not scheme:path, starting nothing", async () => {
  const { page } = eddy;
  const sim = await openSimulator(page);
  await sim.getByLabel("URN").fill("0788123123");
  await sim.getByRole("button", { name: "Start the simulation" }).click();
  expect(await sim.getByRole("alert").textContent()).toBe("URN: write it as scheme:path, like tel:+250788123123");
  expect(await conversation(sim).count()).toBe(0);
});
