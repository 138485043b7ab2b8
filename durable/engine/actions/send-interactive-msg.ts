/**
 * Glific's `send_interactive_msg`: sends one of Glific's interactive templates (quick reply
 * buttons, a list, a location request).
 *
 * ```json
 * {"uuid": "…", "type": "send_interactive_msg", "id": 12, "name": "Menu",
 *  "text": "{\"type\": \"quick_reply\", …}", "labels": [], "params": [], "expression": null,
 *  "interactive": {"type": "quick_reply", "content": {"type": "text", "text": "Pick one"},
 *                  "options": [{"type": "text", "title": "Yes"}, {"type": "text", "title": "No"}]}}
 * ```
 *
 * Glific keeps the template apart from the flow (`id`); its export brings the templates under
 * `interactive_templates`, and Eddy's import copies the one each action names into the action as
 * `interactive` (worker/api/import-interactive.ts). Without it, the content Glific's editor writes
 * into `text` is used; an `expression` (Glific's dynamic interactive message) is evaluated and read
 * as the content's JSON instead.
 *
 * The message is goflow's `msg_created`: the body as text, the options as quick replies (so every
 * channel shows them as it shows any quick replies, and a tap comes back as an ordinary message
 * with the option's title), a media header as the attachment, and Eddy's `interactive` describing
 * the widget for channels that draw it (WhatsApp Cloud: buttons, a list with sections, a
 * location request). Every text is a template.
 */
import { z } from "zod";
import { error } from "../events/diagnostics";
import { msgCreated, type InteractiveMsg, type MsgOut, type QuickReply } from "../events/msg";
import { truncate } from "../limits";
import type { ActionOf, ActionOutcome, Scope } from "./base";
import { resolveDestinations, unsendableReason } from "./destinations";

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID");

const Option = z.looseObject({ type: z.string().optional(), title: z.string().min(1, "an option needs a title"), description: z.string().optional() });

/** Glific's quick reply template: a text or media message with up to three buttons. */
const QuickReplyContent = z.looseObject({
  type: z.literal("quick_reply"),
  content: z.looseObject({
    type: z.string().default("text"),
    text: z.string().optional(),
    caption: z.string().optional(),
    header: z.string().optional(),
    url: z.string().optional(),
  }),
  options: z.array(Option).min(1, "a quick reply needs options").max(3, "a quick reply has at most 3 options (WhatsApp's buttons)"),
});

/** Glific's list template: a button opening sections of options. */
const ListContent = z.looseObject({
  type: z.literal("list"),
  title: z.string().optional(),
  body: z.string(),
  globalButtons: z.array(z.looseObject({ title: z.string() })).optional(),
  items: z
    .array(z.looseObject({ title: z.string().optional(), subtitle: z.string().optional(), options: z.array(Option).min(1, "a list section needs options") }))
    .min(1, "a list needs items")
    .max(10, "a list has at most 10 sections"),
}).refine((l) => l.items.reduce((n, i) => n + i.options.length, 0) <= 10, { message: "a list has at most 10 options in all (WhatsApp's rows)", path: ["items"] });

/** Glific's location request: asks the contact to share their location. */
const LocationRequestContent = z.looseObject({
  type: z.literal("location_request_message"),
  body: z.looseObject({ text: z.string() }),
});

export const InteractiveContent = z.discriminatedUnion("type", [QuickReplyContent, ListContent, LocationRequestContent]);
export type InteractiveContent = z.infer<typeof InteractiveContent>;

export const SendInteractiveMsg = z.looseObject({
  uuid,
  type: z.literal("send_interactive_msg"),
  id: z.union([z.number(), z.string()]).nullable().optional(),
  name: z.string().nullable().optional(),
  text: z.string().nullable().optional(),
  expression: z.string().nullable().optional(),
  attachment_type: z.string().nullable().optional(),
  attachment_url: z.string().nullable().optional(),
  labels: z.array(z.unknown()).optional(),
  params: z.array(z.unknown()).optional(),
  interactive: z.unknown().optional(),
});
type Action = ActionOf<"send_interactive_msg">;

