import { z } from "zod";
import { DEFAULT_BASE, whatsappCloudConfig } from "../channels/whatsapp_cloud";
import type { Channel } from "../channels/types";
import { readCapped } from "../../durable/engine/services";
import { MAX_FLOW_JSON_CHARS } from "./flow-json";

/**
 * Meta's Flows API (Graph API, docs/whatsapp-forms.md), reached at the channel's API base URL with
 * its access token. Every call is one subrequest; a refusal comes back as a GraphError carrying
 * Meta's code and message.
 */
export class GraphError extends Error {
  constructor(
    /** Meta's HTTP status; 0 when Meta could not be reached. */
    readonly status: number,
    /** Meta's error code (139002: publish refused, 100: name taken, ...). */
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export const ValidationError = z.looseObject({ error: z.string().optional(), error_type: z.string().optional(), message: z.string().optional() });

export const MetaFlow = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  categories: z.array(z.string()).default([]),
  validation_errors: z.array(ValidationError).default([]),
  json_version: z.string().optional(),
  endpoint_uri: z.string().optional(),
  preview: z.object({ preview_url: z.string(), expires_at: z.string().optional() }).optional(),
  /** Whether WhatsApp lets the form be sent now (AVAILABLE, LIMITED, BLOCKED), and why, per entity. */
  health_status: z
    .looseObject({
      can_send_message: z.string(),
      entities: z.array(z.looseObject({ entity_type: z.string().optional(), can_send_message: z.string().optional(), errors: z.array(z.looseObject({ error_description: z.string().optional() })).optional() })).optional(),
    })
    .optional(),
});
export type MetaFlow = z.infer<typeof MetaFlow>;

export interface Graph {
  create(body: { name: string; categories: string[]; clone_flow_id?: string; endpoint_uri?: string }): Promise<{ id: string; validation_errors: z.infer<typeof ValidationError>[] }>;
  update(flowId: string, body: { name?: string; categories?: string[] }): Promise<void>;
  uploadJson(flowId: string, json: Record<string, unknown>): Promise<z.infer<typeof ValidationError>[]>;
  get(flowId: string): Promise<MetaFlow>;
  publish(flowId: string): Promise<void>;
  deprecate(flowId: string): Promise<void>;
  remove(flowId: string): Promise<void>;
  /** Sends a Cloud API message from the channel's number; returns WhatsApp's message id. */
  send(message: Record<string, unknown>): Promise<string>;
  /** Uploads the business public key for the channel's phone number, and reads back its signature status. */
  uploadPublicKey(pem: string): Promise<string | null>;
  /** One page of the account's flows; `after` is the previous page's cursor. */
  list(after?: string): Promise<{ flows: MetaFlow[]; after?: string }>;
  /** The form's Flow JSON, its `flow.json` asset: listed, then downloaded (two calls); null when it has none. */
  flowJson(flowId: string): Promise<Record<string, unknown> | null>;
}

const Assets = z.object({ data: z.array(z.looseObject({ name: z.string().optional(), asset_type: z.string().optional(), download_url: z.string().optional() })).default([]) });

const FIELDS = "id,name,status,categories,validation_errors,json_version,endpoint_uri,preview.invalidate(false),health_status";
export const LIST_PAGE = 100;

