import { FANOUT_TABLES } from "./fanouts";
import { PROFILE_TABLE } from "./profile";

/** The contact object's own SQLite tables, created when the object first wakes up. */
const TABLES = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  // Accepted inbound messages, stored before anything else happens to them; also the dedupe window.
  `CREATE TABLE IF NOT EXISTS inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL,
    channel_uuid TEXT NOT NULL,
    urn TEXT NOT NULL,
    external_key TEXT UNIQUE,
    text TEXT NOT NULL,
    attachments TEXT NOT NULL,
    received_on TEXT NOT NULL,
    contact_name TEXT,
    form TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS inbox_state ON inbox (state, id)`,
  `CREATE INDEX IF NOT EXISTS inbox_content ON inbox (urn, created_at)`,
  // The messaging session (kind 'messaging', at most one) and background sessions still going.
  `CREATE TABLE IF NOT EXISTS sessions (
    uuid TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    json TEXT NOT NULL,
    pins TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
  // due_at NULL: a wait timeout that starts counting when the provider accepts after_outbox.
  `CREATE TABLE IF NOT EXISTS timers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    due_at INTEGER,
    session_uuid TEXT,
    run_uuid TEXT,
    step_uuid TEXT,
    node_uuid TEXT,
    after_outbox TEXT,
    seconds INTEGER,
    payload TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS timers_due ON timers (due_at)`,
  `CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    properties TEXT NOT NULL,
    time TEXT NOT NULL,
    received_on TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    channel_uuid TEXT,
    urn TEXT NOT NULL,
    text TEXT NOT NULL,
    attachments TEXT NOT NULL,
    quick_replies TEXT NOT NULL,
    in_reply_to TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    parts_sent INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    external_id TEXT,
    error TEXT,
    created_at INTEGER NOT NULL,
    -- The flow whose run created the message (its delivery window applies), a delivery-window
    -- hold, the channel-wide send slot booked for it, and an email's subject.
    flow_uuid TEXT,
    held_until INTEGER,
    rate_slot INTEGER,
    subject TEXT,
    payload TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state, seq)`,
  // D1 writes decided in a transaction here, carried out (and retried) afterwards.
  `CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    statements TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0
  )`,
  `CREATE TABLE IF NOT EXISTS send_rate (channel_uuid TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_at INTEGER NOT NULL)`,
  // Starts of many contacts already answered (storage/starts.ts).
  `CREATE TABLE IF NOT EXISTS starts_seen (start_uuid TEXT PRIMARY KEY, result TEXT NOT NULL, at INTEGER NOT NULL)`,
  // Flow settings and triggers (storage/entries.ts): when the contact entered each flow, the
  // channels it has written on, and trigger starts decided but not yet carried out.
  `CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY AUTOINCREMENT, flow_uuid TEXT NOT NULL, entered_at INTEGER NOT NULL, version INTEGER)`,
  // The flow versions whose goal the contact reached (goals.ts): D1 is written once for each.
  `CREATE TABLE IF NOT EXISTS goals_reached (flow_uuid TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (flow_uuid, version))`,
  `CREATE INDEX IF NOT EXISTS entries_flow ON entries (flow_uuid, entered_at)`,
  `CREATE TABLE IF NOT EXISTS conversations (channel_uuid TEXT PRIMARY KEY, first_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS pending_starts (id INTEGER PRIMARY KEY AUTOINCREMENT, flow_uuid TEXT NOT NULL, trigger TEXT NOT NULL, depth INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)`,
];

/** One exec for all of it: per-statement calls cost more than the statements. */
const DDL = [...TABLES, ...FANOUT_TABLES, PROFILE_TABLE].join(";\n");

/** Bumped when TABLES change; an object that has this version already skips the DDL. */
const SCHEMA_VERSION = "6";

/** What takes an object made at an older version to the next one (new objects get TABLES as they are). */
const UPGRADES: Record<string, string> = {
  // The journal backs off instead of giving up (journal.ts).
  "1": "ALTER TABLE journal ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0",
  // Timers of any kind carry a payload (storage/timers.ts).
  "3": "ALTER TABLE timers ADD COLUMN payload TEXT",
  // WhatsApp forms: the outbox sends a provider's own message part; the inbox keeps a submitted form.
  "4": "ALTER TABLE outbox ADD COLUMN payload TEXT; ALTER TABLE inbox ADD COLUMN form TEXT",
  // Entries remember the flow version entered (goals are counted per version).
  "5": "ALTER TABLE entries ADD COLUMN version INTEGER",
};

/**
 * Creates the tables of a new object, all in one transaction: a start of many contacts wakes
 * thousands of new objects, and DDL committed statement by statement was most of what each one
 * cost. An object that has them pays one read.
 */
export function createTables(storage: DurableObjectStorage): void {
  const sql = storage.sql;
  const hasMeta = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
  const version = hasMeta ? getMeta(sql, "schema") : null;
  if (version === SCHEMA_VERSION) return;
  storage.transactionSync(() => {
    // Each step from the object's version up; a version with no upgrade of its own only added tables.
    if (version) for (let v = Number(version); v < Number(SCHEMA_VERSION); v++) if (UPGRADES[v]) sql.exec(UPGRADES[v]);
    sql.exec(DDL);
    setMeta(sql, "schema", SCHEMA_VERSION);
  });
}

export function getMeta(sql: SqlStorage, key: string): string | null {
  return sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value ?? null;
}

export function setMeta(sql: SqlStorage, key: string, value: string): void {
  sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
}
