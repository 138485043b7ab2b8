import { DurableObject } from "cloudflare:workers";

/**
 * One object per contact: it will own the contact's messaging session, background runs, timers
 * and event log. For now it keeps only a note of who it is.
 */
export class ContactSession extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    });
  }

  async describe(): Promise<{ contactUuid: string | null }> {
    const row = this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'contact_uuid'").toArray()[0];
    return { contactUuid: row?.value ?? null };
  }

  async bind(contactUuid: string): Promise<void> {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('contact_uuid', ?)", contactUuid);
  }
}
