import { quickReplyTexts, type MsgOut } from "../../../durable/engine";
import { mediaKind, splitAttachment } from "../shared/attachments";
import type { ChannelType } from "../types";

/**
 * An interactive message (Glific's send_interactive_msg, durable/engine/actions/send-interactive-msg.ts)
 * as the WhatsApp Cloud API part that draws it: reply buttons (a media or text header), a list with
 * its sections and button, or a location request. Its options are the message's quick replies; the
 * ids are the options' positions, and a tap comes back with the option's title as the text.
 */
export function interactivePart(msg: MsgOut): Record<string, unknown> | undefined {
  const i = msg.interactive;
  if (!i) return undefined;
  const body = { text: msg.text };
  if (i.type === "location_request") return { type: "interactive", interactive: { type: "location_request_message", body, action: { name: "send_location" } } };
  if (i.type === "list") {
    let n = 0;
    const sections = i.sections.map((s) => ({
      ...(s.title ? { title: s.title } : {}),
      rows: s.rows.map((r) => ({ id: `qr${n++}`, title: r.title, ...(r.description ? { description: r.description } : {}) })),
    }));
    return { type: "interactive", interactive: { type: "list", ...(i.header ? { header: { type: "text", text: i.header } } : {}), body, action: { button: i.button, sections } } };
  }
  const media = msg.attachments?.[0] ? splitAttachment(msg.attachments[0]) : undefined;
  const kind = media && mediaKind(media.contentType);
  const header = media && kind !== "audio" ? { type: kind, [kind!]: { link: media.url } } : i.header ? { type: "text", text: i.header } : undefined;
  const buttons = quickReplyTexts(msg.quick_replies).map((title, n) => ({ type: "reply", reply: { id: `qr${n}`, title } }));
  return { type: "interactive", interactive: { type: "button", ...(header ? { header } : {}), body, action: { buttons } } };
}

/** The outbox's payload for an interactive message going out on a WhatsApp Cloud channel; other channels send its text and quick replies. */
export function interactiveOutbox(msg: MsgOut, channelType: ChannelType | undefined): { payload: Record<string, unknown> } | undefined {
  const payload = channelType === "whatsapp_cloud" ? interactivePart(msg) : undefined;
  return payload ? { payload } : undefined;
}
