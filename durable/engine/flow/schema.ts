import { z } from "zod";
import { UpdateDoNotContact } from "../actions/update-do-not-contact";
import { SendInteractiveMsg } from "../actions/send-interactive-msg";
import { SendWhatsAppForm } from "../actions/send-whatsapp-form";

/**
 * goflow flow definitions, spec 14.x: the JSON that TextIt, RapidPro and Glific export.
 * Objects are loose: fields we do not know (`_ui`, editor extras) survive a round trip.
 * Action types we do not run (voice, airtime, LLM, classifiers, anything newer) still load;
 * a run fails with a clear error when it reaches one.
 */

export const SPEC_VERSION = "14.4.2";

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID");

export const FlowType = z.enum(["messaging", "messaging_background", "messaging_offline", "voice"]);

// Asset references: by UUID, or (groups, labels) by a name template resolved at run time.
export const FlowRef = z.looseObject({ uuid, name: z.string() });
export const GroupRef = z.union([z.looseObject({ uuid, name: z.string() }), z.looseObject({ name_match: z.string() })]);
export const LabelRef = GroupRef;
export const FieldRef = z.looseObject({ key: z.string().min(1), name: z.string() });
export const ChannelRef = z.looseObject({ uuid, name: z.string() });
export const TopicRef = z.looseObject({ uuid, name: z.string() });
export const UserRef = z.looseObject({ email: z.string().optional(), uuid: z.string().optional(), name: z.string().optional() });
export const TemplateRef = z.looseObject({ uuid, name: z.string() });
export const ContactRef = z.looseObject({ uuid, name: z.string().optional() });

const base = { uuid };
const recipients = {
  urns: z.array(z.string()).optional(),
  contacts: z.array(ContactRef).optional(),
  groups: z.array(GroupRef).optional(),
  contact_query: z.string().optional(),
  legacy_vars: z.array(z.string()).optional(),
};

/** A quick reply as a definition writes it: a text, or goflow's newer object (`{"type": "text", "text": "Yes"}`, or a location request). */
const QuickReplyDefSchema = z.union([
  z.string(),
  z.looseObject({ type: z.enum(["text", "location"]).optional(), text: z.string().optional(), extra: z.string().optional() }),
]);
export type QuickReplyDef = z.infer<typeof QuickReplyDefSchema>;

export const SendMsg = z.looseObject({
  ...base,
  type: z.literal("send_msg"),
  text: z.string(),
  attachments: z.array(z.string()).optional(),
  quick_replies: z.array(QuickReplyDefSchema).optional(),
  all_urns: z.boolean().optional(),
  template: TemplateRef.optional(),
  template_variables: z.array(z.string()).optional(),
  topic: z.string().optional(),
});
export const SendBroadcast = z.looseObject({
  ...base,
  type: z.literal("send_broadcast"),
  text: z.string(),
  attachments: z.array(z.string()).optional(),
  quick_replies: z.array(z.string()).optional(),
  template: TemplateRef.optional(),
  template_variables: z.array(z.string()).optional(),
  ...recipients,
});
export const SendEmail = z.looseObject({
  ...base,
  type: z.literal("send_email"),
  addresses: z.array(z.string()).min(1, "needs at least one address"),
  subject: z.string(),
  body: z.string(),
});
export const AddContactUrn = z.looseObject({ ...base, type: z.literal("add_contact_urn"), scheme: z.string().min(1), path: z.string().min(1) });
export const SetContactField = z.looseObject({ ...base, type: z.literal("set_contact_field"), field: FieldRef, value: z.string() });
export const SetContactName = z.looseObject({ ...base, type: z.literal("set_contact_name"), name: z.string() });
export const SetContactLanguage = z.looseObject({ ...base, type: z.literal("set_contact_language"), language: z.string() });
export const SetContactTimezone = z.looseObject({ ...base, type: z.literal("set_contact_timezone"), timezone: z.string() });
export const SetContactStatus = z.looseObject({
  ...base,
  type: z.literal("set_contact_status"),
  status: z.enum(["active", "blocked", "stopped", "archived"]),
});
export const SetContactChannel = z.looseObject({ ...base, type: z.literal("set_contact_channel"), channel: ChannelRef.nullable().optional() });
export const AddContactGroups = z.looseObject({ ...base, type: z.literal("add_contact_groups"), groups: z.array(GroupRef) });
export const RemoveContactGroups = z.looseObject({
  ...base,
  type: z.literal("remove_contact_groups"),
  groups: z.array(GroupRef).optional(),
  all_groups: z.boolean().optional(),
});
export const AddInputLabels = z.looseObject({ ...base, type: z.literal("add_input_labels"), labels: z.array(LabelRef) });
export const SetRunResult = z.looseObject({
  ...base,
  type: z.literal("set_run_result"),
  name: z.string().min(1, "needs a result name"),
  value: z.string(),
  category: z.string().optional(),
});
export const SetRunLocal = z.looseObject({
  ...base,
  type: z.literal("set_run_local"),
  local: z.string().regex(/^[a-z_][a-z0-9_]*$/i, "must be a snake_case name").max(64),
  value: z.string(),
  operation: z.enum(["set", "increment", "clear"]),
});
export const CallWebhook = z.looseObject({
  ...base,
  type: z.literal("call_webhook"),
  method: z.enum(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]),
  url: z.string().min(1, "needs a URL"),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  result_name: z.string().optional(),
});
export const CallResthook = z.looseObject({
  ...base,
  type: z.literal("call_resthook"),
  resthook: z.string().min(1, "needs a resthook"),
  result_name: z.string().optional(),
});
export const OpenTicket = z.looseObject({
  ...base,
  type: z.literal("open_ticket"),
  topic: TopicRef.nullable().optional(),
  note: z.string().optional(),
  body: z.string().optional(),
  assignee: UserRef.nullable().optional(),
  result_name: z.string().optional(),
});
/** Values for the entered or started flow's variables (Eddy's, docs/journeys.md): name to template. */
const PassedVariables = z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/, "must be a snake_case name").max(64), z.string().max(10000));

