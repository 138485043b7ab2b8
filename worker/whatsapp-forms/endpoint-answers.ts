import { z } from "zod";
import { flowOf } from "./endpoint-flows";

/** A decrypted data endpoint request (Meta's data API 3.0 / 4.0). */
export const EndpointRequest = z.looseObject({
  version: z.string().max(16).optional(),
  action: z.string().max(32),
  screen: z.string().max(128).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  flow_token: z.string().max(1024).optional(),
});
export type EndpointRequest = z.infer<typeof EndpointRequest>;

export type FormForEndpoint = {
  flowJson: { screens: { id: string }[]; routing_model?: Record<string, string[]> } | null;
  endpointScreens: Record<string, Record<string, unknown>>;
};

/** `flow`: the screen's data comes from running that Eddy flow for the contact (endpoint-flows.ts). */
export type Answer = { kind: "answer"; body: unknown; notification?: Record<string, unknown> } | { kind: "flow"; screen: string; flow: string } | { kind: "refused"; message: string };

/** The entry screen: the one no route leads to (else the first screen), as Meta's routing model defines it. */
function entryScreen(form: FormForEndpoint): string | undefined {
  const screens = form.flowJson?.screens.map((s) => s.id) ?? Object.keys(form.endpointScreens);
  const routes = form.flowJson?.routing_model;
  if (!routes) return screens[0];
  const targets = new Set(Object.values(routes).flat());
  return screens.find((s) => !targets.has(s)) ?? screens[0];
}

function screenAnswer(form: FormForEndpoint, screen: string): Answer {
  const flow = flowOf(form.endpointScreens[screen]);
  return flow ? { kind: "flow", screen, flow: flow.uuid } : { kind: "answer", body: { screen, data: form.endpointScreens[screen] ?? {} } };
}

/**
 * What Eddy's endpoint answers, from the form's configuration (static data per screen, or a flow to run):
 * `ping` → active; an error notification → acknowledged (and kept in the form's history); `INIT` →
 * the entry screen; `BACK` → the same screen again; `data_exchange` → the screen's first route in
 * the routing model, or, from a screen with none, the end of the form with the answers as
 * `extension_message_response.params` (they come back in the `nfm_reply`).
 */
export function answer(form: FormForEndpoint, req: EndpointRequest): Answer {
  if (req.action === "ping") return { kind: "answer", body: { data: { status: "active" } } };
  const error = req.data?.error ?? req.data?.error_key;
  if (error !== undefined) {
    return { kind: "answer", body: { data: { acknowledged: true } }, notification: { event: "ENDPOINT_ERROR_NOTIFICATION", action: req.action, screen: req.screen ?? null, error: String(error).slice(0, 256), error_message: String(req.data?.error_message ?? "").slice(0, 1024) } };
  }
  switch (req.action) {
    case "INIT": {
      const screen = entryScreen(form);
      return screen ? screenAnswer(form, screen) : { kind: "refused", message: "the form has no screens to start on" };
    }
    case "BACK":
      return req.screen ? screenAnswer(form, req.screen) : { kind: "refused", message: "BACK without a screen" };
    case "data_exchange": {
      if (!req.screen) return { kind: "refused", message: "data_exchange without a screen" };
      const next = form.flowJson?.routing_model?.[req.screen]?.[0];
      if (next) return screenAnswer(form, next);
      return { kind: "answer", body: { screen: "SUCCESS", data: { extension_message_response: { params: { ...(req.data ?? {}), ...(req.flow_token ? { flow_token: req.flow_token } : {}) } } } } };
    }
    default:
      return { kind: "refused", message: `unknown action ${req.action}` };
  }
}
