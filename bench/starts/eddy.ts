/** Eddy set up through its REST API for a start: a Twilio channel at the mock, and the seeds' 3-action background flow. */
import { randomUUID } from "node:crypto";
import { ACCOUNT_SID, AUTH_TOKEN, CHANNEL_NUMBER } from "../webhook/twilio";

export type Api = (method: string, path: string, body?: unknown) => Promise<Record<string, any>>;

export function api(origin: string, token: string): Api {
  return async (method, path, body) => {
    const res = await fetch(`${origin}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, any>;
    if (res.status >= 300) throw new Error(`${method} /api/v1${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/** The bench's Twilio channel, its sends at the mock API: returns the created channel. */
export function createTwilioChannel(call: Api, providerBaseUrl: string): Promise<Record<string, any>> {
  return call("POST", "/channels", {
    type: "twilio",
    name: "Bench SMS",
    address: CHANNEL_NUMBER,
    config: { account_sid: ACCOUNT_SID, auth_token: AUTH_TOKEN },
    base_url: providerBaseUrl,
    // The API's maximum: the bench measures Eddy, not a long code's 1 SMS a second.
    sends_per_second: 1000,
  });
}

export const MESSAGE = "Week @trigger.params.week: your reminder, @contact.first_name";

/** Set a field from the start's params, add to a group, send a message: returns the published flow's UUID. */
export async function setUpBackgroundFlow(call: Api, providerBaseUrl: string): Promise<string> {
  await createTwilioChannel(call, providerBaseUrl);
  await call("POST", "/fields", { key: "week", name: "Week", type: "text" });
  const reached = await call("POST", "/groups", { name: "Reached" });
  const action = (a: Record<string, unknown>) => ({ uuid: randomUUID(), ...a });
  const flow = await call("POST", "/flows", {
    name: "Weekly reminder",
    type: "messaging_background",
    definition: {
      uuid: randomUUID(),
      name: "Weekly reminder",
      spec_version: "14.4.2",
      language: "eng",
      type: "messaging_background",
      nodes: [
        {
          uuid: randomUUID(),
          actions: [
            action({ type: "set_contact_field", field: { key: "week", name: "Week" }, value: "@trigger.params.week" }),
            action({ type: "add_contact_groups", groups: [{ uuid: reached.uuid, name: "Reached" }] }),
            action({ type: "send_msg", text: MESSAGE }),
          ],
          exits: [{ uuid: randomUUID() }],
        },
      ],
    },
  });
  await call("POST", `/flows/${flow.uuid}/publish`);
  return flow.uuid;
}
