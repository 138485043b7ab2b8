import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Timestamps are ISO 8601 strings with milliseconds, the same format whether D1 or the code writes them.
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const createdOn = () => text("created_on").notNull().default(now);
const modifiedOn = () => text("modified_on").notNull().default(now);

/**
 * A flow: its settings (which apply to every version and change without a new one) and its
 * editable draft. Published versions live in flow_versions.
 */
export const flows = sqliteTable(
  "flows",
  {
    uuid: text("uuid").primaryKey(),
    name: text("name").notNull(),
    /** messaging_offline (Surveyor) flows are imported and kept, never started. */
    type: text("type", { enum: ["messaging", "messaging_background", "messaging_offline"] }).notNull(),
    status: text("status", { enum: ["draft", "active", "paused", "archived"] }).notNull().default("draft"),
    /** A goflow definition; may be broken while it is being edited. */
    draft: text("draft", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** Bumped on every save of the draft. */
    draftRevision: integer("draft_revision").notNull().default(1),
    /** The newest published version, which new contacts enter; null while never published. */
    publishedVersion: integer("published_version"),
    /** A keyword sent while a contact waits in this flow goes to the flow, not to the keyword's trigger. */
    ignoreKeywords: integer("ignore_keywords", { mode: "boolean" }).notNull().default(false),
    entryRules: text("entry_rules", { mode: "json" }).$type<Record<string, unknown>>(),
    deliveryWindow: text("delivery_window", { mode: "json" }).$type<Record<string, unknown>>(),
    goal: text("goal", { mode: "json" }).$type<Record<string, unknown>>(),
    /** When the flow accepts entries (docs/flow-settings.md): a start and an end, or "run_for_a_year". */
    entryWindow: text("entry_window", { mode: "json" }).$type<Record<string, unknown>>(),
    createdOn: createdOn(),
    modifiedOn: modifiedOn(),
  },
  // flows_modified: contact objects read max(modified_on) with every message, to know their cached flows are current.
  (t) => [index("flows_status_created").on(t.status, t.createdOn, t.uuid), index("flows_created").on(t.createdOn, t.uuid), index("flows_modified").on(t.modifiedOn)],
);

/** A published version: frozen, never updated. */
export const flowVersions = sqliteTable(
  "flow_versions",
  {
    flowUuid: text("flow_uuid").notNull().references(() => flows.uuid),
    version: integer("version").notNull(),
    definition: text("definition", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    publishedOn: text("published_on").notNull().default(now),
    /** Who published it: the user's email, or "API token" for a bearer token; null before this was recorded. */
    publishedBy: text("published_by"),
  },
  (t) => [primaryKey({ columns: [t.flowUuid, t.version] })],
);

export const contacts = sqliteTable(
  "contacts",
  {
    uuid: text("uuid").primaryKey(),
    name: text("name"),
    language: text("language"),
    timezone: text("timezone"),
    status: text("status", { enum: ["active", "blocked", "stopped", "archived"] }).notNull().default("active"),
    /** Field key -> value; numbers are stored as numbers, everything else as text. */
    fields: text("fields", { mode: "json" }).$type<Record<string, string | number>>().notNull().default(sql`'{}'`),
    createdOn: createdOn(),
    modifiedOn: modifiedOn(),
    lastSeenOn: text("last_seen_on"),
  },
  (t) => [
    index("contacts_created").on(t.createdOn, t.uuid),
    // Name search is case-insensitive: a prefix search is a range scan on this index.
    index("contacts_name").on(sql`lower(${t.name})`),
  ],
);

export const contactUrns = sqliteTable(
  "contact_urns",
  {
    scheme: text("scheme").notNull(),
    path: text("path").notNull(),
    contactUuid: text("contact_uuid").notNull().references(() => contacts.uuid),
    /** 0 is the preferred URN; higher numbers come after. */
    priority: integer("priority").notNull().default(0),
    /** The channel this URN was last seen on, when it matters which one answers. */
    channelUuid: text("channel_uuid").references(() => channels.uuid, { onDelete: "set null" }),
  },
  (t) => [
    primaryKey({ columns: [t.scheme, t.path] }),
    index("contact_urns_contact").on(t.contactUuid, t.priority),
  ],
);

export const fields = sqliteTable("fields", {
  key: text("key").primaryKey(),
  name: text("name").notNull(),
  type: text("type", { enum: ["text", "number", "datetime", "state", "district", "ward"] }).notNull(),
  createdOn: createdOn(),
});

export const groups = sqliteTable(
  "groups",
  {
    uuid: text("uuid").primaryKey(),
    name: text("name").notNull(),
    /** A smart group's contact query; its members are computed, not added. */
    query: text("query"),
    createdOn: createdOn(),
    /** When the name or query last changed (NULL: never): moves the contact objects' assets stamp, so a new query is seen. */
    modifiedOn: text("modified_on"),
  },
  (t) => [uniqueIndex("groups_name").on(sql`lower(${t.name})`)],
);

export const groupMembers = sqliteTable(
  "group_members",
  {
    groupUuid: text("group_uuid").notNull().references(() => groups.uuid),
    contactUuid: text("contact_uuid").notNull().references(() => contacts.uuid),
  },
  (t) => [primaryKey({ columns: [t.groupUuid, t.contactUuid] }), index("group_members_contact").on(t.contactUuid)],
);

export const channels = sqliteTable("channels", {
  uuid: text("uuid").primaryKey(),
  type: text("type").notNull(),
  name: text("name").notNull(),
  address: text("address").notNull(),
  /** The provider's settings, secrets included; the API never returns the secret keys. */
  config: text("config", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  baseUrl: text("base_url"),
  sendsPerSecond: real("sends_per_second"),
  createdOn: createdOn(),
  modifiedOn: modifiedOn(),
});

export const triggers = sqliteTable(
  "triggers",
  {
    uuid: text("uuid").primaryKey(),
    type: text("type", {
      enum: ["keyword", "catch_all", "new_conversation", "event", "schedule", "date_relative", "joined_group"],
    }).notNull(),
    flowUuid: text("flow_uuid").notNull().references(() => flows.uuid),
    /** Null: any channel. */
    channelUuid: text("channel_uuid").references(() => channels.uuid),
    /** Lowercased; keyword triggers only. */
    keywords: text("keywords", { mode: "json" }).$type<string[]>(),
    matchType: text("match_type", { enum: ["first_word", "only_word"] }),
    /** Event triggers: the event name. */
    event: text("event"),
    /** Joined-group triggers: the group. */
    groupUuid: text("group_uuid").references(() => groups.uuid),
    /** Type-specific settings (schedule, date-relative offsets) that later issues give a shape. */
    params: text("params", { mode: "json" }).$type<Record<string, unknown>>(),
    createdOn: createdOn(),
    modifiedOn: modifiedOn(),
  },
  // Inbound routing looks up the triggers of a type (keyword, catch_all...) for a channel.
  (t) => [index("triggers_type_channel").on(t.type, t.channelUuid), index("triggers_flow").on(t.flowUuid)],
);

export const messages = sqliteTable(
  "messages",
  {
    uuid: text("uuid").primaryKey(),
    contactUuid: text("contact_uuid").notNull().references(() => contacts.uuid),
    channelUuid: text("channel_uuid").references(() => channels.uuid, { onDelete: "set null" }),
    /** The URN it came from or went to, e.g. "tel:+250788123123". */
    urn: text("urn"),
    direction: text("direction", { enum: ["in", "out"] }).notNull(),
    text: text("text").notNull().default(""),
    attachments: text("attachments", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    quickReplies: text("quick_replies", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    /** The provider's message id. */
    externalId: text("external_id"),
    status: text("status", {
      enum: ["queued", "wired", "sent", "delivered", "read", "failed", "errored", "handled", "skipped"],
    }).notNull(),
    flowUuid: text("flow_uuid"),
    runUuid: text("run_uuid"),
    createdOn: createdOn(),
    sentOn: text("sent_on"),
    modifiedOn: modifiedOn(),
  },
  // Lists are ordered by (created_on, uuid): with uuid in the index, no sort step is needed.
  (t) => [
    index("messages_contact_created").on(t.contactUuid, t.createdOn, t.uuid),
    // Status callbacks and inbound de-duplication find a message by the provider's id.
    index("messages_channel_external").on(t.channelUuid, t.externalId),
  ],
);

/** One row per run: a summary the console lists; the live state is in the contact's Durable Object. */
export const runs = sqliteTable(
  "runs",
  {
    uuid: text("uuid").primaryKey(),
    contactUuid: text("contact_uuid").notNull().references(() => contacts.uuid),
    flowUuid: text("flow_uuid").notNull().references(() => flows.uuid),
    flowVersion: integer("flow_version").notNull(),
    status: text("status", { enum: ["active", "waiting", "completed", "interrupted", "expired", "failed"] }).notNull(),
    /** Result key -> {name, value, category, input, node_uuid, created_on}, as goflow reports them. */
    results: text("results", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    createdOn: createdOn(),
    modifiedOn: modifiedOn(),
    exitedOn: text("exited_on"),
  },
  (t) => [
    index("runs_contact_created").on(t.contactUuid, t.createdOn, t.uuid),
    index("runs_flow_created").on(t.flowUuid, t.createdOn, t.uuid),
    // Only runs still going: the flows list counts who is in each flow and version now, reading
    // this small index instead of every run the flow ever had.
    index("runs_live").on(t.flowUuid, t.flowVersion).where(sql`status IN ('active', 'waiting')`),
  ],
);

/** One row per result a run saved, for per-flow result exports and counts. */
export const runResults = sqliteTable(
  "run_results",
  {
    runUuid: text("run_uuid").notNull().references(() => runs.uuid),
    flowUuid: text("flow_uuid").notNull(),
    key: text("key").notNull(),
    name: text("name").notNull(),
    value: text("value").notNull(),
    category: text("category"),
    input: text("input"),
    nodeUuid: text("node_uuid"),
    createdOn: createdOn(),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.key] }), index("run_results_flow_key").on(t.flowUuid, t.key)],
);

/** API tokens: only the SHA-256 of the token is kept; the token itself is shown once, at creation. */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    uuid: text("uuid").primaryKey(),
    name: text("name").notNull(),
    /** Hex SHA-256 of the token. */
    hash: text("hash").notNull(),
    /** The token's first characters, so a person can tell tokens apart. */
    prefix: text("prefix").notNull(),
    /** What the token may do (worker/auth/roles.ts); tokens made before roles existed stay admin. */
    role: text("role", { enum: ["admin", "editor", "viewer"] }).notNull().default("admin"),
    createdOn: createdOn(),
    lastUsedOn: text("last_used_on"),
  },
  (t) => [uniqueIndex("api_tokens_hash").on(t.hash)],
);

/** One row per cron tick, so the schedule runner has a trace of when it fired. */
export const cronTicks = sqliteTable("cron_ticks", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  firedAt: text("fired_at").notNull(),
});

