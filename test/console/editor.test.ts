// The flow editor in the browser, as a person uses it: open an imported export, edit in the side
// panel, connect, see problems on the nodes, undo, copy and paste, translate.
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { seriousA11yViolations } from "./axe";
import { useConsole } from "./harness";
import { screenshot } from "./screenshot";

const eddy = useConsole();

// A TextIt 13.x export (two flows, positions in `_ui`, a French translation).
const EXPORT = JSON.parse(readFileSync(new URL("../engine/flows/textit-export-13.json", import.meta.url), "utf8"));
const REGISTRATION = EXPORT.flows[0];

const uuid = () => crypto.randomUUID();

/** A flow made through the API from nodes; each node's position in `_ui` one below the other. */
async function makeFlow(nodes: any[], extra: Record<string, unknown> = {}): Promise<string> {
  const flow = uuid();
  const _ui = { nodes: Object.fromEntries(nodes.map((n, i) => [n.uuid, { position: { left: 100 + (i % 2) * 320, top: 60 + i * 220 } }])) };
  const definition = { uuid: flow, name: `Flow ${flow.slice(0, 8)}`, spec_version: "14.4.0", language: "eng", type: "messaging", nodes, _ui, ...extra };
  const res = await eddy.api("POST", "/flows", { name: definition.name, type: definition.type, definition });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return flow;
}

const messageNode = (text: string) => ({ uuid: uuid(), actions: [{ uuid: uuid(), type: "send_msg", text }], exits: [{ uuid: uuid(), destination_uuid: null }] });

async function open(page: Page, flow: string) {
  await page.goto(`/flows/${flow}`);
  await page.locator(".flow-node").first().waitFor();
}

const draft = async (flow: string) => (await eddy.api("GET", `/flows/${flow}`)).body;
const saved = (page: Page) => page.getByRole("status").filter({ hasText: /^Saved$/ }).waitFor();

/** On failure, what the page looked like (for the person reading the failure). */
async function traced(page: Page, name: string, fn: () => Promise<void>) {
  page.setDefaultTimeout(15_000);
  try {
    await fn();
  } catch (e) {
    await page.screenshot({ path: `/tmp/eddy-editor-${name}.png` }).catch(() => {});
    throw e;
  }
}

it("opens an imported TextIt export with its nodes where the export put them, and no serious accessibility violations", async () => {
  const imported = await eddy.api("POST", "/flows/import", EXPORT);
  expect(imported.status, JSON.stringify(imported.body)).toBe(200);
  const page = eddy.page;
  await open(page, REGISTRATION.uuid);

  expect(await page.locator(".flow-node").count()).toBe(REGISTRATION.nodes.length);
  await page.getByText("Welcome! What is your name?").waitFor();
  // The first node sits above the second, as in the export's _ui.
  const [a, b] = REGISTRATION.nodes.map((n: any) => page.locator(`[data-node-uuid="${n.uuid}"]`));
  expect((await a.boundingBox())!.y).toBeLessThan((await b.boundingBox())!.y);
  expect(await page.getByRole("button", { name: /problem/ }).textContent()).toBe("No problems");
  expect(await seriousA11yViolations(page)).toEqual([]);
});

it("edits a message in the side panel and saves the draft by itself", async () => {
  const flow = await makeFlow([messageNode("Hello there")]);
  const page = eddy.page;
  await traced(page, "edit", async () => {
  await open(page, flow);
  await page.getByText("Hello there").click();
  const text = page.getByRole("textbox", { name: "Message" });
  await text.click();
  await page.keyboard.press("End");
  await page.keyboard.type(", @contact.first_name!");
  await page.locator(".flow-node").getByText("Hello there, @contact.first_name!").waitFor();
  await saved(page);
  expect((await draft(flow)).definition.nodes[0].actions[0].text).toBe("Hello there, @contact.first_name!");
  });
});