export const EnterFlow = z.looseObject({
  ...base,
  type: z.literal("enter_flow"),
  flow: FlowRef,
  terminal: z.boolean().optional(),
  variables: PassedVariables.optional(),
});
export const StartSession = z.looseObject({
  ...base,
  type: z.literal("start_session"),
  flow: FlowRef,
  ...recipients,
  create_contact: z.boolean().optional(),
  exclusions: z.looseObject({ in_a_flow: z.boolean().optional() }).optional(),
  variables: PassedVariables.optional(),
  /** Eddy's: another participant by a phone number or an email address, templates (a variable, a field). */
  participant: z.looseObject({ phone: z.string().max(1000).optional(), email: z.string().max(1000).optional() }).optional(),
});

/** A flow variable's name: `@vars.<name>`. */
export const VariableName = z.string().regex(/^[a-z_][a-z0-9_]*$/, "must be a snake_case name").max(64);

/** Eddy's update of flow variables (docs/journeys.md): each value is a template, checked against the variable's type. */
export const UpdateVariables = z.looseObject({
  ...base,
  type: z.literal("update_variables"),
  updates: z.array(z.looseObject({ variable: VariableName, value: z.string().max(10000) })).min(1, "needs at least one update").max(20),
});

/**
 * Eddy's call API (docs/journeys.md): goflow's webhook with Moments' options, a JSON or form body,
 * response fields saved into flow variables by path, and a result whose category is the kind of
 * answer (2xx, 4xx, 5xx, No response) for a split to branch on.
 */
export const CallApi = z.looseObject({
  ...base,
  type: z.literal("call_api"),
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
  url: z.string().min(1, "needs a URL"),
  headers: z.record(z.string(), z.string()).optional(),
  body_type: z.enum(["none", "json", "form"]).default("none"),
  body: z.string().optional(),
  form: z.array(z.looseObject({ name: z.string().min(1).max(100), value: z.string() })).max(50).optional(),
  response_variables: z.array(z.looseObject({ path: z.string().min(1).max(256), variable: VariableName })).max(20).optional(),
  result_name: z.string().optional(),
});

