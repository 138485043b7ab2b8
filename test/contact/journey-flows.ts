// Journey flows for the contact object's tests: messages and journey waits in a row (docs/journeys.md).
import { call, contactByUrn, contactObject, phone, postTwilio, twilioChannel, twilioSms } from "./support";

/** A node: a message, an action, or a wait whose first exit goes on and whose other one says `otherwise` and ends. */
export type Step =
  | { say: string }
  | { action: Record<string, unknown> }
  | { wait: (exits: { next: string; other: string }) => Record<string, unknown>; otherwise?: string; result?: string }
  | { split: (exits: { next: string; other: string }) => Record<string, unknown>; otherwise?: string; result?: string };

/**
 * A flow of steps in a row; a wait's `other` category (timeout, no date) leads to its `otherwise`
 * message. A split is a router of its own (its type and what it needs besides the two categories).
 */
export function journey(name: string, type: "messaging" | "messaging_background", steps: Step[]) {
  const uuids = steps.map(() => crypto.randomUUID());
  const extra: Record<string, unknown>[] = [];
  const nodes = steps.map((step, i) => {
    const next = i + 1 < steps.length ? { destination_uuid: uuids[i + 1] } : {};
    if ("say" in step || "action" in step) {
      const action = "say" in step ? { type: "send_msg", text: step.say } : step.action;
      return { uuid: uuids[i], actions: [{ uuid: crypto.randomUUID(), ...action }], exits: [{ uuid: crypto.randomUUID(), ...next }] };
    }
    const cats = { next: crypto.randomUUID(), other: crypto.randomUUID() };
    const exits = { next: crypto.randomUUID(), other: crypto.randomUUID() };
    const otherNode = crypto.randomUUID();
    extra.push({
      uuid: otherNode,
      actions: [{ uuid: crypto.randomUUID(), type: "send_msg", text: step.otherwise ?? "otherwise" }],
      exits: [{ uuid: crypto.randomUUID() }],
    });
    return {
      uuid: uuids[i],
      actions: [],
      router: {
        result_name: step.result ?? "Waited",
        categories: [
          { uuid: cats.next, name: "Done", exit_uuid: exits.next },
          { uuid: cats.other, name: "Other", exit_uuid: exits.other },
        ],
        ...("wait" in step ? { type: "switch", operand: "", cases: [], default_category_uuid: cats.next, wait: step.wait(cats) } : step.split(cats)),
      },
      exits: [
        { uuid: exits.next, ...next },
        { uuid: exits.other, destination_uuid: otherNode },
      ],
    };
  });
  return { uuid: crypto.randomUUID(), name, spec_version: "14.4.2", language: "eng", type, nodes: [...nodes, ...extra] };
}

/** A contact who has written once to a Twilio channel of its own (so flows' messages go back through it). */
export async function journeyContact(extra: Record<string, unknown> = {}) {
  const channel = await twilioChannel();
  const from = phone();
  await postTwilio(channel.uuid, twilioSms(channel, from, "hi there"));
  const contact = (await contactByUrn(`tel:${from}`))!;
  if (Object.keys(extra).length) {
    const r = await call("PATCH", `/contacts/${contact}`, extra);
    if (r.status !== 200) throw new Error(`contact: ${JSON.stringify(r.body)}`);
  }
  const reply = (text: string) => postTwilio(channel.uuid, twilioSms(channel, from, text));
  return { channel, from, contact, reply, stub: contactObject(contact) };
}

export async function startFor(flow: string, contact: string) {
  const r = await call("POST", `/flows/${flow}/start`, { contacts: [contact] });
  if (r.status !== 200 || r.body.results?.[0]?.status !== "started") throw new Error(`start: ${JSON.stringify(r.body)}`);
}
