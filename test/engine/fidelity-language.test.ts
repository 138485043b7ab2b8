// Which language a flow speaks (issue #12, point 4): goflow uses the contact's language only when
// the environment's allowed_languages lists it, else the first allowed language, and with none
// allowed the flow's own language. `base` (before 13.2.0) is never a locale.
import { describe, expect, it } from "vitest";
import { assets, contact, engine, linearFlow, ofType, u } from "./engine-support";

const F = "a3000000-0000-4000-8000-000000000000";
const flow = (language: string) =>
  linearFlow(F, "Hello", [{ actions: [{ uuid: u(1), type: "send_msg", text: "Hello" }] }], {
    language,
    localization: { spa: { [u(1)]: { text: ["Hola"] } }, fra: { [u(1)]: { text: ["Bonjour"] } } },
  });

async function sent(contactLanguage: string, environment: Record<string, unknown>, language = "eng") {
  const f = flow(language);
  const trigger = { type: "manual" as const, flow: { uuid: F, name: "Hello" }, contact: contact({ language: contactLanguage }), environment, triggered_on: "2025-05-04T12:30:00Z" };
  const { events } = await engine().start(assets(f), trigger);
  const msg = ofType(events, "msg_created")[0].msg;
  return [msg.text, msg.locale];
}

describe("the language a message is sent in", () => {
  it("is the flow's own when no language is allowed, whatever the contact's", async () => {
    expect(await sent("spa", { default_country: "US" })).toEqual(["Hello", "eng-US"]);
  });

  it("is the contact's when it is allowed", async () => {
    expect(await sent("spa", { allowed_languages: ["eng", "spa"], default_country: "US" })).toEqual(["Hola", "spa-US"]);
  });

  it("is the first allowed one when the contact's is not allowed", async () => {
    expect(await sent("kin", { allowed_languages: ["fra", "eng"], default_country: "RW" })).toEqual(["Bonjour", "fra-RW"]);
  });

  it("never puts 'base' or 'und' in a locale", async () => {
    expect(await sent("eng", { default_country: "US" }, "base")).toEqual(["Hello", undefined]);
    expect(await sent("eng", { default_country: "US" }, "und")).toEqual(["Hello", undefined]);
  });
});
