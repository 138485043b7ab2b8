/** Eddy set up through its REST API, as a user would: a Twilio channel, a published flow, a keyword trigger, contacts. */
import { randomUUID } from "node:crypto";
import { api, createTwilioChannel } from "../starts/eddy";

export const KEYWORD = "join";
const FIRST_NAMES = ["Ana", "Ben", "Joy", "Kofi", "Lena"];

/** Contact `i`: a Rwandan mobile number and a name, so the replies' templates have something to render. */
export const contactPhone = (i: number) => `+25078${String(1_000_000 + i).padStart(7, "0")}`;
const firstName = (i: number) => FIRST_NAMES[i % FIRST_NAMES.length];
const contactName = (i: number) => `${firstName(i)} Mugisha`;

/** What contact `i` sends at each step, and the reply Eddy must send back. */
export function exchange(i: number, step: number): { text: string; reply: string } {
  if (step === 0) return { text: KEYWORD, reply: `Hi ${contactName(i)}, you said ${KEYWORD}` };
  return { text: `answer ${i}`, reply: `Thanks ${firstName(i)}, we got: answer ${i}` };
}

/**
 * Keyword → templated reply → wait for any answer → a second templated reply. The wait has its own
 * node because goflow skips a wait on the first node of a flow started by a message (the keyword
 * would answer it).
 */
function flowDefinition(): Record<string, unknown> {
  const [greet, wait, thank, answered, answeredExit] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const action = (text: string) => ({ uuid: randomUUID(), type: "send_msg", text });
  return {
    uuid: randomUUID(),
    name: "Bench join",
    spec_version: "14.4.2",
    language: "eng",
    type: "messaging",
    nodes: [
      { uuid: greet, actions: [action("Hi @contact.name, you said @input.text")], exits: [{ uuid: randomUUID(), destination_uuid: wait }] },
      {
        uuid: wait,
        actions: [],
        router: {
          type: "switch",
          operand: "@input.text",
          result_name: "Answer",
          wait: { type: "msg" },
          cases: [],
          categories: [{ uuid: answered, name: "All Responses", exit_uuid: answeredExit }],
          default_category_uuid: answered,
        },
        exits: [{ uuid: answeredExit, destination_uuid: thank }],
      },
      { uuid: thank, actions: [action("Thanks @contact.first_name, we got: @results.answer")], exits: [{ uuid: randomUUID() }] },
    ],
  };
}

/** Sets Eddy up for contacts 0 to `contacts - 1`; returns the channel's receive URL (what Twilio signs). */
export async function setUpEddy(origin: string, token: string, providerBaseUrl: string, contacts: number, concurrency: number): Promise<string> {
  const call = api(origin, token);
  const channel = await createTwilioChannel(call, providerBaseUrl);
  const flow = await call("POST", "/flows", { name: "Bench join", type: "messaging", definition: flowDefinition() });
  await call("POST", `/flows/${flow.uuid}/publish`);
  await call("POST", "/triggers", { type: "keyword", flow: flow.uuid, channel: channel.uuid, keywords: [KEYWORD], match_type: "first_word" });

  let next = 0;
  const worker = async () => {
    for (let i = next++; i < contacts; i = next++) await call("POST", "/contacts", { name: contactName(i), urns: [`tel:${contactPhone(i)}`] });
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (channel.webhooks as { receive: string }).receive;
}
