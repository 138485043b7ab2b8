// A flow's type chosen on its settings in the editor, as Glific's "Run this flow in the background"
// (issue #9): the badge follows, the draft is saved with the new type, and a flow that waits for a
// reply is refused with the engine's message naming the node.
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { useConsole } from "./harness";

const eddy = useConsole();
const uuid = () => crypto.randomUUID();

async function makeFlow(nodes: any[]): Promise<string> {
  const flow = uuid();
  const _ui = { nodes: Object.fromEntries(nodes.map((n, i) => [n.uuid, { position: { left: 100, top: 60 + i * 220 } }])) };
  const definition = { uuid: flow, name: `Flow ${flow.slice(0, 8)}`, spec_version: "14.4.0", language: "eng", type: "messaging", nodes, _ui };
  const res = await eddy.api("POST", "/flows", { name: definition.name, type: "messaging", definition });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return flow;
}

const messageNode = () => ({ uuid: uuid(), actions: [{ uuid: uuid(), type: "send_msg", text: "Thanks for joining" }], exits: [{ uuid: uuid(), destination_uuid: null }] });
function askNode() {
  const [category, exit] = [uuid(), uuid()];
  return {
    uuid: uuid(),
    actions: [],
    router: { type: "switch", operand: "@input.text", cases: [], categories: [{ uuid: category, name: "All Responses", exit_uuid: exit }], default_category_uuid: category, result_name: "answer", wait: { type: "msg" } },
    exits: [{ uuid: exit, destination_uuid: null }],
  };
}

async function openSettings(page: Page, flow: string) {
  page.setDefaultTimeout(15_000);
  await page.goto(`/flows/${flow}`);
  await page.locator(".flow-node").first().waitFor();
  await page.getByRole("toolbar", { name: "Flow editor" }).getByRole("button", { name: "Settings" }).click();
  return page.getByRole("complementary", { name: "Flow settings" });
}

const offered = (page: Page) => page.getByRole("combobox", { name: "Add a node" }).locator("option").allTextContents();
const badge = (page: Page, text: string) => page.getByRole("toolbar", { name: "Flow editor" }).locator(".type-badge").filter({ hasText: new RegExp(`^${text}$`) });

it("switches a messaging flow without reply waits to the background: the badge follows and the draft is saved so", async () => {
  const { page } = eddy;
  const flow = await makeFlow([messageNode()]);
  const settings = await openSettings(page, flow);
  await badge(page, "Messaging").waitFor();
  expect(await offered(page)).toContain("Wait for the response");

  await settings.getByLabel("Run this flow in the background").check();
  await badge(page, "Background").waitFor();
  // Saved a moment after the change, as every edit is.
  await expect.poll(async () => (await eddy.api("GET", `/flows/${flow}`)).body.type, { timeout: 15_000 }).toBe("messaging_background");
  const saved = (await eddy.api("GET", `/flows/${flow}`)).body;
  expect(saved.definition.type).toBe("messaging_background");
  // The wait for a reply is no longer offered once the flow runs in the background.
  expect(await offered(page)).not.toContain("Wait for the response");

  await page.goto("/flows");
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: saved.name, exact: true }) });
  await row.getByText("Background", { exact: true }).waitFor();
});

it("refuses to run a flow that waits for a reply in the background, naming the node, and leaves it a messaging flow", async () => {
  const { page } = eddy;
  const ask = askNode();
  const flow = await makeFlow([messageNode(), ask]);
  const settings = await openSettings(page, flow);

  const box = settings.getByLabel("Run this flow in the background");
  await box.click();
  const alert = settings.getByRole("alert");
  await alert.waitFor();
  const text = await alert.textContent();
  expect(text).toContain(ask.uuid);
  expect(text).toContain("a background flow cannot wait for a message");
  expect(await box.isChecked()).toBe(false);
  expect(await badge(page, "Messaging").count()).toBe(1);
  expect((await eddy.api("GET", `/flows/${flow}`)).body).toMatchObject({ type: "messaging", definition: { type: "messaging" } });

  await alert.getByRole("button", { name: "Show the node" }).click();
  await page.locator(`.react-flow__node[data-id="${ask.uuid}"].selected`).waitFor();
});
