import type { FlowDefinition } from "./schema";

export type DependencyType = "flow" | "field" | "group" | "label" | "channel" | "topic" | "template" | "user";

/** Something a definition refers to, and where: fields by key, users by email or UUID, the rest by UUID. */
export type Dependency = {
  type: DependencyType;
  uuid?: string;
  key?: string;
  email?: string;
  name?: string;
  node_uuid: string;
  action_uuid?: string;
  path: string;
};

type Ref = { uuid?: unknown; name?: unknown; key?: unknown; email?: unknown };

/**
 * Every reference in a definition, one entry per place it appears. Groups and labels matched by a
 * name template (`name_match`) are resolved at run time and are not dependencies.
 */
export function listDependencies(flow: FlowDefinition): Dependency[] {
  const deps: Dependency[] = [];
  // Where each translatable item lives, to place the fields its translations use.
  const itemHome = new Map<string, { node_uuid: string; action_uuid?: string }>();

  flow.nodes.forEach((node, nodeIndex) => {
    const at = (path: string, action_uuid?: string) => ({ node_uuid: node.uuid, ...(action_uuid ? { action_uuid } : {}), path: `nodes[${nodeIndex}].${path}` });
    const ref = (type: DependencyType, value: unknown, path: string, action_uuid?: string) => {
      if (typeof value !== "object" || value === null) return;
      const r = value as Ref;
      const id = {
        ...(typeof r.uuid === "string" ? { uuid: r.uuid } : {}),
        ...(typeof r.key === "string" ? { key: r.key } : {}),
        ...(typeof r.email === "string" ? { email: r.email } : {}),
      };
      if (Object.keys(id).length === 0) return;
      deps.push({ type, ...id, ...(typeof r.name === "string" ? { name: r.name } : {}), ...at(path, action_uuid) });
    };
    const refs = (type: DependencyType, list: unknown, path: string, action_uuid?: string) => {
      if (Array.isArray(list)) list.forEach((v, i) => ref(type, v, `${path}[${i}]`, action_uuid));
    };
    const fieldsIn = (value: unknown, path: string, action_uuid?: string) => {
      for (const [subpath, text] of stringsIn(value, path))
        for (const key of fieldKeys(text)) deps.push({ type: "field", key, ...at(subpath, action_uuid) });
    };

    node.actions.forEach((action, i) => {
      const path = `actions[${i}]`;
      itemHome.set(action.uuid, { node_uuid: node.uuid, action_uuid: action.uuid });
      const a = action as Record<string, unknown>;
      const u = action.uuid;
      if (action.type === "enter_flow" || action.type === "start_session") ref("flow", a.flow, `${path}.flow`, u);
      if (["add_contact_groups", "remove_contact_groups", "send_broadcast", "start_session"].includes(action.type))
        refs("group", a.groups, `${path}.groups`, u);
      if (action.type === "add_input_labels") refs("label", a.labels, `${path}.labels`, u);
      if (action.type === "set_contact_field") ref("field", a.field, `${path}.field`, u);
      if (action.type === "set_contact_channel") ref("channel", a.channel, `${path}.channel`, u);
      if (action.type === "open_ticket") {
        ref("topic", a.topic, `${path}.topic`, u);
        ref("user", a.assignee, `${path}.assignee`, u);
      }
      if (action.type === "send_msg") ref("template", a.template, `${path}.template`, u);
      fieldsIn(action, path, u);
    });

    const router = node.router;
    if (!router) return;
    // Journeys' waits on a field (docs/journeys.md): the field must exist for them to mean anything.
    if (router.wait && (router.wait.type === "date" || router.wait.type === "profile_change")) ref("field", router.wait.field, "router.wait.field");
    if (router.wait?.type === "pause" && router.wait.until) fieldsIn(router.wait.until, "router.wait.until");
    if (router.type === "segment_audience") {
      // A segment's conditions on fields, at any depth of its groups.
      const walk = (conditions: unknown[], path: string): void =>
        conditions.forEach((c, i) => {
          const x = c as { field?: unknown; conditions?: unknown[]; value?: unknown };
          if (x.field) ref("field", x.field, `${path}[${i}].field`);
          if (Array.isArray(x.conditions) && !("event" in x)) walk(x.conditions, `${path}[${i}].conditions`);
          fieldsIn(x.value, `${path}[${i}].value`);
        });
      router.segments.forEach((seg, i) => walk(seg.conditions, `router.segments[${i}].conditions`));
    }
    if (router.type !== "switch") return;
    fieldsIn(router.operand, "router.operand");
    router.cases.forEach((c, i) => {
      itemHome.set(c.uuid, { node_uuid: node.uuid });
      // has_group's arguments are the group's UUID and name.
      if (c.type === "has_group" && c.arguments[0])
        deps.push({ type: "group", uuid: c.arguments[0], ...(c.arguments[1] ? { name: c.arguments[1] } : {}), ...at(`router.cases[${i}].arguments`) });
      fieldsIn(c.arguments, `router.cases[${i}].arguments`);
    });
  });

  // Translations can use fields the base language does not.
  for (const [lang, items] of Object.entries(flow.localization ?? {})) {
    for (const [itemUuid, props] of Object.entries(items)) {
      const home = itemHome.get(itemUuid);
      if (!home) continue;
      for (const [subpath, text] of stringsIn(props, `localization.${lang}.${itemUuid}`))
        for (const key of fieldKeys(text))
          deps.push({ type: "field", key, ...home, path: subpath });
    }
  }
  return deps;
}

/** Every string inside a JSON value, with its path. */
function* stringsIn(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* stringsIn(value[i], `${path}[${i}]`);
  else if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) yield* stringsIn(v, `${path}.${k}`);
}

const FIELD_REF = /(?:^|[^\w.])(?:(?:parent|child)\.)?(?:contact\.)?fields\.([a-z_][a-z0-9_]*)/gi;

/** Keys of contact fields used by the Excellent expressions in a template (`@fields.age`, `@(contact.fields.age + 1)`). */
export function fieldKeys(template: string): string[] {
  const keys = new Set<string>();
  for (const expression of expressions(template)) {
    const code = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""'); // string literals are not references
    for (const m of code.matchAll(FIELD_REF)) keys.add(m[1].toLowerCase());
  }
  return [...keys];
}

/** The expressions in a template: `@a.b.c` paths and `@(...)` blocks; `@@` is a literal `@`. */
function expressions(template: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < template.length; i++) {
    if (template[i] !== "@") continue;
    if (template[i + 1] === "@") {
      i++;
      continue;
    }
    if (template[i + 1] === "(") {
      let depth = 0;
      let inString = false;
      let j = i + 1;
      for (; j < template.length; j++) {
        const ch = template[j];
        if (inString) {
          if (ch === "\\") j++;
          else if (ch === '"') inString = false;
        } else if (ch === '"') inString = true;
        else if (ch === "(") depth++;
        else if (ch === ")" && --depth === 0) break;
      }
      found.push(template.slice(i + 2, j));
      i = j;
    } else {
      const m = /^[a-z_][\w]*(?:\.[\w]+)*/i.exec(template.slice(i + 1));
      if (m) {
        found.push(m[0]);
        i += m[0].length;
      }
    }
  }
  return found;
}
