// The WhatsApp forms screen: a channel's forms synced and created, published and deprecated with a
// confirmation, their history and endpoint health from Meta's webhook, the flows that send them,
// cloned and deleted. Meta's Graph API is a small HTTP server here (the Worker runs in wrangler dev).
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seriousA11yViolations } from "./axe";
import { useConsole } from "./harness";

const eddy = useConsole();

const WABA = "406690129340999";
const APP_SECRET = "console-forms-app-secret";

/** Meta's Flows API for one business account, as docs/whatsapp-forms.md describes it, every call recorded. */
class FakeGraph {
  flows = new Map<string, { id: string; name: string; status: string; categories: string[] }>();
  calls: string[] = [];
  private next = 7310000000100000;
  server!: Server;

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      const body = await read(req);
      const path = new URL(req.url!, "http://x").pathname.replace(/^\/v[\d.]+\//, "");
      this.calls.push(`${req.method} ${path}`);
      const json = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      const [first, second] = path.split("/");
      if (first === WABA && second === "flows" && req.method === "POST") {
        const b = JSON.parse(body) as { name: string; categories: string[] };
        const id = String(++this.next);
        this.flows.set(id, { id, name: b.name, status: "DRAFT", categories: b.categories });
        return json(200, { id, success: true, validation_errors: [] });
      }
      if (first === WABA && second === "flows") return json(200, { data: [...this.flows.values()].map((f) => ({ ...f, validation_errors: [] })), paging: { cursors: { after: "end" } } });
      const flow = this.flows.get(first);
      if (!flow) return json(400, { error: { message: "Unsupported request", code: 100 } });
      if (second === "assets" && req.method === "POST") return json(200, { success: true, validation_errors: [] });
      if (second === "assets") return json(200, { data: [] });
      if (second === "publish") flow.status = "PUBLISHED";
      if (second === "deprecate") flow.status = "DEPRECATED";
      if (req.method === "DELETE") this.flows.delete(first);
      if (req.method === "GET") return json(200, { ...flow, validation_errors: [], json_version: "7.3" });
      return json(200, { success: true });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = "";
    req.on("data", (c) => (s += c));
    req.on("end", () => resolve(s));
  });

const graph = new FakeGraph();
let channel: string;
beforeAll(async () => {
  const base = await graph.start();
  const res = await eddy.api("POST", "/channels", {
    type: "whatsapp_cloud",
    name: "Clinic WhatsApp",
    address: "+15550783881",
    base_url: base,
    config: { phone_number_id: "106540352242922", access_token: "EAAG-console-token", app_secret: APP_SECRET, verify_token: "v", business_account_id: WABA },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  channel = res.body.uuid;
  // A form made in WhatsApp Manager, for the sync to bring in.
  graph.flows.set("7310000000000001", { id: "7310000000000001", name: "Feedback", status: "PUBLISHED", categories: ["SURVEY"] });
});
afterAll(() => new Promise<void>((resolve) => graph.server?.close(() => resolve())));

/** Meta's flows webhook, signed with the app secret. */
async function notify(changes: Record<string, unknown>[]): Promise<void> {
  const body = JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: WABA, time: Math.floor(Date.now() / 1000), changes }] });
  const signature = "sha256=" + createHmac("sha256", APP_SECRET).update(body).digest("hex");
  const res = await fetch(`${eddy.origin}/channels/${channel}/receive`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body });
  expect(res.status).toBe(200);
}

const FLOW_JSON = { version: "7.3", screens: [{ id: "BOOK", title: "Book a visit", terminal: true, layout: { type: "SingleColumnLayout", children: [{ type: "Footer", label: "Done", "on-click-action": { name: "complete", payload: {} } }] } }] };

