import { z } from "zod";
import { SPEC_VERSION } from "./schema";

/**
 * goflow's definition migrations from spec 13.x to 14.x, as small named steps on the raw JSON.
 * Each step runs when the definition is older than the version that introduced the change, and
 * only touches the old shape when it is there, so a definition that mislabels its version still
 * comes out right.
 */

export class MigrationError extends Error {}

type Json = Record<string, unknown>;
type Version = [number, number, number];

const OLDEST_SUPPORTED_MAJOR = 13;
const CURRENT = parseVersion(SPEC_VERSION)!;

function parseVersion(v: unknown): Version | undefined {
  if (typeof v !== "string" && typeof v !== "number") return undefined;
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(v).trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function older(a: Version, b: Version): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

function actionsOfType(flow: Json, type: string): Json[] {
  return objects(flow.nodes).flatMap((node) => objects(node.actions).filter((a) => a.type === type));
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((s) => String(s)) : []);

/** Every node's switch router, with its node. */
function routers(flow: Json): { node: Json; router: Json }[] {
  return objects(flow.nodes).flatMap((node) => (isObject(node.router) ? [{ node, router: node.router }] : []));
}

/**
 * Every template in a definition (action texts, router operands, case arguments, translations),
 * rewritten by `fn`. Keys that are not templates (UUIDs, types, names of results) are left alone.
 */
const NOT_TEMPLATES = new Set(["uuid", "type", "name", "result_name", "category_uuid", "exit_uuid", "destination_uuid", "default_category_uuid", "_ui", "key", "slug", "resthook", "local", "operation", "method", "scheme", "language", "flow", "field", "groups", "labels", "channel", "topic", "template", "categories", "exits"]);

function rewriteTemplates(flow: Json, fn: (template: string) => string): void {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return v.includes("@") ? fn(v) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (isObject(v)) {
      for (const [k, child] of Object.entries(v)) if (!NOT_TEMPLATES.has(k)) v[k] = walk(child);
    }
    return v;
  };
  for (const node of objects(flow.nodes)) {
    node.actions = walk(node.actions);
    if (isObject(node.router)) {
      const r = node.router;
      if (typeof r.operand === "string") r.operand = walk(r.operand);
      for (const c of objects(r.cases)) c.arguments = walk(c.arguments);
    }
  }
  if (isObject(flow.localization)) for (const lang of Object.values(flow.localization)) if (isObject(lang)) for (const item of Object.values(lang)) walk(item);
}

/** Applies `fn` to the identifiers inside every `@(...)` expression and to every `@a.b` path. */
function rewriteReferences(template: string, fn: (path: string) => string): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== "@") {
      out += ch;
      continue;
    }
    if (template[i + 1] === "@") {
      out += "@@";
      i++;
      continue;
    }
    if (template[i + 1] === "(") {
      // To the matching parenthesis, skipping string literals.
      let depth = 0;
      let j = i + 1;
      let inString = false;
      for (; j < template.length; j++) {
        const c = template[j];
        if (inString) {
          if (c === "\\") j++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === "(") depth++;
        else if (c === ")" && --depth === 0) break;
      }
      const expr = template.slice(i + 2, j);
      out += "@(" + rewriteOutsideStrings(expr, (code) => code.replace(/(?<![\w.])[a-z_][\w]*(?:\.[\w]+)*/gi, fn)) + ")";
      i = j;
      continue;
    }
    const m = /^[a-z_][\w]*(?:\.[\w]+)*/i.exec(template.slice(i + 1));
    if (!m) {
      out += ch;
      continue;
    }
    // A trailing dot ends the sentence, it is not part of the path.
    out += "@" + fn(m[0]);
    i += m[0].length;
  }
  return out;
}

function rewriteOutsideStrings(code: string, fn: (code: string) => string): string {
  return code
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) => (i % 2 === 1 ? part : fn(part)))
    .join("");
}