export const KnownAction = z.discriminatedUnion("type", [
  SendMsg,
  SendBroadcast,
  SendEmail,
  AddContactUrn,
  SetContactField,
  SetContactName,
  SetContactLanguage,
  SetContactTimezone,
  SetContactStatus,
  SetContactChannel,
  AddContactGroups,
  RemoveContactGroups,
  AddInputLabels,
  SetRunResult,
  SetRunLocal,
  CallWebhook,
  CallResthook,
  OpenTicket,
  EnterFlow,
  StartSession,
  UpdateVariables,
  CallApi,
  UpdateDoNotContact,
  SendWhatsAppForm,
  SendInteractiveMsg,
]);
export type KnownAction = z.infer<typeof KnownAction>;
export type ActionType = KnownAction["type"];

const knownActionTypes = new Set<string>(KnownAction.options.map((o) => o.shape.type.value));

/** An action type that loads but is not run by Eddy (voice, airtime, LLM, classifiers...). */
export type UnsupportedAction = { uuid: string; type: string; [key: string]: unknown };
export type Action = KnownAction | UnsupportedAction;

export function isSupportedAction(action: Action): action is KnownAction {
  return knownActionTypes.has(action.type);
}

const ActionBase = z.looseObject({ uuid, type: z.string().min(1, "needs a type") });

/** Known types are checked field by field; unknown types keep their raw shape. */
export const ActionSchema = ActionBase.transform((raw, ctx): Action => {
  if (!knownActionTypes.has(raw.type)) return raw as UnsupportedAction;
  const parsed = KnownAction.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  return z.NEVER;
});

export const Exit = z.looseObject({ uuid, destination_uuid: uuid.nullable().optional() });
export type Exit = z.infer<typeof Exit>;

export const Category = z.looseObject({ uuid, name: z.string().min(1, "needs a name").max(36), exit_uuid: uuid });
export type Category = z.infer<typeof Category>;

export const Case = z.looseObject({ uuid, type: z.string().min(1), arguments: z.array(z.string()).default([]), category_uuid: uuid });
export type Case = z.infer<typeof Case>;

export const Timeout = z.looseObject({ seconds: z.number().int().positive(), category_uuid: uuid });

export const MsgWait = z.looseObject({
  type: z.literal("msg"),
  timeout: Timeout.optional(),
  hint: z.looseObject({ type: z.string() }).optional(),
});
export type MsgWait = z.infer<typeof MsgWait>;

/** A time of day, "HH:MM" on a 24-hour clock. */
const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day like 09:30");
const Amount = { amount: z.number().int().positive().max(100_000), unit: z.enum(["seconds", "minutes", "hours", "days"]) };

/**
 * Eddy's pause (docs/journeys.md): waits for a period (then optionally until a time of day), until
 * a weekday and/or time, or until a date-time given by an expression; never takes a message.
 */
export const PauseWait = z.looseObject({
  type: z.literal("pause"),
  for: z.looseObject(Amount).optional(),
  then_until: TimeOfDay.optional(),
  weekdays: z.array(z.enum(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])).min(1).max(7).optional(),
  time: TimeOfDay.optional(),
  until: z.string().min(1).max(1000).optional(),
  category_uuid: uuid,
});
export type PauseWait = z.infer<typeof PauseWait>;

/** Eddy's wait for a date relative to a contact date field (docs/journeys.md). */
export const DateWait = z.looseObject({
  type: z.literal("date"),
  field: FieldRef,
  relative: z.enum(["before", "on", "after"]),
  amount: Amount.amount.optional(),
  unit: z.enum(["minutes", "hours", "days"]).optional(),
  time: TimeOfDay.optional(),
  every_year: z.boolean().optional(),
  category_uuid: uuid,
  no_date_category_uuid: uuid,
});
export type DateWait = z.infer<typeof DateWait>;

/** Eddy's wait for a profile change: a field or an attribute (`name`, `language`, `urn:tel`...), with an optional timeout. */
export const ProfileChangeWait = z.looseObject({
  type: z.literal("profile_change"),
  field: FieldRef.optional(),
  attribute: z.string().regex(/^(name|language|timezone|status|urn:[a-z]+)$/, "must be name, language, timezone, status or urn:<scheme>").optional(),
  timeout: Timeout.optional(),
  category_uuid: uuid,
});
export type ProfileChangeWait = z.infer<typeof ProfileChangeWait>;