it("syncs, creates, publishes with a confirmation, shows status changes, alerts and the flows that send a form, deprecates, clones and deletes", async () => {
  const { page } = eddy;
  const dialogs: string[] = [];
  let answer = true;
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void (answer ? d.accept() : d.dismiss());
  });
  await page.goto("/flows");
  await page.getByRole("link", { name: "WhatsApp forms" }).click();
  await page.waitForURL(/\/whatsapp-forms/);
  await page.getByRole("cell", { name: "No forms on this channel yet." }).waitFor();

  await page.getByRole("button", { name: "Sync from WhatsApp" }).click();
  const forms = page.getByRole("table", { name: "Forms" });
  await forms.getByRole("row", { name: /Feedback Published Survey/ }).waitFor();

  const create = page.getByRole("form", { name: "New form" });
  await create.getByLabel("Name").fill("Booking");
  await create.getByLabel("Appointment booking").check();
  await create.getByLabel("Flow JSON (optional)").fill(JSON.stringify(FLOW_JSON));
  await create.getByRole("button", { name: "Create draft" }).click();
  const details = page.getByRole("region", { name: /Booking/ });
  await details.getByRole("heading", { name: "Booking Draft" }).waitFor();
  expect(graph.calls.filter((c) => c.startsWith("POST") && c.endsWith("/assets")).length, "the Flow JSON went to WhatsApp").toBe(1);
  const booking = (await eddy.api("GET", `/whatsapp-forms?channel=${channel}`)).body.results.find((f: { name: string }) => f.name === "Booking");
  expect(booking).toMatchObject({ status: "DRAFT", flow_json: FLOW_JSON, categories: ["APPOINTMENT_BOOKING"] });

  // Publishing asks first; saying no changes nothing.
  answer = false;
  await details.getByRole("button", { name: "Publish" }).click();
  expect(dialogs.at(-1)).toMatch(/cannot be undone/);
  expect(graph.calls).not.toContain(`POST ${booking.meta_id}/publish`);
  answer = true;
  await details.getByRole("button", { name: "Publish" }).click();
  await details.getByRole("heading", { name: "Booking Published" }).waitFor();
  expect(graph.calls).toContain(`POST ${booking.meta_id}/publish`);

  // WhatsApp throttles it and says why; a flow sends it.
  await notify([
    { field: "flows", value: { event: "ENDPOINT_ERROR_RATE", message: "Error rate above 10%", flow_id: booking.meta_id, error_rate: 12.5, threshold: 10, alert_state: "ACTIVATED" } },
    { field: "flows", value: { event: "FLOW_STATUS_CHANGE", message: "Flow changed status from PUBLISHED to THROTTLED", flow_id: booking.meta_id, old_status: "PUBLISHED", new_status: "THROTTLED" } },
  ]);
  const flowUuid = crypto.randomUUID();
  const definition = {
    language: "eng",
    spec_version: "14.4.2",
    nodes: [{ uuid: crypto.randomUUID(), actions: [{ uuid: crypto.randomUUID(), type: "send_whatsapp_form", form: { uuid: booking.uuid, name: "Booking" }, text: "Book your visit", cta: "Book", result_name: "Booking" }], exits: [{ uuid: crypto.randomUUID() }] }],
  };
  expect((await eddy.api("POST", "/flows", { uuid: flowUuid, name: "Visit reminders", type: "messaging", definition })).status).toBe(201);
  await page.reload();
  await details.getByRole("heading", { name: "Booking Throttled" }).waitFor();
  await details.getByRole("link", { name: "Visit reminders" }).waitFor();
  expect(await details.getByRole("link", { name: "Visit reminders" }).getAttribute("href")).toBe(`/flows/${flowUuid}`);
  await details.getByRole("table", { name: "Endpoint health" }).getByRole("row", { name: /Endpoint error rate ACTIVATED Error rate above 10%/ }).waitFor();
  const history = details.getByRole("table", { name: "History" });
  expect(await history.locator("tbody tr td:nth-child(2)").allTextContents()).toEqual(["Published → Throttled", "Endpoint error rate (ACTIVATED)", "Draft → Published", "Draft"]);
  expect(await history.locator("tbody tr td:nth-child(3)").allTextContents()).toEqual(["WhatsApp", "WhatsApp", "Eddy", "Eddy"]);

  expect(await seriousA11yViolations(page)).toEqual([]);

  // Deprecating asks too, and then it is no longer sent: no Publish, no Deprecate, a Clone.
  await details.getByRole("button", { name: "Deprecate" }).click();
  expect(dialogs.at(-1)).toMatch(/no longer sent, and this cannot be undone/);
  await details.getByRole("heading", { name: "Booking Deprecated" }).waitFor();
  expect(await details.getByRole("button", { name: /Publish|Deprecate/ }).count()).toBe(0);

  const clone = details.getByRole("form", { name: "Clone" });
  await clone.getByLabel("Name of the new draft").fill("Booking v2");
  await clone.getByRole("button", { name: "Clone into a draft" }).click();
  const copy = page.getByRole("region", { name: /Booking v2/ });
  await copy.getByRole("heading", { name: "Booking v2 Draft" }).waitFor();
  expect(await copy.getByRole("form", { name: "Flow JSON" }).getByLabel("Flow JSON of the draft").inputValue()).toContain('"BOOK"');

  await copy.getByRole("button", { name: "Delete" }).click();
  expect(dialogs.at(-1)).toMatch(/Delete the draft Booking v2, at WhatsApp too\?/);
  await page.getByRole("status").filter({ hasText: "Deleted Booking v2" }).waitFor();
  await expect.poll(() => forms.getByRole("link").allTextContents()).toEqual(["Booking", "Feedback"]);
  expect(await seriousA11yViolations(page)).toEqual([]);
});