/** 13.1.0: send_msg templating gets its own UUID (its translations are keyed by it). */
function templatingUUID(flow: Json): void {
  for (const action of actionsOfType(flow, "send_msg")) {
    if (isObject(action.templating) && typeof action.templating.uuid !== "string") action.templating.uuid = derivedUUID(action.uuid, 1);
  }
}

/** 13.2.0: the flow language `base` (no language) becomes `und`. */
function baseToUnd(flow: Json): void {
  if (flow.language === "base") flow.language = "und";
}

/** 13.3.0: `@webhook` used to be the response JSON; it is now `@webhook.json`. */
function webhookToWebhookJSON(flow: Json): void {
  rewriteTemplates(flow, (t) => rewriteReferences(t, (path) => (path === "webhook" ? "webhook.json" : path)));
}

/** 13.4.0: templating variables become a list of components (a body with its params). */
function templatingToComponents(flow: Json): void {
  for (const action of actionsOfType(flow, "send_msg")) {
    const templating = action.templating;
    if (!isObject(templating) || !Array.isArray(templating.variables) || Array.isArray(templating.components)) continue;
    const uuid = typeof templating.uuid === "string" ? templating.uuid : derivedUUID(action.uuid, 1);
    templating.components = [{ uuid, name: "body", params: strings(templating.variables) }];
    delete templating.variables;
    delete templating.uuid;
    if (!isObject(flow.localization)) continue;
    for (const lang of Object.values(flow.localization)) {
      if (!isObject(lang) || !isObject(lang[uuid])) continue;
      const item = lang[uuid] as Json;
      if (Array.isArray(item.variables)) {
        item.params = item.variables;
        delete item.variables;
      }
    }
  }
}

/**
 * 13.5.0: the components' params merge into one list of variables: send_msg gets `template` and
 * `template_variables`, translated on the action itself rather than on the component UUIDs.
 */
function componentsToTemplateVariables(flow: Json): void {
  for (const action of actionsOfType(flow, "send_msg")) {
    const templating = action.templating;
    if (!isObject(templating)) continue;
    delete action.templating;
    if (isObject(templating.template)) action.template = templating.template;

    // The parts the variables were kept in, each with the UUID its translations were keyed by.
    const parts = Array.isArray(templating.components)
      ? objects(templating.components).map((c) => ({ uuid: c.uuid, key: "params", values: strings(c.params) }))
      : [{ uuid: templating.uuid, key: "variables", values: strings(templating.variables) }];
    const variables = parts.flatMap((p) => p.values);
    if (variables.length > 0) action.template_variables = variables;

    if (!isObject(flow.localization)) continue;
    for (const lang of Object.values(flow.localization)) {
      if (!isObject(lang)) continue;
      const translated = parts.map((p) => {
        const item = typeof p.uuid === "string" ? lang[p.uuid] : undefined;
        if (typeof p.uuid === "string") delete lang[p.uuid];
        return isObject(item) && Array.isArray(item[p.key]) ? strings(item[p.key]) : undefined;
      });
      if (translated.every((t) => t === undefined)) continue;
      // A part without a translation keeps its base values, so positions still line up.
      const merged = translated.flatMap((t, i) => t ?? parts[i].values);
      const item = isObject(lang[action.uuid as string]) ? (lang[action.uuid as string] as Json) : {};
      item.template_variables = merged;
      lang[action.uuid as string] = item;
    }
  }
}

const MAX_RESULT_NAME = 64;
const MAX_CATEGORY_NAME = 36;
const RESULT_NAME_KEYS = ["result_name", "name"];

