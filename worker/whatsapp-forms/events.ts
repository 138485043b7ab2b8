import { z } from "zod";

export const FORM_STATUSES = ["DRAFT", "PUBLISHED", "DEPRECATED", "THROTTLED", "BLOCKED"] as const;
export type FormStatus = (typeof FORM_STATUSES)[number];

const text = (max: number) => z.string().max(max, `is longer than ${max} characters`);
const id = text(64).regex(/^\d+$/, "must be numeric");

/** One `flows` change's value as Meta documents it; alerts carry more figures, kept as they come. */
const flowsValue = z.looseObject({
  event: text(64),
  flow_id: id,
  message: text(2048).optional(),
  old_status: text(32).optional(),
  new_status: text(32).optional(),
  alert_state: text(32).optional(),
  warning: text(2048).optional(),
});

/** The `flows` changes of a WhatsApp Business Account notification; other fields pass untouched. */
export const flowsNotification = z.object({
  entry: z
    .array(
      z.object({
        id: text(64).optional(),
        time: z.number().int().nonnegative().optional(),
        changes: z.array(z.object({ field: text(64), value: z.unknown() })).max(100),
      }),
    )
    .max(100),
});

/** A status change or endpoint alert of one form, from Meta's `flows` webhook. */
export interface FormEvent {
  wabaId: string | null;
  flowId: string;
  event: string;
  /** Unix seconds, the entry's time (0 when Meta sent none). */
  at: number;
  oldStatus?: string;
  newStatus?: string;
  value: Record<string, unknown>;
}

/** Form events one notification may carry: applied with one read and one batch of writes (100 bound ids at most). */
export const MAX_FORM_EVENTS = 100;

/** The form events of a parsed notification, or a one-line reason its `flows` part is malformed. */
export function formEvents(notification: z.infer<typeof flowsNotification>): { ok: true; events: FormEvent[] } | { ok: false; error: string } {
  const events: FormEvent[] = [];
  for (const [e, entry] of notification.entry.entries()) {
    for (const [c, change] of entry.changes.entries()) {
      if (change.field !== "flows") continue;
      const v = flowsValue.safeParse(change.value);
      if (!v.success) {
        const issue = v.error.issues[0];
        return { ok: false, error: `entry.${e}.changes.${c}.value.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}` };
      }
      if (events.length === MAX_FORM_EVENTS) return { ok: false, error: `entry: more than ${MAX_FORM_EVENTS} flows changes in one notification` };
      // A form row holds 100 history entries next to its Flow JSON, within D1's 2 MB per row.
      if (JSON.stringify(v.data).length > 4096) return { ok: false, error: `entry.${e}.changes.${c}.value: more than 4096 characters` };
      events.push({
        wabaId: entry.id ?? null,
        flowId: v.data.flow_id,
        event: v.data.event,
        at: entry.time ?? 0,
        ...(v.data.old_status ? { oldStatus: v.data.old_status.toUpperCase() } : {}),
        ...(v.data.new_status ? { newStatus: v.data.new_status.toUpperCase() } : {}),
        value: v.data,
      });
    }
  }
  return { ok: true, events };
}
