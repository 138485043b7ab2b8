// Glific's interactive templates (quick reply buttons, lists, location requests) travel in its
// export apart from the flows (`interactive_templates`), and a flow's `send_interactive_msg` names
// one by Glific's id. The import copies each action's template into the action (`interactive`),
// so the flow carries what it sends and runs as it did in Glific
// (durable/engine/actions/send-interactive-msg.ts). An action whose template is not in the export
// keeps Glific's own copy in its `text`, if any; otherwise validation reports it on its node.

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A template's content, which Glific writes as an object or as JSON text. */
function contentOf(t: Json): unknown {
  const c = t.interactive_content;
  if (typeof c !== "string") return c;
  try {
    return JSON.parse(c);
  } catch {
    return undefined;
  }
}

const key = (v: unknown) => (typeof v === "number" || typeof v === "string" ? String(v).trim() : "");

/** Copies the export's interactive templates into the flows' send_interactive_msg actions (in place); returns how many were copied. */
export function copyInteractiveTemplates(definitions: unknown[], raw: Json): number {
  const templates = (Array.isArray(raw.interactive_templates) ? raw.interactive_templates : []).filter(isObject);
  if (!templates.length) return 0;
  const byId = new Map<string, unknown>();
  const byLabel = new Map<string, unknown>();
  for (const t of templates) {
    const content = contentOf(t);
    if (content === undefined) continue;
    if (key(t.id)) byId.set(key(t.id), content);
    else if (key(t.label)) byLabel.set(key(t.label).toLowerCase(), content);
  }
  let copied = 0;
  for (const d of definitions) {
    for (const node of isObject(d) && Array.isArray(d.nodes) ? d.nodes : []) {
      for (const action of isObject(node) && Array.isArray(node.actions) ? node.actions : []) {
        if (!isObject(action) || action.type !== "send_interactive_msg") continue;
        // By Glific's id; a template exported without one is found by its label, the action's name.
        const content = byId.get(key(action.id)) ?? byLabel.get(key(action.name).toLowerCase());
        if (content === undefined) continue;
        action.interactive = content;
        copied++;
      }
    }
  }
  return copied;
}
