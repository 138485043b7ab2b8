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

const messageNode = (text: string) => ({ uuid: uuid(), actions: [{ uuid: uuid(), type: "send_msg", text }], exits: [{ uuid: uuid(), destination_uuid: null as string | null }] });

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

it("publishes what was typed a moment ago, saving it first instead of publishing the last autosave", async () => {
  const flow = await makeFlow([messageNode("Hello")]);
  const page = eddy.page;
  await traced(page, "publish-unsaved", async () => {
    await open(page, flow);
    await page.getByText("Hello").click();
    await page.getByRole("textbox", { name: "Message" }).click();
    await page.keyboard.press("End");
    await page.keyboard.type(" and welcome");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.getByText("Published version 1").waitFor();
    const version = (await eddy.api("GET", `/flows/${flow}/versions/1`)).body;
    expect(version.definition.nodes[0].actions[0].text).toBe("Hello and welcome");
  });
});

it("connects an exit to another node by dragging", async () => {
  const [first, second] = [messageNode("First"), messageNode("Second")];
  const flow = await makeFlow([first, second]);
  const page = eddy.page;
  await traced(page, "connect", async () => {
    await open(page, flow);
    const from = await page.locator(`[data-node-uuid="${first.uuid}"] .react-flow__handle.source`).boundingBox();
    const to = await page.locator(`[data-node-uuid="${second.uuid}"] .react-flow__handle.target`).boundingBox();
    await page.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2);
    await page.mouse.down();
    await page.mouse.move(to!.x + to!.width / 2, to!.y + to!.height / 2, { steps: 10 });
    await page.mouse.up();
    await page.locator(".react-flow__edge").first().waitFor();
    await saved(page);
    expect((await draft(flow)).definition.nodes[0].exits[0].destination_uuid).toBe(second.uuid);

    // A node put between the two, on the connection.
    await page.locator(".react-flow__edge").first().click();
    await page.getByRole("button", { name: "Add a node here" }).click();
    await expect.poll(() => page.locator(".flow-node").count()).toBe(3);
    await saved(page);
    const nodes = (await draft(flow)).definition.nodes;
    const added = nodes.find((n: any) => n.uuid !== first.uuid && n.uuid !== second.uuid);
    expect(nodes[0].exits[0].destination_uuid).toBe(added.uuid);
    expect(added.exits[0].destination_uuid).toBe(second.uuid);
  });
});

it("shows a problem on its node as it is made, and takes the change back with undo", async () => {
  const node = { uuid: uuid(), actions: [{ uuid: uuid(), type: "set_run_result", name: "Score", value: "@input.text" }], exits: [{ uuid: uuid(), destination_uuid: null }] };
  const flow = await makeFlow([node]);
  const page = eddy.page;
  await traced(page, "problem", async () => {
    await open(page, flow);
    const onNode = page.locator(`[data-node-uuid="${node.uuid}"] .node-problems`);
    expect(await onNode.count()).toBe(0);
    await page.getByText("save @input.text as Score").click();
    await page.getByLabel("Result name").fill("");
    await onNode.getByText("needs a result name").waitFor();
    expect(await page.getByRole("button", { name: "1 problem" }).count()).toBe(1);
    await saved(page);
    expect((await draft(flow)).problems).toEqual([expect.objectContaining({ node_uuid: node.uuid, message: expect.stringContaining("needs a result name") })]);

    await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
    await page.keyboard.press("Control+z");
    await onNode.waitFor({ state: "detached" });
    await saved(page);
    expect((await draft(flow)).definition.nodes[0].actions[0].name).toBe("Score");
  });
});

it("copies nodes and pastes them with new UUIDs, in the same flow and in another one", async () => {
  const [ask, thank] = [messageNode("What's your name?"), messageNode("Thanks!")];
  ask.exits[0].destination_uuid = thank.uuid;
  const flow = await makeFlow([ask, thank]);
  const other = await makeFlow([messageNode("Another flow")]);
  const page = eddy.page;
  await traced(page, "paste", async () => {
    await open(page, flow);
    await page.locator(".react-flow__pane").click({ position: { x: 30, y: 30 } });
    await page.keyboard.press("Control+a");
    await expect.poll(() => page.locator(".react-flow__node.selected").count()).toBe(2);
    await page.keyboard.press("Control+c");
    await page.locator(".react-flow__pane").click({ position: { x: 30, y: 30 } });
    await page.keyboard.press("Control+v");
    await expect.poll(() => page.locator(".flow-node").count()).toBe(4);
    await saved(page);
    const nodes = (await draft(flow)).definition.nodes;
    expect(new Set(nodes.map((n: any) => n.uuid)).size).toBe(4);
    const copy = nodes.find((n: any) => n.uuid !== ask.uuid && n.actions[0].text === "What's your name?");
    const copied = nodes.find((n: any) => n.uuid !== thank.uuid && n.actions[0].text === "Thanks!");
    // The connection between the two copied nodes is copied too.
    expect(copy.exits[0].destination_uuid).toBe(copied.uuid);

    await open(page, other);
    await page.locator(".react-flow__pane").click({ position: { x: 30, y: 30 } });
    await page.keyboard.press("Control+v");
    await expect.poll(() => page.locator(".flow-node").count()).toBe(3);
    await saved(page);
    const pasted = (await draft(other)).definition.nodes.map((n: any) => n.actions[0].text);
    expect(pasted.sort()).toEqual(["Another flow", "Thanks!", "What's your name?"]);
  });
});

