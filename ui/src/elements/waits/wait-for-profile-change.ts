import type { ProfileChangeWait } from "../../../../durable/engine/flow/schema";
import type { SplitElement } from "../types";
import { isJourneyWait, JOURNEY_FLOW_TYPES, journeyNode, readTimeout, timeoutFields, timeoutText, withWait, writeTimeout } from "./journey";

const CHANGED = "Changed";
const ATTRIBUTES = [
  { value: "name", label: "the name" },
  { value: "language", label: "the language" },
  { value: "timezone", label: "the time zone" },
  { value: "status", label: "the status (active, blocked, stopped...)" },
  { value: "urn:tel", label: "the phone number" },
  { value: "urn:whatsapp", label: "the WhatsApp number" },
  { value: "urn:telegram", label: "the Telegram account" },
  { value: "urn:mailto", label: "the email address" },
];
const isProfileWait = (node: Parameters<typeof isJourneyWait>[0]) => isJourneyWait(node, "profile_change");

/** Moments' "wait for a profile change": a contact field or attribute changes, or the timeout passes. */
export const waitForProfileChange: SplitElement = {
  ui: "wait_profile_change",
  name: "Wait for a profile change",
  flowTypes: [...JOURNEY_FLOW_TYPES],
  create: (uuid) => journeyNode(uuid, [CHANGED], (c) => ({ type: "profile_change", attribute: "name", category_uuid: c(CHANGED) })),
  matches: isProfileWait,
  edit: { operand: "fixed", rules: false, resultName: true },
  form: {
    fields: [
      { key: "watch", label: "Until this changes", kind: "select", options: [{ value: "field", label: "a contact field" }, ...ATTRIBUTES] },
      { key: "field", label: "Contact field", kind: "ref", asset: "fields", required: true, when: (v) => v.watch === "field" },
      ...timeoutFields,
    ],
    read: (node) => {
      const w = isProfileWait(node) ? (node.router.wait as ProfileChangeWait) : undefined;
      return { watch: w?.field || !w?.attribute ? "field" : w.attribute, field: w?.field, ...readTimeout(w ?? {}) };
    },
    write: (node, v, uuid) => {
      if (!isProfileWait(node)) return node;
      const old = node.router.wait as ProfileChangeWait;
      const what = v.watch === "field" ? { field: (v.field as ProfileChangeWait["field"]) ?? { key: "", name: "" } } : { attribute: String(v.watch) };
      const timed = writeTimeout(node, { type: "profile_change" as const, ...what, ...(old.timeout ? { timeout: old.timeout } : {}), category_uuid: old.category_uuid }, v, uuid);
      return withWait(timed.node as typeof node, timed.wait);
    },
  },
  summary: (node) => {
    if (!isProfileWait(node)) return "";
    const w = node.router.wait as ProfileChangeWait;
    const what = w.field ? w.field.name || w.field.key || "a field" : (ATTRIBUTES.find((a) => a.value === w.attribute)?.label ?? w.attribute);
    return `Until ${what} changes${timeoutText(w)}`;
  },
};
