/**
 * A replay case, in goflow's runner-test format: the contact, the environment, the trigger, the
 * resumes in order, canned HTTP responses and (for the regression suite) the expected outputs.
 * Pure: no Node APIs, so the console's simulator can load cases too.
 */
import { z } from "zod";

const Ref = z.object({ uuid: z.string().min(1), name: z.string() }).loose();

const Contact = z.object({ uuid: z.string().min(1), created_on: z.string() }).loose();

/** goflow's `httpx.MockResponse`; status 0 means the connection failed, as in goflow. */
const HttpMock = z.object({
  status: z.number().int().min(0),
  body: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

const Output = z.object({ events: z.array(z.looseObject({ type: z.string() })), session: z.looseObject({}) });

export const CaseSchema = z.object({
  description: z.string().optional(),
  contact: Contact,
  environment: z.record(z.string(), z.unknown()).nullable(),
  // The contact and environment are the case's own: a trigger need not repeat them.
  trigger: z.object({ type: z.enum(["manual", "msg", "flow_action"]), flow: Ref }).loose(),
  // time_passed (Eddy's, for pauses and waits for dates) moves the replay's clock to its resumed_on.
  resumes: z.array(z.object({ type: z.enum(["msg", "wait_timeout", "wait_expiration", "time_passed", "profile_changed", "event"]) }).loose()),
  http_mocks: z.record(z.string(), z.array(HttpMock)).optional(),
  outputs: z.array(Output).optional(),
});

export type ReplayCase = z.infer<typeof CaseSchema>;
export type HttpMock = z.infer<typeof HttpMock>;
export type Output = z.infer<typeof Output>;

export const AssetsSchema = z
  .object({
    flows: z.array(z.looseObject({ uuid: z.string() })).min(1),
    fields: z.array(z.object({ key: z.string(), name: z.string(), type: z.enum(["text", "number", "datetime", "state", "district", "ward"]) })).optional(),
    groups: z.array(z.object({ uuid: z.string(), name: z.string(), query: z.string().optional() })).optional(),
    labels: z.array(Ref).optional(),
    channels: z
      .array(
        z.object({
          uuid: z.string(),
          name: z.string(),
          address: z.string().optional(),
          schemes: z.array(z.string()),
          roles: z.array(z.string()),
          country: z.string().optional(),
        }),
      )
      .optional(),
    topics: z.array(Ref).optional(),
    users: z.array(z.object({ uuid: z.string().optional(), email: z.string().optional(), name: z.string().optional() })).optional(),
    globals: z.array(z.object({ key: z.string(), name: z.string(), value: z.string() })).optional(),
    locations: z.array(z.unknown()).optional(),
    templates: z.array(z.unknown()).optional(),
    resthooks: z.array(z.unknown()).optional(),
  })
  .loose();

/** The assets file of a case: `two_questions.test_x.json` takes `two_questions.json`. */
export function assetsFileName(caseFileName: string): string {
  const base = caseFileName.slice(caseFileName.lastIndexOf("/") + 1);
  const dot = base.indexOf(".");
  return (dot < 0 ? base : base.slice(0, dot)) + ".json";
}