it("shows every translatable text next to the base language, what is missing, and saves a translation", async () => {
  const page = eddy.page;
  await traced(page, "translations", async () => {
    await eddy.api("POST", "/flows/import", EXPORT);
    await open(page, REGISTRATION.uuid);
    await page.getByRole("button", { name: "Translations" }).click();
    await page.getByLabel("Language", { exact: true }).selectOption("fra");
    const count = page.locator(".translation-count");
    const before = Number((await count.textContent())!.match(/^(\d+) of/)![1]);
    expect(before).toBeGreaterThan(0);
    const missing = page.locator(".translation-table tr.missing textarea").first();
    await missing.fill("Bonjour");
    await expect.poll(async () => count.textContent()).toMatch(before === 1 ? /^All/ : new RegExp(`^${before - 1} of`));
    // Autosave waits for typing to pause, and "Saved" may still show from the import: poll the draft.
    await expect.poll(async () => JSON.stringify((await draft(REGISTRATION.uuid)).definition.localization.fra), { timeout: 15_000 }).toContain("Bonjour");
    await saved(page);
    await screenshot(page, "editor-translations");
  });
});

it("tells the person when someone else saved the draft in between, instead of overwriting it", async () => {
  const flow = await makeFlow([messageNode("Original")]);
  const page = eddy.page;
  await traced(page, "conflict", async () => {
    await open(page, flow);
    const theirs = await draft(flow);
    theirs.definition.nodes[0].actions[0].text = "Theirs";
    expect((await eddy.api("PATCH", `/flows/${flow}`, { definition: theirs.definition, draft_revision: theirs.draft_revision })).status).toBe(200);

    await page.getByText("Original").click();
    await page.getByRole("textbox", { name: "Message" }).click();
    await page.keyboard.type(" mine");
    await page.getByRole("alert").filter({ hasText: "Someone else saved this flow" }).waitFor();
    expect((await draft(flow)).definition.nodes[0].actions[0].text).toBe("Theirs");
    await page.getByRole("button", { name: "Reload their version" }).click();
    await page.getByText("Theirs").waitFor();
  });
});

it("lays out a flow without positions, and the screenshot for the docs", async () => {
  const nodes = [messageNode("Hi! Do you want the weekly tips?"), messageNode("Great, see you on Monday."), messageNode("No problem.")];
  const wait = {
    uuid: uuid(),
    actions: [],
    router: {
      type: "switch", operand: "@input.text", wait: { type: "msg" }, result_name: "Tips",
      cases: [{ uuid: uuid(), type: "has_any_word", arguments: ["yes"], category_uuid: "" }],
      categories: [] as any[], default_category_uuid: "",
    },
    exits: [] as any[],
  };
  const [yes, other] = [{ uuid: uuid(), name: "Yes", exit_uuid: uuid() }, { uuid: uuid(), name: "Other", exit_uuid: uuid() }];
  wait.router.categories = [yes, other];
  wait.router.cases[0].category_uuid = yes.uuid;
  wait.router.default_category_uuid = other.uuid;
  wait.exits = [{ uuid: yes.exit_uuid, destination_uuid: nodes[1].uuid }, { uuid: other.exit_uuid, destination_uuid: nodes[2].uuid }];
  nodes[0].exits[0].destination_uuid = wait.uuid;
  const flow = await makeFlow([nodes[0], wait, nodes[1], nodes[2]], { _ui: undefined });
  const page = eddy.page;
  await traced(page, "layout", async () => {
    await open(page, flow);
    const top = async (u: string) => (await page.locator(`[data-node-uuid="${u}"]`).boundingBox())!.y;
    expect(await top(nodes[0].uuid)).toBeLessThan(await top(wait.uuid));
    expect(await top(wait.uuid)).toBeLessThan(await top(nodes[1].uuid));
    await page.locator(`[data-node-uuid="${wait.uuid}"]`).click();
    await page.getByRole("group", { name: "Rules" }).waitFor();
    await screenshot(page, "editor");
  });
});

