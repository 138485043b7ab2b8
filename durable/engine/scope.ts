import type { Scope } from "./actions/base";
import type { Flow } from "./assets";
import { buildContext } from "./context";
import type { EventBody } from "./events/base";
import { error } from "./events/diagnostics";
import { evaluateTemplate, evaluateTemplateValue, fromJSON, type XObject } from "./excellent";
import type { Node } from "./flow/schema";
import type { Session } from "./session/session";
import type { RunJSON, StepJSON } from "./session/types";

export function makeScope(session: Session, run: RunJSON, flow: Flow, node: Node, step: StepJSON): Scope {
  const env = session.environment();
  let cached: { version: number; context: XObject } | undefined;
  const context = (): XObject => {
    if (!cached || cached.version !== session.version) {
      cached = { version: session.version, context: fromJSON(buildContext(session, env, run, node.uuid)) as XObject };
    }
    return cached.context;
  };
  const log = (body: EventBody) => session.log(run, step, body);
  const logErrors = (errors: string[]) => {
    for (const e of errors) log(error(e));
  };
  return {
    session,
    run,
    flow,
    node,
    step,
    env,
    log,
    context,
    text(template, escape) {
      if (!template.includes("@")) return template;
      const { output, errors } = evaluateTemplate(template, context(), env, escape);
      logErrors(errors);
      return output;
    },
    value(template) {
      const { value, errors } = evaluateTemplateValue(template, context(), env);
      logErrors(errors);
      return value;
    },
    localized(itemUUID, key, native) {
      const base = flow.definition.language;
      const wanted = env.default_language;
      if (wanted && wanted !== base) {
        const translated = flow.definition.localization?.[wanted]?.[itemUUID]?.[key];
        if (translated && translated.length > 0) return { values: translated, language: wanted };
      }
      return { values: native, language: base };
    },
  };
}
