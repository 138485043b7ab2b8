// Helpers for starts: contacts who have written in on a Twilio channel, groups, and waiting for a
// start's coordinator (its alarms run by themselves) to finish.
import { expect } from "vitest";
import { call, contactByUrn, phone, postTwilio, runsOf as runsInD1, twilioChannel, twilioSms, unique } from "../contact/support";
import { landed } from "../contact/landed";

export async function channel() {
  return twilioChannel();
}

/** A contact who has written in once (so flows can answer them), in no flow. */
export async function newContact(ch: { uuid: string; address: string }) {
  const from = phone();
  await postTwilio(ch.uuid, twilioSms(ch, from, "hello"));
  const uuid = (await contactByUrn(`tel:${from}`))!;
  return { uuid, from, reply: (text: string) => postTwilio(ch.uuid, twilioSms(ch, from, text)) };
}

export async function group(members: string[]): Promise<string> {
  const g = await call("POST", "/groups", { name: `Group ${unique()}` });
  expect(g.status).toBe(201);
  if (members.length) expect((await call("POST", `/groups/${g.body.uuid}/members`, { contacts: members })).status).toBe(200);
  return g.body.uuid;
}

export async function startNow(body: Record<string, unknown>) {
  const r = await call("POST", "/starts", body);
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body as { uuid: string };
}

/** The start once its status is one of `statuses` (by default: finished). */
export async function settled(uuid: string, statuses = ["completed", "cancelled", "failed"], until: (s: any) => boolean = () => true, tries = 400) {
  for (let i = 0; i < tries; i++) {
    const r = await call("GET", `/starts/${uuid}`);
    if (statuses.includes(r.body.status) && until(r.body)) return r.body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`start ${uuid} did not settle: ${JSON.stringify((await call("GET", `/starts/${uuid}`)).body)}`);
}

/** The contact's runs in D1, once what its object wrote behind has landed. */
export async function runsOf(contact: string) {
  await landed(contact);
  return runsInD1(contact);
}

export async function fieldsOf(contact: string): Promise<Record<string, unknown>> {
  await landed(contact);
  return (await call("GET", `/contacts/${contact}`)).body.fields;
}