const parseJSON = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The content as the flow holds it (imported, else Glific's copy in `text`), or why there is none. */
export function storedContent(a: Pick<Action, "interactive" | "text" | "id" | "name">): { content: InteractiveContent } | { problem: string } {
  const raw = a.interactive ?? (a.text ? parseJSON(a.text) : undefined);
  const what = `interactive template ${a.id ?? ""}${a.name ? ` (${a.name})` : ""}`.replace("  ", " ");
  if (raw === undefined) return { problem: `${what} is not in the flow: import the flow with its export's interactive_templates` };
  const parsed = InteractiveContent.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${what} is not one Eddy can send: ${issue.path.length ? issue.path.join(".") + ": " : ""}${issue.message}` };
  }
  return { content: parsed.data };
}

/** Glific names media by kind; channels want a content type (WhatsApp only reads the kind from it). */
const MEDIA_TYPES: Record<string, string> = { image: "image/jpeg", video: "video/mp4", document: "application/pdf", file: "application/pdf", audio: "audio/mpeg" };

interface Rendered {
  text: string;
  attachments: string[];
  quickReplies: QuickReply[];
  interactive: InteractiveMsg;
}

function render(a: Action, content: InteractiveContent, s: Scope): Rendered {
  const t = (v: string | undefined, max: number) => (v ? truncate(s.text(v), max) : "");
  if (content.type === "quick_reply") {
    const c = content.content;
    const kind = a.attachment_type || c.type;
    const url = a.attachment_url ? s.text(a.attachment_url) : c.url ? s.text(c.url) : "";
    const media = MEDIA_TYPES[kind] && url ? `${MEDIA_TYPES[kind]}:${url}` : undefined;
    const header = !media && c.header ? t(c.header, 60) : "";
    const titles = content.options.map((o) => t(o.title, 20));
    return {
      text: t(media ? (c.caption ?? c.text) : c.text, 1024),
      attachments: media ? [media] : [],
      quickReplies: titles.map((text) => ({ type: "text", text })),
      interactive: { type: "buttons", ...(header ? { header } : {}) },
    };
  }
  if (content.type === "list") {
    const sections = content.items.map((item) => ({
      ...(item.title ? { title: t(item.title, 24) } : {}),
      rows: item.options.map((o) => ({ title: t(o.title, 24), ...(o.description ? { description: t(o.description, 72) } : {}) })),
    }));
    const header = t(content.title, 60);
    return {
      text: t(content.body, 4096),
      attachments: [],
      quickReplies: sections.flatMap((sec) => sec.rows.map((r) => ({ type: "text" as const, text: r.title }))),
      interactive: { type: "list", ...(header ? { header } : {}), button: t(content.globalButtons?.[0]?.title, 20) || "Menu", sections },
    };
  }
  return { text: t(content.body.text, 1024), attachments: [], quickReplies: [{ type: "location" }], interactive: { type: "location_request" } };
}

export async function execute(a: Action, s: Scope): Promise<ActionOutcome> {
  let found = storedContent(a);
  // Glific's dynamic interactive message: the expression gives the content as JSON.
  if (a.expression?.trim()) {
    const raw = parseJSON(s.text(a.expression));
    const parsed = InteractiveContent.safeParse(raw);
    found = parsed.success ? { content: parsed.data } : { problem: `the interactive message's expression did not give an interactive template's JSON` };
  }
  if ("problem" in found) {
    s.log(error(`${found.problem}; nothing was sent (action ${a.uuid})`, "missing_dependency"));
    return;
  }
  const m = render(a, found.content, s);
  const base = {
    text: m.text,
    ...(m.attachments.length ? { attachments: m.attachments } : {}),
    quick_replies: m.quickReplies,
    interactive: m.interactive,
  };
  const reason = unsendableReason(s.session);
  const [d] = resolveDestinations(s.session, false);
  const msg: MsgOut = d
    ? { uuid: s.session.services.uuid(), urn: d.urn, channel: { uuid: d.channel.uuid, name: d.channel.name }, ...base, ...(reason ? { unsendable_reason: reason } : {}) }
    : { uuid: s.session.services.uuid(), ...base, unsendable_reason: reason ?? "no_destination" };
  s.log(msgCreated(msg));
}