/**
 * A start: a flow for an audience, now. Its coordinator Durable Object (`STARTS`, one per start)
 * pages through the audience and writes the counts back here as it goes.
 */
export const starts = sqliteTable(
  "starts",
  {
    uuid: text("uuid").primaryKey(),
    flowUuid: text("flow_uuid").notNull().references(() => flows.uuid),
    /** As given: contacts, urns, groups, query, everyone (see worker/starts/spec.ts). */
    audience: text("audience", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** interrupt, exclude_started_within_days, params. */
    options: text("options", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["pending", "running", "completed", "cancelled", "failed"] }).notNull().default("pending"),
    /** The schedule that fired it, and which fire: `schedule_uuid@next_fire_at`, unique, so a fire creates one start. */
    scheduleUuid: text("schedule_uuid"),
    fireId: text("fire_id"),
    /** The Worker's public origin, for status callback URLs of the messages the flow sends. */
    origin: text("origin"),
    targeted: integer("targeted").notNull().default(0),
    started: integer("started").notNull().default(0),
    skippedInFlow: integer("skipped_in_flow").notNull().default(0),
    skippedRecent: integer("skipped_recent").notNull().default(0),
    skippedInactive: integer("skipped_inactive").notNull().default(0),
    /** Skipped by the contact's object for another reason (its text is kept by the coordinator). */
    skippedOther: integer("skipped_other").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    /** Why the whole start failed, e.g. its flow is no longer active. */
    error: text("error"),
    createdOn: createdOn(),
    modifiedOn: modifiedOn(),
    finishedOn: text("finished_on"),
  },
  (t) => [
    uniqueIndex("starts_fire").on(t.fireId),
    index("starts_created").on(t.createdOn, t.uuid),
    index("starts_flow_created").on(t.flowUuid, t.createdOn, t.uuid),
    // The cron re-kicks starts whose coordinator was never reached.
    index("starts_status_created").on(t.status, t.createdOn, t.uuid),
  ],
);

