import { and, asc, exists, gt, or, sql } from "drizzle-orm";
import { database } from "../db";
import { contacts, groupMembers } from "../db/schema";
import { Budget, type Cost } from "../limits/budget";
import { segmentEnvAndGroups, smartGroupCondition } from "./smart-groups";

/**
 * A smart group made or given a new query: the contacts it may concern (those its query matches in
 * D1, and its members so far) have their smart groups computed again by their own objects
 * (durable/contact/smart-groups.ts), which store the memberships and start joined-group triggers.
 * Contacts are called a page at a time, by UUID; the request that saved the group calls the first
 * page, and each further page is a message on the SCHEDULE_FIRES queue (its consumer tells them
 * apart), so no invocation loops over every contact. Tests lower `pageSize`.
 */
export const groupEvaluation = { pageSize: 100 };

/** A page still to do: the group and its query when the fan-out began, the last contact done, the Worker's origin (for the flows triggers start). */
export type GroupEvaluation = { smart_group: { group: string; query: string; after: string; origin: string | null } };

export const isGroupEvaluation = (body: unknown): body is GroupEvaluation => typeof body === "object" && body !== null && "smart_group" in body;

/** One page: a D1 read of the groups and fields, one of the contacts, and a call to each contact's object. */
const pageCost = (): Cost => ({ subrequests: groupEvaluation.pageSize + 2, queries: 4 });
/** What pages may spend in a batch that also carries other messages (which have budgets of their own). */
const SHARED: Cost = { subrequests: 120, queries: 20 };
/** The queue send after the pages. */
const AROUND: Cost = { subrequests: 1, queries: 0 };

/**
 * One page of contacts after `after`; the cursor for the next page, or null at the end (or when
 * the group was deleted or its query changed since: that change began a fan-out of its own).
 */
async function page(env: Env, p: GroupEvaluation["smart_group"]): Promise<string | null> {
  const db = database(env.DB);
  const { env: segmentEnv, groups } = await segmentEnvAndGroups(db);
  if (groups.find((g) => g.uuid === p.group)?.query !== p.query) return null;
  const member = exists(db.select({ one: sql`1` }).from(groupMembers).where(and(sql`${groupMembers.groupUuid} = ${p.group}`, sql`${groupMembers.contactUuid} = ${contacts.uuid}`)));
  const size = groupEvaluation.pageSize;
  const rows = await db
    .select({ uuid: contacts.uuid })
    .from(contacts)
    .where(and(gt(contacts.uuid, p.after), or(smartGroupCondition(p.query, segmentEnv), member)))
    .orderBy(asc(contacts.uuid))
    .limit(size);
  await Promise.all(rows.map((r) => env.CONTACTS.getByName(r.uuid).smartGroupsChanged(r.uuid, p.origin, { uuid: p.group, query: p.query })));
  return rows.length === size ? rows[rows.length - 1].uuid : null;
}

/** Called by the request that made the group or changed its query: the first page now, the rest queued. */
export async function evaluateGroup(env: Env, origin: string, group: { uuid: string; query: string }): Promise<void> {
  const p = { group: group.uuid, query: group.query, after: "", origin };
  const after = await page(env, p);
  if (after) await env.SCHEDULE_FIRES.send({ smart_group: { ...p, after } } satisfies GroupEvaluation);
}

/** The queue's pages: each one's next page while the budget allows, then the next messages. `shared`: the batch carries other messages too. */
export async function evaluateQueued(env: Env, pages: GroupEvaluation[], shared = false): Promise<void> {
  const budget = new Budget(shared ? SHARED : undefined);
  const next: GroupEvaluation[] = [];
  for (const [i, { smart_group: p }] of pages.entries()) {
    if (!budget.fits(pageCost(), AROUND)) {
      next.push(...pages.slice(i));
      break;
    }
    budget.spend(pageCost());
    const after = await page(env, p);
    if (after) next.push({ smart_group: { ...p, after } });
  }
  if (next.length) await env.SCHEDULE_FIRES.sendBatch(next.map((body) => ({ body })));
}

/** Many smart groups at once (an import's): every one's evaluation goes to the queue from the first contact, so the request calls no contact object. */
export async function queueEvaluations(env: Env, origin: string, list: { uuid: string; query: string }[]): Promise<void> {
  // A queue send takes at most 100 messages.
  for (let i = 0; i < list.length; i += 100)
    await env.SCHEDULE_FIRES.sendBatch(list.slice(i, i + 100).map((g) => ({ body: { smart_group: { group: g.uuid, query: g.query, after: "", origin } } satisfies GroupEvaluation })));
}
