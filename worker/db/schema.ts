import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdOn = () => text("created_on").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`);

/** A flow: its settings and its editable draft. Published versions live in flow_versions. */
export const flows = sqliteTable(
  "flows",
  {
    uuid: text("uuid").primaryKey(),
    name: text("name").notNull(),
    type: text("type", { enum: ["messaging", "messaging_background"] }).notNull(),
    status: text("status", { enum: ["draft", "active", "paused", "archived"] }).notNull().default("draft"),
    draft: text("draft", { mode: "json" }).notNull(),
    publishedVersion: integer("published_version"),
    createdOn: createdOn(),
    modifiedOn: text("modified_on").notNull(),
  },
  (t) => [index("flows_status_name").on(t.status, t.name)],
);

/** A published version: frozen, never updated. */
export const flowVersions = sqliteTable(
  "flow_versions",
  {
    flowUuid: text("flow_uuid").notNull().references(() => flows.uuid),
    version: integer("version").notNull(),
    definition: text("definition", { mode: "json" }).notNull(),
    publishedOn: createdOn(),
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
    fields: text("fields", { mode: "json" }).notNull().default(sql`'{}'`),
    createdOn: createdOn(),
    modifiedOn: text("modified_on").notNull(),
  },
  (t) => [index("contacts_name").on(t.name)],
);

export const contactUrns = sqliteTable(
  "contact_urns",
  {
    scheme: text("scheme").notNull(),
    path: text("path").notNull(),
    contactUuid: text("contact_uuid").notNull().references(() => contacts.uuid),
    priority: integer("priority").notNull().default(0),
  },
  (t) => [uniqueIndex("contact_urns_identity").on(t.scheme, t.path), index("contact_urns_contact").on(t.contactUuid)],
);

/** One row per cron tick, so the schedule runner has a trace of when it fired. */
export const cronTicks = sqliteTable("cron_ticks", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  firedAt: text("fired_at").notNull(),
});