it("shows a viewer the forms without the actions", async () => {
  const viewer = await eddy.newPage(await eddy.createUser("viewer"));
  await viewer.goto(`/whatsapp-forms?channel=${channel}`);
  await viewer.getByRole("table", { name: "Forms" }).getByRole("link", { name: "Feedback" }).click();
  await viewer.getByRole("heading", { name: "Feedback Published" }).waitFor();
  expect(await viewer.getByRole("button").filter({ hasText: /Sync|Publish|Deprecate|Refresh|Delete|Create/ }).count()).toBe(0);
  expect(await viewer.getByRole("form", { name: "New form" }).count()).toBe(0);
  await viewer.context().close();
});

it("adds a 'Send a WhatsApp form' node in the editor: the form chosen by name, Success and Failure exits, a flow the engine publishes", async () => {
  const form = (await eddy.api("GET", `/whatsapp-forms?channel=${channel}`)).body.results.find((f: { name: string }) => f.name === "Feedback");
  const start = { uuid: crypto.randomUUID(), actions: [{ uuid: crypto.randomUUID(), type: "send_msg", text: "Hello" }], exits: [{ uuid: crypto.randomUUID(), destination_uuid: null }] };
  const flow = crypto.randomUUID();
  const definition = { uuid: flow, name: "Feedback round", spec_version: "14.4.0", language: "eng", type: "messaging", nodes: [start], _ui: { nodes: { [start.uuid]: { position: { left: 100, top: 60 } } } } };
  expect((await eddy.api("POST", "/flows", { name: definition.name, type: "messaging", definition })).status).toBe(201);

  const { page } = eddy;
  page.setDefaultTimeout(15_000);
  await page.goto(`/flows/${flow}`);
  await page.locator(".flow-node").first().waitFor();
  await page.getByRole("combobox", { name: "Add a node" }).selectOption({ label: "Send a WhatsApp form" });
  await page.getByLabel("WhatsApp form").fill("Feedback");
  await page.getByLabel("WhatsApp form").press("Tab");
  await page.getByRole("textbox", { name: "Message" }).click();
  await page.keyboard.type("How did we do, @contact.first_name?");
  await page.getByRole("textbox", { name: "Button" }).click();
  await page.keyboard.type("Rate us");
  await page.getByRole("button", { name: "+ data" }).click();
  await page.getByLabel("Data 1 name").fill("branch");
  await page.getByLabel("Data 1 value").fill("@fields.branch");
  await page.getByRole("textbox", { name: "Template outside the 24-hour window" }).fill("feedback_invite");
  await page.getByText("a template needs its name and language").first().waitFor();
  await page.getByRole("textbox", { name: "Template language" }).fill("en_US");
  await page.getByRole("button", { name: "+ template variable" }).click();
  await page.getByRole("textbox", { name: "Template variable 1" }).click();
  await page.keyboard.type("@contact.name");
  await page.locator(".flow-node").getByText("Feedback: How did we do, @contact.first_name?").waitFor();
  await page.getByRole("status").filter({ hasText: /^Saved$/ }).waitFor();

  const saved = (await eddy.api("GET", `/flows/${flow}`)).body.definition;
  const node = saved.nodes.find((n: { uuid: string }) => n.uuid !== start.uuid);
  expect(node.actions).toEqual([expect.objectContaining({ type: "send_whatsapp_form", form: { uuid: form.uuid, name: "Feedback" }, text: "How did we do, @contact.first_name?", cta: "Rate us", result_name: "Form", data: { branch: "@fields.branch" }, template: { name: "feedback_invite", language: "en_US", variables: ["@contact.name"] } })]);
  expect(node.router).toMatchObject({ operand: "@results.form.category", categories: [{ name: "Success" }, { name: "Failure" }], cases: [{ type: "has_only_text", arguments: ["Success"] }] });
  expect((await eddy.api("POST", `/flows/${flow}/publish`)).status).toBe(201);
  expect((await eddy.api("GET", `/whatsapp-forms/${form.uuid}`)).body.used_by).toEqual([{ uuid: flow, name: "Feedback round" }]);
  expect(await seriousA11yViolations(page)).toEqual([]);
});
