// What the journey waits share (docs/journeys.md): a switch router with an empty operand and no
// cases, whose categories are the wait's exits, and an optional timeout with its own exit.
import type { Node, SwitchRouter, Wait } from "../../../../durable/engine/flow/schema";
import type { FormValues } from "../types";

export const TIMED_OUT = "Timed Out";

type TimedWait = Exclude<Wait, { type: "msg" }>;
export type JourneyNode = Node & { router: SwitchRouter & { wait: TimedWait } };

/** Journeys' flows: the engine refuses these waits in offline and voice flows. */
export const JOURNEY_FLOW_TYPES = ["messaging", "messaging_background"] as const;

export const isJourneyWait = (node: Node, type: TimedWait["type"]): node is JourneyNode => node.router?.type === "switch" && node.router.wait?.type === type;

/** A fresh node waiting with `wait`, exiting by `categories` (the first is the wait's own exit). */
export function journeyNode(uuid: () => string, categories: string[], wait: (category: (name: string) => string) => TimedWait): Node {
  const cats = categories.map((name) => ({ uuid: uuid(), name, exit_uuid: uuid() }));
  const category = (name: string) => cats.find((c) => c.name === name)!.uuid;
  return {
    uuid: uuid(),
    actions: [],
    router: { type: "switch", operand: "", cases: [], categories: cats, default_category_uuid: cats[0].uuid, wait: wait(category) },
    exits: cats.map((c) => ({ uuid: c.exit_uuid, destination_uuid: null })),
  };
}

/** The node with `wait` in place of its wait (the router and exits otherwise as they are). */
export const withWait = (node: JourneyNode, wait: TimedWait): Node => ({ ...node, router: { ...node.router, wait } });

/** The uuid of the category named `name`, adding it (and its exit) when missing. */
export function ensureCategory(node: Node, name: string, uuid: () => string): { node: Node; category: string } {
  const router = node.router!;
  const found = router.categories.find((c) => c.name === name);
  if (found) return { node, category: found.uuid };
  const c = { uuid: uuid(), name, exit_uuid: uuid() };
  return {
    node: { ...node, router: { ...router, categories: [...router.categories, c] } as Node["router"], exits: [...node.exits, { uuid: c.exit_uuid, destination_uuid: null }] },
    category: c.uuid,
  };
}

/** The node without the category named `name` and its exit. */
export function dropCategory(node: Node, name: string): Node {
  const router = node.router!;
  const c = router.categories.find((x) => x.name === name);
  if (!c) return node;
  return { ...node, router: { ...router, categories: router.categories.filter((x) => x !== c) } as Node["router"], exits: node.exits.filter((e) => e.uuid !== c.exit_uuid) };
}

export const UNITS = { minutes: 60, hours: 3600, days: 86400 } as const;
export type Unit = keyof typeof UNITS;
export const UNIT_OPTIONS = (Object.keys(UNITS) as Unit[]).map((u) => ({ value: u, label: u }));

/** A duration in seconds as the largest whole unit. */
export function inUnits(seconds: number): { amount: number; unit: Unit } {
  if (seconds % UNITS.days === 0) return { amount: seconds / UNITS.days, unit: "days" };
  if (seconds % UNITS.hours === 0) return { amount: seconds / UNITS.hours, unit: "hours" };
  return { amount: Math.max(1, Math.round(seconds / UNITS.minutes)), unit: "minutes" };
}

export const amountText = (amount: number, unit: string) => `${amount} ${amount === 1 ? unit.replace(/s$/, "") : unit}`;

/** The timeout's fields: an amount (empty or 0: none) and its unit. */
export const timeoutFields = [
  { key: "timeout_amount", label: "Give up after (empty: wait indefinitely)", kind: "number" as const, min: 0 },
  { key: "timeout_unit", label: "Unit", kind: "select" as const, options: UNIT_OPTIONS, when: (v: FormValues) => Number(v.timeout_amount) > 0 },
];

export function readTimeout(wait: { timeout?: { seconds: number } }): FormValues {
  if (!wait.timeout) return { timeout_amount: undefined, timeout_unit: "days" };
  const { amount, unit } = inUnits(wait.timeout.seconds);
  return { timeout_amount: amount, timeout_unit: unit };
}

/** The node with the wait's timeout (and its "Timed Out" exit) set from the values, or both removed. */
export function writeTimeout<W extends { timeout?: { seconds: number; category_uuid: string } }>(node: Node, wait: W, values: FormValues, uuid: () => string): { node: Node; wait: W } {
  const amount = Number(values.timeout_amount);
  const { timeout: _, ...rest } = wait;
  if (!(amount > 0)) return { node: dropCategory(node, TIMED_OUT), wait: rest as W };
  const added = ensureCategory(node, TIMED_OUT, uuid);
  const seconds = Math.round(amount * UNITS[(values.timeout_unit as Unit) in UNITS ? (values.timeout_unit as Unit) : "days"]);
  return { node: added.node, wait: { ...rest, timeout: { seconds, category_uuid: added.category } } as W };
}

export const timeoutText = (wait: { timeout?: { seconds: number } }) => {
  if (!wait.timeout) return "";
  const { amount, unit } = inUnits(wait.timeout.seconds);
  return `, at most ${amountText(amount, unit)}`;
};

/** Text values: undefined when empty, so an optional property is left out rather than "". */
export const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);
