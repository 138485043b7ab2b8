// The flows list in the browser: create, import a RapidPro export, search, pause, archive,
// duplicate, delete; what a viewer sees; accessibility; screenshots for docs/console.md.
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { seriousA11yViolations } from "./axe";
import { useConsole } from "./harness";
import { ROOT } from "./processes";
import { screenshot } from "./screenshot";

const eddy = useConsole();

const EXPORT = join(ROOT, "test/engine/flows/textit-export-13.json");
const row = (page: Page, name: string) => page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });

/** A published flow made through the API (one message), to have something active. */
async function publishedFlow(name: string, type = "messaging") {
  const uuid = crypto.randomUUID();
  const node = crypto.randomUUID();
  const flow = await eddy.api("POST", "/flows", {
    name,
    type,
    definition: { language: "eng", spec_version: "14.3.0", nodes: [{ uuid: node, actions: [{ uuid: crypto.randomUUID(), type: "send_msg", text: "Hello" }], exits: [{ uuid: crypto.randomUUID() }] }] },
    uuid,
  });
  expect(flow.status).toBe(201);
  expect((await eddy.api("POST", `/flows/${uuid}/publish`)).status).toBe(201);
  return uuid;
}

it("creates a background flow, choosing its type, and shows its badge in the list", async () => {
  const { page } = eddy;
  await page.goto("/flows");
  await page.getByRole("button", { name: "New flow" }).click();
  const dialog = page.getByRole("dialog", { name: "New flow" });
  await dialog.getByLabel("Name").fill("Nightly tagging");
  await dialog.getByRole("radio", { name: /Background/ }).check();
  await screenshot(dialog, "new-flow");
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
  const uuid = page.url().split("/").pop()!;
  expect((await eddy.api("GET", `/flows/${uuid}`)).body).toMatchObject({ name: "Nightly tagging", type: "messaging_background", status: "draft" });

  await page.goto("/flows");
  const r = row(page, "Nightly tagging");
  await r.waitFor();
  expect(await r.getByText("Background", { exact: true }).count()).toBe(1);
  expect(await r.getByText("Draft", { exact: true }).count()).toBe(1);
});

it("imports a RapidPro export, shows each flow with its problems, and lists them", async () => {
  const { page } = eddy;
  await page.goto("/flows");
  await page.getByRole("button", { name: "Import" }).click();
  const dialog = page.getByRole("dialog", { name: "Import flows" });
  await dialog.getByLabel("Export file").setInputFiles(EXPORT);
  await dialog.getByRole("button", { name: "Import" }).click();
  const results = dialog.getByRole("list", { name: "Imported flows" });
  await results.waitFor();
  expect(await dialog.getByRole("status").textContent()).toMatch(/^2 flows imported/);
  for (const name of ["Registration", "Support"]) expect(await results.getByRole("link", { name }).count()).toBe(1);
  // Each flow says what import found, problems or none.
  expect(await results.locator("> li").count()).toBe(2);
  for (const li of await results.locator("> li").all()) expect(await li.textContent()).toMatch(/no problems|error|warning/);
  await screenshot(dialog, "import");
  await dialog.getByRole("button", { name: "Done" }).click();

  for (const name of ["Registration", "Support"]) {
    await row(page, name).waitFor();
    expect(await row(page, name).getByText("Messaging", { exact: true }).count()).toBe(1);
  }
});

it("searches by name and filters by type and status", async () => {
  const { page } = eddy;
  await publishedFlow("Weekly reminder", "messaging_background");
  await page.goto("/flows");
  await row(page, "Weekly reminder").waitFor();

  await page.getByLabel("Search").fill("REGIST");
  await expect.poll(() => page.getByRole("row").count()).toBe(2); // the header and Registration
  await row(page, "Registration").waitFor();

  await page.getByLabel("Search").fill("");
  await page.getByLabel("Type").selectOption("messaging_background");
  await expect.poll(async () => (await page.getByRole("table", { name: "Flows" }).getByRole("link").allTextContents()).sort()).toEqual(["Nightly tagging", "Weekly reminder"]);
  await page.getByLabel("Status").selectOption("active");
  await expect.poll(() => page.getByRole("table", { name: "Flows" }).getByRole("link").allTextContents()).toEqual(["Weekly reminder"]);
  await page.getByLabel("Search").fill("no such flow");
  await page.getByText("No flow matches.").waitFor();
});

it("shows an imported Surveyor flow as Offline, not as a messaging flow", async () => {
  const { page } = eddy;
  const name = `Field survey ${crypto.randomUUID().slice(0, 6)}`;
  const node = { uuid: crypto.randomUUID(), actions: [{ uuid: crypto.randomUUID(), type: "set_run_result", name: "Seen", value: "yes", category: "" }], exits: [{ uuid: crypto.randomUUID() }] };
  const flow = { uuid: crypto.randomUUID(), name, spec_version: "13.1.0", language: "eng", type: "messaging_offline", nodes: [node] };
  expect((await eddy.api("POST", "/flows/import", { version: "13", flows: [flow] })).status).toBe(200);
  await page.goto("/flows");
  await expect.poll(() => row(page, name).locator(".type-badge").textContent()).toBe("Offline");
});

