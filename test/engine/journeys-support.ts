import { nodeUUID, u } from "./engine-support";

export const JOURNEY = "d0000000-0000-4000-8000-000000000000";
export const REACHED = u(821);
export const NO_DATE = u(822);

/**
 * A flow whose first node holds a timed wait (a pause or a wait for a date) and then says which
 * exit it took: "Reached" or, for a date, "No date".
 */
export function timedWaitFlow(wait: Record<string, unknown>, type = "messaging_background") {
  const categories = [{ uuid: REACHED, name: "Reached", exit_uuid: u(831) }];
  if (wait.type === "date") categories.push({ uuid: NO_DATE, name: "No date", exit_uuid: u(832) });
  return {
    uuid: JOURNEY,
    name: "Journey",
    spec_version: "14.4.0",
    language: "eng",
    type,
    nodes: [
      {
        uuid: nodeUUID(JOURNEY, 0),
        actions: [],
        router: {
          type: "switch",
          operand: "",
          cases: [],
          result_name: "Waited",
          categories,
          default_category_uuid: REACHED,
          wait: { category_uuid: REACHED, ...(wait.type === "date" ? { no_date_category_uuid: NO_DATE } : {}), ...wait },
        },
        exits: [
          { uuid: u(831), destination_uuid: nodeUUID(JOURNEY, 1) },
          ...(wait.type === "date" ? [{ uuid: u(832), destination_uuid: nodeUUID(JOURNEY, 2) }] : []),
        ],
      },
      { uuid: nodeUUID(JOURNEY, 1), actions: [{ uuid: u(841), type: "send_msg", text: "reached at @results.waited" }], exits: [{ uuid: u(851) }] },
      { uuid: nodeUUID(JOURNEY, 2), actions: [{ uuid: u(842), type: "send_msg", text: "no date" }], exits: [{ uuid: u(852) }] },
    ],
  };
}