it("completes @ expressions from the context, the flow's results and the contact fields, and flags what the engine would refuse", async () => {
  await eddy.api("POST", "/fields", { key: "district", name: "District", type: "text" });
  const ask = { uuid: uuid(), actions: [{ uuid: uuid(), type: "set_run_result", name: "Favourite Colour", value: "blue" }], exits: [{ uuid: uuid(), destination_uuid: null }] };
  const say = messageNode("");
  const flow = await makeFlow([ask, say]);
  const page = eddy.page;
  await traced(page, "expressions", async () => {
    await open(page, flow);
    await page.locator(`[data-node-uuid="${say.uuid}"]`).click();
    const text = page.getByRole("textbox", { name: "Message" });
    await text.click();
    await page.keyboard.type("@resu");
    await page.getByRole("option", { name: "results" }).click();
    await page.keyboard.type(".");
    await page.getByRole("option", { name: "favourite_colour" }).waitFor();
    await page.keyboard.press("Escape");
    await page.keyboard.type("favourite_colour and @fields.");
    await page.getByRole("option", { name: "district" }).waitFor();
    await page.keyboard.press("Escape");
    await page.keyboard.type("district @(uper(contact.name))");
    await page.getByRole("alert").filter({ hasText: "unknown function uper" }).waitFor();
    await saved(page);
    expect((await draft(flow)).definition.nodes[1].actions[0].text).toBe("@results.favourite_colour and @fields.district @(uper(contact.name))");
  });
});

it("completes @vars from the flow's declared variables and does not flag them as outside the context", async () => {
  const say = messageNode("");
  const flow = await makeFlow([say], { variables: [{ name: "cart_total", type: "decimal", default: "0" }, { name: "due", type: "date" }] });
  const page = eddy.page;
  await traced(page, "vars", async () => {
    await open(page, flow);
    await page.locator(`[data-node-uuid="${say.uuid}"]`).click();
    await page.getByRole("textbox", { name: "Message" }).click();
    await page.keyboard.type("@var");
    await page.getByRole("option", { name: "vars" }).click();
    await page.keyboard.type(".");
    await page.getByRole("option", { name: "due" }).waitFor();
    await page.getByRole("option", { name: "cart_total" }).click();
    // A misspelt name is still flagged, the variable is not.
    await page.keyboard.type(" @cartt.total");
    await page.getByRole("alert").filter({ hasText: "@cartt is not in the context" }).waitFor();
    expect(await page.getByRole("alert").filter({ hasText: "@vars is not in the context" }).count()).toBe(0);
    await saved(page);
    expect((await draft(flow)).definition.nodes[0].actions[0].text).toBe("@vars.cart_total @cartt.total");
  });
});

it("offers no wait for a reply in a background flow, and shows a viewer the flow read-only", async () => {
  const flow = await makeFlow([messageNode("Your appointment is tomorrow")], { type: "messaging_background" });
  const page = eddy.page;
  await traced(page, "background", async () => {
    await open(page, flow);
    await page.getByText("Background", { exact: true }).waitFor();
    const offered = await page.getByRole("combobox", { name: "Add a node" }).locator("option").allTextContents();
    expect(offered).toContain("Split by expression");
    expect(offered).not.toContain("Wait for the response");
    await page.getByText("Your appointment is tomorrow").click();
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  const viewer = await eddy.newPage(await eddy.createUser("viewer"));
  await traced(viewer, "viewer", async () => {
    await open(viewer, flow);
    await viewer.getByText("read-only").waitFor();
    expect(await viewer.getByRole("combobox", { name: "Add a node" }).count()).toBe(0);
    await viewer.getByText("Your appointment is tomorrow").click();
    await viewer.getByRole("textbox", { name: "Message" }).waitFor();
    expect(await viewer.getByRole("textbox", { name: "Message" }).getAttribute("contenteditable")).toBe("false");
  });
  await viewer.context().close();
});

it("saves a dragged node's position in _ui, and deletes a node with the Delete key", async () => {
  const [keep, drop] = [messageNode("Keep me"), messageNode("Delete me")];
  keep.exits[0].destination_uuid = drop.uuid;
  const flow = await makeFlow([keep, drop]);
  const page = eddy.page;
  await traced(page, "drag", async () => {
    await open(page, flow);
    const header = page.locator(`[data-node-uuid="${keep.uuid}"] .node-title`);
    await header.hover();
    const box = (await header.boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 5);
    await page.mouse.down();
    await page.mouse.move(box.x + 140, box.y + 65, { steps: 8 });
    await page.mouse.up();
    // Dropped about where the mouse let go (React Flow starts the drag a few pixels in).
    const position = async () => (await draft(flow)).definition._ui.nodes[keep.uuid].position;
    await expect.poll(async () => (await position()).left, { timeout: 10_000 }).toBeGreaterThan(100 + 100);
    expect((await position()).top).toBeGreaterThan(60 + 40);

    // The key goes to the node itself: the side panel that opens on the click may take the focus.
    const dropped = page.locator(`.react-flow__node[data-id="${drop.uuid}"]`);
    await page.locator(`[data-node-uuid="${drop.uuid}"] .node-title`).click();
    await dropped.press("Delete");
    await dropped.waitFor({ state: "detached" });
    await saved(page);
    const after = (await draft(flow)).definition;
    expect(after.nodes.map((n: any) => n.uuid)).toEqual([keep.uuid]);
    expect(after.nodes[0].exits[0].destination_uuid).toBeNull();
  });
});