/**
 * The contacts a start names one by one (given by UUID, or found or created from a URN). No
 * foreign key to contacts: deleting a contact must not depend on the starts that named it.
 */
export const startContacts = sqliteTable(
  "start_contacts",
  {
    startUuid: text("start_uuid").notNull(),
    contactUuid: text("contact_uuid").notNull(),
  },
  (t) => [primaryKey({ columns: [t.startUuid, t.contactUuid] })],
);

/** A start on a timetable: each fire creates a start from the template. See docs/schedules.md. */
export const schedules = sqliteTable(
  "schedules",
  {
    uuid: text("uuid").primaryKey(),
    /** The Schedule JSON (kind, time, timezone, ...), validated by worker/schedules/schema.ts. */
    schedule: text("schedule", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    // No foreign key: a schedule may name a draft flow, and deleting a draft must not fail on it.
    flowUuid: text("flow_uuid").notNull(),
    /** The start to create: { audience, options }. */
    start: text("start", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    paused: integer("paused", { mode: "boolean" }).notNull().default(false),
    /** NULL when the schedule will not fire again. */
    nextFireAt: text("next_fire_at"),
    lastFiredAt: text("last_fired_at"),
    origin: text("origin"),
    createdOn: createdOn(),
    modifiedOn: modifiedOn(),
  },
  (t) => [
    // Only live schedules are in it: a cron tick is a range scan over the due part.
    index("schedules_due").on(t.nextFireAt).where(sql`paused = 0`),
    index("schedules_created").on(t.createdOn, t.uuid),
  ],
);

/** A person who signs in to the console. See docs/console.md. */
export const users = sqliteTable(
  "users",
  {
    uuid: text("uuid").primaryKey(),
    /** Lower-cased, so sign-in ignores case. */
    email: text("email").notNull(),
    /** "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>" (worker/auth/password.ts). */
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ["admin", "editor", "viewer"] }).notNull(),
    createdOn: createdOn(),
    lastSignInOn: text("last_sign_in_on"),
  },
  (t) => [uniqueIndex("users_email").on(t.email)],
);

