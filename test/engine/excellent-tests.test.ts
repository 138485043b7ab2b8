import { describe, expect, it } from "vitest";
import {
  SAMPLE_LOCATIONS,
  defaultEnvironment,
  fromJSON,
  isError,
  runRouterTest,
  toJSON,
  type Environment,
  type XObject,
  type XValue,
} from "../../durable/engine/excellent";

const env: Environment = {
  ...defaultEnvironment(() => 1523471070123456000n),
  timezone: "America/Guayaquil",
  date_format: "DD-MM-YYYY",
  default_country: "RW",
  locations: SAMPLE_LOCATIONS,
};
const context = fromJSON({}) as XObject;

/** Runs a test on plain JSON arguments; the result with match/extra as JSON, null, or "ERROR". */
function run(test: string, operand: unknown, ...args: unknown[]): { match: string; extra?: string } | null | "ERROR" {
  const r = runRouterTest(env, context, test, fromJSON(operand), args.map(fromJSON));
  if (r === null) return null;
  if (isError(r as XValue)) return "ERROR";
  const { match, extra } = r as { match: XValue; extra?: XValue };
  return extra === undefined ? { match: toJSON(match) } : { match: toJSON(match), extra: toJSON(extra) };
}

describe("router tests: text", () => {
  it("match words, phrases and beginnings case-insensitively", () => {
    expect(run("has_any_word", "The Quick Brown Fox", "fox quick")).toEqual({ match: '"Quick Fox"' });
    expect(run("has_all_words", "the quick brown FOX", "the fox")).toEqual({ match: '"the FOX"' });
    expect(run("has_phrase", "the quick brown fox", "brown fox")).toEqual({ match: '"brown fox"' });
    expect(run("has_phrase", "the quick brown fox", "")).toEqual({ match: '""' });
    expect(run("has_only_phrase", "Quick Brown", "quick brown")).toEqual({ match: '"Quick Brown"' });
    expect(run("has_beginning", "The Quick Brown", "the quick")).toEqual({ match: '"The Quick"' });
    expect(run("has_beginning", "The Quick Brown", "quick brown")).toBeNull();
    expect(run("has_text", "  ")).toBeNull();
  });

  it("give regex groups as extra", () => {
    expect(run("has_pattern", "Buy cheese please", "buy (\\w+)")).toEqual({
      match: '"Buy cheese"',
      extra: '{"0":"Buy cheese","1":"cheese"}',
    });
    expect(run("has_pattern", "abc", "[")).toBe("ERROR");
  });

  it("read RE2 syntax: (?i), (?P<name>...), POSIX and unicode classes, with groups by number in extra", () => {
    expect(run("has_pattern", "YES please", "(?i)^yes")).toEqual({ match: '"YES"', extra: '{"0":"YES"}' });
    expect(run("has_pattern", "born in 1984", "\\d{4}")).toEqual({ match: '"1984"', extra: '{"0":"1984"}' });
    expect(run("has_pattern", "on 2024-05", "(?P<year>\\d{4})-(?P<month>\\d\\d)")).toEqual({
      match: '"2024-05"',
      extra: '{"0":"2024-05","1":"2024","2":"05"}',
    });
    expect(run("has_pattern", "code ab12", "[[:alpha:]]+([[:digit:]]+)")).toEqual({ match: '"ab12"', extra: '{"0":"ab12","1":"12"}' });
    expect(run("has_pattern", "12 éte", "\\pL+")).toEqual({ match: '"éte"', extra: '{"0":"éte"}' });
    expect(run("has_pattern", "a\nyes", "^yes$")).toEqual({ match: '"yes"', extra: '{"0":"yes"}' });
    expect(run("has_pattern", "no", "(?i)^yes")).toBeNull();
  });

  it("reject what RE2 rejects: backreferences, lookaround, possessive quantifiers", () => {
    for (const pattern of ["(a)\\1", "(?P<x>a)(?P=x)", "a(?=b)", "a(?!b)", "(?<=a)b", "(?<!a)b", "a++", "a**", "(?P<x>a)(?P<x>b)", "\\k<x>"]) {
      expect(run("has_pattern", "aab", pattern), pattern).toBe("ERROR");
    }
  });

  it("match in linear time, so patterns that backtrack catastrophically in JS answer at once", () => {
    const started = Date.now();
    const long = "a".repeat(5000) + "!";
    expect(run("has_pattern", long, "(a+)+$")).toBeNull();
    expect(run("has_pattern", long, "(a*)*b")).toBeNull();
    expect(run("has_pattern", long, "(a+)*b")).toBeNull();
    expect(run("has_pattern", long, "(a|aa)+$")).toBeNull();
    expect(run("has_pattern", long, "(\\w|a)+$")).toBeNull();
    expect(run("has_pattern", "word ".repeat(1000) + "!", "^(\\w+\\s?)+$")).toBeNull();
    expect(run("has_pattern", long, "^(a+)+!$")).toEqual({ match: JSON.stringify(long), extra: JSON.stringify({ 0: long, 1: "a".repeat(5000) }) });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuse a text too long for the pattern rather than search part of it", () => {
    expect(run("has_pattern", "a".repeat(1_000_000), "(a|b)+$")).toBe("ERROR");
  });

  it("treat emoji as words", () => {
    expect(run("has_any_word", "I ❤️ 🍕 a lot", "🍕")).toEqual({ match: '"🍕"' });
  });
});

