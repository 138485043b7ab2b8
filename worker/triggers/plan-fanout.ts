import { Budget, type Cost } from "../limits/budget";

/**
 * A date-relative trigger made or edited: every contact that has its date field plans its own
 * timer (durable/contact/date-triggers.ts). Contacts are called a page at a time, by UUID; the
 * request that made the trigger calls the first page, and each further page is a message on the
 * SCHEDULE_FIRES queue (its consumer tells them apart), so no invocation loops over every contact.
 * Tests lower `pageSize`.
 */
export const datePlanning = { pageSize: 50 };

/** A page still to plan: the trigger as it was when the fan-out began, and the last contact done. */
export type DatePlan = { date_plan: { trigger: string; stamp: string; field: string; after: string } };

export const isDatePlan = (body: unknown): body is DatePlan => typeof body === "object" && body !== null && "date_plan" in body;

/** One page: a D1 read and a call to each contact's object. */
const pageCost = (): Cost => ({ subrequests: datePlanning.pageSize + 1, queries: 1 });
/** What plans may spend in a batch that also carries schedule fires (which have a budget of their own). */
const SHARED: Cost = { subrequests: 120, queries: 20 };
/** A trigger re-read and a queue send, around a page. */
const AROUND: Cost = { subrequests: 2, queries: 1 };

/** Plans one page of contacts after `after`; returns the cursor for the next page, or null at the end. */
async function page(env: Env, field: string, after: string): Promise<string | null> {
  const size = datePlanning.pageSize;
  const rows = (
    await env.DB.prepare("SELECT uuid FROM contacts WHERE uuid > ? AND json_extract(fields, ?) IS NOT NULL ORDER BY uuid LIMIT ?").bind(after, `$.${field}`, size).all<{ uuid: string }>()
  ).results;
  await Promise.all(rows.map((r) => env.CONTACTS.getByName(r.uuid).planDates(r.uuid)));
  return rows.length === size ? rows[rows.length - 1].uuid : null;
}

/** Called by the request that made or edited the trigger: the first page now, the rest queued. */
export async function planTrigger(env: Env, trigger: { uuid: string; stamp: string; field: string }): Promise<void> {
  const after = await page(env, trigger.field, "");
  if (after) await env.SCHEDULE_FIRES.send({ date_plan: { trigger: trigger.uuid, stamp: trigger.stamp, field: trigger.field, after } } satisfies DatePlan);
}

/**
 * Many triggers at once (an import's campaign events): every one's planning goes to the queue from
 * the first contact, so the request calls no contact object however many there are.
 */
export async function queuePlans(env: Env, list: { uuid: string; stamp: string; field: string }[]): Promise<void> {
  // A queue send takes at most 100 messages.
  for (let i = 0; i < list.length; i += 100)
    await env.SCHEDULE_FIRES.sendBatch(list.slice(i, i + 100).map((t) => ({ body: { date_plan: { trigger: t.uuid, stamp: t.stamp, field: t.field, after: "" } } satisfies DatePlan })));
}

/**
 * The queue's date plans: each one's next page while the budget allows, then the next message. A
 * trigger deleted or edited since (its stamp moved: the edit began a fan-out of its own) is dropped.
 * `shared`: the batch has schedule fires too.
 */
export async function planQueued(env: Env, plans: DatePlan[], shared = false): Promise<void> {
  // A batch that also carries schedule fires leaves most of the invocation's budget to them: a
  // couple of pages here, the rest back to the queue.
  const budget = new Budget(shared ? SHARED : undefined);
  const next: DatePlan[] = [];
  for (const [i, { date_plan: p }] of plans.entries()) {
    if (!budget.fits(pageCost(), AROUND)) {
      next.push(...plans.slice(i));
      break;
    }
    const row = await env.DB.prepare("SELECT modified_on FROM triggers WHERE uuid = ? AND type = 'date_relative'").bind(p.trigger).first<{ modified_on: string }>();
    budget.d1();
    if (row?.modified_on !== p.stamp) continue;
    budget.spend(pageCost());
    const after = await page(env, p.field, p.after);
    if (after) next.push({ date_plan: { ...p, after } });
  }
  if (next.length) await env.SCHEDULE_FIRES.sendBatch(next.map((body) => ({ body })));
}

/**
 * The API set a contact's fields or time zone: when a date-relative trigger reads one of them, the
 * contact's object plans its timers again (one D1 query to find out, then one call).
 */
export async function contactDatesChanged(env: Env, contactUuid: string, changed: { fields: string[]; timezone: boolean }): Promise<void> {
  if (!changed.fields.length && !changed.timezone) return;
  const rows = (await env.DB.prepare("SELECT json_extract(params, '$.field') AS field FROM triggers WHERE type = 'date_relative'").all<{ field: string }>()).results;
  if (rows.some((r) => changed.timezone || changed.fields.includes(r.field))) await env.CONTACTS.getByName(contactUuid).planDates(contactUuid);
}

/**
 * A flow published for the first time: its date-relative triggers' contacts are planned again, so
 * fires held while it was a draft (an imported campaign's flow) start now. All through the queue:
 * publishing calls no contact object.
 */
export async function planPublishedFlow(env: Env, flowUuid: string): Promise<void> {
  const rows = (
    await env.DB.prepare("SELECT uuid, modified_on, json_extract(params, '$.field') AS field FROM triggers WHERE flow_uuid = ? AND type = 'date_relative'")
      .bind(flowUuid)
      .all<{ uuid: string; modified_on: string; field: string }>()
  ).results;
  if (rows.length) await queuePlans(env, rows.map((r) => ({ uuid: r.uuid, stamp: r.modified_on, field: r.field })));
}
