// A small Meta: the Flows API of one business account as msw handlers, written from Meta's
// documentation of its Flows API (summarised in docs/whatsapp-forms.md), with every call recorded.
import { http, HttpResponse, type RequestHandler } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll } from "vitest";
import { call, unique } from "../api/helpers";

export const GRAPH = "https://graph.forms.test";
export const APP_SECRET = "forms-app-secret-0123456789";
/** Where Meta's asset download URLs point. */
export const CDN = "https://lookaside.forms.test/flows";

export type MetaFlow = { id: string; name: string; status: string; categories: string[]; validation_errors: unknown[]; json?: unknown; clone_flow_id?: string };

/**
 * A test file's Meta: a FakeMeta of the business account `waba`, served by msw (with `extra`
 * handlers) for the whole file; a request no handler takes is refused. `server.use` adds more.
 */
export function useFormsMeta(waba: string, ...extra: RequestHandler[]) {
  const meta = new FakeMeta(waba);
  const server = setupServer(...meta.handlers(), ...extra);
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(() => server.close());
  return { meta, server };
}

export class FakeMeta {
  flows = new Map<string, MetaFlow>();
  calls: string[] = [];
  uploads: { id: string; fileName: string | null; name: string | null; assetType: string | null; json: unknown }[] = [];
  /** Cloud API messages sent from the channels' numbers. */
  sent: { phone: string; body: Record<string, any> }[] = [];
  /** Business public keys uploaded, by phone number id. */
  publicKeys = new Map<string, string>();
  /** Meta's answer to the next publish, when it refuses. */
  refusePublish = false;
  private next = 7310000000000000 + Math.floor(Math.random() * 1e6) * 1000;

  constructor(readonly waba: string) {}

  /** Meta's health_status for a form in this status (the FLOW entity LIMITED while throttled, BLOCKED when blocked or deprecated). */
  health(status: string) {
    const can = status === "THROTTLED" ? "LIMITED" : status === "BLOCKED" || status === "DEPRECATED" ? "BLOCKED" : "AVAILABLE";
    const errors = can === "AVAILABLE" ? [] : [{ error_code: 139003, error_description: `The flow is ${status.toLowerCase()}.`, possible_solution: "Fix the endpoint." }];
    return { can_send_message: can, entities: [{ entity_type: "FLOW", id: "1", can_send_message: can, errors }, { entity_type: "WABA", id: this.waba, can_send_message: "AVAILABLE" }] };
  }

