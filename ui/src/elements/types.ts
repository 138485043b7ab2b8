// One declarative description per element the editor offers: its fields (rendered by the side
// panel), defaults, extra validation and the one-line summary shown on the canvas. Adding a type
// is one file in actions/ or splits/ plus its line in registry.ts.
import type { Action, FlowDefinition, Node } from "../../../durable/engine/flow/schema";

export type FlowType = FlowDefinition["type"];
export type Asset = "fields" | "groups" | "flows" | "labels" | "channels" | "topics" | "templates" | "users" | "whatsapp_forms";

type FieldBase = { key: string; label: string; help?: string; required?: boolean };

/** One input of an element's form; `key` names the property of the action it edits. */
export type FieldSpec = FieldBase &
  (
    | { kind: "text"; expression?: boolean; multiline?: boolean; max?: number; placeholder?: string }
    | { kind: "list"; expression?: boolean; max?: number; itemMax?: number; placeholder?: string }
    | { kind: "select"; options: { value: string; label: string }[] }
    | { kind: "number"; min?: number; max?: number }
    | { kind: "checkbox" }
    /** Names to texts (a webhook's headers; variables passed to a flow): `item` names a row for screen readers. */
    | { kind: "headers"; item?: string }
    | { kind: "ref"; asset: Asset; multiple?: boolean; nullable?: boolean }
    /** Several of fixed options, as checkboxes (a pause's weekdays). */
    | { kind: "choices"; options: { value: string; label: string }[] }
    /** A list of small records, one row of inputs each (an event's conditions). */
    | { kind: "rows"; columns: { key: string; label: string; options?: { value: string; label: string }[] }[]; max?: number }
    /** A segment split's segments, each conditions in AND/OR groups or a segment query (ui/src/editor/segment-builder.tsx). */
    | { kind: "segments" }
  );

export interface ActionElement<A extends Action = Action> {
  type: A["type"];
  name: string;
  /** Where the "add action" menu lists it. */
  group: "Messages" | "Contact" | "Run" | "Services" | "Flows";
  /** The flow types it may be used in (all when absent). */
  flowTypes?: FlowType[];
  fields: FieldSpec[];
  defaults(): Omit<A, "uuid" | "type">;
  summary(action: A): string;
  /** Problems the engine's validation does not name, in the editor's words. */
  validate?(action: A): string[];
  /** Properties translated through the flow's `localization`. */
  localizable?: string[];
}

/** A router test offered in a rule: its goflow type, label and how many arguments it takes. */
export type TestSpec = { type: string; label: string; args: 0 | 1 | 2; argLabel?: string };

/**
 * A kind of node that routes (TextIt's "split by ..." and "wait for the response"). `ui` is the
 * `_ui.nodes[uuid].type` goflow editors store; `matches` recognises a node exported without it.
 */
export interface SplitElement {
  ui: string;
  name: string;
  flowTypes?: FlowType[];
  /** A fresh node of this kind; `uuid` makes UUIDs. */
  create(uuid: () => string): Node;
  matches(node: Node): boolean;
  /** What the side panel offers for the router. */
  edit: {
    /** The operand: typed freely, chosen among results or fields, or fixed. */
    operand: "expression" | "result" | "field" | "fixed";
    /** Rules (cases to categories) are edited; otherwise categories come from `categories`. */
    rules: boolean;
    /** Category names are edited (random buckets). */
    buckets?: boolean;
    /** Each bucket has a percentage (split audience). */
    percentages?: boolean;
    /** Groups picked, one case each (`has_group`). */
    groups?: boolean;
    /** A reply timeout (wait for the response). */
    timeout?: boolean;
    resultName: boolean;
    /** The node's one action is edited with the router (webhook, sub-flow, ticket splits). */
    action?: string;
  };
  /** Re-derives the router after its action changed (e.g. a webhook's result name). */
  sync?(node: Node, uuid: () => string): Node;
  /** A journey wait's form (docs/journeys.md), rendered by the side panel like an action's fields. */
  form?: WaitForm;
  /** The line under the element's name on the canvas. */
  summary?(node: Node): string;
}

/** The form's values: a flat view of the node, read from it and written back into it. */
export type FormValues = Record<string, unknown>;

/**
 * A form over a node's router: `read` gives the values the fields show, `write` makes the node
 * from changed values (its wait, and categories such as a timeout's). A field with `when` shows
 * only while that holds (a pause "for a period" has no weekdays).
 */
export interface WaitForm {
  fields: (FieldSpec & { when?(values: FormValues): boolean })[];
  read(node: Node): FormValues;
  write(node: Node, values: FormValues, uuid: () => string): Node;
}