/** A signed-in browser: the cookie holds the id, only its SHA-256 is stored. */
export const sessions = sqliteTable(
  "sessions",
  {
    hash: text("hash").primaryKey(),
    userUuid: text("user_uuid")
      .notNull()
      .references(() => users.uuid, { onDelete: "cascade" }),
    expiresOn: text("expires_on").notNull(),
    createdOn: createdOn(),
  },
  (t) => [index("sessions_user").on(t.userUuid)],
);

/** Failed sign-ins counted per email and per IP in fixed windows (worker/auth/throttle.ts). */
export const signInFailures = sqliteTable("sign_in_failures", {
  /** "email:<address>" or "ip:<address>". */
  key: text("key").primaryKey(),
  windowStart: text("window_start").notNull(),
  failures: integer("failures").notNull(),
});

/**
 * A WhatsApp Flow ("WhatsApp form", next to Eddy's own flows): a mirror of Meta's object on a
 * WhatsApp Cloud channel's business account (docs/whatsapp-forms.md). Meta holds the truth; this
 * row is what Eddy last learnt, by its own calls and by Meta's `flows` webhooks.
 */
export const whatsappForms = sqliteTable(
  "whatsapp_forms",
  {
    uuid: text("uuid").primaryKey(),
    channelUuid: text("channel_uuid")
      .notNull()
      .references(() => channels.uuid),
    /** The WhatsApp Business Account (WABA) id: names are unique per account, and webhooks name it. */
    wabaId: text("waba_id").notNull(),
    /** Meta's flow id. */
    metaId: text("meta_id").notNull(),
    name: text("name").notNull(),
    categories: text("categories", { mode: "json" }).$type<string[]>().notNull(),
    /** The Flow JSON last uploaded by Eddy; null for a form synced from the account. */
    flowJson: text("flow_json", { mode: "json" }).$type<Record<string, unknown>>(),
    /** The Flow JSON's own `version` ("7.3"). */
    jsonVersion: text("json_version"),
    usesEndpoint: integer("uses_endpoint", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: ["DRAFT", "PUBLISHED", "DEPRECATED", "THROTTLED", "BLOCKED"] }).notNull(),
    /** Meta's validation errors from the last upload or read; a form with any is not published. */
    validationErrors: text("validation_errors", { mode: "json" }).$type<Record<string, unknown>[]>().notNull().default(sql`'[]'`),
    previewUrl: text("preview_url"),
    /** Status changes and endpoint alerts, oldest first (the last 100). */
    history: text("history", { mode: "json" }).$type<Record<string, unknown>[]>().notNull().default(sql`'[]'`),
    /** The latest alert per kind (ENDPOINT_LATENCY, ...), as Meta sent it. */
    health: text("health", { mode: "json" }).$type<Record<string, Record<string, unknown>>>().notNull().default(sql`'{}'`),
    /** The webhook time (unix seconds) of the status change applied last: an older one arriving late changes nothing. */
    statusAt: integer("status_at").notNull().default(0),
    /** What the data endpoint answers per screen (docs/whatsapp-forms.md): static data. */
    endpointScreens: text("endpoint_screens", { mode: "json" }).$type<Record<string, Record<string, unknown>>>().notNull().default(sql`'{}'`),
    createdOn: createdOn(),
    modifiedOn: modifiedOn(),
  },
  (t) => [uniqueIndex("whatsapp_forms_meta").on(t.metaId), uniqueIndex("whatsapp_forms_name").on(t.wabaId, t.name), index("whatsapp_forms_channel").on(t.channelUuid, t.name)],
);