  handlers() {
    const base = `${GRAPH}/v21.0`;
    const graphError = (code: number, message: string) => HttpResponse.json({ error: { message, type: "OAuthException", code, fbtrace_id: "A1" } }, { status: 400 });
    return [
      http.post(`${base}/${this.waba}/flows`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        this.calls.push(`POST /flows ${JSON.stringify(body)}`);
        if ([...this.flows.values()].some((f) => f.name === body.name)) return graphError(100, "Flow name is not unique");
        const id = String(++this.next);
        this.flows.set(id, { id, name: String(body.name), status: "DRAFT", categories: body.categories as string[], validation_errors: [], ...(body.clone_flow_id ? { clone_flow_id: String(body.clone_flow_id) } : {}) });
        return HttpResponse.json({ id, success: true, validation_errors: [] });
      }),
      http.get(`${base}/${this.waba}/flows`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        this.calls.push(`GET /flows after=${q.get("after") ?? ""}`);
        const all = [...this.flows.values()];
        const start = Number(q.get("after") ?? 0);
        const limit = Number(q.get("limit") ?? 25);
        const data = all.slice(start, start + limit).map(({ json: _, clone_flow_id: __, ...f }) => f);
        const more = start + limit < all.length;
        return HttpResponse.json({ data, paging: { cursors: { before: String(start), after: String(start + limit) }, ...(more ? { next: `${base}/${this.waba}/flows?after=${start + limit}` } : {}) } });
      }),
      http.post(`${base}/:phone/messages`, async ({ request, params }) => {
        const body = (await request.json()) as Record<string, any>;
        this.sent.push({ phone: String(params.phone), body });
        return HttpResponse.json({ messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.${crypto.randomUUID()}` }] });
      }),
      http.post(`${base}/:phone/whatsapp_business_encryption`, async ({ request, params }) => {
        const form = new URLSearchParams(await request.text());
        this.calls.push(`POST /${params.phone}/whatsapp_business_encryption`);
        this.publicKeys.set(String(params.phone), form.get("business_public_key") ?? "");
        return HttpResponse.json({ success: true });
      }),
      // Postman's shape (data[]); Meta's page shows the same object flat.
      http.get(`${base}/:phone/whatsapp_business_encryption`, ({ params }) =>
        HttpResponse.json({ data: [{ business_public_key: this.publicKeys.get(String(params.phone)), business_public_key_signature_status: "VALID" }] }),
      ),
      http.post(`${base}/:id/assets`, async ({ request, params }) => {
        const form = await request.formData();
        const file = form.get("file") as File;
        const json = JSON.parse(await file.text());
        this.calls.push(`POST /${params.id}/assets`);
        this.uploads.push({ id: String(params.id), fileName: file.name, name: form.get("name") as string | null, assetType: form.get("asset_type") as string | null, json });
        const flow = this.flows.get(String(params.id))!;
        flow.json = json;
        // Meta's own checks, of which Eddy repeats only the essentials: here, a Footer is required.
        flow.validation_errors = JSON.stringify(json).includes("Footer") ? [] : [{ error: "MISSING_REQUIRED_PROPERTY", error_type: "FLOW_JSON_ERROR", message: "A terminal screen must have a Footer." }];
        return HttpResponse.json({ success: true, validation_errors: flow.validation_errors });
      }),
      // The flow.json asset: listed with a download URL on another host (Meta's CDN), fetched without the token.
      http.get(`${base}/:id/assets`, ({ params }) => {
        this.calls.push(`GET /${params.id}/assets`);
        const f = this.flows.get(String(params.id));
        if (!f) return graphError(100, "Unsupported get request");
        return HttpResponse.json({ data: f.json ? [{ name: "flow.json", asset_type: "FLOW_JSON", download_url: `${CDN}/${f.id}/flow.json?sig=abc` }] : [], paging: { cursors: {} } });
      }),
      http.get(`${CDN}/:id/flow.json`, ({ params, request }) => {
        this.calls.push(`download ${params.id}`);
        if (request.headers.get("authorization")) throw new Error("the access token was sent to the download URL");
        return HttpResponse.json(this.flows.get(String(params.id))?.json ?? null);
      }),
      http.post(`${base}/:id/publish`, ({ params }) => {
        this.calls.push(`POST /${params.id}/publish`);
        if (this.refusePublish) return graphError(139002, "Publishing refused: no endpoint health check");
        this.flows.get(String(params.id))!.status = "PUBLISHED";
        return HttpResponse.json({ success: true });
      }),
      http.post(`${base}/:id/deprecate`, ({ params }) => {
        this.calls.push(`POST /${params.id}/deprecate`);
        this.flows.get(String(params.id))!.status = "DEPRECATED";
        return HttpResponse.json({ success: true });
      }),
      http.post(`${base}/:id`, async ({ request, params }) => {
        const body = (await request.json()) as Record<string, unknown>;
        this.calls.push(`POST /${params.id} ${JSON.stringify(body)}`);
        Object.assign(this.flows.get(String(params.id))!, body);
        return HttpResponse.json({ success: true });
      }),
      http.get(`${base}/:id`, ({ params, request }) => {
        this.calls.push(`GET /${params.id}`);
        const f = this.flows.get(String(params.id));
        if (!f) return graphError(100, "Unsupported get request");
        expectFields(request.url);
        const health = new URL(request.url).searchParams.get("fields")?.split(",").includes("health_status") ? { health_status: this.health(f.status) } : {};
        return HttpResponse.json({ id: f.id, name: f.name, status: f.status, categories: f.categories, validation_errors: f.validation_errors, json_version: "7.3", ...health, preview: { preview_url: `https://business.facebook.com/wa/manage/flows/${f.id}/preview/?token=abc`, expires_at: "2027-01-06T18:00:00+0000" } });
      }),
      http.delete(`${base}/:id`, ({ params }) => {
        this.calls.push(`DELETE /${params.id}`);
        this.flows.delete(String(params.id));
        return HttpResponse.json({ success: true });
      }),
    ];
  }
}

function expectFields(url: string): void {
  if (!new URL(url).searchParams.get("fields")?.includes("preview")) throw new Error(`the preview was not asked for: ${url}`);
}

/** A WhatsApp Cloud channel pointed at the fake Meta, made through the API. */
export async function formsChannel(waba: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call("POST", "/channels", {
    type: "whatsapp_cloud",
    name: `Forms ${unique()}`,
    address: "+15550783881",
    base_url: GRAPH,
    config: { phone_number_id: String(100000 + Math.floor(Math.random() * 1e6)), access_token: "EAAG-forms-token", app_secret: APP_SECRET, verify_token: "v", business_account_id: waba, ...extra },
  });
  if (res.status !== 201) throw new Error(`channel: ${JSON.stringify(res.body)}`);
  return res.body.uuid;
}

/** A valid Flow JSON with one terminal screen (a Footer, so the fake Meta finds no error). */
export function flowJson(screen = "BOOK"): Record<string, unknown> {
  return {
    version: "7.3",
    screens: [
      {
        id: screen,
        title: "Book a visit",
        terminal: true,
        layout: { type: "SingleColumnLayout", children: [{ type: "Footer", label: "Done", "on-click-action": { name: "complete", payload: { slot: "${form.slot}" } } }] },
      },
    ],
  };
}
