import { Hono } from "hono";
import { z } from "zod";
import { hmac, safeEqual, toHex } from "../channels/shared/crypto";
import { CHANNEL_COLUMNS, channelFromRow } from "../channels/stored";
import { whatsappCloudConfig } from "../channels/whatsapp_cloud";
import { answer, EndpointRequest, type FormForEndpoint } from "./endpoint-answers";
import { decryptRequest, encryptResponse } from "./endpoint-crypto";
import { flowParams, runScreenFlow, tokenContact } from "./endpoint-flows";
import { appendHistory } from "./history";

/**
 * A form's data endpoint, `POST /channels/whatsapp-forms/{uuid}/endpoint` (the URL to give Meta
 * as the form's endpoint_uri). Meta signs the raw body with the app secret (432 when it does not
 * match) and encrypts it for the channel's flows_private_key (421 when it does not open, so the
 * client fetches the public key again). One D1 read per request, a write for an error
 * notification; a screen computed by a flow reads the token's send and calls the contact's object.
 */
type Env = { Bindings: Cloudflare.Env };

const b64 = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9+/=_-]+$/, "must be base64");
const Envelope = z.object({ encrypted_flow_data: b64(1_500_000), encrypted_aes_key: b64(1024), initial_vector: b64(64) });

const problem = (status: number, message: string) => Response.json({ error: status === 404 ? "not_found" : "invalid", message }, { status });

export const formEndpoint = new Hono<Env>().post("/channels/whatsapp-forms/:uuid/endpoint", async (c) => {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > 2_000_000) return problem(413, "the body is larger than 2000000 bytes");
  const row = await c.env.DB.prepare(`SELECT f.name, f.flow_json, f.endpoint_screens, f.history, ${CHANNEL_COLUMNS.split(", ").map((col) => `ch.${col}`).join(", ")} FROM whatsapp_forms f JOIN channels ch ON ch.uuid = f.channel_uuid WHERE f.uuid = ?`)
    .bind(c.req.param("uuid"))
    .first<Record<string, unknown>>();
  if (!row) return problem(404, "no such WhatsApp form");
  const cfg = whatsappCloudConfig.safeParse((await channelFromRow(row)).config);
  if (!cfg.success || !cfg.data.flows_private_key) return problem(503, "the form's channel has no flows_private_key: set it (docs/whatsapp-forms.md)");

  const raw = await c.req.text();
  const sig = c.req.header("x-hub-signature-256") ?? "";
  const expected = `sha256=${toHex(await hmac("SHA-256", cfg.data.app_secret, raw))}`;
  if (!safeEqual(sig.toLowerCase(), expected)) return problem(432, "bad or missing X-Hub-Signature-256");

  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return problem(400, "body: not JSON");
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return problem(400, `${envelope.error.issues[0].path.join(".")}: ${envelope.error.issues[0].message}`);
  const opened = await decryptRequest(cfg.data.flows_private_key, envelope.data);
  if (!opened) return problem(421, "the request does not decrypt with this channel's flows_private_key");
  const req = EndpointRequest.safeParse(opened.request);
  if (!req.success) return problem(400, `request: ${req.error.issues[0].path.join(".")}: ${req.error.issues[0].message}`);

  const form: FormForEndpoint = { flowJson: row.flow_json ? JSON.parse(String(row.flow_json)) : null, endpointScreens: JSON.parse(String(row.endpoint_screens)) };
  const result = answer(form, req.data);
  if (result.kind === "refused") return problem(400, result.message);
  const seal = async (body: unknown) => new Response(await encryptResponse(opened.session, body), { headers: { "content-type": "text/plain" } });
  if (result.kind === "flow") {
    const uuid = c.req.param("uuid");
    const contact = await tokenContact(c.env.DB, uuid, req.data.flow_token);
    // Meta's "flow token no longer valid": WhatsApp shows error_msg and disables the form's button.
    if (!contact) return Response.json({ error_msg: "This form has expired. Ask for a new one." }, { status: 427 });
    const params = flowParams({ uuid, name: String(row.name) }, req.data, result.screen);
    const out = await runScreenFlow(c.env, new URL(c.req.url).origin, contact, result.flow, params);
    if ("data" in out) return seal({ screen: result.screen, data: out.data });
    console.error("whatsapp form", uuid, "screen", result.screen, out.error);
    // data.error_message shows the screen the contact is on again with the message (Meta's protocol).
    return seal({ screen: req.data.screen ?? result.screen, data: { error_message: "Sorry, this is not available right now. Please try again." } });
  }
  if (result.notification) {
    const history = appendHistory(JSON.parse(String(row.history)), { ...result.notification, at: new Date().toISOString(), source: "webhook" });
    await c.env.DB.prepare("UPDATE whatsapp_forms SET history = ?, modified_on = ? WHERE uuid = ?").bind(JSON.stringify(history), new Date().toISOString(), c.req.param("uuid")).run();
  }
  return seal(result.body);
});