/**
 * A WhatsApp form sent to a contact: its flow_token (unguessable, one per send) ties the answer
 * back, and the last hour's sends are a throttled form's allowance.
 */
export const whatsappFormSends = sqliteTable(
  "whatsapp_form_sends",
  {
    flowToken: text("flow_token").primaryKey(),
    formUuid: text("form_uuid")
      .notNull()
      .references(() => whatsappForms.uuid, { onDelete: "cascade" }),
    contactUuid: text("contact_uuid").notNull(),
    urn: text("urn").notNull(),
    /** The message in `messages`, and WhatsApp's id for it (an answer's context.id). */
    messageUuid: text("message_uuid").notNull(),
    externalId: text("external_id"),
    sentOn: text("sent_on").notNull(),
    /** The submitted form (the nfm_reply's response_json, parsed), matched by flow_token or else by context.id. */
    answer: text("answer", { mode: "json" }).$type<Record<string, unknown>>(),
    answeredOn: text("answered_on"),
  },
  (t) => [index("whatsapp_form_sends_form").on(t.formUuid, t.sentOn), index("whatsapp_form_sends_external").on(t.externalId)],
);

/**
 * The workspace's do-not-contact list (docs/do-not-contact.md): phone numbers in E.164 and email
 * addresses lowercased. A send to a listed address is skipped on every channel of its kind.
 */
