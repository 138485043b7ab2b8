import type { TestSpec } from "./types";

/** goflow's router tests as a rule offers them, in the order TextIt lists them. */
export const TESTS: TestSpec[] = [
  { type: "has_any_word", label: "has any of the words", args: 1 },
  { type: "has_all_words", label: "has all of the words", args: 1 },
  { type: "has_phrase", label: "has the phrase", args: 1 },
  { type: "has_only_phrase", label: "has only the phrase", args: 1 },
  { type: "has_beginning", label: "starts with", args: 1 },
  { type: "has_text", label: "has some text", args: 0 },
  { type: "has_pattern", label: "matches the regular expression", args: 1 },
  { type: "has_number", label: "has a number", args: 0 },
  { type: "has_number_lt", label: "has a number below", args: 1 },
  { type: "has_number_lte", label: "has a number at most", args: 1 },
  { type: "has_number_eq", label: "has a number equal to", args: 1 },
  { type: "has_number_gte", label: "has a number at least", args: 1 },
  { type: "has_number_gt", label: "has a number above", args: 1 },
  { type: "has_number_between", label: "has a number between", args: 2 },
  { type: "has_date", label: "has a date", args: 0 },
  { type: "has_date_lt", label: "has a date before", args: 1 },
  { type: "has_date_eq", label: "has a date equal to", args: 1 },
  { type: "has_date_gt", label: "has a date after", args: 1 },
  { type: "has_time", label: "has a time", args: 0 },
  { type: "has_phone", label: "has a phone number", args: 0 },
  { type: "has_email", label: "has an email address", args: 0 },
  { type: "has_state", label: "has a state", args: 0 },
  { type: "has_district", label: "has a district in state", args: 1 },
  { type: "has_ward", label: "has a ward in state, district", args: 2 },
  { type: "has_only_text", label: "is exactly", args: 1 },
  { type: "has_category", label: "has the category", args: 1 },
  { type: "has_group", label: "is in the group (UUID)", args: 1 },
  { type: "has_value", label: "has a value", args: 0 },
  { type: "has_error", label: "is an error", args: 0 },
];

export const testSpec = (type: string): TestSpec => TESTS.find((t) => t.type === type) ?? { type, label: type, args: 1 };
