// A segment split on when the contact was last contacted, through the API and the contact's object:
// the object passes the time of its last send as the contact's last_contacted_on (docs/journeys.md).
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { journey, journeyContact, startFor } from "./journey-flows";
import { exampleAssets, publishFlow, twilioOutbox } from "./support";

const { sent } = twilioOutbox();
const DAY = 86_400_000;
beforeAll(() => exampleAssets());
afterEach(() => vi.useRealTimers());

const checkIn = () =>
  journey("Check-in", "messaging_background", [
    {
      split: ({ next, other }) => ({
        type: "segment_audience",
        segments: [{ category_uuid: next, match: "all", conditions: [{ attribute: "last_contacted_on", operator: "was_within", value: "1", unit: "days" }] }],
        default_category_uuid: other,
      }),
      otherwise: "Long time no see",
      result: "Recency",
    },
    { say: "We spoke recently" },
  ]);

describe("a segment split on last_contacted_on", () => {
  it("takes the branch for 'last contacted within 1 day' only while the object's last send is that recent", async () => {
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(t0);
    const flow = await publishFlow(checkIn());
    const [talked, quiet] = [await journeyContact(), await journeyContact()];
    const to = (c: { from: string }) => sent.filter((s) => s.to === c.from).map((s) => s.body);

    // Never sent to: the attribute is empty, so "was within" does not match.
    await startFor(flow.uuid, talked.contact);
    expect(to(talked)).toEqual(["Long time no see"]);

    // That message was sent just now: the next run finds the contact contacted within the day.
    vi.setSystemTime(t0 + DAY / 2);
    await startFor(flow.uuid, talked.contact);
    expect(to(talked)).toEqual(["Long time no see", "We spoke recently"]);
    expect(to(quiet)).toEqual([]);

    // Two days after the last send it is no longer within one day.
    vi.setSystemTime(t0 + DAY / 2 + 2 * DAY);
    await startFor(flow.uuid, talked.contact);
    expect(to(talked)).toEqual(["Long time no see", "We spoke recently", "Long time no see"]);
  });
});
