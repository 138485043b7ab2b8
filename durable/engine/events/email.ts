import type { EventBody } from "./base";

export const emailSent = (to: string[], subject: string, body: string) =>
  ({ type: "email_sent", to, subject, body }) as EventBody<"email_sent">;
