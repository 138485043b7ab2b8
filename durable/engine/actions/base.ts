import type { Flow } from "../assets";
import type { EventBody, EventJSON } from "../events/base";
import type { DiagnosticCode } from "../events/diagnostics";
import type { Environment, XObject, XValue } from "../excellent";
import type { ActionType, KnownAction, Node } from "../flow/schema";
import type { Session } from "../session/session";
import type { RunJSON, StepJSON } from "../session/types";

/** Where an action or a router runs: a step of a run, with template evaluation bound to it. */
export interface Scope {
  session: Session;
  run: RunJSON;
  flow: Flow;
  node: Node;
  step: StepJSON;
  env: Environment;
  log(body: EventBody): EventJSON;
  /** Renders a template to text; evaluation errors are logged as `error` events. */
  text(template: string, escape?: (s: string) => string): string;
  /**
   * Renders a template whose failure must not change anything (goflow's actions that skip
   * themselves on an expression error): the errors are logged and the result is undefined.
   */
  strictText(template: string): string | undefined;
  /** Evaluates a template to a value (a lone `@(...)` keeps its type). */
  value(template: string): XValue;
  /** The Excellent context at this step (rebuilt only when the session changed). */
  context(): XObject;
  /** A property of a flow item in the contact's language, or `native` when there is no translation. */
  localized<T = string>(itemUUID: string, key: string, native: T[]): { values: (T | string)[]; language: string };
}

/**
 * What an action asks of the traversal beyond its own effects: to fail the run, or to start a
 * child run once the node's actions are done (goflow's pushed flow).
 */
export type ActionOutcome = void | { fail: string; code?: DiagnosticCode } | { enter: Flow; terminal: boolean; variables?: Record<string, unknown> };

export type ActionOf<T extends ActionType> = Extract<KnownAction, { type: T }>;
