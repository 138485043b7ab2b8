// The data endpoint with requests encrypted as WhatsApp encrypts them (endpoint-support.ts).
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, ORIGIN, unique } from "../api/helpers";
import { formsChannel, useFormsMeta } from "./meta-mock";
import { askEndpoint, endpointKeys, unb64 } from "./endpoint-support";

const { meta } = useFormsMeta("405590129340999");


let keys: CryptoKeyPair;
let form: { uuid: string; endpoint_url: string };
let channel: string;
const PHONE_ID = "405590000000001";

const bookingJson = {
  version: "7.3",
  data_api_version: "4.0",
  routing_model: { PICK_SLOT: ["CONFIRM"], CONFIRM: [] },
  screens: [
    { id: "PICK_SLOT", title: "Choose a slot", layout: { type: "SingleColumnLayout", children: [{ type: "Footer", label: "Next", "on-click-action": { name: "data_exchange", payload: {} } }] } },
    { id: "CONFIRM", title: "Confirm", terminal: true, layout: { type: "SingleColumnLayout", children: [{ type: "Footer", label: "Done", "on-click-action": { name: "data_exchange", payload: {} } }] } },
  ],
};

beforeAll(async () => {
  const made = await endpointKeys();
  keys = made.keys;
  const pem = made.pem;
  channel = await formsChannel(meta.waba, { flows_private_key: pem, phone_number_id: PHONE_ID });
  const created = await call("POST", "/whatsapp-forms", {
    channel,
    name: `Slots ${unique()}`,
    categories: ["APPOINTMENT_BOOKING"],
    flow_json: bookingJson,
    uses_endpoint: true,
    endpoint_screens: { PICK_SLOT: { slots: [{ id: "10", title: "10:00" }, { id: "11", title: "11:00" }] }, CONFIRM: { note: "See you soon" } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  form = created.body;
});

const ask = (payload: unknown, opts: { secret?: string; tamper?: boolean } = {}) => askEndpoint(keys.publicKey, form.endpoint_url, payload, opts);

describe("a WhatsApp form's data endpoint", () => {
  it("uploads the public key of the channel's private key to WhatsApp for its number; a request encrypted for it is answered", async () => {
    const res = await call("POST", "/whatsapp-forms/public-key", { channel });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ public_key: meta.publicKeys.get(PHONE_ID), signature_status: "VALID" });
    const pem = res.body.public_key as string;
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    // The key WhatsApp now holds is the test's own public key.
    const uploaded = await crypto.subtle.importKey("spki", unb64(pem.replace(/-----[A-Z ]+-----|\s/g, "")), { name: "RSA-OAEP", hash: "SHA-256" }, true, ["encrypt"]);
    expect(await crypto.subtle.exportKey("jwk", uploaded)).toMatchObject({ n: ((await crypto.subtle.exportKey("jwk", keys.publicKey)) as JsonWebKey).n });
    const noKey = await formsChannel(meta.waba);
    const refused = await call("POST", "/whatsapp-forms/public-key", { channel: noKey });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/no config.flows_private_key/);
  });

  it("is the form's endpoint_uri at Meta", () => {
    expect(meta.calls.find((c) => c.startsWith("POST /flows"))).toContain(`"endpoint_uri":"${form.endpoint_url}"`);
    expect(form.endpoint_url).toBe(`${ORIGIN}/channels/whatsapp-forms/${form.uuid}/endpoint`);
  });

  it("answers a health check, encrypted with the flipped IV, as plain text", async () => {
    const { res, open } = await ask({ version: "3.0", action: "ping" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(await open()).toEqual({ data: { status: "active" } });
  });

  it("opens on the entry screen with its data, moves along the routing model, and finishes with the answers", async () => {
    const init = await ask({ version: "3.0", action: "INIT", flow_token: "ft_1" });
    expect(await init.open()).toEqual({ screen: "PICK_SLOT", data: { slots: [{ id: "10", title: "10:00" }, { id: "11", title: "11:00" }] } });
    const next = await ask({ version: "3.0", action: "data_exchange", screen: "PICK_SLOT", data: { slot: "10" }, flow_token: "ft_1" });
    expect(await next.open()).toEqual({ screen: "CONFIRM", data: { note: "See you soon" } });
    const back = await ask({ version: "3.0", action: "BACK", screen: "PICK_SLOT", flow_token: "ft_1" });
    expect(await back.open()).toMatchObject({ screen: "PICK_SLOT" });
    const done = await ask({ version: "3.0", action: "data_exchange", screen: "CONFIRM", data: { slot: "10", name: "Ana" }, flow_token: "ft_1" });
    expect(await done.open()).toEqual({ screen: "SUCCESS", data: { extension_message_response: { params: { slot: "10", name: "Ana", flow_token: "ft_1" } } } });
  });

  it("acknowledges an error notification (data.error or data.error_key) and keeps it in the form's history", async () => {
    const a = await ask({ version: "3.0", action: "data_exchange", screen: "PICK_SLOT", flow_token: "ft_2", data: { error: "invalid-screen-transition", error_message: "CONFIRM is not reachable" } });
    expect(await a.open()).toEqual({ data: { acknowledged: true } });
    const b = await ask({ version: "3.0", action: "INIT", flow_token: "ft_2", data: { error_key: "payload-schema-error", error_message: "slots" } });
    expect(await b.open()).toEqual({ data: { acknowledged: true } });
    const history = (await call("GET", `/whatsapp-forms/${form.uuid}`)).body.history;
    expect(history.slice(-2).map((h: Record<string, unknown>) => [h.event, h.error])).toEqual([
      ["ENDPOINT_ERROR_NOTIFICATION", "invalid-screen-transition"],
      ["ENDPOINT_ERROR_NOTIFICATION", "payload-schema-error"],
    ]);
  });

  it("answers 421 to what does not decrypt, 432 to a bad signature, 404 for no such form", async () => {
    expect((await ask({ action: "ping" }, { tamper: true })).res.status).toBe(421);
    expect((await ask({ action: "ping" }, { secret: "another-app-secret" })).res.status).toBe(432);
    const missing = await exports.default.fetch(`${ORIGIN}/channels/whatsapp-forms/${crypto.randomUUID()}/endpoint`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
  });
});
