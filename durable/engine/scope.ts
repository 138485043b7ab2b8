import type { Scope } from "./actions/base";
import type { Flow } from "./assets";
import { buildContext } from "./context";
import type { EventBody, EventJSON } from "./events/base";
import { error } from "./events/diagnostics";
import { evaluateTemplate, evaluateTemplateValue, type Environment, type XObject, type XValue } from "./excellent";
import type { Node } from "./flow/schema";
import type { Session } from "./session/session";
import type { RunJSON, StepJSON } from "./session/types";

/**
 * The scope of one step. Its environment is read from the session at every use (the session caches
 * it), as goflow's is, so a contact timezone or language set by an action applies to the actions
 * after it in the same node.
 */
class StepScope implements Scope {
  private cached: { version: number; context: XObject } | undefined;

  constructor(
    readonly session: Session,
    readonly run: RunJSON,
    readonly flow: Flow,
    readonly node: Node,
    readonly step: StepJSON,
  ) {}

  get env(): Environment {
    return this.session.environment();
  }

  log(body: EventBody): EventJSON {
    return this.session.log(this.run, this.step, body);
  }

  context(): XObject {
    const s = this.session;
    if (!this.cached || this.cached.version !== s.version) {
      this.cached = { version: s.version, context: buildContext(s, s.environment(), this.run, this.node.uuid) };
    }
    return this.cached.context;
  }

  text(template: string, escape?: (s: string) => string): string {
    if (!template.includes("@")) return template;
    const { output, errors } = evaluateTemplate(template, this.context(), this.session.environment(), escape);
    this.logErrors(errors);
    return output;
  }

  strictText(template: string): string | undefined {
    if (!template.includes("@")) return template;
    const { output, errors } = evaluateTemplate(template, this.context(), this.session.environment());
    this.logErrors(errors);
    return errors.length ? undefined : output;
  }

  value(template: string): XValue {
    const { value, errors } = evaluateTemplateValue(template, this.context(), this.session.environment());
    this.logErrors(errors);
    return value;
  }

  localized<T = string>(itemUUID: string, key: string, native: T[]): { values: (T | string)[]; language: string } {
    const definition = this.flow.definition;
    const base = definition.language;
    const wanted = this.session.environment().default_language;
    if (wanted && wanted !== base) {
      const translated = definition.localization?.[wanted]?.[itemUUID]?.[key];
      if (translated && translated.length > 0) return { values: translated, language: wanted };
    }
    return { values: native, language: base };
  }

  private logErrors(errors: string[]): void {
    for (const e of errors) this.log(error(e, "template"));
  }
}

export function makeScope(session: Session, run: RunJSON, flow: Flow, node: Node, step: StepJSON): Scope {
  return new StepScope(session, run, flow, node, step);
}