/** The Graph client of a WhatsApp Cloud channel; throws a 400-worthy message when the channel can't have forms. */
export function graphFor(channel: Channel, fetcher: typeof fetch = fetch): { graph: Graph; wabaId: string } {
  const parsed = whatsappCloudConfig.safeParse(channel.config);
  if (channel.type !== "whatsapp_cloud" || !parsed.success) throw new Error(`channel ${channel.uuid} is not a WhatsApp Cloud channel`);
  const cfg = parsed.data;
  const wabaId = cfg.business_account_id;
  if (!wabaId) throw new Error(`channel ${channel.uuid} has no config.business_account_id (the WhatsApp Business Account id)`);
  const version = cfg.api_version.startsWith("v") ? cfg.api_version : `v${cfg.api_version}`;
  const root = `${(channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "")}/${version}`;
  const auth = { authorization: `Bearer ${cfg.access_token}` };

  async function call(method: string, path: string, body?: BodyInit, json = false): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await fetcher(`${root}/${path}`, { method, headers: json ? { ...auth, "content-type": "application/json" } : auth, body });
    } catch {
      throw new GraphError(0, undefined, "WhatsApp could not be reached");
    }
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // Not JSON (a proxy's error page): the status says enough.
    }
    if (!res.ok) {
      const e = (parsed.error ?? {}) as { message?: unknown; code?: unknown; error_user_msg?: unknown };
      const message = [e.message, e.error_user_msg].filter((x) => typeof x === "string" && x).join(": ") || `HTTP ${res.status}`;
      // The token never reaches an error message: Meta does not echo it, and it is scrubbed in case a proxy does.
      throw new GraphError(res.status, typeof e.code === "number" ? e.code : undefined, message.split(cfg.access_token).join("***"));
    }
    return parsed;
  }

  const graph: Graph = {
    async create(body) {
      const r = await call("POST", `${wabaId}/flows`, JSON.stringify(body), true);
      return { id: String(r.id), validation_errors: z.array(ValidationError).catch([]).parse(r.validation_errors ?? []) };
    },
    async update(flowId, body) {
      await call("POST", encodeURIComponent(flowId), JSON.stringify(body), true);
    },
    async uploadJson(flowId, json) {
      const form = new FormData();
      form.set("file", new Blob([JSON.stringify(json)], { type: "application/json" }), "flow.json");
      form.set("name", "flow.json");
      form.set("asset_type", "FLOW_JSON");
      const r = await call("POST", `${encodeURIComponent(flowId)}/assets`, form);
      return z.array(ValidationError).catch([]).parse(r.validation_errors ?? []);
    },
    async get(flowId) {
      return MetaFlow.parse(await call("GET", `${encodeURIComponent(flowId)}?fields=${FIELDS}`));
    },
    async publish(flowId) {
      await call("POST", `${encodeURIComponent(flowId)}/publish`);
    },
    async deprecate(flowId) {
      await call("POST", `${encodeURIComponent(flowId)}/deprecate`);
    },
    async remove(flowId) {
      await call("DELETE", encodeURIComponent(flowId));
    },
    async send(message) {
      const r = await call("POST", `${cfg.phone_number_id}/messages`, JSON.stringify({ messaging_product: "whatsapp", recipient_type: "individual", ...message }), true);
      const id = (r.messages as { id?: unknown }[] | undefined)?.[0]?.id;
      if (typeof id !== "string") throw new GraphError(502, undefined, "response without messages[0].id");
      return id;
    },
    async uploadPublicKey(pem) {
      const path = `${cfg.phone_number_id}/whatsapp_business_encryption`;
      await call("POST", path, new URLSearchParams({ business_public_key: pem }));
      const r = await call("GET", path);
      // Meta's page shows a flat object, its Postman collection wraps it in data[]: both are read.
      const flat = (Array.isArray(r.data) ? r.data[0] : r) as { business_public_key_signature_status?: unknown } | undefined;
      return typeof flat?.business_public_key_signature_status === "string" ? flat.business_public_key_signature_status : null;
    },
    async list(after) {
      const q = new URLSearchParams({ fields: "id,name,status,categories,validation_errors,json_version", limit: String(LIST_PAGE) });
      if (after) q.set("after", after);
      const r = await call("GET", `${wabaId}/flows?${q}`);
      const page = z.object({ data: z.array(MetaFlow).default([]), paging: z.object({ cursors: z.object({ after: z.string().optional() }).optional(), next: z.string().optional() }).optional() }).parse(r);
      // Meta gives a cursor on the last page too; only `next` says there is more.
      return { flows: page.data, ...(page.paging?.next && page.paging.cursors?.after ? { after: page.paging.cursors.after } : {}) };
    },
    async flowJson(flowId) {
      const assets = Assets.parse(await call("GET", `${encodeURIComponent(flowId)}/assets`));
      const asset = assets.data.find((a) => a.asset_type === "FLOW_JSON" || a.name === "flow.json");
      if (!asset?.download_url || !/^https:\/\//.test(asset.download_url)) return null;
      // A signed download URL on Meta's CDN: the access token is not sent there.
      let res: Response;
      try {
        res = await fetcher(asset.download_url);
      } catch {
        throw new GraphError(0, undefined, "the form's flow.json could not be downloaded");
      }
      if (!res.ok) throw new GraphError(res.status, undefined, `downloading the form's flow.json: HTTP ${res.status}`);
      const text = await readCapped(res, MAX_FLOW_JSON_CHARS + 1);
      if (text.length > MAX_FLOW_JSON_CHARS) return null;
      try {
        const json = JSON.parse(text) as unknown;
        return json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
      } catch {
        return null;
      }
    },
  };
  return { graph, wabaId };
}