export const doNotContact = sqliteTable("do_not_contact", {
  address: text("address").primaryKey(),
  kind: text("kind", { enum: ["phone", "email"] }).notNull(),
  /** Who listed it: "api", or "flow" (an update_do_not_contact action). */
  source: text("source", { enum: ["api", "flow"] }).notNull(),
  createdOn: createdOn(),
});

/**
 * The workspace environment (docs/api.md, GET/PATCH /environment): one row, id 1, that every session
 * starts with, as goflow's environment (date and time formats, time zone, default country, allowed
 * languages, redaction). No row means goflow's defaults.
 */
export const environment = sqliteTable("environment", {
  id: integer("id").primaryKey(),
  dateFormat: text("date_format").notNull().default("YYYY-MM-DD"),
  timeFormat: text("time_format").notNull().default("tt:mm"),
  timezone: text("timezone").notNull().default("UTC"),
  defaultCountry: text("default_country"),
  allowedLanguages: text("allowed_languages", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  redactionPolicy: text("redaction_policy", { enum: ["none", "urns"] }).notNull().default("none"),
  modifiedOn: modifiedOn(),
});

/**
 * How far each contact's D1 writes have landed (docs/contact-session.md, "Written behind"): the
 * sequence number of the last journal entry of the contact's object carried out, moved in the same
 * transaction as the entry's statements, so a redelivered entry changes nothing and one that
 * arrives before its predecessor waits. `seq` is NOT NULL so a guard that does not hold (the
 * object's entries landing out of order) aborts the transaction it is in.
 */
export const d1Watermarks = sqliteTable("d1_watermarks", {
  contactUuid: text("contact_uuid").primaryKey(),
  seq: integer("seq").notNull(),
});

/**
 * A flow's goal reached (docs/journeys.md, "Goal"): a contact who entered this version of the flow
 * and then performed the flow's goal event, once per contact and version, written by the contact's
 * object when it records the event.
 */
export const goalPerformers = sqliteTable(
  "goal_performers",
  {
    flowUuid: text("flow_uuid").notNull(),
    version: integer("version").notNull(),
    contactUuid: text("contact_uuid").notNull(),
    performedOn: text("performed_on").notNull(),
  },
  (t) => [primaryKey({ columns: [t.flowUuid, t.version, t.contactUuid] }), index("goal_performers_contact").on(t.contactUuid)],
);

/**
 * Who passed where in a flow, for its metrics (docs/journeys.md, "Metrics"): one row per contact,
 * flow version and place, written by the contact's object with its other D1 writes. A place is the
 * flow's entry (`node_uuid` '') or a split audience / segment audience node, with the branch the
 * contact took (`category_uuid`). Version 0 is "any version", so totals count a contact once. The
 * key makes a row land once whatever the D1_WRITES queue redelivers, and the trigger of migration
 * 0015 counts each row that lands into `flow_counts`, so the metrics read counters, not these rows.
 */
export const flowPasses = sqliteTable(
  "flow_passes",
  {
    flowUuid: text("flow_uuid").notNull(),
    version: integer("version").notNull(),
    nodeUuid: text("node_uuid").notNull(),
    contactUuid: text("contact_uuid").notNull(),
    categoryUuid: text("category_uuid").notNull(),
    passedOn: text("passed_on").notNull(),
  },
  (t) => [primaryKey({ columns: [t.flowUuid, t.version, t.nodeUuid, t.contactUuid] })],
);

/** Contacts per flow, version, place and branch: `flow_passes` counted as they land (a SQLite trigger). */
export const flowCounts = sqliteTable(
  "flow_counts",
  {
    flowUuid: text("flow_uuid").notNull(),
    version: integer("version").notNull(),
    nodeUuid: text("node_uuid").notNull(),
    categoryUuid: text("category_uuid").notNull(),
    contacts: integer("contacts").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.flowUuid, t.version, t.nodeUuid, t.categoryUuid] })],
);
