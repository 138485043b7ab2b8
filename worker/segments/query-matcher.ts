// The engine's smart-group matcher (durable/engine/query-groups.ts): a segment query decided
// against a contact as the engine holds it, with the same semantics as the segment API.

import type { ContactJSON, QueryMatcher } from "../../durable/engine";
import { segment, type DateFormat, type FieldType } from "./check";
import { matchContact, type SegmentContact } from "./match";

const DATE_FORMATS = new Set<string>(["DD-MM-YYYY", "MM-DD-YYYY", "YYYY-MM-DD"]);

function segmentContact(c: ContactJSON): SegmentContact {
  const fields: Record<string, string | number> = {};
  for (const [key, v] of Object.entries(c.fields ?? {})) {
    if (!v) continue;
    fields[key] = v.number ?? v.datetime ?? v.ward ?? v.district ?? v.state ?? v.text;
  }
  return {
    uuid: c.uuid,
    name: c.name ?? null,
    language: c.language ?? null,
    status: c.status ?? "active",
    created_on: c.created_on,
    last_seen_on: c.last_seen_on ?? null,
    fields,
    urns: (c.urns ?? []).map((u) => u.split("?")[0]),
    groups: (c.groups ?? []).map((g) => ({ name: g.name })),
  };
}

export const matchesQuery: QueryMatcher = (query, contact, context) => {
  const tree = segment(query, {
    fields: context.fields.map((f) => ({ key: f.key, name: f.name, type: f.type as FieldType })),
    groups: context.groups.map((g) => g.name),
    ...(context.date_format && DATE_FORMATS.has(context.date_format) ? { dateFormat: context.date_format as DateFormat } : {}),
    ...(context.timezone ? { timezone: context.timezone } : {}),
  });
  return matchContact(tree, segmentContact(contact));
};