/** A node that only waits for a reply, so contacts started in the flow stay in it. */
function waitingDefinition(category: string) {
  const [node, cat, exit] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  return {
    language: "eng",
    spec_version: "14.3.0",
    nodes: [{ uuid: node, actions: [], router: { type: "switch", wait: { type: "msg" }, operand: "@input.text", cases: [], categories: [{ uuid: cat, name: category, exit_uuid: exit }], default_category_uuid: cat }, exits: [{ uuid: exit }] }],
  };
}

it("shows the contacts in a flow now, and an older version finishing while contacts are still in it", async () => {
  const { page } = eddy;
  const uuid = crypto.randomUUID();
  expect((await eddy.api("POST", "/flows", { uuid, name: "Quiz", type: "messaging", definition: waitingDefinition("Answer") })).status).toBe(201);
  expect((await eddy.api("POST", `/flows/${uuid}/publish`)).status).toBe(201);
  const contacts: string[] = [];
  for (let i = 0; i < 3; i++) contacts.push((await eddy.api("POST", "/contacts", { name: `Player ${i}` })).body.uuid);
  const started = await eddy.api("POST", `/flows/${uuid}/start`, { contacts });
  expect(started.body, JSON.stringify(started.body)).toMatchObject({ started: 3 });
  // The contacts' objects write their runs to D1 as they go: wait for them before version 2.
  await expect.poll(async () => (await eddy.api("GET", `/runs?flow=${uuid}&status=waiting`)).body.results.length, { timeout: 30_000 }).toBe(3);
  expect((await eddy.api("PATCH", `/flows/${uuid}`, { definition: waitingDefinition("Reply") })).status).toBe(200);
  expect((await eddy.api("POST", `/flows/${uuid}/publish`)).status).toBe(201);

  await page.goto("/flows");
  const r = row(page, "Quiz");
  await r.getByText("v1 finishing (3)").waitFor();
  expect(await r.getByText("v2", { exact: true }).count()).toBe(1);
  expect(await r.getByRole("cell", { name: "3", exact: true }).count()).toBe(1);
  await page.getByLabel("Status").selectOption("finishing");
  await expect.poll(() => page.getByRole("table", { name: "Flows" }).getByRole("link").allTextContents()).toEqual(["Quiz"]);
  await page.getByLabel("Status").selectOption("");
  await row(page, "Registration").waitFor();
  await page.setViewportSize({ width: 1100, height: 460 });
  await screenshot(page, "flows-list");
  await page.setViewportSize({ width: 1280, height: 800 });
});

it("pauses, resumes and archives a published flow; duplicates one; deletes a never-published draft", async () => {
  const { page } = eddy;
  await publishedFlow("Vaccination reminders");
  page.on("dialog", (d) => d.accept());
  await page.goto("/flows");
  const r = row(page, "Vaccination reminders");
  await r.getByText("Active", { exact: true }).waitFor();
  expect(await r.getByText("v1", { exact: true }).count()).toBe(1);

  await r.getByRole("button", { name: "Pause Vaccination reminders" }).click();
  await r.getByText("Paused", { exact: true }).waitFor();
  await r.getByRole("button", { name: "Resume Vaccination reminders" }).click();
  await r.getByText("Active", { exact: true }).waitFor();
  await r.getByRole("button", { name: "Archive Vaccination reminders" }).click();
  await r.getByText("Archived", { exact: true }).waitFor();
  expect(await r.getByRole("button", { name: /^Delete/ }).count()).toBe(0);
  await r.getByRole("button", { name: "Unarchive Vaccination reminders" }).click();
  await r.getByText("Active", { exact: true }).waitFor();
  await r.getByRole("button", { name: "Archive Vaccination reminders" }).click();
  await r.getByText("Archived", { exact: true }).waitFor();

  await row(page, "Support").getByRole("button", { name: "Duplicate Support" }).click();
  await row(page, "Copy of Support").waitFor();
  await row(page, "Copy of Support").getByRole("button", { name: "Delete Copy of Support" }).click();
  await expect.poll(() => row(page, "Copy of Support").count()).toBe(0);
  const left = (await eddy.api("GET", "/flows?search=Support")).body.results.map((f: { name: string }) => f.name);
  expect(left).toEqual(["Support"]);
});

it("shows a viewer the list without anything to change", async () => {
  const page = await eddy.newPage(await eddy.createUser("viewer"));
  await page.goto("/flows");
  await row(page, "Registration").waitFor();
  for (const name of ["New flow", "Import", "Duplicate Registration", "Delete Registration"]) expect(await page.getByRole("button", { name }).count()).toBe(0);
  await page.context().close();
});

it("the flows list has no serious accessibility violations", async () => {
  await eddy.page.goto("/flows");
  await row(eddy.page, "Registration").waitFor();
  expect(await seriousA11yViolations(eddy.page)).toEqual([]);
});
