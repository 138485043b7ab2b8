// Deployed, a webhook is answered once its messages are stored, and their handling goes on
// (durable/contact/contact-session.ts `inbound`). Tests look at what the handling did as soon as
// the webhook returns, so here the answer waits for it, up to 5 s; test/contact/session.test.ts
// checks the early answer.
import { inbound } from "../../durable/contact/contact-session";

inbound.answerWithinMs = 5_000;