/** 13.6.0: result names cut to 64 characters, category names to 36. */
function truncateNames(flow: Json): void {
  for (const node of objects(flow.nodes)) {
    for (const action of objects(node.actions)) {
      for (const key of RESULT_NAME_KEYS) {
        if (key === "name" && action.type !== "set_run_result") continue;
        if (typeof action[key] === "string") action[key] = (action[key] as string).slice(0, MAX_RESULT_NAME);
      }
    }
    if (isObject(node.router)) {
      if (typeof node.router.result_name === "string") node.router.result_name = node.router.result_name.slice(0, MAX_RESULT_NAME);
      for (const c of objects(node.router.categories)) if (typeof c.name === "string") c.name = c.name.slice(0, MAX_CATEGORY_NAME);
    }
  }
  if (isObject(flow.localization))
    for (const lang of Object.values(flow.localization))
      if (isObject(lang))
        for (const item of Object.values(lang))
          if (isObject(item) && Array.isArray(item.name)) item.name = strings(item.name).map((n) => n.slice(0, MAX_CATEGORY_NAME));
}

/** 13.6.1: references to results follow: a result key is at most 64 characters too. */
function truncateResultLookups(flow: Json): void {
  rewriteTemplates(flow, (t) =>
    rewriteReferences(t, (path) => path.replace(/(^|\.)(results\.)([\w]{65,})/i, (_, pre: string, results: string, key: string) => pre + results + key.slice(0, MAX_RESULT_NAME))),
  );
}

/** Expiration bounds per flow type (minutes); background flows have none. */
const EXPIRES: Record<string, { min: number; max: number; default: number }> = {
  messaging: { min: 5, max: 43200, default: 10080 },
  messaging_offline: { min: 5, max: 43200, default: 10080 },
  voice: { min: 1, max: 15, default: 5 },
};

/** 14.0.0: expiry within the flow type's bounds; a category without a name gets one. */
function fixExpiresAndCategories(flow: Json): void {
  const bounds = EXPIRES[flow.type as string];
  if (bounds) {
    const value = typeof flow.expire_after_minutes === "number" ? flow.expire_after_minutes : 0;
    flow.expire_after_minutes = value === 0 ? bounds.default : Math.min(bounds.max, Math.max(bounds.min, Math.round(value)));
  }
  for (const { router } of routers(flow)) {
    objects(router.categories).forEach((c, i) => {
      if (typeof c.name !== "string" || c.name.trim() === "") c.name = c.uuid === router.default_category_uuid ? "Other" : `Category ${i + 1}`;
    });
  }
}

const CALL_ACTIONS = new Set(["call_webhook", "call_resthook"]);

/** A node that calls a webhook or resthook and splits on how the call went. */
function callSplits(flow: Json): { node: Json; router: Json }[] {
  return routers(flow).filter(({ node, router }) => {
    const actions = objects(node.actions);
    return router.type === "switch" && actions.length === 1 && CALL_ACTIONS.has(actions[0].type as string);
  });
}

/** 14.1.0: webhook nodes split on `@webhook` rather than on the action's result. */
function webhookSplitsOnWebhook(flow: Json): void {
  for (const { router } of callSplits(flow)) if (typeof router.operand === "string" && /results\./.test(router.operand)) router.operand = "@webhook";
}

/** 14.2.0: open_ticket's `body` is its `note`, and it has no ticketer; unknown translation languages go. */
function ticketNotesAndLanguages(flow: Json): void {
  for (const action of actionsOfType(flow, "open_ticket")) {
    if ("body" in action) {
      if (action.note === undefined && action.body !== "") action.note = action.body;
      delete action.body;
    }
    delete action.ticketer;
  }
  if (isObject(flow.localization)) for (const lang of Object.keys(flow.localization)) if (!/^[a-z]{3}$/.test(lang)) delete flow.localization[lang];
}

