// `npm run --silent replay -- CASE.json` run as a user runs it: every case of the regression suite
// must print its stored outputs, and bad input must fail clearly.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { KNOWN_FAILING } from "../engine/cases/known-failing";

const ROOT = resolve(__dirname, "../..");
const CASES = join(ROOT, "test/engine/cases");

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function replay(...args: string[]): Promise<Ran> {
  return new Promise((done, fail) => {
    const p = spawn("npm", ["run", "--silent", "replay", "--", ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", fail);
    p.on("close", (code) => done({ code, stdout, stderr }));
  });
}

const caseFiles = readdirSync(CASES)
  .filter((f) => f.endsWith(".test.json"))
  .sort();

type Event = { type: string; [k: string]: any };
type Output = { events: Event[]; session: any };
const printed = new Map<string, Output[]>();

// One process per case, a few at a time: each is a cold tsx start, and all at once starve a small machine.
beforeAll(async () => {
  const runs: Ran[] = [];
  let next = 0;
  const worker = async () => {
    while (next < caseFiles.length) {
      const i = next++;
      runs[i] = await replay(join(CASES, caseFiles[i]));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  runs.forEach((r, i) => {
    if (r.code !== 0) throw new Error(`replay ${caseFiles[i]} exited ${r.code}: ${r.stderr}`);
    printed.set(caseFiles[i], (JSON.parse(r.stdout) as { outputs: Output[] }).outputs);
  });
}, 600_000);

const out = (name: string) => printed.get(`${name}.test.json`)!;
const ofType = (o: Output, type: string) => o.events.filter((e) => e.type === type);
const texts = (o: Output) => ofType(o, "msg_created").map((e) => e.msg.text);
const results = (o: Output) => ofType(o, "run_result_changed").map((e) => `${e.name}=${e.value}|${e.category}`);

describe("replay prints the stored outputs of every case", () => {
  it("has the suite", () => expect(caseFiles.length).toBeGreaterThanOrEqual(20));

  for (const f of caseFiles) {
    const run = f in KNOWN_FAILING ? it.fails : it;
    run(f, () => {
      const stored = JSON.parse(readFileSync(join(CASES, f), "utf8")).outputs;
      expect(printed.get(f)).toEqual(stored);
    });
  }
});

describe("what a user sees in the replays", () => {
  it("the example flow asks, waits an hour, takes the answer and sends the webhook's code", () => {
    const [start, reply] = out("example.answered");
    expect(texts(start)).toEqual(["Hi Ben, how old are you?"]);
    expect(start.session.status).toBe("waiting");
    expect(start.session.wait).toMatchObject({ type: "msg", timeout_seconds: 3600 });
    expect(ofType(start, "msg_wait")[0].timeout_seconds).toBe(3600);
    // expire_after_minutes is 1440: the wait expires a day after the replay clock's start.
    expect(start.session.wait.expires_on).toMatch(/^2025-05-05T12:3\d:\d\d\.123456789Z$/);

    expect(results(reply)).toEqual(["Age=25|Valid"]);
    expect(ofType(reply, "webhook_called")[0]).toMatchObject({ status: "success", status_code: 200, url: "https://example.org/hooks/age" });
    expect(texts(reply)).toEqual(["Thanks! Your code is AB12"]);
    expect(reply.session.status).toBe("completed");
    expect(reply.session.runs[0]).toMatchObject({ status: "completed", results: { age: { value: "25", category: "Valid" } } });
    expect(reply.session.contact.fields.age).toEqual({ text: "25", number: 25 });
    expect(reply.session.contact.groups.map((g: any) => g.name)).toEqual(["Registered"]);
  });

  it("asks again after an invalid answer", () => {
    const outputs = out("example.invalid_then_valid");
    expect(outputs.map(results)).toEqual([[], ["Age=no idea|Other"], ["Age=130|Other"], ["Age=42|Valid"]]);
    expect(texts(outputs[1])).toEqual(["Hi Ben, how old are you?"]);
    expect(outputs.map((o) => o.session.status)).toEqual(["waiting", "waiting", "waiting", "completed"]);
  });

  it("times out, expires, survives a failing webhook and speaks Spanish", () => {
    const timedOut = out("example.timeout")[1];
    expect(results(timedOut)).toEqual(["Age=|No Response"]);
    expect(texts(timedOut)).toEqual(["No problem, we'll ask again tomorrow."]);

    const expired = out("example.expiration")[1];
    expect(expired.events.map((e) => e.type)).toEqual(["run_ended"]);
    expect(expired.session.runs[0].status).toBe("expired");

    const failed = out("example.webhook_failure")[1];
    expect(ofType(failed, "webhook_called")[0]).toMatchObject({ status: "response_error", status_code: 503 });
    expect(texts(failed)).toEqual([]);
    expect(failed.session.contact.groups).toEqual([]);

    const [asked, noReply] = out("example.spanish");
    expect(texts(asked)).toEqual(["Hola Ben, ¿cuántos años tienes?"]);
    expect(ofType(noReply, "run_result_changed")[0]).toMatchObject({ category: "No Response", category_localized: "Sin respuesta" });
  });

  it("lets a keyword message answer the first question", () => {
    const [only] = out("example.msg_trigger");
    expect(ofType(only, "msg_wait")).toEqual([]);
    expect(results(only)).toEqual(["Age=33|Valid"]);
    expect(only.session.status).toBe("completed");
  });

  it("carries results through a survey", () => {
    const outputs = out("survey.completed");
    expect(texts(outputs[4])).toEqual(["Sarah Jones: 3 children (Valid), likes it: Yes. Bye!"]);
    expect(outputs[4].session.contact.name).toBe("Sarah Jones");
    expect(outputs[1].session.wait.timeout_seconds).toBe(300);
    expect(texts(out("survey.timeout")[3])).toEqual(["Sarah:  children (No Response), likes it: Other. Bye!"]);
  });

  it("routes one reply per router test family", () => {
    const answers = ["routers.numbers_and_contacts", "routers.dates_and_words"].flatMap((c) =>
      out(c)
        .slice(1)
        .map((o) => ofType(o, "run_result_changed").find((e) => e.name === "Answer")!.category),
    );
    expect(answers).toEqual([
      "Email", "Phone", "Code", "Negative", "Answer", "Small", "Big", "Up To 100", "From 500", "Number",
      "Old Date", "Today", "Far Date", "Date", "Time", "Greeting", "Both Colors", "Phrase", "Yes", "Maybe", "Text", "Other", "Stop",
    ]);
    expect(texts(out("routers.dates_and_words")[6])[0]).toBe("Greeting (Hello) / Friendly / Tester");
  });

  it("draws a random branch, runs sub-flows and canned webhooks", () => {
    expect(results(out("random.split")[0])).toEqual([expect.stringMatching(/^Variant=0\.\d+\|B$/)]);
    expect(texts(out("subflow.completed")[0])).toEqual(["Colours for Ben: what is your favourite colour?"]);
    expect(texts(out("subflow.completed")[1])).toEqual(["The child said Blue (Primary)"]);
    expect(texts(out("subflow.expired")[1])).toEqual(["The child flow expired"]);
    // A run's path shows in the outputs up to the sprint it ended in, not after (goflow).
    const paths = out("ended_runs.child_then_parent").map((o) => o.session.runs.map((r: { path: unknown[] }) => r.path.length));
    expect(paths).toEqual([[1, 1], [2, 1], [3, 0]]);
    expect(texts(out("ended_runs.child_then_parent")[2])).toEqual(["Large Blue it is."]);
    // Glific's interactive messages: the options are quick replies, the taps route as replies.
    const glific = out("glific_interactive.whatsapp");
    expect(glific.map((o) => ofType(o, "msg_created")[0].msg.interactive?.type)).toEqual(["buttons", "list", "location_request", undefined]);
    expect(ofType(glific[1], "msg_created")[0].msg.quick_replies.map((q: { text: string }) => q.text)).toEqual(["Kigali", "Huye", "Kampala"]);
    expect(texts(glific[3])).toEqual(["Yes, Kigali, geo:-1.9441,30.0619"]);
    const hooks = out("webhook.canned").slice(1).map((o) => ofType(o, "webhook_called")[0].status);
    expect(hooks).toEqual(["response_error", "connection_error", "success"]);
    expect(texts(out("webhook.canned")[3])).toEqual(["Order C19 is shipped, items: soap, rice"]);
  });

  it("emits the events the caller carries out, and contact changes", () => {
    const [all] = out("messaging_actions.all");
    expect(all.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["input_labels_added", "email_sent", "ticket_opened", "session_triggered", "broadcast_created"]),
    );
    expect(ofType(all, "email_sent")[0]).toMatchObject({ to: ["support@example.com", "boss@example.com"], subject: "Help for Ben Haggerty" });
    const ticket = ofType(all, "ticket_opened")[0].ticket.uuid;
    expect(texts(out("messaging_actions.flow_action")[0])).toEqual([`Reminder for Ann: Ben Haggerty opened ticket ${ticket} (flow_action)`]);

    const contact = out("contact_actions.all")[0].session.contact;
    expect(contact).toMatchObject({ name: "Bob Smith", language: "spa", timezone: "Africa/Kigali", status: "active", groups: [] });
    expect(contact.urns[0]).toBe("whatsapp:12065551212?channel=a7b8c9d0-1e2f-4a3b-8c4d-5e6f7a8b9c0d");
    expect(ofType(out("contact_actions.all")[0], "msg_created")[1].msg.unsendable_reason).toBe("contact_blocked");
  });

  it("fails runs clearly: the step limit and an unsupported action", () => {
    const [loop] = out("loop.step_limit");
    expect(loop.session.status).toBe("failed");
    expect(ofType(loop, "failure")[0].text).toBe("reached maximum number of steps per sprint (100)");

    const [llm] = out("unsupported.call_llm");
    expect(texts(llm)).toEqual(["Before"]);
    expect(ofType(llm, "failure")[0].text).toMatch(/call_llm.*not supported/);
    expect(llm.session.runs[0].status).toBe("failed");
  });

  it("runs a 13.x definition after migrating it", () => {
    expect(texts(out("migrated.registration")[1])).toEqual(["Thanks Bob, you are registered."]);
  });

  it("runs the journey elements: variables, segment audience, call API, add to flow (docs/journeys.md)", () => {
    expect(texts(out("variables.event_saved")[1])).toEqual(["Thanks for your SHOE-42 order of 120.5: 12 points, and you are a VIP now"]);
    expect(ofType(out("variables.wrong_type")[1], "error")[0].text).toBe(`the event's "amount": variable "cart_total" is decimal, text "lots" is not a number: not set`);

    expect(texts(out("segments.big_spender")[0])).toEqual(["Thanks for being one of our best customers, Ben"]);
    expect(texts(out("segments.lapsed")[0])).toEqual(["We miss you! Here is 20% off"]);
    expect(texts(out("segments.others")[0])).toEqual(["Have a look at what is new"]);

    const [ok] = out("call_api.success");
    expect(ofType(ok, "webhook_called")[0].request).toContain("Authorization: Bearer sk_test_123");
    expect(texts(ok)).toEqual(["Your order is shipped, total 59.9"]);
    expect(ofType(ok, "error")[0].text).toContain(`"order.items" is an array, not a value`);
    expect(results(out("call_api.server_error")[0])[0]).toBe("Order=503|5xx");
    expect(results(out("call_api.no_response")[0])[0]).toBe("Order=0|No response");

    const [referral] = out("add_to_flow.referral");
    expect(texts(referral)).toEqual(["Thanks for the referral, Ben", "Your gold plan is ready, recommended by Ben"]);
    expect(ofType(referral, "session_triggered")[0]).toMatchObject({ urns: ["tel:+12065551313"], _variables: { referrer: "Ben Haggerty" } });
    expect(texts(out("add_to_flow.invited")[0])).toEqual(["Ben Haggerty invited you to try Eddy, reply YES to join"]);

    expect(texts(out("cart_journey.big_cart")[1])).toEqual(["Your 149.9 cart is waiting, here is free shipping"]);
    expect(texts(out("cart_journey.big_cart")[2])).toEqual(["Thanks for your order of 149.9"]);
    expect(texts(out("cart_journey.small_cart")[1])).toEqual(["You left something in your cart"]);
    expect(texts(out("cart_journey.small_cart")[2])).toEqual(["Your cart expires today"]);
  });
});

describe("replay refuses bad input clearly", () => {
  const dir = mkdtempSync(join(tmpdir(), "eddy-replay-"));
  const example = readFileSync(join(CASES, "example.answered.test.json"), "utf8");

  it("explains itself with --help", async () => {
    const r = await replay("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/http_mocks/);
    expect(r.stdout).toMatch(/two_questions\.test_x\.json takes two_questions\.json/);
  });

  it("a missing case file", async () => {
    const r = await replay(join(dir, "nope.test.json"));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/cannot read case .*nope\.test\.json: no such file/);
  });

  it("a missing assets file", async () => {
    writeFileSync(join(dir, "orphan.test.json"), example);
    const r = await replay(join(dir, "orphan.test.json"));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/cannot read assets file .*orphan\.json: no such file/);
  });

  it("a case that is not JSON", async () => {
    writeFileSync(join(dir, "broken.test.json"), "{ not json");
    const r = await replay(join(dir, "broken.test.json"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/broken\.test\.json is not valid JSON/);
  });

  it("a case that fails its schema names the field", async () => {
    const bad = JSON.parse(example);
    delete bad.contact;
    bad.resumes = [{ type: "msg_typo" }];
    writeFileSync(join(dir, "example.json"), readFileSync(join(CASES, "example.json")));
    writeFileSync(join(dir, "example.bad.test.json"), JSON.stringify(bad));
    const r = await replay(join(dir, "example.bad.test.json"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/invalid case/);
    expect(r.stderr).toMatch(/contact/);
    expect(r.stderr).toMatch(/resumes\[0\]\.type/);
  });

  it("a flow the engine refuses to load (a voice action in a messaging flow)", async () => {
    const assets = JSON.parse(readFileSync(join(CASES, "example.json"), "utf8"));
    assets.flows[0].nodes[0].actions.push({ uuid: "a1000000-0000-4000-8000-0000000000ff", type: "say_msg", text: "Hello" });
    writeFileSync(join(dir, "voice.json"), JSON.stringify(assets));
    writeFileSync(join(dir, "voice.test.json"), example);
    const r = await replay(join(dir, "voice.test.json"));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/trigger: .*say_msg/);
  });

  it("a resume the session cannot take", async () => {
    const c = JSON.parse(readFileSync(join(CASES, "example.expiration.test.json"), "utf8"));
    c.resumes.push({ type: "msg", msg: { uuid: "bbbbbbbb-0000-4000-8000-0000000000ff", text: "late" } });
    writeFileSync(join(dir, "example.late.test.json"), JSON.stringify(c));
    const r = await replay(join(dir, "example.late.test.json"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/resumes\[1\] \(msg\): only a waiting session can be resumed/);
  });
});
