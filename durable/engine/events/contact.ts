import type { EventBody, Ref } from "./base";
import type { FieldValue } from "../contact";

export const contactFieldChanged = (field: { key: string; name: string }, value: FieldValue | null) =>
  ({ type: "contact_field_changed", field, value }) as EventBody<"contact_field_changed">;

export const contactNameChanged = (name: string) => ({ type: "contact_name_changed", name }) as EventBody<"contact_name_changed">;

export const contactLanguageChanged = (language: string) =>
  ({ type: "contact_language_changed", language }) as EventBody<"contact_language_changed">;

export const contactTimezoneChanged = (timezone: string) =>
  ({ type: "contact_timezone_changed", timezone }) as EventBody<"contact_timezone_changed">;

export const contactStatusChanged = (status: string) =>
  ({ type: "contact_status_changed", status }) as EventBody<"contact_status_changed">;

/** goflow has no channel event: a channel change rewrites the URNs' affinity and logs this. */
export const contactURNsChanged = (urns: string[]) => ({ type: "contact_urns_changed", urns }) as EventBody<"contact_urns_changed">;

export const contactGroupsChanged = (added: Ref[], removed: Ref[]) =>
  ({
    type: "contact_groups_changed",
    ...(added.length ? { groups_added: added } : {}),
    ...(removed.length ? { groups_removed: removed } : {}),
  }) as EventBody<"contact_groups_changed">;