/** 14.3.0: airtime and ticket nodes split on the local their action sets. */
function splitOnOutputLocal(flow: Json): void {
  const locals: Record<string, string> = { open_ticket: "@locals._new_ticket", transfer_airtime: "@locals._new_transfer" };
  for (const { node, router } of routers(flow)) {
    const actions = objects(node.actions);
    const local = actions.length === 1 ? locals[actions[0].type as string] : undefined;
    if (!local || router.type !== "switch") continue;
    const success = objects(router.categories).find((c) => c.name === "Success");
    router.operand = local;
    if (success) router.cases = [{ uuid: objects(router.cases)[0]?.uuid ?? derivedUUID(success.uuid, 2), type: "has_text", arguments: [], category_uuid: success.uuid }];
  }
}

const TEXT_TESTS = new Set(["has_any_word", "has_all_words", "has_phrase", "has_only_phrase", "has_beginning", "has_only_text", "has_text"]);

/** 14.3.1: a text test with several arguments gets them as one, space separated. */
function joinTextTestArguments(flow: Json): void {
  for (const { router } of routers(flow))
    for (const c of objects(router.cases))
      if (TEXT_TESTS.has(c.type as string) && Array.isArray(c.arguments) && c.arguments.length > 1) c.arguments = [strings(c.arguments).join(" ")];
}

/** 14.4.0: send_msg loses `all_urns`. */
function removeAllUrns(flow: Json): void {
  for (const action of actionsOfType(flow, "send_msg")) delete action.all_urns;
}

/** 14.4.1: a webhook or resthook split is on `@webhook.status`, 200 to 299 being Success. */
function normalizeCallSplits(flow: Json): void {
  for (const { router } of callSplits(flow)) {
    const categories = objects(router.categories);
    const success = categories.find((c) => c.name === "Success");
    const failure = categories.find((c) => c.name === "Failure");
    if (!success) continue;
    router.operand = "@webhook.status";
    router.cases = [{ uuid: objects(router.cases)[0]?.uuid ?? derivedUUID(success.uuid, 3), type: "has_number_between", arguments: ["200", "299"], category_uuid: success.uuid }];
    if (failure) router.default_category_uuid = failure.uuid;
  }
}

/** 14.4.2: ... on `@(default(webhook.status, 0))`, so a call never made is a Failure, not an error. */
function defaultCallStatus(flow: Json): void {
  for (const { router } of callSplits(flow)) if (router.operand === "@webhook.status") router.operand = "@(default(webhook.status, 0))";
}

/** A UUID made from another, for parts a step adds: the same input always migrates the same way. */
function derivedUUID(from: unknown, n: number): string {
  const base = typeof from === "string" && from.length === 36 ? from : "00000000-0000-4000-8000-000000000000";
  return base.slice(0, 34) + ((parseInt(base.slice(34), 16) + n) % 256).toString(16).padStart(2, "0");
}

export type MigrationStep = { version: string; name: string; apply: (flow: Json) => void };

/** goflow's fifteen steps from 13.0 to 14.4.2, each under the version that introduced it. */
export const MIGRATIONS: readonly MigrationStep[] = [
  { version: "13.1.0", name: "send_msg templating gets a UUID", apply: templatingUUID },
  { version: "13.2.0", name: "flow language base becomes und", apply: baseToUnd },
  { version: "13.3.0", name: "@webhook becomes @webhook.json", apply: webhookToWebhookJSON },
  { version: "13.4.0", name: "send_msg templating variables become components", apply: templatingToComponents },
  { version: "13.5.0", name: "send_msg templating becomes template and template_variables", apply: componentsToTemplateVariables },
  { version: "13.6.0", name: "result and category names cut to their limits", apply: truncateNames },
  { version: "13.6.1", name: "result lookups cut to match", apply: truncateResultLookups },
  { version: "14.0.0", name: "expire_after_minutes within its flow type's bounds, unnamed categories named", apply: fixExpiresAndCategories },
  { version: "14.1.0", name: "webhook nodes split on @webhook", apply: webhookSplitsOnWebhook },
  { version: "14.2.0", name: "open_ticket body becomes note, invalid translation languages dropped", apply: ticketNotesAndLanguages },
  { version: "14.3.0", name: "airtime and ticket nodes split on their output local", apply: splitOnOutputLocal },
  { version: "14.3.1", name: "text tests with several arguments take them as one", apply: joinTextTestArguments },
  { version: "14.4.0", name: "send_msg loses all_urns", apply: removeAllUrns },
  { version: "14.4.1", name: "webhook and resthook splits on @webhook.status", apply: normalizeCallSplits },
  { version: "14.4.2", name: "webhook and resthook splits on @(default(webhook.status, 0))", apply: defaultCallStatus },
];