describe("router tests: numbers and dates", () => {
  it("find the first number that passes, reading common SMS slips", () => {
    expect(run("has_number", "I have 2 cats and 45.5 dogs")).toEqual({ match: "2" });
    expect(run("has_number_gt", "I have 2 cats and 45.5 dogs", 10)).toEqual({ match: "45.5" });
    expect(run("has_number_between", "about 1O", 5, 15)).toEqual({ match: "10" });
    expect(run("has_number_eq", "it was 42.", 42)).toEqual({ match: "42" });
    expect(run("has_number_lt", "none", "x")).toBe("ERROR");
  });

  it("find dates in the environment's order, at the current time of day", () => {
    expect(run("has_date", "born 15/01/2017")).toEqual({ match: '"2017-01-15T13:24:30.123456-05:00"' });
    expect(run("has_date_eq", "the 15.01.2017 please", "2017-01-15")).toEqual({ match: '"2017-01-15T13:24:30.123456-05:00"' });
    expect(run("has_date_gt", "15/01/2017", "2017-01-15")).toBeNull();
    expect(run("has_time", "at 10:30 pm")).toEqual({ match: '"22:30:00.000000"' });
  });
});

describe("router tests: contact values", () => {
  it("find phone numbers, local to the environment's country or the one given", () => {
    expect(run("has_phone", "call me on 0788 123 123")).toEqual({ match: '"+250788123123"' });
    expect(run("has_phone", "call me on (206) 779-9294", "US")).toEqual({ match: '"+12067799294"' });
    expect(run("has_phone", "call me on 12", "US")).toBeNull();
    expect(run("has_phone", "+12067799294", "XX")).toBe("ERROR");
  });

  it("find email addresses", () => {
    expect(run("has_email", "write to Bob.Smith+flows@example.co.uk.")).toEqual({ match: '"Bob.Smith+flows@example.co.uk"' });
    expect(run("has_email", "me at example dot com")).toBeNull();
  });

  it("match groups by UUID, giving the group", () => {
    const groups = [{ uuid: "97fe7029-3a15-4005-b0c7-277b884fc1d5", name: "Testers" }];
    expect(run("has_group", groups, "97fe7029-3a15-4005-b0c7-277b884fc1d5")).toEqual({
      match: '{"name":"Testers","uuid":"97fe7029-3a15-4005-b0c7-277b884fc1d5"}',
    });
    expect(run("has_group", groups, "other")).toBeNull();
  });

  it("match result categories case-insensitively", () => {
    const result = { __default__: "red", value: "red", category: "Red" };
    expect(run("has_category", result, "blue", "RED")).toEqual({ match: '"Red"' });
    expect(run("has_category", result, "blue")).toBeNull();
  });

  it("match classifier intents above a confidence, giving entities as extra", () => {
    const result = {
      value: "book flight to Quito",
      extra: {
        intents: [
          { name: "book_flight", confidence: 0.5 },
          { name: "book_hotel", confidence: 0.25 },
        ],
        entities: { location: [{ value: "Quito", confidence: 1 }] },
      },
    };
    expect(run("has_intent", result, "book_hotel", 0.2)).toEqual({ match: '"book_hotel"', extra: '{"location":"Quito"}' });
    expect(run("has_top_intent", result, "book_hotel", 0.2)).toBeNull();
    expect(run("has_top_intent", result, "book_flight", 0.6)).toBeNull();
  });

  it("see errors and values", () => {
    expect(run("has_value", "x")).toEqual({ match: '"x"' });
    expect(run("has_value", null)).toBeNull();
    const failed = runRouterTest(env, context, "has_error", fromJSON(null), []);
    expect(failed).toBeNull();
  });

  it("reject unknown tests", () => {
    expect(run("has_magic", "x")).toBe("ERROR");
  });
});

describe("router tests: locations", () => {
  it("find states, districts and wards by name or alias", () => {
    expect(run("has_state", "I live in kigari")).toEqual({ match: '"Rwanda > Kigali City"' });
    expect(run("has_district", "Gasabo", "Kigali")).toEqual({ match: '"Rwanda > Kigali City > Gasabo"' });
    expect(run("has_district", "Gasabo", "Eastern Province")).toBeNull();
    expect(run("has_ward", "Ndera", "Gasabo", "Kigali")).toEqual({ match: '"Rwanda > Kigali City > Gasabo > Ndera"' });
    expect(run("has_ward", "Ndera", "Rwamagana", "Eastern Province")).toBeNull();
  });

  it("fail without a location hierarchy", () => {
    const plain = { ...env, locations: undefined };
    expect(isError(runRouterTest(plain, context, "has_state", fromJSON("Kigali"), []) as XValue)).toBe(true);
  });
});
