import { z } from "zod";

/** Meta's form categories (Flows API, `categories`). */
export const FORM_CATEGORIES = ["SIGN_UP", "SIGN_IN", "APPOINTMENT_BOOKING", "LEAD_GENERATION", "CONTACT_US", "CUSTOMER_SUPPORT", "SURVEY", "OTHER"] as const;

// Meta takes a flow.json of up to 10 MB; Eddy keeps the JSON in a D1 row, which holds at most 2 MB.
export const MAX_FLOW_JSON_CHARS = 1_000_000;

const screen = z.looseObject({
  id: z
    .string()
    .regex(/^[A-Za-z_]+$/, "must be letters and underscores")
    .refine((id) => id !== "SUCCESS", "SUCCESS is reserved by WhatsApp"),
  layout: z.looseObject({ type: z.literal("SingleColumnLayout") }),
});

/**
 * The Flow JSON's essentials, checked before it is sent to Meta (who validates the rest and
 * answers with validation errors): no other top-level keys, a version, at least one screen.
 */
export const FlowJson = z
  .strictObject({
    version: z.string().regex(/^\d+\.\d+$/, 'like "7.3"'),
    data_api_version: z.string().regex(/^\d+\.\d+$/, 'like "4.0"').optional(),
    routing_model: z.record(z.string(), z.array(z.string()).max(10, "at most 10 branches per screen")).optional(),
    data_channel_uri: z.string().optional(),
    screens: z.array(screen).min(1, "needs at least one screen"),
  })
  .refine((j) => JSON.stringify(j).length <= MAX_FLOW_JSON_CHARS, `is longer than ${MAX_FLOW_JSON_CHARS} characters`)
  .refine((j) => j.data_channel_uri === undefined || Number(j.version) < 3, { message: "data_channel_uri is only allowed below version 3.0: set the endpoint with the form instead", path: ["data_channel_uri"] });

/** A form that uses a data endpoint needs data_api_version and routing_model in its Flow JSON. */
export function endpointIssues(json: z.infer<typeof FlowJson>): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (!json.data_api_version) issues.push({ path: "flow_json.data_api_version", message: "is required for a form that uses a data endpoint" });
  if (!json.routing_model) issues.push({ path: "flow_json.routing_model", message: "is required for a form that uses a data endpoint" });
  return issues;
}