export type Migrated = { definition: Json; from: string; applied: string[] };

/**
 * Brings a flow definition (13.x or 14.x) to SPEC_VERSION. The input is not modified.
 * Throws MigrationError when the definition is too old, too new, or not a goflow definition.
 */
export function migrateFlow(json: unknown): Migrated {
  if (!isObject(json)) throw new MigrationError("a flow definition must be a JSON object");
  const from = json.spec_version;
  const version = parseVersion(from);
  if (version === undefined) {
    if ("action_sets" in json || "rule_sets" in json || "flow_type" in json)
      throw new MigrationError("legacy flow format (spec version 11.x or older) is not supported; export from a newer TextIt/RapidPro");
    throw new MigrationError(from === undefined ? "spec_version is missing" : `spec_version ${JSON.stringify(from)} is not a version`);
  }
  if (version[0] < OLDEST_SUPPORTED_MAJOR)
    throw new MigrationError(`spec version ${version[0]}.x is not supported; export from a newer TextIt/RapidPro`);
  if (version[0] > CURRENT[0])
    throw new MigrationError(`spec version ${String(from)} is newer than Eddy supports (${CURRENT[0]}.x)`);

  if (!older(version, CURRENT)) return { definition: json, from: String(from), applied: [] };
  const definition = structuredClone(json);
  const applied: string[] = [];
  for (const step of MIGRATIONS) {
    if (!older(version, parseVersion(step.version)!)) continue;
    step.apply(definition);
    applied.push(`${step.version}: ${step.name}`);
  }
  definition.spec_version = SPEC_VERSION;
  return { definition, from: String(from), applied };
}

const ExportField = z.looseObject({ key: z.string(), name: z.string(), type: z.string() });
export type ExportField = z.infer<typeof ExportField>;
const ExportGroup = z.looseObject({ uuid: z.string(), name: z.string(), query: z.string().nullable().optional() });
export type ExportGroup = z.infer<typeof ExportGroup>;

/** Glific exports each flow as `{"definition": {...}, "keywords": [...]}`: the definition is the flow. */
const unwrapGlific = (flow: unknown) => (isObject(flow) && isObject(flow.definition) && !("nodes" in flow) ? flow.definition : flow);

const ExportFile = z.looseObject({
  version: z.union([z.string(), z.number()]).optional(),
  flows: z.array(z.unknown().transform(unwrapGlific)).default([]),
  fields: z.array(ExportField).default([]),
  groups: z.array(ExportGroup).default([]),
});

export type Export = { flows: Migrated[]; fields: ExportField[]; groups: ExportGroup[] };

/** A TextIt/RapidPro export file: its flows, each migrated, and the fields and groups it brings. */
export function readExport(json: unknown): Export {
  const parsed = ExportFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MigrationError(`not a flow export: ${issue.path.join(".") || "file"}: ${issue.message.replace(/^Invalid input: /, "")}`);
  }
  const flows = parsed.data.flows.map((flow, i) => {
    try {
      return migrateFlow(flow);
    } catch (e) {
      const name = isObject(flow) && typeof flow.name === "string" ? `"${flow.name}"` : `#${i + 1}`;
      throw new MigrationError(`flow ${name}: ${(e as Error).message}`);
    }
  });
  return { flows, fields: parsed.data.fields, groups: parsed.data.groups };
}
