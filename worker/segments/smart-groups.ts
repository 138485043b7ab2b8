// A smart group's members are stored in group_members like a manual group's, computed by each
// contact's object from the group's query (durable/contact/smart-groups.ts). The SQL built here
// finds the contacts a new or changed query may concern (group-fanout.ts).

import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db";
import { environment, fields, groups } from "../db/schema";
import { segment, type DateFormat, type SegmentEnv } from "./check";
import { compileSql } from "./compile-sql";
import { SegmentError } from "./parse";

/** What a query needs to compile (the fields and group names as they are now, dates as the workspace writes them), and every group's query: one D1 call. */
export async function segmentEnvAndGroups(db: Database): Promise<{ env: SegmentEnv; groups: { uuid: string; query: string | null }[] }> {
  const [fieldRows, groupRows, envRows] = await db.batch([
    db.select({ key: fields.key, name: fields.name, type: fields.type }).from(fields),
    db.select({ uuid: groups.uuid, name: groups.name, query: groups.query }).from(groups),
    db.select({ dateFormat: environment.dateFormat, timezone: environment.timezone }).from(environment),
  ]);
  const env = envRows[0];
  // The query language orders a date's parts as the environment does; its separators do not matter.
  return {
    env: { fields: fieldRows, groups: groupRows.map((g) => g.name), ...(env ? { dateFormat: env.dateFormat.replace(/[/.]/g, "-") as DateFormat, timezone: env.timezone } : {}) },
    groups: groupRows,
  };
}

export async function smartGroupEnv(db: Database): Promise<SegmentEnv> {
  return (await segmentEnvAndGroups(db)).env;
}

/**
 * The condition over `contacts` a smart group's members meet. A query that no longer compiles (a
 * field it names was deleted) matches nobody, as the engine's matcher leaves such a group alone.
 */
export function smartGroupCondition(query: string, env: SegmentEnv): SQL {
  let compiled;
  try {
    compiled = compileSql(segment(query, env), { maxParams: 90 });
  } catch (e) {
    if (e instanceof SegmentError) return sql`0`;
    throw e;
  }
  // The compiled clause numbers its parameters ?1..?n; drizzle binds them in place.
  const parts = compiled.where.split(/\?(\d+)/);
  const chunks: SQL[] = parts.map((part, i) => (i % 2 ? sql`${compiled.params[Number(part) - 1]}` : sql.raw(part)));
  return sql`(contacts.status = 'active' AND (${sql.join(chunks)}))`;
}