/** A condition on an event's property: text and number operators, as Moments has them. */
export const EventCondition = z.looseObject({
  property: z.string().min(1).max(64),
  operator: z.enum([
    "is", "is_not", "contains", "starts_with", "ends_with", "is_empty", "is_not_empty",
    "equals", "not_equals", "less_than", "less_or_equal", "greater_or_equal", "greater_than",
  ]),
  value: z.string().max(640).optional(),
});
export type EventCondition = z.infer<typeof EventCondition>;

/** Eddy's wait for an event (docs/journeys.md): its name, conditions on its properties, an optional timeout. */
export const EventWait = z.looseObject({
  type: z.literal("event"),
  event: z.string().min(1).max(128),
  conditions: z.array(EventCondition).max(20).default([]),
  since_entered: z.boolean().optional(),
  save: z.array(z.string().min(1).max(64)).max(20).optional(),
  /** Properties saved into flow variables, checked against their types. */
  save_variables: z.array(z.looseObject({ property: z.string().min(1).max(64), variable: VariableName })).max(20).optional(),
  timeout: Timeout.optional(),
  category_uuid: uuid,
});
export type EventWait = z.infer<typeof EventWait>;

/** Waits that never take a message: the caller resumes them with `time_passed` at `wait.resumes_on`, or a change. */
export type TimedWait = PauseWait | DateWait | ProfileChangeWait | EventWait;

export const Wait = z.discriminatedUnion("type", [MsgWait, PauseWait, DateWait, ProfileChangeWait, EventWait]);
export type Wait = z.infer<typeof Wait>;

const routerBase = {
  result_name: z.string().optional(),
  categories: z.array(Category).min(1, "needs at least one category"),
  wait: Wait.optional(),
};

export const SwitchRouter = z.looseObject({
  type: z.literal("switch"),
  ...routerBase,
  operand: z.string(),
  cases: z.array(Case).default([]),
  // RapidPro writes "" on sub-flow routers for "no default"; goflow reads it as none.
  default_category_uuid: z.preprocess((v) => (v === "" ? undefined : v), uuid.optional()),
});
export type SwitchRouter = z.infer<typeof SwitchRouter>;

export const RandomRouter = z.looseObject({ type: z.literal("random"), ...routerBase });
export type RandomRouter = z.infer<typeof RandomRouter>;

/** Eddy's split audience (A/B/n): one whole percentage per category, in order, adding up to 100. */
export const SplitAudienceRouter = z.looseObject({
  type: z.literal("split_audience"),
  ...routerBase,
  percentages: z.array(z.number().int().min(0).max(100)),
});
export type SplitAudienceRouter = z.infer<typeof SplitAudienceRouter>;

/** Operators of a segment condition, by the kind of value they compare (Moments' families). */
export const TEXT_OPERATORS = ["is", "is_not", "contains", "starts_with", "ends_with"] as const;
export const NUMBER_OPERATORS = ["equals", "not_equals", "less_than", "less_or_equal", "greater_or_equal", "greater_than"] as const;
export const DATE_OPERATORS = ["on", "not_on", "before", "until", "since", "after", "will_be_in", "will_be_within", "will_be_more_than", "was_within", "was_more_than", "was_today"] as const;
export const EMPTY_OPERATORS = ["is_empty", "is_not_empty"] as const;

/** A segment condition on the contact: a standard attribute, a field, or a segment query. */
export const SegmentAttributeCondition = z.looseObject({
  attribute: z
    .string()
    .regex(/^(name|language|timezone|status|email|phone|created_on|last_seen_on|last_contacted_on|urn:[a-z]+)$/, "must be a contact attribute (name, language, timezone, status, email, phone, created_on, last_seen_on, last_contacted_on, urn:<scheme>)")
    .optional(),
  field: FieldRef.optional(),
  operator: z.enum([...TEXT_OPERATORS, ...NUMBER_OPERATORS, ...DATE_OPERATORS, ...EMPTY_OPERATORS]),
  value: z.string().max(640).optional(),
  unit: z.enum(["minutes", "hours", "days"]).optional(),
});
export type SegmentAttributeCondition = z.infer<typeof SegmentAttributeCondition>;

