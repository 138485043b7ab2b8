import type { InboundMessage } from "../channels/types";

/**
 * Stores submitted forms (nfm_reply) on their sends: matched by the answer's flow_token, or, when
 * it has none (WhatsApp's default token is "unused"), by context.id, the WhatsApp id of the form
 * message. The first answer of a send is kept. A read per 90 answers and one batch of writes per notification.
 */
export async function applyFormAnswers(db: D1Database, channelUuid: string, messages: InboundMessage[]): Promise<void> {
  const answers = messages.filter((m) => m.form);
  if (!answers.length) return;
  const marks = (n: number) => Array(n).fill("?").join(",") || "NULL";
  const token = (m: InboundMessage) => (typeof m.form!.flow_token === "string" && m.form!.flow_token.startsWith("ft_") ? m.form!.flow_token : undefined);
  const writes = [];
  // D1 binds at most 100 parameters per statement: the channel and up to 90 ids per read.
  for (let i = 0; i < answers.length; i += 90) {
    const chunk = answers.slice(i, i + 90);
    const tokens = chunk.map(token).filter((t): t is string => !!t);
    const replies = chunk.filter((m) => !token(m) && m.replyTo).map((m) => m.replyTo!);
    if (!tokens.length && !replies.length) continue;
    const { results } = await db
      .prepare(
        `SELECT s.flow_token, s.external_id FROM whatsapp_form_sends s JOIN whatsapp_forms f ON f.uuid = s.form_uuid
         WHERE f.channel_uuid = ? AND s.answered_on IS NULL AND (s.flow_token IN (${marks(tokens.length)}) OR s.external_id IN (${marks(replies.length)}))`,
      )
      .bind(channelUuid, ...tokens, ...replies)
      .all<{ flow_token: string; external_id: string | null }>();
    for (const send of results) {
      const m = chunk.find((a) => token(a) === send.flow_token) ?? chunk.find((a) => !token(a) && a.replyTo === send.external_id);
      if (m) writes.push(db.prepare("UPDATE whatsapp_form_sends SET answer = ?, answered_on = ? WHERE flow_token = ? AND answered_on IS NULL").bind(JSON.stringify(m.form), m.receivedOn, send.flow_token));
    }
  }
  if (writes.length) await db.batch(writes);
}
