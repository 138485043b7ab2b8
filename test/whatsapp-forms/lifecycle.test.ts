import { beforeAll, describe, expect, it } from "vitest";
import { call, unique } from "../api/helpers";
import { flowJson, formsChannel, useFormsMeta } from "./meta-mock";

const { meta } = useFormsMeta("102290129340398");

let channel: string;
beforeAll(async () => {
  channel = await formsChannel(meta.waba);
});

async function draft(name = `Booking ${unique()}`, json: Record<string, unknown> = flowJson()) {
  const res = await call("POST", "/whatsapp-forms", { channel, name, categories: ["APPOINTMENT_BOOKING"], flow_json: json });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe("WhatsApp forms: the lifecycle through Meta's Flows API", () => {
  it("reads the form's health_status with a refresh: available, then limited once WhatsApp throttles it", async () => {
    const form = await draft();
    const fresh = await call("POST", `/whatsapp-forms/${form.uuid}/refresh`);
    expect(fresh.body.health.HEALTH_STATUS).toMatchObject({ alert_state: "AVAILABLE", message: "" });
    expect((await call("POST", `/whatsapp-forms/${form.uuid}/publish`)).status).toBe(200);
    meta.flows.get(form.meta_id)!.status = "THROTTLED";
    const read = await call("POST", `/whatsapp-forms/${form.uuid}/refresh`);
    expect(read.body.status).toBe("THROTTLED");
    expect(read.body.health.HEALTH_STATUS).toMatchObject({ alert_state: "LIMITED", message: "FLOW: The flow is throttled.", entities: [expect.objectContaining({ entity_type: "FLOW", can_send_message: "LIMITED" }), expect.objectContaining({ entity_type: "WABA" })] });
    expect(meta.calls.filter((c) => c === `GET /${form.meta_id}`)).toHaveLength(2);
  });

  it("creates a draft and uploads its Flow JSON as the flow.json asset", async () => {
    const form = await draft("Visit booking");
    expect(form).toMatchObject({ name: "Visit booking", status: "DRAFT", categories: ["APPOINTMENT_BOOKING"], json_version: "7.3", validation_errors: [], waba_id: meta.waba, channel });
    expect(meta.flows.get(form.meta_id)).toMatchObject({ name: "Visit booking", status: "DRAFT" });
    const upload = meta.uploads.find((u) => u.id === form.meta_id)!;
    expect(upload).toMatchObject({ fileName: "flow.json", name: "flow.json", assetType: "FLOW_JSON", json: flowJson() });
    expect(form.history).toEqual([expect.objectContaining({ source: "api", new_status: "DRAFT" })]);
    // GET also names the flows that send it: none yet.
    expect((await call("GET", `/whatsapp-forms/${form.uuid}`)).body).toEqual({ ...form, used_by: [] });
  });

  it("edits a draft, reads its preview URL, publishes it; then a published form never changes", async () => {
    const form = await draft();
    const edited = await call("PATCH", `/whatsapp-forms/${form.uuid}`, { flow_json: flowJson("PICK_SLOT"), categories: ["SURVEY"] });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ categories: ["SURVEY"], flow_json: flowJson("PICK_SLOT") });
    expect(meta.flows.get(form.meta_id)).toMatchObject({ categories: ["SURVEY"], json: flowJson("PICK_SLOT") });

    const read = await call("POST", `/whatsapp-forms/${form.uuid}/refresh`);
    expect(read.body.preview_url).toBe(`https://business.facebook.com/wa/manage/flows/${form.meta_id}/preview/?token=abc`);

    const published = await call("POST", `/whatsapp-forms/${form.uuid}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.status).toBe("PUBLISHED");
    expect(published.body.history.map((h: { new_status: string }) => h.new_status)).toEqual(["DRAFT", "PUBLISHED"]);
    expect(meta.flows.get(form.meta_id)!.status).toBe("PUBLISHED");

    const before = meta.calls.length;
    const refusals = [
      await call("PATCH", `/whatsapp-forms/${form.uuid}`, { flow_json: flowJson("OTHER") }),
      await call("PATCH", `/whatsapp-forms/${form.uuid}`, { name: "Renamed" }),
      await call("DELETE", `/whatsapp-forms/${form.uuid}`),
      await call("POST", `/whatsapp-forms/${form.uuid}/publish`),
    ];
    expect(refusals.map((r) => r.status)).toEqual([409, 409, 409, 409]);
    expect(refusals[0].body.message).toMatch(/PUBLISHED: only a draft changes; clone it/);
    expect(refusals[2].body.message).toMatch(/only a draft is deleted; deprecate it instead/);
    expect(meta.calls.length, "nothing reached Meta").toBe(before);
    expect((await call("GET", `/whatsapp-forms/${form.uuid}`)).body.flow_json).toEqual(flowJson("PICK_SLOT"));

    // What may still change: Eddy's own endpoint answers.
    const screens = await call("PATCH", `/whatsapp-forms/${form.uuid}`, { endpoint_screens: { PICK_SLOT: { slots: ["10:00"] } } });
    expect(screens.status).toBe(200);
  });

  it("clones a published form into a new draft, and deprecation cannot be undone", async () => {
    const form = await draft();
    await call("POST", `/whatsapp-forms/${form.uuid}/publish`);
    const clone = await call("POST", `/whatsapp-forms/${form.uuid}/clone`, { name: `${form.name} v2` });
    expect(clone.status).toBe(201);
    expect(clone.body).toMatchObject({ status: "DRAFT", name: `${form.name} v2`, flow_json: form.flow_json, categories: form.categories });
    expect(clone.body.meta_id).not.toBe(form.meta_id);
    expect(meta.flows.get(clone.body.meta_id)!.clone_flow_id).toBe(form.meta_id);

    const deprecated = await call("POST", `/whatsapp-forms/${form.uuid}/deprecate`);
    expect(deprecated.body.status).toBe("DEPRECATED");
    const again = [await call("POST", `/whatsapp-forms/${form.uuid}/deprecate`), await call("POST", `/whatsapp-forms/${form.uuid}/publish`)];
    expect(again.map((r) => r.status)).toEqual([409, 409]);
    const draftDeprecate = await call("POST", `/whatsapp-forms/${clone.body.uuid}/deprecate`);
    expect(draftDeprecate.status).toBe(409);
    expect(draftDeprecate.body.message).toMatch(/is a draft: delete it instead/);
  });

  it("deletes a draft at Meta and in Eddy", async () => {
    const form = await draft();
    const res = await call("DELETE", `/whatsapp-forms/${form.uuid}`);
    expect(res.status).toBe(204);
    expect(meta.calls).toContain(`DELETE /${form.meta_id}`);
    expect(meta.flows.has(form.meta_id)).toBe(false);
    expect((await call("GET", `/whatsapp-forms/${form.uuid}`)).status).toBe(404);
  });

  it("does not publish a form with validation errors, and passes on Meta's own refusal", async () => {
    const broken = flowJson();
    (broken.screens as { layout: { children: unknown[] } }[])[0].layout.children = [];
    const form = await draft(undefined, broken);
    expect(form.validation_errors).toEqual([expect.objectContaining({ message: "A terminal screen must have a Footer." })]);
    const before = meta.calls.length;
    const res = await call("POST", `/whatsapp-forms/${form.uuid}/publish`);
    expect(res.status).toBe(409);
    expect(res.body.issues).toEqual([{ path: "validation_errors.0", message: "A terminal screen must have a Footer." }]);
    expect(meta.calls.length).toBe(before);

    const ok = await draft();
    meta.refusePublish = true;
    try {
      const refused = await call("POST", `/whatsapp-forms/${ok.uuid}/publish`);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ error: "whatsapp_refused", message: expect.stringContaining("(code 139002)") });
      expect((await call("GET", `/whatsapp-forms/${ok.uuid}`)).body.status).toBe("DRAFT");
    } finally {
      meta.refusePublish = false;
    }
  });

  it("refuses bad input before calling Meta, and changes nothing", async () => {
    const name = `Taken ${unique()}`;
    await draft(name);
    const before = meta.calls.length;
    const body = { channel, name: `Fresh ${unique()}`, categories: ["SURVEY"] };
    const cases = [
      await call("POST", "/whatsapp-forms", { ...body, name }),
      await call("POST", "/whatsapp-forms", { ...body, categories: ["SHOUTING"] }),
      await call("POST", "/whatsapp-forms", { ...body, categories: [] }),
      await call("POST", "/whatsapp-forms", { ...body, flow_json: { ...flowJson(), extra: 1 } }),
      await call("POST", "/whatsapp-forms", { ...body, flow_json: flowJson("SUCCESS") }),
      await call("POST", "/whatsapp-forms", { ...body, flow_json: flowJson(), uses_endpoint: true }),
      await call("POST", "/whatsapp-forms", { ...body, channel: crypto.randomUUID() }),
    ];
    expect(cases.map((r) => r.status)).toEqual([409, 400, 400, 400, 400, 400, 400]);
    expect(cases[0].body.message).toMatch(/already has a WhatsApp form named/);
    expect(cases[5].body.issues.map((i: { path: string }) => i.path)).toEqual(["flow_json.data_api_version", "flow_json.routing_model"]);
    expect(meta.calls.length, "nothing reached Meta").toBe(before);

    const noAccount = await formsChannel(meta.waba, { business_account_id: undefined });
    const res = await call("POST", "/whatsapp-forms", { ...body, channel: noAccount });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/no config.business_account_id/);
  });
});

describe("WhatsApp forms and their channel", () => {
  it("go with the channel when it is deleted (Meta keeps them)", async () => {
    const own = await formsChannel(meta.waba);
    const created = await call("POST", "/whatsapp-forms", { channel: own, name: `Gone ${unique()}`, categories: ["OTHER"], flow_json: flowJson() });
    await call("POST", `/whatsapp-forms/${created.body.uuid}/publish`);
    expect((await call("DELETE", `/channels/${own}`)).status).toBe(204);
    expect((await call("GET", `/whatsapp-forms/${created.body.uuid}`)).status).toBe(404);
    expect(meta.flows.get(created.body.meta_id)!.status).toBe("PUBLISHED");
  });
});