/** A segment condition on the contact's events: performed (or not) in the last amount of time, with property conditions. */
export const SegmentEventCondition = z.looseObject({
  event: z.string().min(1).max(128),
  performed: z.boolean().default(true),
  within: z.looseObject({ amount: Amount.amount, unit: z.enum(["minutes", "hours", "days"]) }),
  conditions: z.array(EventCondition).max(20).default([]),
});
export type SegmentEventCondition = z.infer<typeof SegmentEventCondition>;

/** A segment query in the language of the segment API (`age >= 18 AND plan = "gold"`). */
export const SegmentQueryCondition = z.looseObject({ query: z.string().min(1).max(2000) });

export type SegmentCondition =
  | SegmentAttributeCondition
  | SegmentEventCondition
  | z.infer<typeof SegmentQueryCondition>
  | { match: "all" | "any"; conditions: SegmentCondition[] };

export const SegmentCondition: z.ZodType<SegmentCondition> = z.lazy(() =>
  z.union([SegmentEventCondition, SegmentQueryCondition, SegmentGroup, SegmentAttributeCondition]),
);
/** Conditions combined: all must hold (AND) or any (OR); groups nest. */
export const SegmentGroup = z.looseObject({
  match: z.enum(["all", "any"]),
  conditions: z.array(SegmentCondition).min(1, "needs at least one condition").max(50),
});

/** Eddy's segment audience: each segment, in order, sends the contacts that match it to its category; the rest take the default. */
export const SegmentAudienceRouter = z.looseObject({
  type: z.literal("segment_audience"),
  ...routerBase,
  segments: z.array(SegmentGroup.extend({ category_uuid: uuid })).min(1, "needs at least one segment").max(50),
  default_category_uuid: uuid,
});
export type SegmentAudienceRouter = z.infer<typeof SegmentAudienceRouter>;

export const Router = z.discriminatedUnion("type", [SwitchRouter, RandomRouter, SplitAudienceRouter, SegmentAudienceRouter]);
export type Router = z.infer<typeof Router>;

export const Node = z.looseObject({
  uuid,
  actions: z.array(ActionSchema).default([]),
  router: Router.optional(),
  exits: z.array(Exit).min(1, "needs at least one exit"),
});
export type Node = z.infer<typeof Node>;

/**
 * Translations: language -> item UUID -> property -> values. Editor extras (`_ui`, any key starting
 * with `_`) may hold anything, as goflow ignores them; every other property is a list of texts.
 */
const Translations = z.record(z.string(), z.unknown()).superRefine((item, ctx) => {
  for (const [key, values] of Object.entries(item)) {
    if (key.startsWith("_")) continue;
    if (!Array.isArray(values) || values.some((v) => typeof v !== "string")) ctx.addIssue({ code: "custom", message: "must be a list of texts", path: [key] });
  }
});
export const Localization = z.record(z.string(), z.record(z.string(), Translations)) as unknown as z.ZodType<
  Record<string, Record<string, Record<string, string[]>>>
>;
export type Localization = z.infer<typeof Localization>;

/** The types a flow variable may have (Moments: true/false, text, decimal, whole number, date, date-time, list). */
export const VariableType = z.enum(["boolean", "text", "decimal", "integer", "date", "datetime", "list"]);
export type VariableType = z.infer<typeof VariableType>;

/** Eddy's flow variable (docs/journeys.md): typed, with a default that is a value or an expression. */
export const FlowVariable = z.looseObject({
  name: VariableName,
  type: VariableType,
  default: z.string().max(1000).optional(),
});
export type FlowVariable = z.infer<typeof FlowVariable>;

export const FlowDefinition = z.looseObject({
  uuid,
  name: z.string().min(1, "needs a name").max(64),
  spec_version: z.string().regex(/^\d+\.\d+(\.\d+)?$/, "must be a version like 14.4.0"),
  language: z.string(),
  type: FlowType,
  revision: z.number().int().nonnegative().default(0),
  expire_after_minutes: z.number().int().nonnegative().optional(),
  localization: Localization.optional(),
  nodes: z.array(Node),
  variables: z.array(FlowVariable).max(100).optional(),
  _ui: z.unknown().optional(),
});
export type FlowDefinition = z.infer<typeof FlowDefinition>;
