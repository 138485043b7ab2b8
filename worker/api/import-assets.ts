// What an import brings beyond its own `fields` and `groups` (issue #12, "Imports"): the fields and
// groups its flows use that neither the export nor the workspace has are created, so a flow does
// not validate and then silently do nothing at run time; and Glific's parts (`contact_field`,
// `collections`, groups referred to by Glific's numeric ids) become fields and groups, and its
// interactive templates go into the actions that send them (import-interactive.ts).

import { listDependencies } from "../../durable/engine/flow/dependencies";
import { loadFlow } from "../../durable/engine/flow/load";
import type { Export, ExportField, ExportGroup } from "../../durable/engine/flow/migrate";
import type { Database } from "../db";
import { fields as fieldsTable, groups as groupsTable } from "../db/schema";
import { Uuid } from "./common";
import { copyInteractiveTemplates } from "./import-interactive";
import { RESERVED_FIELD_KEYS } from "./fields";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

const FIELD_KEY = /^[a-z][a-z0-9_]{0,35}$/;

/** A router test implies the type of the field its operand is: `@fields.age` tested with has_number_gt is a number. */
const TYPE_OF_TEST: [RegExp, string][] = [
  [/^has_number/, "numeric"],
  [/^has_date/, "datetime"],
  [/^has_time$/, "text"],
  [/^has_state$/, "state"],
  [/^has_district$/, "district"],
  [/^has_ward$/, "ward"],
];

/** The field a router's operand is, when it is exactly one field: `@fields.age`, `@contact.fields.age`, `@(contact.fields.age)`. */
const operandField = (operand: unknown) =>
  typeof operand === "string" ? /^@\(?\s*(?:contact\.)?fields\.([a-z_][a-z0-9_]*)\s*\)?$/i.exec(operand.trim())?.[1]?.toLowerCase() : undefined;

/** Field types a definition implies: from the tests on routers whose operand is the field. */
function impliedTypes(definition: Json): Map<string, string> {
  const types = new Map<string, string>();
  for (const node of Array.isArray(definition.nodes) ? definition.nodes : []) {
    const router = isObject(node) && isObject(node.router) ? node.router : undefined;
    const key = router && operandField(router.operand);
    if (!key || !Array.isArray(router.cases)) continue;
    for (const c of router.cases) {
      const type = isObject(c) && typeof c.type === "string" ? TYPE_OF_TEST.find(([re]) => re.test(c.type as string))?.[1] : undefined;
      if (type) {
        types.set(key, type);
        break;
      }
    }
  }
  return types;
}

/** Glific lists fields and collections by name (or as objects): either shape is read. */
const glificName = (v: unknown): string | undefined => {
  const name = typeof v === "string" ? v : isObject(v) ? (v.shortcode ?? v.key ?? v.label ?? v.name) : undefined;
  return typeof name === "string" && name.trim() ? name.trim() : undefined;
};

/** Group references in a definition: actions' `groups` and has_group cases' arguments. */
function* groupRefs(definition: Json): Generator<{ get: () => { uuid: string; name: string }; set: (uuid: string) => void }> {
  for (const node of Array.isArray(definition.nodes) ? definition.nodes : []) {
    if (!isObject(node)) continue;
    for (const action of Array.isArray(node.actions) ? node.actions : []) {
      if (!isObject(action) || !Array.isArray(action.groups)) continue;
      for (const g of action.groups) {
        if (isObject(g) && typeof g.name === "string" && "uuid" in g)
          yield { get: () => ({ uuid: String(g.uuid), name: g.name as string }), set: (uuid) => void (g.uuid = uuid) };
      }
    }
    const cases = isObject(node.router) && Array.isArray(node.router.cases) ? node.router.cases : [];
    for (const c of cases) {
      if (!isObject(c) || c.type !== "has_group" || !Array.isArray(c.arguments) || typeof c.arguments[1] !== "string") continue;
      const args = c.arguments as string[];
      yield { get: () => ({ uuid: String(args[0] ?? ""), name: args[1] }), set: (uuid) => void (args[0] = uuid) };
    }
  }
}

/**
 * The export with the fields and groups its flows need added to its own: those the flows use that
 * neither the export nor the workspace has (fields typed as the flow implies, else text), Glific's
 * `contact_field` and `collections`, and groups referred to by a non-UUID id (Glific's numeric
 * ids) given the UUID of the group of that name, here or created. Flow definitions are rewritten
 * in place for those ids. What the export carries itself is left as it is, for the import to check.
 */
export async function withFlowAssets(db: Database, file: Export, raw: Json): Promise<Export> {
  const [fieldRows, groupRows] = await db.batch([db.select({ key: fieldsTable.key }).from(fieldsTable), db.select({ uuid: groupsTable.uuid, name: groupsTable.name }).from(groupsTable)]);
  const haveField = new Set([...fieldRows.map((f) => f.key), ...file.fields.map((f) => f.key)]);
  const fields: ExportField[] = [...file.fields];
  const addField = (key: string, name: string, type: string) => {
    if (haveField.has(key) || !FIELD_KEY.test(key) || RESERVED_FIELD_KEYS.has(key)) return;
    haveField.add(key);
    fields.push({ key, name, type });
  };

  const groupByName = new Map<string, string>();
  for (const g of [...groupRows, ...file.groups]) groupByName.set(g.name.toLowerCase(), g.uuid.toLowerCase());
  const haveGroup = new Set([...groupRows, ...file.groups].map((g) => g.uuid.toLowerCase()));
  const groups: ExportGroup[] = [...file.groups];
  /** The UUID of the group with this name: the one here, or one created for the import. */
  const groupNamed = (name: string, uuid?: string): string => {
    const known = groupByName.get(name.toLowerCase());
    if (known) return known;
    const created = uuid && Uuid.safeParse(uuid).success && !haveGroup.has(uuid.toLowerCase()) ? uuid.toLowerCase() : crypto.randomUUID();
    groupByName.set(name.toLowerCase(), created);
    haveGroup.add(created);
    groups.push({ uuid: created, name: name.slice(0, 64) });
    return created;
  };

  for (const name of Array.isArray(raw.collections) ? raw.collections.map(glificName) : []) if (name) groupNamed(name);
  for (const entry of Array.isArray(raw.contact_field) ? raw.contact_field : []) {
    const name = glificName(entry);
    if (name) addField(name.toLowerCase().replace(/[^a-z0-9_]+/g, "_"), name, isObject(entry) && entry.value_type === "number" ? "numeric" : "text");
  }

  copyInteractiveTemplates(file.flows.map((f) => f.definition), raw);
  for (const flow of file.flows) {
    const definition = flow.definition as Json;
    for (const ref of groupRefs(definition)) {
      const { uuid, name } = ref.get();
      if (Uuid.safeParse(uuid).success && haveGroup.has(uuid.toLowerCase())) continue;
      const target = groupNamed(name, uuid);
      if (!Uuid.safeParse(uuid).success) ref.set(target);
    }
    const loaded = loadFlow(definition);
    if (!loaded.ok) continue; // its problems are reported with the flow; nothing it uses is guessed
    const implied = impliedTypes(definition);
    for (const dep of listDependencies(loaded.flow)) {
      if (dep.type === "field" && dep.key) addField(dep.key, dep.name ?? dep.key, implied.get(dep.key) ?? "text");
    }
  }
  return { ...file, fields, groups };
}
